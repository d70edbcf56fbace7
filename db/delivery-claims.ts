import {
  ACTION_COLUMNS,
  readActionRecord,
  type ActionIdentity,
  type ActionKeyRef,
  type ActionRecord,
} from './action-log';
import type { Queryable } from './pool';

/*
 * Deliveries that leave the system (email, SMS) claim their action key in a statement of its own
 * before sending, and settle it afterwards; see activities/actions/delivery.ts.
 */

/**
 * Claims the key for one delivery attempt, in a statement of its own (committed before anything is
 * sent). Succeeds for a new key, a 'pending' one (the last attempt failed for certain) and a
 * 'sending' one whose claim is older than `leaseMs` (its attempt died somewhere between sending and
 * recording). Returns the claim's token (its attempt number), or undefined when the key is taken:
 * then read the record to see by what.
 */
export async function claimDelivery(
  db: Queryable,
  action: ActionIdentity,
  leaseMs: number,
  detail: string,
): Promise<{ token: number; afterLostAttempt: boolean } | undefined> {
  const { rows } = await db.query<{ token: number; afterLostAttempt: boolean }>(
    `INSERT INTO automation_actions (account_id, action_key, contact_id, kind, state, detail, attempts, claimed_at)
     VALUES ($1, $2, $3, $4, 'sending', $5, 1, now())
     ON CONFLICT (account_id, action_key) DO UPDATE SET
       state = 'sending',
       detail = EXCLUDED.detail,
       attempts = automation_actions.attempts + 1,
       claimed_at = now(),
       possible_duplicate = automation_actions.possible_duplicate OR automation_actions.state = 'sending',
       updated_at = now()
     WHERE automation_actions.contact_id = EXCLUDED.contact_id AND automation_actions.kind = EXCLUDED.kind
       AND (automation_actions.state = 'pending'
            OR (automation_actions.state = 'sending'
                AND automation_actions.claimed_at < now() - make_interval(secs => $6::double precision / 1000)))
     RETURNING attempts AS token, possible_duplicate AS "afterLostAttempt"`,
    [action.accountId, action.actionKey, action.contactId, action.kind, detail, leaseMs],
  );
  return rows[0];
}

/**
 * The delivery happened. Whichever attempt reports it wins over a failure another attempt recorded:
 * something was delivered under this key, so it is done.
 */
export async function markDelivered(db: Queryable, ref: ActionKeyRef, detail: string): Promise<void> {
  await db.query(
    `UPDATE automation_actions SET state = 'done', detail = $3, last_error = NULL, updated_at = now()
     WHERE account_id = $1 AND action_key = $2 AND state IN ('sending', 'pending')`,
    [ref.accountId, ref.actionKey, detail],
  );
}

/** The attempt holding `token` failed for certain: nothing was accepted, the next attempt may send. */
export async function releaseDelivery(
  db: Queryable,
  ref: ActionKeyRef,
  token: number,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE automation_actions SET state = 'pending', last_error = $4, updated_at = now()
     WHERE account_id = $1 AND action_key = $2 AND state = 'sending' AND attempts = $3`,
    [ref.accountId, ref.actionKey, token, error],
  );
}

/** The attempt holding `token` keeps the claim but notes why it could not tell whether it delivered. */
export async function noteUncertainDelivery(
  db: Queryable,
  ref: ActionKeyRef,
  token: number,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE automation_actions SET last_error = $4, updated_at = now()
     WHERE account_id = $1 AND action_key = $2 AND state = 'sending' AND attempts = $3`,
    [ref.accountId, ref.actionKey, token, error],
  );
}

/**
 * Records a skip decided outside a transaction (DND, no address, a permanent rejection). It takes
 * the place of a 'pending' record, and of a 'sending' one only for the attempt holding `token`
 * (or, without a token, one whose lease ran out). Returns the record as it stands afterwards,
 * which is another attempt's outcome if that one got there first.
 */
export async function recordSkip(
  db: Queryable,
  action: ActionIdentity,
  skip: { reason: string; detail?: string | undefined; token?: number | undefined; leaseMs: number },
): Promise<ActionRecord> {
  const { rows } = await db.query<ActionRecord>(
    `INSERT INTO automation_actions AS a (account_id, action_key, contact_id, kind, state, reason, detail)
     VALUES ($1, $2, $3, $4, 'skipped', $5, $6)
     ON CONFLICT (account_id, action_key) DO UPDATE SET
       state = 'skipped', reason = EXCLUDED.reason, detail = EXCLUDED.detail, updated_at = now()
     WHERE a.contact_id = EXCLUDED.contact_id AND a.kind = EXCLUDED.kind
       AND (a.state = 'pending'
            OR (a.state = 'sending' AND ($7::integer IS NULL OR a.attempts = $7)
                AND ($7::integer IS NOT NULL OR a.claimed_at < now() - make_interval(secs => $8::double precision / 1000))))
     RETURNING ${ACTION_COLUMNS}`,
    [
      action.accountId,
      action.actionKey,
      action.contactId,
      action.kind,
      skip.reason,
      skip.detail ?? null,
      skip.token ?? null,
      skip.leaseMs,
    ],
  );
  return rows[0] ?? (await readActionRecord(db, action))!;
}
