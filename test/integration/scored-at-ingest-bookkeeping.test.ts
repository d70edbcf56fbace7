import { randomUUID } from 'node:crypto';
import { createPool, withTransaction, type Db } from '../../db/pool';
import { runWrites } from '../../db/combined-writes';
import { scoredAtIngestWrite } from '../../db/scores';

/**
 * Scoring at ingest's bookkeeping touches the request's contacts only, however many contacts the
 * account has and whatever the planner believes of it (a young table's statistics once made it
 * walk every contact of the account on the primary key's account prefix).
 */
let db: Db;
beforeAll(() => {
  db = createPool(process.env.DATABASE_URL!);
});
afterAll(async () => {
  await db?.end();
});

it('when one contact of an account of 2,000 is scored at ingest, then the bookkeeping reads that contact alone', async () => {
  const accountId = `bookkeeping-${randomUUID()}`;
  await db.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [accountId]);
  const addContacts = (from: number, to: number) =>
    db.query(
      `INSERT INTO contacts (account_id, id, name) SELECT $1, 'c' || n, 'c' || n FROM generate_series($2::int, $3::int) n`,
      [accountId, from, to],
    );
  // Statistics taken while the account was one contact: what a young account looks like to the planner.
  await addContacts(1, 1);
  await db.query('ANALYZE contacts');
  await addContacts(2, 2000);
  const fetched = await withTransaction(db, async (tx) => {
    await runWrites(tx, accountId, [
      scoredAtIngestWrite([{ contactId: 'c7', applied: 2, refresh: true }], 30),
    ]);
    const { rows } = await tx.query<{ fetched: string }>(
      `SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) AS fetched
       FROM pg_stat_xact_user_tables WHERE relname = 'contacts'`,
    );
    return Number(rows[0]!.fetched);
  });
  expect(fetched).toBeLessThanOrEqual(2);
  const { rows } = await db.query<{ applied: number; due: boolean }>(
    `SELECT applied_count::int AS applied, refresh_due_at IS NOT NULL AS due FROM contacts
     WHERE account_id = $1 AND id IN ('c7', 'c8') ORDER BY id`,
    [accountId],
  );
  expect(rows).toEqual([
    { applied: 2, due: true },
    { applied: 0, due: false },
  ]);
});
