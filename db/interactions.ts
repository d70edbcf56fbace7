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
         WHERE account_id = $1 AND contact_id = $2 AND applied_at IS NULL
         ORDER BY received_at, id LIMIT $3 FOR UPDATE)
       RETURNING id, type, occurred_at, attributes, received_at)
     SELECT id, type, occurred_at AS "occurredAt", attributes FROM claimed ORDER BY occurred_at, received_at, id`,
    [accountId, contactId, limit],
  );
  return rows.map((r) => ({ ...r, occurredAt: new Date(r.occurredAt).toISOString() }));
}

export async function countUnappliedInteractions(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM interactions WHERE account_id = $1 AND contact_id = $2 AND applied_at IS NULL',
    [accountId, contactId],
  );
  return Number(rows[0]!.n);
}

export async function isInteractionApplied(
  db: Queryable,
  accountId: string,
  contactId: string,
  id: string,
): Promise<boolean> {
  const { rows } = await db.query<{ applied: boolean }>(
    'SELECT applied_at IS NOT NULL AS applied FROM interactions WHERE account_id = $1 AND contact_id = $2 AND id = $3',
    [accountId, contactId, id],
  );
  return rows[0]?.applied ?? false;
}
