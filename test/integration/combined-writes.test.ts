import { runWrites } from '../../db/combined-writes';
import { createPool, withTransaction, type Db } from '../../db/pool';

/** Several writes as one statement (db/combined-writes.ts): each gets its own values, in order. */
let db: Db;
beforeAll(() => {
  db = createPool(process.env.DATABASE_URL!, 1);
});
afterAll(async () => {
  await db?.end();
});

const insertInto = (table: string, values: unknown[]) => ({
  text: `INSERT INTO ${table} (account_id, v, w) SELECT $1, x, $3 FROM unnest($2::int[]) AS x`,
  values,
});

async function inTempTables<T>(work: (tx: Db) => Promise<T>): Promise<{ result: T; rows: unknown[] }> {
  return withTransaction(db, async (tx) => {
    for (const t of ['a', 'b', 'c'])
      await tx.query(`CREATE TEMP TABLE ${t} (account_id text, v int, w text) ON COMMIT DROP`);
    const result = await work(tx as unknown as Db);
    const { rows } = await tx.query(
      `SELECT 'a' AS t, * FROM a UNION ALL SELECT 'b', * FROM b UNION ALL SELECT 'c', * FROM c ORDER BY 1, 3`,
    );
    return { result, rows };
  });
}

describe('runWrites', () => {
  it('when several writes are given, then each runs with its own values and its row count comes back in order', async () => {
    const { result, rows } = await inTempTables((tx) =>
      runWrites(tx, 'acc', [insertInto('a', [[1, 2], 'x']), undefined, insertInto('c', [[7], 'z'])]),
    );
    expect(result).toEqual([2, 0, 1]);
    expect(rows).toEqual([
      { t: 'a', account_id: 'acc', v: 1, w: 'x' },
      { t: 'a', account_id: 'acc', v: 2, w: 'x' },
      { t: 'c', account_id: 'acc', v: 7, w: 'z' },
    ]);
  });

  it('when one write is given, then it runs alone; none, nothing runs', async () => {
    const { result, rows } = await inTempTables(async (tx) => [
      ...(await runWrites(tx, 'acc', [undefined, insertInto('b', [[3, 4, 5], 'y'])])),
      ...(await runWrites(tx, 'acc', [undefined])),
    ]);
    expect(result).toEqual([0, 3, 0]);
    expect(rows).toHaveLength(3);
  });
});
