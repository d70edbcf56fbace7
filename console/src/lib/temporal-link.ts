/** Links into the Temporal Web UI, whose base URL the person sets at sign-in. */

const root = (uiBase: string, namespace: string) =>
  `${uiBase.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows`;

/**
 * One run's history; without a run id, the UI's list filtered to the workflow id (every run of it,
 * the current one first: a contact's workflow continues-as-new).
 */
export function workflowUrl(uiBase: string, namespace: string, workflowId: string, runId?: string): string {
  if (runId) {
    return `${root(uiBase, namespace)}/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
  }
  const query = `WorkflowId = "${workflowId.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return `${root(uiBase, namespace)}?query=${encodeURIComponent(query)}`;
}
