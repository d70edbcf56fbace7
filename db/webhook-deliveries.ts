import type { ActionKeyRef } from './action-log';
import type { Queryable } from './pool';

/*
 * How a webhook attempt that claimed its action key (db/delivery-claims.ts claimDelivery) settles
 * it, with the receiver's status. Only the attempt holding `token` (its attempt number) may.
 */

const HELD_BY_TOKEN = `account_id = $1 AND action_key = $2 AND state = 'sending' AND attempts = $3`;

export interface AttemptResult {
  token: number;
  /** The receiver's HTTP status; null when there was no reply (timeout, refused connection). */
  status: number | null;
  error?: string | undefined;
}

const SETTLE = {
  /** The receiver took it (2xx). */
  delivered: `state = 'done', detail = $5, last_error = NULL`,
  /** Worth another try (5xx, no reply): released for the next attempt, with why. */
  retry: `state = 'pending', last_error = $5`,
  /** Refused for good (4xx, a redirect, an address Pulse may not call): never retried. */
  failed: `state = 'failed', last_error = $5`,
};

export async function settleWebhookAttempt(
  db: Queryable,
  ref: ActionKeyRef,
  how: keyof typeof SETTLE,
  result: AttemptResult,
): Promise<void> {
  await db.query(
    `UPDATE automation_actions SET ${SETTLE[how]}, response_status = $4, updated_at = now() WHERE ${HELD_BY_TOKEN}`,
    [ref.accountId, ref.actionKey, result.token, result.status, result.error ?? `HTTP ${result.status}`],
  );
}
