import type { LedgerBatch, LedgerPath } from '../domain/ledger-path';
import type { Queryable } from './pool';

/** More batches than one call normally sees by far; past it, changeSteps' last step covers the rest. */
const MAX_SEGMENTS = 2_000;

/** The contact's last ledger row id ('0' when it has none). */
export async function readLedgerEnd(db: Queryable, accountId: string, contactId: string): Promise<string> {
  const { rows } = await db.query<{ last: string | null }>(
    'SELECT max(id)::text AS last FROM score_ledger WHERE account_id = $1 AND contact_id = $2',
    [accountId, contactId],
  );
  return rows[0]?.last ?? '0';
}

/**
 * The contact's ledger after `cursor`, batch by batch, and its last row id. The caller holds the
 * contact's lock, so no writer is between its inserts and ids only grow in commit order.
 */
export async function readLedgerPath(
  db: Queryable,
  accountId: string,
  contactId: string,
  cursor: string,
): Promise<LedgerPath> {
  const last = await readLedgerEnd(db, accountId, contactId);
  if (BigInt(cursor) >= BigInt(last)) return { cursor: last, batches: [] };
  const { rows } = await db.query<{
    batch: string;
    profile_id: string;
    profile_version: number;
    rescore: boolean;
    before: number;
    after: number;
  }>(
    `SELECT COALESCE(tx_id::text, created_at::text) AS batch, profile_id, profile_version, rescore,
       (array_agg(score_after - delta ORDER BY id))[1] AS before,
       (array_agg(score_after ORDER BY id DESC))[1] AS after
     FROM score_ledger
     WHERE account_id = $1 AND contact_id = $2 AND id > $3 AND id <= $4
     GROUP BY COALESCE(tx_id::text, created_at::text), profile_id, profile_version, rescore
     ORDER BY min(id)
     LIMIT $5`,
    [accountId, contactId, cursor, last, MAX_SEGMENTS],
  );
  const batches: LedgerBatch[] = [];
  let current: { key: string; batch: LedgerBatch } | undefined;
  for (const row of rows) {
    if (current?.key !== row.batch) {
      current = { key: row.batch, batch: { segments: [] } };
      batches.push(current.batch);
    }
    current.batch.segments.push({
      profileId: row.profile_id,
      version: row.profile_version,
      rescore: row.rescore,
      before: row.before,
      after: row.after,
    });
  }
  return { cursor: last, batches };
}
