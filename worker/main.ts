import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ensureReconcilerSchedule } from '../clients/reconciler-schedule';
import { loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { createMailer } from '../activities/mailer';
import { installTemporalRuntime } from '../config/temporal-runtime';
import { createPool } from '../db/pool';
import { createWorker } from './create-worker';

/** The production worker: connects to what the environment names and runs until SIGTERM. */
async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, 'pulse-worker');
  if (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS) {
    throw new Error(
      'DATABASE_URL and TEMPORAL_ADDRESS must be set (npm start runs everything locally without them)',
    );
  }
  installTemporalRuntime('INFO', { metricsBindAddress: env.WORKER_METRICS_ADDRESS });
  if (env.WORKER_METRICS_ADDRESS)
    logger.info({ url: `http://${env.WORKER_METRICS_ADDRESS}/metrics` }, 'worker metrics for Prometheus');
  const db = createPool(env.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    db,
    mailer: createMailer({ smtpUrl: env.SMTP_URL, from: env.SMTP_FROM, db }),
  });
  // Idempotent: every worker start-up brings the Schedule to this configuration.
  await ensureReconcilerSchedule(new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }), {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    intervalSeconds: env.RECONCILE_INTERVAL_SECONDS,
    graceSeconds: env.RECONCILE_GRACE_SECONDS,
  });
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE }, 'worker started');
  // Worker.run resolves after SIGINT/SIGTERM once in-flight tasks are done.
  await worker.run();
  await connection.close();
  await db.end();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
