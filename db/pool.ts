import { Pool, type PoolClient } from 'pg';
import { PreparingClient } from './prepared-statements';

export type Db = Pool;
export type Queryable = Pool | PoolClient;

export function createPool(
  connectionString: string,
  max = 10,
  { preparedStatements = true }: { preparedStatements?: boolean } = {},
): Db {
  const pool = new Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    ...(preparedStatements && { Client: PreparingClient }),
  });
  // An idle client losing its server (Postgres restarting) must not crash the process.
  pool.on('error', () => undefined);
  // Nor a checked-out one: node-postgres emits 'error' on the client besides rejecting its query,
  // and pg-pool listens only while the client is idle. The holder sees the rejection; a client
  // released after an error is discarded by the pool.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Clients a caller found broken (a failed ROLLBACK) before withClient hands them back. */
const brokenClients = new WeakSet<PoolClient>();

/**
 * The one way to hold a client of the pool. While it is checked out the pool no longer listens
 * to its errors, and a connection that dies between two statements (a failover, a restart)
 * emits `error` on it: with no listener, that kills the process. Here the error is kept instead;
 * the next statement fails (pg: "Connection terminated"), and the client is destroyed
 * (`release(err)`) rather than handed to the next caller.
 */
export async function withClient<T>(db: Db, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken ??= err;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (err) {
    if (isConnectionLost(err) || brokenClients.has(client)) broken ??= err as Error;
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/**
 * `work` in one transaction on one client: committed if it returns, rolled back if it throws. A
 * rollback that fails means the connection is gone: the client goes with it.
 */
export function withTransaction<T>(
  db: Db,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  return withClient(db, async (client) => {
    await client.query(begin);
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => brokenClients.add(client));
      throw err;
    }
  });
}

/** pg's words and codes for a connection that is gone (api/unavailable.ts maps them to 503). */
function isConnectionLost(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    (typeof e?.code === 'string' && ['ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03'].includes(e.code)) ||
    (typeof e?.message === 'string' &&
      /Connection terminated|Client has encountered a connection error/.test(e.message))
  );
}
