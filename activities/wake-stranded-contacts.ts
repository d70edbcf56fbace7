import { Context } from '@temporalio/activity';
import { deliverInteractions } from '../clients/contact-workflow';
import type { Db } from '../db/pool';
import { findStrandedContacts } from '../db/stranded-interactions';
import type { ReconcileInboxInput, WakePageResult } from '../domain/inbox-reconciliation';

const DEFAULT_PAGE_SIZE = 200;
/** Signals in flight at once: enough to wake a page in about a second without flooding the server. */
const WAKE_CONCURRENCY = 8;

/**
 * One page of the reconciler: finds contacts whose interactions have waited past the grace period
 * and wakes each contact's workflow the way the API does (signal-with-start naming the oldest
 * waiting interaction; the pass that follows claims all of them). A workflow that already knows
 * the interaction ignores the repeat, so a retried page costs signals, never double counting.
 */
export function createWakeStrandedContacts(db: Db) {
  return async function wakeStrandedContacts(
    input: Pick<ReconcileInboxInput, 'graceSeconds' | 'pageSize' | 'accountId' | 'after'>,
  ): Promise<WakePageResult> {
    const limit = input.pageSize ?? DEFAULT_PAGE_SIZE;
    const stranded = await findStrandedContacts(db, {
      olderThanSeconds: input.graceSeconds,
      limit,
      after: input.after,
      accountId: input.accountId,
    });
    const { client, info } = Context.current();
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < stranded.length; i = next++) {
        const { accountId, contactId, oldest } = stranded[i]!;
        await deliverInteractions(client, info.taskQueue, accountId, contactId, [oldest]);
        Context.current().heartbeat(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WAKE_CONCURRENCY, stranded.length) }, lane));
    const last = stranded.at(-1);
    return {
      woken: stranded.length,
      ...(stranded.length === limit &&
        last && { next: { accountId: last.accountId, contactId: last.contactId } }),
    };
  };
}
