import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /**
   * on: each connection prepares a statement once and reuses its plan (db/prepared-statements.ts).
   * off: for a pooler that moves a session's statements between server connections.
   */
  DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off']).default('on'),
  /**
   * Only checked here; the Temporal connection (address, namespace, API key, TLS, profiles) is read
   * by config/temporal-connection.ts with Temporal's own envconfig.
   */
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')
    .optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('pulse-scoring'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PULSE_DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port.default(54329),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Turns on the /admin routes (accounts and keys) for whoever sends it as a bearer token; unset: off. */
  PULSE_OPERATOR_TOKEN: z.string().min(24, 'at least 24 characters (e.g. openssl rand -hex 24)').optional(),
  PULSE_DEMO_API_KEY: z.string().min(16).default('pulse_demo_key_local_only'),
  /** smtp://host:port (smtps:// for TLS, user:pass@ for auth). Unset: email is recorded in Postgres (email_outbox). */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_FROM: z.string().min(3).default('Pulse <pulse@localhost>'),
  /** true: webhooks may call private, loopback and link-local addresses (refused by default: SSRF). */
  PULSE_WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** One webhook POST's bound, connection included; under the activity's 30 s timeout. */
  PULSE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(10_000),
  /** Per API key, on POST /contacts/:id/interactions and /score-adjustments: sustained requests per second... */
  RATE_LIMIT_INGEST_PER_SECOND: z.coerce.number().positive().default(200),
  /** ...and how many may come at once after a quiet spell (the token bucket's size). */
  RATE_LIMIT_INGEST_BURST: z.coerce.number().int().min(1).default(400),
  /** How often the reconciler (workflows/reconcile-inbox.ts) looks for interactions stored but not applied. */
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
  /** How long a stored interaction may wait for its own wake-up before the reconciler wakes its contact. */
  RECONCILE_GRACE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
  /**
   * How old a contact's wake-up mark may grow before an ingest takes its signal for lost and
   * signals again (db/wake-requests.ts): longer than a busy worker takes to start a pass.
   */
  WAKE_MARK_STALE_SECONDS: z.coerce.number().positive().max(3_600).default(5),
  /**
   * on: the API scores interactions in the ingest's transaction (visible when it answers) and
   * signals a contact's workflow only when it must act (a trigger may fire, do-not-disturb, a
   * backlog); the workflow's view and search attributes then trail by up to
   * SCORE_AT_INGEST_REFRESH_SECONDS. off: every wake-up goes through the workflow's scoring pass.
   */
  SCORE_AT_INGEST: z.enum(['on', 'off']).default('off'),
  SCORE_AT_INGEST_REFRESH_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  /** postgres: one bucket per key shared by every API process; memory: per process (one API process only). */
  RATE_LIMIT_STORE: z.enum(['postgres', 'memory']).default('postgres'),
  /**
   * How long a workflow task waits on a worker's sticky queue before any worker may take it: the
   * delay before a killed worker's contacts move to a live one (Temporal's default is 10 s).
   */
  WORKER_STICKY_TIMEOUT_MS: z.coerce.number().int().min(100).default(2_000),
  /**
   * A workflow bundle written by `npm run build` (scripts/build-workflow-bundle.ts). Without it the
   * worker bundles its workflows with webpack at start, which takes seconds and leaves the
   * bundler's memory in the process; with it the worker loads the file as it is.
   */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** Workflows kept in the worker's cache (SDK default: from the heap size); ~200 KiB each. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /** Workflow task slots (SDK default 40) and activity slots (SDK default 100). */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  /** Pollers per task queue kind (SDK default 2 each); at least 2 workflow pollers (sticky + normal). */
  WORKER_WORKFLOW_POLLERS: z.coerce.number().int().min(2).optional(),
  WORKER_ACTIVITY_POLLERS: z.coerce.number().int().min(1).optional(),
  /** host:port where the worker serves Temporal SDK metrics for Prometheus (/metrics); unset: none. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port')
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Parse once at start; a bad value stops start-up with the variable's name, not a stack trace later. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}
