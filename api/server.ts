import type { Server } from 'node:http';
import { ConfigError, loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { waitForPostgres } from '../config/connect';
import { lazyApiTemporalClient } from '../config/temporal';
import { loadTemporalSettings } from '../config/temporal-connection';
import { createApp } from './app';
import { createTemporalGate } from './temporal-gate';

/** Listens until SIGTERM/SIGINT, then stops taking requests and lets the open ones finish. */
async function main(): Promise<void> {
  const env = loadEnv();
  const temporalSettings = loadTemporalSettings();
  const logger = createLogger(env.LOG_LEVEL, 'pulse-api');
  if (!env.DATABASE_URL)
    throw new ConfigError('DATABASE_URL must be set (npm start runs everything locally without it)');
  if (!temporalSettings.address)
    throw new ConfigError('TEMPORAL_ADDRESS (or an address in the TEMPORAL_CONFIG_FILE profile) must be set');
  const waiting = new AbortController();
  const abort = () => waiting.abort();
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  const db = await waitForPostgres(
    env.DATABASE_URL,
    logger,
    waiting.signal,
    env.DATABASE_PREPARED_STATEMENTS === 'on',
  );
  process.off('SIGTERM', abort);
  process.off('SIGINT', abort);
  // Lazy: the API starts, and takes interactions, while Temporal is away (the reconciler delivers them).
  const temporal = lazyApiTemporalClient(temporalSettings);
  const temporalGate = createTemporalGate(temporal);
  const app = createApp({
    db,
    temporal,
    temporalGate,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    logger,
    rateLimit: { perSecond: env.RATE_LIMIT_INGEST_PER_SECOND, burst: env.RATE_LIMIT_INGEST_BURST },
    rateLimitStore: env.RATE_LIMIT_STORE,
    wakeStaleSeconds: env.WAKE_MARK_STALE_SECONDS,
    scoreAtIngest:
      env.SCORE_AT_INGEST === 'on' ? { refreshAfterSeconds: env.SCORE_AT_INGEST_REFRESH_SECONDS } : undefined,
    operatorToken: env.PULSE_OPERATOR_TOKEN,
  });
  const server: Server = app.listen(env.PORT, env.HOST, () =>
    logger.info({ port: env.PORT, temporal: temporalSettings.summary }, 'api listening'),
  );
  const stop = () => {
    server.close(() => {
      void Promise.all([db.end(), temporalGate.drain(10_000).then(() => temporal.connection.close())]).then(
        () => process.exit(0),
      );
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
