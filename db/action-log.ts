import type { Queryable } from './pool';

/* automation_actions: one row per action key, the record that makes a retried or replayed step act once. */

export type ActionState = 'done' | 'skipped' | 'sending' | 'pending';

export interface ActionRecord {
  accountId: string;
  actionKey: string;
  contactId: string;
  kind: string;
  state: ActionState;
  reason: string | null;
  detail: string | null;
  attempts: number;
  claimedAt: string | null;
  lastError: string | null;
  possibleDuplicate: boolean;
}

export const ACTION_COLUMNS = `account_id AS "accountId", action_key AS "actionKey", contact_id AS "contactId", kind, state,
  reason, detail, attempts, claimed_at AS "claimedAt", last_error AS "lastError", possible_duplicate AS "possibleDuplicate"`;

export interface ActionKeyRef {
  accountId: string;
  actionKey: string;
}

export interface ActionIdentity extends ActionKeyRef {
  contactId: string;
  kind: string;
}

export async function readActionRecord(db: Queryable, ref: ActionKeyRef): Promise<ActionRecord | undefined> {
  const { rows } = await db.query<ActionRecord>(
    `SELECT ${ACTION_COLUMNS} FROM automation_actions WHERE account_id = $1 AND action_key = $2`,
    [ref.accountId, ref.actionKey],
  );
  return rows[0];
}

/** Records a final outcome of an action done inside the caller's transaction; a key already there is an error. */
export async function insertFinalOutcome(
  db: Queryable,
  action: ActionIdentity,
  outcome: { state: 'done' | 'skipped'; reason?: string | undefined; detail?: string | undefined },
): Promise<void> {
  await db.query(
    `INSERT INTO automation_actions (account_id, action_key, contact_id, kind, state, reason, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      action.accountId,
      action.actionKey,
      action.contactId,
      action.kind,
      outcome.state,
      outcome.reason ?? null,
      outcome.detail ?? null,
    ],
  );
}
