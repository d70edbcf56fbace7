import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { ReconcileInboxInput } from '../domain/inbox-reconciliation';

const { wakeStrandedContacts } = proxyActivities<ReturnType<typeof activities.createActivities>>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '20 seconds',
  // The next scheduled pass starts over anyway: a few tries, then give the slot back.
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
  },
});

/** Pages per run before handing over, so a large backlog never makes a large history. */
const PAGES_PER_RUN = 100;

/**
 * Started by the reconciler Schedule (clients/reconciler-schedule.ts) every few seconds: wakes
 * every contact whose stored interactions have waited past the grace period, page by page. The
 * Schedule skips a tick while a pass is still running, so passes never overlap.
 */
export async function reconcileInboxWorkflow(input: ReconcileInboxInput): Promise<{ woken: number }> {
  let after = input.after;
  let woken = input.wokenBefore ?? 0;
  for (let page = 0; ; page++) {
    if (page >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof reconcileInboxWorkflow>({ ...input, after, wokenBefore: woken });
    const result = await wakeStrandedContacts({
      graceSeconds: input.graceSeconds,
      pageSize: input.pageSize,
      accountId: input.accountId,
      after,
    });
    woken += result.woken;
    if (!result.next) return { woken };
    after = result.next;
  }
}
