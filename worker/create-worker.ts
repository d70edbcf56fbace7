import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../db/pool';
import type { Mailer } from '../activities/mailer';
import type { SmsProvider } from '../activities/sms-provider';

export interface PulseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** Defaults record messages in Postgres (email_outbox, sms_outbox). */
  mailer?: Mailer;
  sms?: SmsProvider;
  /** A prebuilt bundle (tests build it once per file); otherwise the workflows are bundled here. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Replaces some activities (tests inject faults around the real ones, which this receives). */
  overrideActivities?: (defaults: PulseActivities) => Partial<PulseActivities>;
  tuning?: Pick<
    WorkerOptions,
    'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'
  >;
}

export type PulseActivities = ReturnType<typeof createActivities>;

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createWorker(opts: PulseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: withOverrides(createActivities({ db: opts.db, mailer: opts.mailer, sms: opts.sms }), opts),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    ...opts.tuning,
  });
}

function withOverrides(defaults: PulseActivities, opts: PulseWorkerOptions): PulseActivities {
  return opts.overrideActivities ? { ...defaults, ...opts.overrideActivities(defaults) } : defaults;
}
