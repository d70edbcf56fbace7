import type { Queryable } from './pool';
import { queryFirst } from './query';

/* automation_actions: one row per action key, the record that makes a retried or replayed step act once. */

/** 'failed': refused for good by the receiver (webhooks: a 4xx, a refused address); never retried. */
export type ActionState = 'done' | 'skipped' | 'sending' | 'pending' | 'failed';

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
  /** Webhooks: the receiver's last HTTP status (null: no reply yet, or not a webhook). */
  responseStatus: number | null;
}

export const ACTION_COLUMNS = `account_id AS "accountId", action_key AS "actionKey", contact_id AS "contactId", kind, state,
  reason, detail, attempts, claimed_at AS "claimedAt", last_error AS "lastError", possible_duplicate AS "possibleDuplicate",
  response_status AS "responseStatus"`;

export interface ActionKeyRef {
  accountId: string;
  actionKey: string;
}

export interface ActionIdentity extends ActionKeyRef {
  contactId: string;
  kind: string;
}

export async function readActionRecord(db: Queryable, ref: ActionKeyRef): Promise<ActionRecord | undefined> {
  return queryFirst<ActionRecord>(
    db,
    `SELECT ${ACTION_COLUMNS} FROM automation_actions WHERE account_id = $1 AND action_key = $2`,
    [ref.accountId, ref.actionKey],
  );
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

/**
 * Steps an automation will never take (it was cancelled), as skipped rows. A key already there
 * keeps its row: a step that ran stays what it was. Nothing is written for a deleted contact.
 */
export async function recordStepsNotTaken(
  db: Queryable,
  contact: { accountId: string; contactId: string },
  steps: { step: string; actionKey: string }[],
  reason: string,
): Promise<void> {
  if (steps.length === 0) return;
  await db.query(
    `INSERT INTO automation_actions (account_id, action_key, contact_id, kind, state, reason)
     SELECT c.account_id, s.action_key, c.id, s.step, 'skipped', $5
       FROM contacts c, unnest($3::text[], $4::text[]) AS s(step, action_key)
      WHERE c.account_id = $1 AND c.id = $2
     ON CONFLICT (account_id, action_key) DO NOTHING`,
    [contact.accountId, contact.contactId, steps.map((s) => s.step), steps.map((s) => s.actionKey), reason],
  );
}

export interface ActionListing extends ActionRecord {
  createdAt: string;
  updatedAt: string;
}

/** A contact's recorded actions, newest first (at most `limit`). */
export async function listContactActions(
  db: Queryable,
  accountId: string,
  contactId: string,
  limit: number,
): Promise<ActionListing[]> {
  const { rows } = await db.query<ActionListing>(
    `SELECT ${ACTION_COLUMNS}, created_at AS "createdAt", updated_at AS "updatedAt" FROM automation_actions
      WHERE account_id = $1 AND contact_id = $2 ORDER BY created_at DESC, action_key LIMIT $3`,
    [accountId, contactId, limit],
  );
  return rows;
}

/** Action keys of a contact's automations (those starting with `prefix`), with when each was first recorded. */
export async function readAutomationActionKeys(
  db: Queryable,
  accountId: string,
  contactId: string,
  prefix: string,
): Promise<{ actionKey: string; createdAt: number }[]> {
  const { rows } = await db.query<{ actionKey: string; createdAt: Date }>(
    `SELECT action_key AS "actionKey", created_at AS "createdAt" FROM automation_actions
      WHERE account_id = $1 AND contact_id = $2 AND starts_with(action_key, $3)`,
    [accountId, contactId, prefix],
  );
  return rows.map((r) => ({ actionKey: r.actionKey, createdAt: r.createdAt.getTime() }));
}
