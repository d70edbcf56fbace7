import type { Server } from 'node:http';
import { loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { connectTemporalClient } from '../config/temporal';
import { createPool } from '../db/pool';
import { createApp } from './app';

/** Listens until SIGTERM/SIGINT, then stops taking requests and lets the open ones finish. */
async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, 'pulse-api');
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS) {
    throw new Error(
      'DATABASE_URL and TEMPORAL_ADDRESS must be set (npm start runs everything locally without them)',
    );
  }
  const db = createPool(env.DATABASE_URL);
  const temporal = await connectTemporalClient(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE);
  const app = createApp({
    db,
    temporal,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    logger,
    rateLimit: { perSecond: env.RATE_LIMIT_INGEST_PER_SECOND, burst: env.RATE_LIMIT_INGEST_BURST },
    rateLimitStore: env.RATE_LIMIT_STORE,
    operatorToken: env.PULSE_OPERATOR_TOKEN,
  });
  const server: Server = app.listen(env.PORT, env.HOST, () =>
    logger.info({ port: env.PORT }, 'api listening'),
  );
  const stop = () => {
    server.close(() => {
      void Promise.all([db.end(), temporal.connection.close()]).then(() => process.exit(0));
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
