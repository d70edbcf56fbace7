import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createPool, type Db } from '../db/pool';
import type { TemporalSettings } from './temporal-connection';
import { waitFor } from './wait-for';

/**
 * Start-up of the long-running processes (API, worker): wait for Postgres and Temporal with
 * backoff instead of exiting when they are not up yet, naming the variable to check.
 */
export async function waitForPostgres(
  url: string,
  logger: Logger,
  signal?: AbortSignal,
  preparedStatements = true,
): Promise<Db> {
  const db = createPool(url, undefined, { preparedStatements });
  await waitFor(() => db.query('SELECT 1'), {
    what: `Postgres at ${redact(url)}`,
    variable: 'DATABASE_URL',
    logger,
    ...(signal && { signal }),
  }).catch(async (err: unknown) => {
    await db.end();
    throw err;
  });
  return db;
}

export function waitForTemporalClient(
  settings: TemporalSettings,
  logger: Logger,
  signal?: AbortSignal,
): Promise<Client> {
  return waitFor(
    async () =>
      new Client({
        connection: await Connection.connect(settings.connection),
        namespace: settings.namespace,
      }),
    {
      what: `Temporal at ${settings.summary}`,
      variable: 'TEMPORAL_ADDRESS',
      logger,
      ...(signal && { signal }),
    },
  );
}

export function waitForNativeConnection(
  settings: TemporalSettings,
  logger: Logger,
  signal?: AbortSignal,
): Promise<NativeConnection> {
  return waitFor(() => NativeConnection.connect(settings.connection), {
    what: `Temporal at ${settings.summary}`,
    variable: 'TEMPORAL_ADDRESS',
    logger,
    ...(signal && { signal }),
  });
}

const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');
