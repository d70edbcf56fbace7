import { Pool, type PoolClient } from 'pg';

export type Db = Pool;
export type Queryable = Pool | PoolClient;

export function createPool(connectionString: string, max = 10): Db {
  const pool = new Pool({ connectionString, max, connectionTimeoutMillis: 5_000 });
  // An idle client losing its server (Postgres restarting) must not crash the process.
  pool.on('error', () => undefined);
  // Nor a checked-out one: node-postgres emits 'error' on the client besides rejecting its query,
  // and pg-pool listens only while the client is idle. The holder sees the rejection; a client
  // released after an error is discarded by the pool.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export async function withTransaction<T>(db: Db, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
