import { createPool, withClient, withTransaction, type Db } from '../../db/pool';
import { listContactPage } from '../../db/contact-queries';
import { statementName } from '../../db/prepared-statements';

/**
 * Parameterised statements run as named prepared statements, one per text and connection
 * (db/prepared-statements.ts); DATABASE_PREPARED_STATEMENTS=off keeps every statement unnamed.
 */
const pools: Db[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

function pool(preparedStatements: boolean): Db {
  const db = createPool(process.env.DATABASE_URL!, 1, { preparedStatements });
  pools.push(db);
  return db;
}

const TEXT = 'SELECT $1::int + 1 AS n';

async function preparedOnConnection(db: Db): Promise<{ name: string; statement: string }[]> {
  return withClient(db, async (client) => {
    for (const n of [1, 2, 3]) {
      const { rows } = await client.query<{ n: number }>(TEXT, [n]);
      expect(rows[0]!.n).toBe(n + 1);
    }
    const { rows } = await client.query<{ name: string; statement: string }>(
      'SELECT name, statement FROM pg_prepared_statements ORDER BY name',
    );
    return rows;
  });
}

describe('prepared statements', () => {
  it('when a parameterised statement runs, then its connection prepares it once under a name of its text', async () => {
    const rows = await preparedOnConnection(pool(true));
    expect(rows).toEqual([{ name: statementName(TEXT), statement: TEXT }]);
  });

  it('when they are off, then nothing is prepared', async () => {
    expect(await preparedOnConnection(pool(false))).toEqual([]);
  });

  it('when a statement has no values, then it keeps the simple protocol (transactions, several statements in one string)', async () => {
    const db = pool(true);
    const sum = await withTransaction(db, async (tx) => {
      await tx.query('CREATE TEMP TABLE t (n int) ON COMMIT DROP; INSERT INTO t VALUES (1), (2)');
      await tx.query('INSERT INTO t VALUES ($1)', [3]);
      const { rows } = await tx.query<{ s: number }>('SELECT sum(n)::int AS s FROM t');
      return rows[0]!.s;
    });
    expect(sum).toBe(6);
  });

  it('when a contact list page is read, then its statement stays unnamed: each page is planned for its own bounds', async () => {
    const db = pool(true);
    const prepared = await withClient(db, async (client) => {
      for (const after of [undefined, 'c1', 'c2'])
        await listContactPage(client, 'no-such-account', {
          profile: null,
          filter: {},
          sort: 'id',
          after: after === undefined ? undefined : { sort: 'id', id: after },
          limit: 10,
        });
      const { rows } = await client.query<{ statement: string }>(
        'SELECT statement FROM pg_prepared_statements',
      );
      return rows;
    });
    expect(prepared).toEqual([]);
  });

  it('when the same text comes again, then it gets the same name; another text another name', () => {
    expect(statementName(TEXT)).toBe(statementName(`${TEXT}`));
    expect(statementName('SELECT $1::int')).not.toBe(statementName(TEXT));
  });
});
