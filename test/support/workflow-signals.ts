import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const SIGNALED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;

/**
 * Every signal a workflow id received, over all its runs (walked back from the current run through
 * continue-as-new), oldest run first: its name and the ids of the interactions it announced.
 */
export async function signalsReceived(
  client: Client,
  workflowId: string,
): Promise<{ runs: number; signals: { name: string; ids: string[] }[] }> {
  const runs: { name: string; ids: string[] }[][] = [];
  let runId: string | undefined = undefined;
  for (;;) {
    const history: temporal.api.history.v1.IHistory = await client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    runs.unshift(
      events
        .filter((e) => e.eventType === SIGNALED)
        .map((e) => {
          const attrs = e.workflowExecutionSignaledEventAttributes!;
          const payload = attrs.input?.payloads?.[0];
          const refs = payload?.data
            ? (JSON.parse(Buffer.from(payload.data).toString()) as { id: string }[])
            : [];
          return { name: attrs.signalName ?? '', ids: refs.map((r) => r.id) };
        }),
    );
    const previous: string | null | undefined =
      events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) break;
    runId = previous;
  }
  return { runs: runs.length, signals: runs.flat() };
}
