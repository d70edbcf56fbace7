import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** Whether Temporal knows a workflow by this id (any run, any status). */
export async function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
