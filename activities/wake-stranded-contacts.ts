import { Context } from '@temporalio/activity';
import { deliverInteractions, wakeContact } from '../clients/contact-workflow';
import type { Db } from '../db/pool';
import { findStrandedContacts } from '../db/stranded-interactions';
import { claimRefreshDue } from '../db/wake-requests';
import type { ReconcileInboxInput, WakePageResult } from '../domain/inbox-reconciliation';

const DEFAULT_PAGE_SIZE = 200;
/** Signals in flight at once: enough to wake a page in about a second without flooding the server. */
const WAKE_CONCURRENCY = 8;
/** A refresh signalled and not answered by a pass in this time is signalled again. */
const REFRESH_RETRY_SECONDS = 60;

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
    // Once per reconciler pass (its first page): contacts scored at ingest whose workflow is due
    // to catch up (SCORE_AT_INGEST_REFRESH_SECONDS), at most a page of them per tick.
    const refreshes =
      input.after === undefined
        ? await claimRefreshDue(db, {
            limit,
            retrySeconds: REFRESH_RETRY_SECONDS,
            accountId: input.accountId,
          })
        : [];
    const wakes = [
      ...stranded.map(
        ({ accountId, contactId, oldest }) =>
          () =>
            deliverInteractions(client, info.taskQueue, accountId, contactId, [oldest]),
      ),
      ...refreshes.map((contact) => () => wakeContact(client, info.taskQueue, contact, [])),
    ];
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < wakes.length; i = next++) {
        await wakes[i]!();
        Context.current().heartbeat(i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WAKE_CONCURRENCY, wakes.length) }, lane));
    const last = stranded.at(-1);
    return {
      woken: wakes.length,
      ...(stranded.length === limit &&
        last && { next: { accountId: last.accountId, contactId: last.contactId } }),
    };
  };
}
