import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { ScheduleOptionsStartWorkflowAction, ScheduleSpec } from '@temporalio/client';
import { reconcilerExecutionText } from '../domain/execution-summaries';
import type { ReconcileInboxInput } from '../domain/inbox-reconciliation';
import type { reconcileInboxWorkflow } from '../workflows';

export interface ReconcilerSettings {
  taskQueue: string;
  /** How often a pass starts (RECONCILE_INTERVAL_SECONDS). */
  intervalSeconds: number;
  /** How long an interaction waits for its own signal before the reconciler wakes its contact (RECONCILE_GRACE_SECONDS). */
  graceSeconds: number;
  /** Tests: only this account's contacts. */
  accountId?: string;
}

/** One Schedule per task queue: the worker of that queue runs its passes. */
export function reconcilerScheduleId(taskQueue: string): string {
  return `pulse-reconciler:${taskQueue}`;
}

/**
 * Creates the reconciler's Schedule, or brings an existing one to these settings, so every worker
 * start-up can call it (idempotent). Overlap SKIP: a tick that finds the previous pass still
 * running is dropped, never queued; after an outage only the latest missed tick runs.
 */
export async function ensureReconcilerSchedule(client: Client, settings: ReconcilerSettings): Promise<void> {
  const scheduleId = reconcilerScheduleId(settings.taskQueue);
  const spec: ScheduleSpec = { intervals: [{ every: `${settings.intervalSeconds}s` }] };
  const input: ReconcileInboxInput = {
    graceSeconds: settings.graceSeconds,
    ...(settings.accountId !== undefined && { accountId: settings.accountId }),
  };
  const action: ScheduleOptionsStartWorkflowAction<typeof reconcileInboxWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'reconcileInboxWorkflow',
    workflowId: scheduleId,
    taskQueue: settings.taskQueue,
    args: [input],
    // A pass that cannot finish (Postgres away) gives its slot back; the next tick starts afresh.
    workflowExecutionTimeout: '10 minutes',
    ...reconcilerExecutionText(settings.graceSeconds, settings.accountId),
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' } as const;
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(scheduleId)
      .update<typeof reconcileInboxWorkflow>((previous) => ({ ...previous, spec, action, policies }));
  }
}
