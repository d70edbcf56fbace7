import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { rescoreExecutionText } from '../domain/execution-summaries';
import { rescoreProgressQuery, type RescoreProgress } from '../workflows/definitions';
import type { rescoreProfileWorkflow } from '../workflows';
import { accountAttribute } from '../workflows/search-attributes';

/** One re-score per published version: a retried publish finds the same workflow. */
export function rescoreWorkflowId(accountId: string, profileId: string, version: number): string {
  return `rescore:${accountId}:${profileId}:v${version}`;
}

/**
 * Contacts per re-score page (one activity, cut into two transactions that run at once: see
 * activities/rescore-page.ts). 1,000 rather than the workflow's default 200: each transaction
 * still holds 500 contacts for well under a second, and fewer pages means fewer activity round
 * trips (the bench's 10,000 contacts: 10 instead of 50). Passed as input, so runs already
 * recorded keep theirs.
 */
export const RESCORE_PAGE_SIZE = 1000;

export async function startRescore(
  temporal: Client,
  taskQueue: string,
  accountId: string,
  profileId: string,
  version: number,
): Promise<{ workflowId: string }> {
  const workflowId = rescoreWorkflowId(accountId, profileId, version);
  await temporal.workflow.start<typeof rescoreProfileWorkflow>('rescoreProfileWorkflow', {
    workflowId,
    taskQueue,
    args: [{ accountId, profileId, version, pageSize: RESCORE_PAGE_SIZE }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: accountAttribute, value: accountId }],
    ...rescoreExecutionText(accountId, profileId, version),
  });
  return { workflowId };
}

/** Progress while it runs (a query), or its result once it is over; undefined if it never ran. */
export async function readRescoreProgress(
  temporal: Client,
  accountId: string,
  profileId: string,
  version: number,
): Promise<RescoreProgress | undefined> {
  const handle = temporal.workflow.getHandle<typeof rescoreProfileWorkflow>(
    rescoreWorkflowId(accountId, profileId, version),
  );
  try {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return await handle.result();
    return await handle.query(rescoreProgressQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}
