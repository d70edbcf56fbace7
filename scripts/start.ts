import path from 'node:path';
import type { Server } from 'node:http';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createTemporalGate } from '../api/temporal-gate';
import { ensureReconcilerSchedule } from '../clients/reconciler-schedule';
import { ConfigError, loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { createMailer } from '../activities/mailer';
import { connectTemporalClient, lazyApiTemporalClient, setupTemporal } from '../config/temporal';
import { loadTemporalSettings, withAddress } from '../config/temporal-connection';
import { workerTuningFrom } from '../config/worker-tuning';
import { installTemporalRuntime } from '../config/temporal-runtime';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { startEmbeddedPostgres } from '../stack/embedded-postgres';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { createWorker } from '../worker/create-worker';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { seedDemo } from './demo-seed';

/**
 * Everything in one process tree: embedded Postgres and a Temporal dev server unless
 * DATABASE_URL / TEMPORAL_ADDRESS point elsewhere, then migrations, worker, API and the demo.
 * Ctrl-C stops what it started, in reverse order; data stays in PULSE_DATA_DIR for next time.
 */
async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, 'pulse');
  const dataDir = path.resolve(env.PULSE_DATA_DIR);
  /** What to stop, in start order; stopped in reverse: API, worker (drained), Temporal, Postgres. */
  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    const started = Date.now();
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((err: unknown) => logger.warn({ err }, `stopping ${name} failed`));
      logger.info({ ms: Date.now() - started }, `stopped ${name}`);
    }
    process.exit(code);
  };
  // Ctrl-C signals npm, its shell and this process together (package.json runs this script with
  // `node --import tsx`, not the tsx CLI, whose relay SIGKILLs a child slow to acknowledge). A
  // repeat is ignored while the orderly stop runs (dying on it would leave the servers behind); a
  // third one exits at once, and the servers are signalled from their 'exit' handlers.
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) return void shutdown(0);
    if (signals >= 3) {
      logger.warn({ signal }, 'stopping at once');
      process.exit(1);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      logger.info('starting embedded Postgres');
      const postgres = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        port: env.EMBEDDED_POSTGRES_PORT,
        database: 'pulse',
      });
      stops.push({ name: 'postgres', stop: () => postgres.stop() });
      databaseUrl = postgres.url;
    }

    let temporalSettings = loadTemporalSettings();
    let temporalUi: string | undefined;
    if (!temporalSettings.address) {
      logger.info('starting Temporal dev server');
      const server = await startTemporalDevServer({
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        port: env.TEMPORAL_PORT,
        uiPort: env.TEMPORAL_UI_PORT,
        namespace: temporalSettings.namespace,
        searchAttributes: SEARCH_ATTRIBUTES,
        logFile: path.join(dataDir, 'temporal.log'),
      });
      stops.push({ name: 'temporal', stop: () => server.stop() });
      temporalSettings = withAddress(temporalSettings, server.address);
      temporalUi = server.uiUrl;
    }

    await migrate(databaseUrl, (msg) => logger.debug(msg));
    const db = createPool(databaseUrl);
    stops.push({ name: 'api database pool', stop: () => db.end() });

    const temporal = await connectTemporalClient(temporalSettings);
    stops.push({ name: 'temporal client', stop: () => temporal.connection.close() });
    await setupTemporal(temporal, temporalSettings.namespace, SEARCH_ATTRIBUTES);

    // Unlike worker/main.ts, npm start always serves the worker's SDK metrics (locally only by default).
    const workerMetrics = env.WORKER_METRICS_ADDRESS ?? '127.0.0.1:9464';
    installTemporalRuntime('WARN', { metricsBindAddress: workerMetrics });
    const connection = await NativeConnection.connect(temporalSettings.connection);
    // The worker gets a pool of its own, as it would as a process of its own: a scoring pass holds
    // a connection for its whole transaction, and with one shared pool passes and API requests
    // queued behind each other (bench: p99 3.1 s → 0.36 s from API to visible score at half rate).
    const workerDb = createPool(databaseUrl);
    stops.push({ name: 'worker database pool', stop: () => workerDb.end() });
    const worker = await createWorker({
      connection,
      namespace: temporalSettings.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      db: workerDb,
      tuning: workerTuningFrom(env),
      webhook: { allowPrivate: env.PULSE_WEBHOOK_ALLOW_PRIVATE, timeoutMs: env.PULSE_WEBHOOK_TIMEOUT_MS },
      mailer: createMailer({ smtpUrl: env.SMTP_URL, from: env.SMTP_FROM, db: workerDb }),
    });
    const workerDone = worker.run();
    await ensureReconcilerSchedule(temporal, {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      intervalSeconds: env.RECONCILE_INTERVAL_SECONDS,
      graceSeconds: env.RECONCILE_GRACE_SECONDS,
    });
    stops.push({
      name: 'worker',
      stop: async () => {
        // The SDK's runtime shuts workers down on SIGINT itself; a second shutdown() would throw.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerDone;
        await connection.close();
      },
    });

    // The API's own client: quick to give up on an unreachable Temporal (api/temporal-gate.ts).
    const apiTemporal = lazyApiTemporalClient(temporalSettings);
    const apiGate = createTemporalGate(apiTemporal);
    const app = createApp({
      db,
      temporal: apiTemporal,
      temporalGate: apiGate,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      logger: logger.child({ component: 'api' }),
      rateLimit: { perSecond: env.RATE_LIMIT_INGEST_PER_SECOND, burst: env.RATE_LIMIT_INGEST_BURST },
      rateLimitStore: env.RATE_LIMIT_STORE,
      wakeStaleSeconds: env.WAKE_MARK_STALE_SECONDS,
      scoreAtIngest:
        env.SCORE_AT_INGEST === 'on'
          ? { refreshAfterSeconds: env.SCORE_AT_INGEST_REFRESH_SECONDS }
          : undefined,
      operatorToken: env.PULSE_OPERATOR_TOKEN,
    });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(env.PORT, env.HOST, () => resolve(s)).once('error', reject);
    });
    stops.push({
      name: 'api',
      stop: async () => {
        await new Promise((resolve) => server.close(resolve));
        await apiGate.drain(10_000);
        await apiTemporal.connection.close();
      },
    });
    const apiUrl = `http://${env.HOST}:${env.PORT}`;

    await seedDemo({ db, baseUrl: apiUrl, apiKey: env.PULSE_DEMO_API_KEY });

    const lines = [
      '',
      'Pulse is running.',
      `  API          ${apiUrl}   (demo key: ${env.PULSE_DEMO_API_KEY})`,
      `  Console      ${apiUrl}/console   (sign in with the demo key)`,
      `  Temporal     ${temporalSettings.summary}${temporalUi ? `   UI: ${temporalUi}` : ''}`,
      `  Postgres     ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`,
      `  Metrics      API ${apiUrl}/metrics   worker http://${workerMetrics}/metrics`,
      '',
      `  Try: curl -H 'Authorization: Bearer ${env.PULSE_DEMO_API_KEY}' ${apiUrl}/contacts/ada/score`,
      '  Ctrl-C stops everything; data stays in ' + dataDir,
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    await workerDone;
  } catch (err) {
    logger.error({ err }, 'start failed');
    await shutdown(1);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
