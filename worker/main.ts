import v8 from 'node:v8';
import { Client } from '@temporalio/client';
import { ensureReconcilerSchedule } from '../clients/reconciler-schedule';
import { loadEnv, ConfigError } from '../config/env';
import { createLogger } from '../config/logger';
import { createMailer } from '../activities/mailer';
import { waitForNativeConnection, waitForPostgres, waitForTemporalClient } from '../config/connect';
import { setupTemporal } from '../config/temporal';
import { loadTemporalSettings } from '../config/temporal-connection';
import { installTemporalRuntime } from '../config/temporal-runtime';
import { workerTuningFrom, workflowCacheHeapWarning } from '../config/worker-tuning';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { createWorker } from './create-worker';

/**
 * The production worker: waits for what the environment names, runs `pulse setup` (idempotent),
 * and polls until SIGTERM/SIGINT, then drains its in-flight tasks and exits.
 */
async function main(): Promise<void> {
  const env = loadEnv();
  const temporalSettings = loadTemporalSettings();
  const logger = createLogger(env.LOG_LEVEL, 'pulse-worker');
  if (!env.DATABASE_URL)
    throw new ConfigError('DATABASE_URL must be set (npm start runs everything locally without it)');
  if (!temporalSettings.address)
    throw new ConfigError('TEMPORAL_ADDRESS (or an address in the TEMPORAL_CONFIG_FILE profile) must be set');
  // Until the worker runs, a signal only has to stop the waiting; afterwards the SDK's runtime
  // takes SIGINT/SIGTERM and drains the worker.
  const waiting = new AbortController();
  const abort = () => waiting.abort();
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);

  const cacheWarning = workflowCacheHeapWarning(
    env.WORKER_MAX_CACHED_WORKFLOWS,
    v8.getHeapStatistics().heap_size_limit,
  );
  if (cacheWarning) logger.warn(cacheWarning);

  installTemporalRuntime('INFO', { metricsBindAddress: env.WORKER_METRICS_ADDRESS });
  if (env.WORKER_METRICS_ADDRESS)
    logger.info({ url: `http://${env.WORKER_METRICS_ADDRESS}/metrics` }, 'worker metrics for Prometheus');
  const db = await waitForPostgres(
    env.DATABASE_URL,
    logger,
    waiting.signal,
    env.DATABASE_PREPARED_STATEMENTS === 'on',
  );
  const client = await waitForTemporalClient(temporalSettings, logger, waiting.signal);
  const { added } = await setupTemporal(client, temporalSettings.namespace, SEARCH_ATTRIBUTES);
  if (added.length > 0) logger.info({ added }, 'registered search attributes');
  await client.connection.close();
  const connection = await waitForNativeConnection(temporalSettings, logger, waiting.signal);
  const worker = await createWorker({
    connection,
    namespace: temporalSettings.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    db,
    webhook: { allowPrivate: env.PULSE_WEBHOOK_ALLOW_PRIVATE, timeoutMs: env.PULSE_WEBHOOK_TIMEOUT_MS },
    mailer: createMailer({ smtpUrl: env.SMTP_URL, from: env.SMTP_FROM, db }),
    tuning: workerTuningFrom(env),
    ...(env.WORKFLOW_BUNDLE_PATH && { workflowBundle: { codePath: env.WORKFLOW_BUNDLE_PATH } }),
  });
  // Idempotent: every worker start-up brings the Schedule to this configuration.
  await ensureReconcilerSchedule(new Client({ connection, namespace: temporalSettings.namespace }), {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    intervalSeconds: env.RECONCILE_INTERVAL_SECONDS,
    graceSeconds: env.RECONCILE_GRACE_SECONDS,
  });
  process.off('SIGTERM', abort);
  process.off('SIGINT', abort);
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, temporal: temporalSettings.summary }, 'worker started');
  // Worker.run resolves after SIGINT/SIGTERM once in-flight tasks are done.
  await worker.run();
  await connection.close();
  await db.end();
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
