import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Db } from '../db/pool';
import type { Mailer } from '../activities/mailer';
import type { SmsProvider } from '../activities/sms-provider';
import type { WebhookOptions } from '../activities/actions';
import type { TwilioOptions } from '../activities/twilio-sms';

export interface PulseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** Defaults record messages in Postgres (email_outbox, sms_outbox). */
  mailer?: Mailer;
  sms?: SmsProvider;
  /** Outgoing webhooks' timeout and address policy (PULSE_WEBHOOK_*). */
  webhook?: WebhookOptions | undefined;
  /** Where Twilio's API is, for accounts that send SMS through it (default https://api.twilio.com). */
  twilio?: TwilioOptions | undefined;
  /** A prebuilt bundle (tests build it once per file); otherwise the workflows are bundled here. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Replaces some activities (tests inject faults around the real ones, which this receives). */
  overrideActivities?: (defaults: PulseActivities) => Partial<PulseActivities>;
  tuning?: WorkerTuning;
}

export type PulseActivities = ReturnType<typeof createActivities>;

export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskPolls'
  | 'maxConcurrentActivityTaskPolls'
  | 'stickyQueueScheduleToStartTimeout'
>;

/**
 * After a worker dies, a workflow it had cached gets its next task on that worker's sticky queue
 * and waits this long before any worker may take it (SDK default 10 s; measured in
 * test/fault/worker-handoff.test.ts). A live worker misses its sticky queue only when it is
 * overloaded, which costs a replay on another worker: cheap for Pulse's short histories.
 */
export const DEFAULT_STICKY_TIMEOUT = '2s';

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

export async function createWorker(opts: PulseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: withOverrides(
      createActivities({
        db: opts.db,
        mailer: opts.mailer,
        sms: opts.sms,
        webhook: opts.webhook,
        twilio: opts.twilio,
      }),
      opts,
    ),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    stickyQueueScheduleToStartTimeout: DEFAULT_STICKY_TIMEOUT,
    ...opts.tuning,
  });
}

function withOverrides(defaults: PulseActivities, opts: PulseWorkerOptions): PulseActivities {
  return opts.overrideActivities ? { ...defaults, ...opts.overrideActivities(defaults) } : defaults;
}
