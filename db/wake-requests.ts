import type { Queryable } from './pool';
import { queryRows } from './query';

/**
 * A contact's wake-up mark (contacts.wake_requested_at): "its workflow has been signalled and has
 * not claimed since". Why no interaction is left behind:
 * - an ingest holds FOR KEY SHARE on the contact from before its insert until it commits
 *   (db/ingest.ts), and a claiming pass holds FOR UPDATE on it from before it reads the inbox
 *   until it commits (lockContactForScoring), and the two conflict;
 * - so either the ingest commits before the pass locks (the pass claims what it stored), or the
 *   pass commits first and the ingest reads the mark the pass left: cleared, so it marks and
 *   signals; still set only when the pass left work behind (a full batch), and then the workflow
 *   runs another pass anyway.
 */

/**
 * Marks the contacts (held FOR KEY SHARE by the caller) that are not already due to wake: no mark,
 * or one older than `staleSeconds` (its signal was lost: the API died, Temporal was away). Locks
 * them in id order, so concurrent ingests sharing contacts cannot deadlock; of those racing for
 * one contact only the first marks it. Answers the contacts this caller must now signal.
 */
export async function requestWakeUps(
  tx: Queryable,
  accountId: string,
  contactIds: readonly string[],
  staleSeconds: number,
): Promise<{ contactId: string; mark: string }[]> {
  if (contactIds.length === 0) return [];
  return queryRows<{ contactId: string; mark: string }>(
    tx,
    `WITH due AS (
       SELECT id FROM contacts
       WHERE account_id = $1 AND id = ANY($2::text[])
         AND (wake_requested_at IS NULL OR wake_requested_at < now() - make_interval(secs => $3))
       ORDER BY id
       FOR NO KEY UPDATE)
     UPDATE contacts c SET wake_requested_at = clock_timestamp()
     FROM due WHERE c.account_id = $1 AND c.id = due.id
     RETURNING c.id AS "contactId", c.wake_requested_at::text AS mark`,
    [accountId, contactIds, staleSeconds],
  );
}

/**
 * The signal for `mark` was not sent: clear the mark if it is still that one, so the next ingest
 * (a retry of this very request, say) signals at once instead of waiting for it to go stale.
 */
export async function releaseWakeUp(
  db: Queryable,
  accountId: string,
  contactId: string,
  mark: string,
): Promise<void> {
  await db.query(
    `UPDATE contacts SET wake_requested_at = NULL
     WHERE account_id = $1 AND id = $2 AND wake_requested_at = $3::timestamptz`,
    [accountId, contactId, mark],
  );
}

/**
 * The scoring pass has claimed the whole inbox: the next ingest must signal again. Call in the
 * claiming transaction, with the contact locked FOR UPDATE (lockContactForScoring).
 */
export async function clearWakeRequest(db: Queryable, accountId: string, contactId: string): Promise<void> {
  await db.query(
    `UPDATE contacts SET wake_requested_at = NULL
     WHERE account_id = $1 AND id = $2 AND wake_requested_at IS NOT NULL`,
    [accountId, contactId],
  );
}

/** The mark as stored, for tests and the operator: null when the contact is not due to wake. */
export async function readWakeRequest(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<string | null> {
  const rows = await queryRows<{ mark: string | null }>(
    db,
    'SELECT wake_requested_at::text AS mark FROM contacts WHERE account_id = $1 AND id = $2',
    [accountId, contactId],
  );
  return rows[0]?.mark ?? null;
}

/**
 * Takes up to `limit` contacts whose deferred refresh is due, oldest first, and moves their due
 * time `retrySeconds` on: the caller signals each, and a signal lost on the way is sent again
 * then, while a pass that answers clears it. SKIP LOCKED: contacts being scored are taken next time.
 */
export async function claimRefreshDue(
  db: Queryable,
  opts: { limit: number; retrySeconds: number; accountId?: string | undefined },
): Promise<{ accountId: string; contactId: string }[]> {
  return queryRows<{ accountId: string; contactId: string }>(
    db,
    `WITH due AS (
       SELECT account_id, id FROM contacts
       WHERE refresh_due_at <= now() AND ($1::text IS NULL OR account_id = $1)
       ORDER BY refresh_due_at LIMIT $2
       FOR NO KEY UPDATE SKIP LOCKED)
     UPDATE contacts c SET refresh_due_at = now() + make_interval(secs => $3)
     FROM due WHERE c.account_id = due.account_id AND c.id = due.id
     RETURNING c.account_id AS "accountId", c.id AS "contactId"`,
    [opts.accountId ?? null, opts.limit, opts.retrySeconds],
  );
}
