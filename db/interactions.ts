import type { AttributeValue, Interaction } from '../domain/interaction';
import type { Queryable } from './pool';
import { groupByContact, queryRows } from './query';

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

/** Still in the inbox: neither applied nor set aside. */
const PENDING = 'applied_at IS NULL AND set_aside_at IS NULL';

/** The inbox's next `limit` ($3) pending interactions of a contact, in arrival order, locked. */
const nextPending = (columns: string) => `SELECT ${columns} FROM interactions
         WHERE account_id = $1 AND contact_id = $2 AND ${PENDING}
         ORDER BY received_at, id LIMIT $3 FOR UPDATE`;

/**
 * A timestamptz column as the string Date#toISOString gives, formatted by Postgres: parsing
 * every value into a Date in node-pg and back was half the worker's CPU in reading a re-score's
 * interactions (100,000 rows: 0.8 s of Node CPU, 0.35 s this way). Postgres has no such form for
 * years outside 0001-9999 (an offset can push an instant just past either end): those come as
 * epoch milliseconds, which `isoInstant` turns into the same string.
 */
export function isoInstantSql(column: string): string {
  return `CASE WHEN ${column} >= '0001-01-01T00:00:00Z' AND ${column} < '10000-01-01T00:00:00Z'
            THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            ELSE (extract(epoch FROM ${column}) * 1000)::float8::text END`;
}

/** What isoInstantSql read, as Date#toISOString writes it. */
export function isoInstant(value: string): string {
  return /^\d{4}-/.test(value) ? value : new Date(Number(value)).toISOString();
}

/** Rows read with isoInstantSql('occurred_at') AS "occurredAt". */
export function withIsoTimes<T extends StoredInteraction>(rows: T[]): T[] {
  for (const row of rows) row.occurredAt = isoInstant(row.occurredAt);
  return rows;
}

/**
 * Marks pending interactions of a contact as applied and returns them, oldest first: the next
 * `limit` of the inbox, or the one with `id` (a batch Postgres refused is applied one at a time to
 * find what to set aside). Call inside the transaction that writes their effects: a rollback
 * un-claims them.
 */
export async function claimInteractions(
  db: Queryable,
  accountId: string,
  contactId: string,
  which: { limit: number } | { id: string },
): Promise<StoredInteraction[]> {
  // The batch is chosen once (an uncorrelated ARRAY(...) is an init plan) and then found by primary
  // key. As an IN (subquery), with the row estimates of a freshly filled inbox, the planner chose a
  // nested-loop semi-join that rescanned the LIMIT … FOR UPDATE per row: it ignored the limit
  // (1,500 claimed with a limit of 1,000) and took quadratic time (3.8 s for 1,500); a join on a
  // MATERIALIZED CTE still compared every pair (0.9 s).
  const next =
    'id' in which
      ? `SELECT id FROM interactions WHERE account_id = $1 AND contact_id = $2 AND id = $3 AND ${PENDING}`
      : nextPending('id');
  const rows = await queryRows<StoredInteraction>(
    db,
    `WITH claimed AS (
       UPDATE interactions SET applied_at = now()
       WHERE account_id = $1 AND contact_id = $2 AND id = ANY(ARRAY(${next}))
       RETURNING id, type, occurred_at, attributes, received_at)
     SELECT id, type, ${isoInstantSql('occurred_at')} AS "occurredAt", attributes
     FROM claimed ORDER BY occurred_at, received_at, id`,
    [accountId, contactId, 'id' in which ? which.id : which.limit],
  );
  return withIsoTimes(rows);
}

/** The ids claimInteractions would claim, in its order, locked. */
export async function lockUnappliedIds(
  db: Queryable,
  accountId: string,
  contactId: string,
  limit: number,
): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, nextPending('id'), [accountId, contactId, limit]);
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
  type Row = Omit<SetAsideInteraction, 'occurredAt' | 'setAsideAt'> & {
    occurred_at: Date;
    set_aside_at: Date;
  };
  const { rows } = await db.query<Row>(
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

/**
 * Every pending interaction of these contacts, claimed in one statement, each contact's in
 * claimInteractions' order. The caller holds the contacts' locks and bounds what it takes by
 * looking at the counts (scoring at ingest leaves a backlog to the contact's workflow).
 */
export async function claimPendingOf(
  db: Queryable,
  accountId: string,
  contactIds: readonly string[],
): Promise<Map<string, StoredInteraction[]>> {
  const rows = await queryRows<StoredInteraction & { contactId: string }>(
    db,
    `WITH claimed AS (
       UPDATE interactions SET applied_at = now()
       WHERE account_id = $1 AND contact_id = ANY($2::text[]) AND ${PENDING}
       RETURNING contact_id, id, type, occurred_at, attributes, received_at)
     SELECT contact_id AS "contactId", id, type, ${isoInstantSql('occurred_at')} AS "occurredAt", attributes
     FROM claimed ORDER BY contact_id, occurred_at, received_at, id`,
    [accountId, contactIds],
  );
  return groupByContact(withIsoTimes(rows));
}
