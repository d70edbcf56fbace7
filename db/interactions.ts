import type { AttributeValue, Interaction } from '../domain/interaction';
import type { Queryable } from './pool';

export interface StoredInteraction {
  id: string;
  type: string;
  occurredAt: string;
  attributes: Record<string, AttributeValue>;
}

/**
 * Stores what is new and reports what was already there. A repeat is not an error: the sender
 * may be retrying after a lost response, and the delivery that follows must still happen.
 */
export async function insertInteractions(
  db: Queryable,
  accountId: string,
  contactId: string,
  interactions: readonly Interaction[],
): Promise<{ inserted: string[]; duplicates: string[] }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO interactions (account_id, contact_id, id, type, occurred_at, attributes)
     SELECT $1, $2, i.id, i.type, i.occurred_at, i.attributes
     FROM jsonb_to_recordset($3::jsonb) AS i(id text, type text, occurred_at timestamptz, attributes jsonb)
     ON CONFLICT (account_id, contact_id, id) DO NOTHING
     RETURNING id`,
    [
      accountId,
      contactId,
      JSON.stringify(
        interactions.map((i) => ({
          id: i.id,
          type: i.type,
          occurred_at: i.occurredAt,
          attributes: i.attributes,
        })),
      ),
    ],
  );
  const inserted = new Set(rows.map((r) => r.id));
  const ids = [...new Set(interactions.map((i) => i.id))];
  return {
    inserted: ids.filter((id) => inserted.has(id)),
    duplicates: ids.filter((id) => !inserted.has(id)),
  };
}

/**
 * Marks up to `limit` unapplied interactions of a contact as applied and returns them, oldest
 * first. Call inside the transaction that writes their effects: a rollback un-claims them.
 */
export async function claimUnappliedInteractions(
  db: Queryable,
  accountId: string,
  contactId: string,
  limit: number,
): Promise<StoredInteraction[]> {
  const { rows } = await db.query<StoredInteraction>(
    `WITH claimed AS (
       UPDATE interactions SET applied_at = now()
       WHERE (account_id, contact_id, id) IN (
         SELECT account_id, contact_id, id FROM interactions
         WHERE account_id = $1 AND contact_id = $2 AND applied_at IS NULL AND set_aside_at IS NULL
         ORDER BY received_at, id LIMIT $3 FOR UPDATE)
       RETURNING id, type, occurred_at, attributes, received_at)
     SELECT id, type, occurred_at AS "occurredAt", attributes FROM claimed ORDER BY occurred_at, received_at, id`,
    [accountId, contactId, limit],
  );
  return rows.map((r) => ({ ...r, occurredAt: new Date(r.occurredAt).toISOString() }));
}

/**
 * Claims one interaction by id (see claimUnappliedInteractions). Used when a batch failed with a
 * permanent error and its interactions are applied one at a time to find the one to set aside.
 */
export async function claimInteraction(
  db: Queryable,
  accountId: string,
  contactId: string,
  id: string,
): Promise<StoredInteraction[]> {
  const { rows } = await db.query<StoredInteraction>(
    `UPDATE interactions SET applied_at = now()
     WHERE account_id = $1 AND contact_id = $2 AND id = $3 AND applied_at IS NULL AND set_aside_at IS NULL
     RETURNING id, type, occurred_at AS "occurredAt", attributes`,
    [accountId, contactId, id],
  );
  return rows.map((r) => ({ ...r, occurredAt: new Date(r.occurredAt).toISOString() }));
}

/** The ids claimUnappliedInteractions would claim, in its order, locked. */
export async function lockUnappliedIds(
  db: Queryable,
  accountId: string,
  contactId: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM interactions
     WHERE account_id = $1 AND contact_id = $2 AND applied_at IS NULL AND set_aside_at IS NULL
     ORDER BY received_at, id LIMIT $3 FOR UPDATE`,
    [accountId, contactId, limit],
  );
  return rows.map((r) => r.id);
}

/** Takes an interaction out of the inbox for good, with why: it is neither applied nor pending. */
export async function setInteractionAside(
  db: Queryable,
  accountId: string,
  contactId: string,
  id: string,
  reason: string,
): Promise<{ id: string; type: string; reason: string }> {
  const { rows } = await db.query<{ id: string; type: string; reason: string }>(
    `UPDATE interactions SET set_aside_at = now(), set_aside_reason = $4
     WHERE account_id = $1 AND contact_id = $2 AND id = $3
     RETURNING id, type, set_aside_reason AS reason`,
    [accountId, contactId, id, reason],
  );
  return rows[0]!;
}

export interface SetAsideInteraction {
  id: string;
  type: string;
  occurredAt: string;
  setAsideAt: string;
  reason: string;
}

/** A contact's set-aside interactions, newest first. */
export async function listSetAsideInteractions(
  db: Queryable,
  accountId: string,
  contactId: string,
  limit: number,
): Promise<SetAsideInteraction[]> {
  const { rows } = await db.query<{
    id: string;
    type: string;
    occurred_at: Date;
    set_aside_at: Date;
    reason: string;
  }>(
    `SELECT id, type, occurred_at, set_aside_at, set_aside_reason AS reason FROM interactions
     WHERE account_id = $1 AND contact_id = $2 AND set_aside_at IS NOT NULL
     ORDER BY set_aside_at DESC, id LIMIT $3`,
    [accountId, contactId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    setAsideAt: r.set_aside_at.toISOString(),
    reason: r.reason,
  }));
}

/** Set-aside interactions of every account, for the metric. */
export async function countSetAsideInteractions(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM interactions WHERE set_aside_at IS NOT NULL',
  );
  return Number(rows[0]!.n);
}

export type InteractionState = 'pending' | 'applied' | 'set_aside';

export async function readInteractionState(
  db: Queryable,
  accountId: string,
  contactId: string,
  id: string,
): Promise<{ state: InteractionState; reason: string | null } | null> {
  const { rows } = await db.query<{ applied: boolean; set_aside: boolean; reason: string | null }>(
    `SELECT applied_at IS NOT NULL AS applied, set_aside_at IS NOT NULL AS set_aside, set_aside_reason AS reason
     FROM interactions WHERE account_id = $1 AND contact_id = $2 AND id = $3`,
    [accountId, contactId, id],
  );
  const row = rows[0];
  if (!row) return null;
  return { state: row.applied ? 'applied' : row.set_aside ? 'set_aside' : 'pending', reason: row.reason };
}
