import { createPool, withTransaction, type Db } from '../../db/pool';

/**
 * A pooled connection that Postgres ends while it is checked out (a restart, a failover,
 * pg_terminate_backend) must fail the work that holds it, not the process. node-postgres emits
 * 'error' on the client as well as rejecting its query, and pg-pool listens only while the client
 * is idle: with nobody listening, the event is an uncaught exception that takes down the worker
 * or API. Seen in test/fault/postgres-outage.test.ts under test:cluster.
 */

let db: Db;
let admin: Db;

beforeAll(() => {
  db = createPool(process.env.DATABASE_URL!, 2);
  admin = createPool(process.env.DATABASE_URL!, 1);
});

afterAll(async () => {
  await db.end();
  await admin.end();
});

describe('a pooled connection lost mid-transaction', () => {
  it('when Postgres terminates the backend of a running transaction, then the transaction rejects with that error and nothing else is thrown', async () => {
    let backendPid: number | undefined;
    const transaction = withTransaction(db, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      backendPid = rows[0]!.pid;
      await client.query('SELECT pg_sleep(30)');
    });
    transaction.catch(() => undefined); // asserted below
    while (backendPid === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    await admin.query('SELECT pg_terminate_backend($1)', [backendPid]);

    await expect(transaction).rejects.toMatchObject({ code: '57P01' });
    // The pool dropped the dead client and still serves.
    const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).toBe(1);
  });
});
