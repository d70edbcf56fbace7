import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { createApp, type AppDeps } from '../../api/app';
import { createPool } from '../../db/pool';
import type { Harness } from './harness';
import { scoreAtIngestFromEnv } from './score-at-ingest-mode';

/** A second API instance beside the harness's: its own app and pool on the same database, no memory shared. */
export interface ApiReplica {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startApiReplica(
  h: Harness,
  options: Pick<AppDeps, 'rateLimit' | 'rateLimitStore' | 'operatorToken'> = {},
): Promise<ApiReplica> {
  const db = createPool(process.env.DATABASE_URL!);
  const app = createApp({
    db,
    temporal: h.client,
    taskQueue: h.taskQueue,
    logger: pino({ level: 'silent' }),
    scoreAtIngest: scoreAtIngestFromEnv(),
    ...options,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await db.end();
    },
  };
}
