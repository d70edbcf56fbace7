export const SECTIONS = [
  'ingest',
  'cluster',
  'anatomy',
  'latency',
  'bulk',
  'hot',
  'rescore',
  'memory',
  'queries',
] as const;
export type SectionName = (typeof SECTIONS)[number];
/** anatomy is an experiment behind a finding: only with --only; cluster comes with --temporal=cluster. */
const DEFAULT_SECTIONS = SECTIONS.filter((s) => s !== 'anatomy' && s !== 'cluster');
export type WorkerMode = 'inprocess' | 'child';
/** dev: `temporal server start-dev` (SQLite, one shard); cluster: the real server on Postgres, 4 shards. */
export type TemporalKind = 'dev' | 'cluster';

/** Ingest and latency are measured on an account without triggers and on one with the demo's. */
export type TriggerVariant = 'off' | 'on';
/** default: the worker as shipped; tuned: TUNED_WORKER_MEMORY_ENV (the knobs that keep RSS bounded). */
export type MemoryProfile = 'default' | 'tuned';

/**
 * The worker knobs the memory target is met with (README, Benchmarks): a V8 heap limit, from which
 * the SDK sizes the workflow cache (600 workflows per GiB above 200 MiB: ~135 here; each cached
 * contact workflow holds its V8 context, ~1.5 MiB measured), and the prebuilt workflow bundle
 * (WORKFLOW_BUNDLE_PATH, added by the memory section: webpack at start leaves ~130 MiB behind).
 * A cache larger than the heap holds kills the workflow thread (ERR_WORKER_OUT_OF_MEMORY: seen with
 * WORKER_MAX_CACHED_WORKFLOWS=500 and this heap). Evicted workflows replay on their next task.
 */
export const TUNED_WORKER_MEMORY_ENV: Record<string, string> = {
  NODE_OPTIONS: '--max-old-space-size=384',
};

export interface BenchOptions {
  quick: boolean;
  only: SectionName[];
  /** cluster: the ingest section (ceiling and ingest) runs on the cluster too, beside the dev server. */
  temporal: TemporalKind;
  /** Where the scoring worker runs for every section but ingest (which runs each of ingestWorkers). */
  worker: WorkerMode;
  ingestWorkers: WorkerMode[];
  /** Ingest and latency, each without triggers and/or with the demo's triggers active. */
  triggers: TriggerVariant[];
  /** The textbook peer (bench/peer-workflow.ts) in the ingest section. */
  peer: boolean;
  /** SCORE_AT_INGEST for every API the bench deploys (api/interactions/ingest-service.ts). */
  scoreAtIngest: boolean;
  bulkContacts: number;
  bulkInteractions: number;
  bulkBatch: number;
  bulkConcurrency: number;
  memoryProfiles: MemoryProfile[];
  ingestContacts: number;
  ingestInteractions: number;
  concurrency: number;
  latencySeconds: number;
  /** Interactions per second; 0: half the in-process ingest rate measured in this run. */
  latencyRate: number;
  latencyContacts: number;
  /** A second, short phase at this light rate: the latency floor (0 skips it). */
  latencyLightRate: number;
  /** The share of latency-phase interactions whose visibility is polled (the rest are load). */
  latencySample: number;
  pollMs: number;
  hotInteractions: number;
  hotConcurrency: number;
  hotMaxBatch: number;
  rescoreContacts: number;
  rescoreInteractions: number;
  queryContacts: number;
  queryRequests: number;
  memoryWorkflows: number;
  memoryConcurrency: number;
  /** Seconds each section may take before it is aborted. */
  timeouts: Record<SectionName, number>;
  apiLogLevel: string;
  keepData: boolean;
  outDir: string;
}

const DEFAULTS: Omit<BenchOptions, 'only' | 'quick'> = {
  temporal: 'dev',
  worker: 'inprocess',
  ingestWorkers: ['inprocess', 'child'],
  triggers: ['off', 'on'],
  peer: true,
  scoreAtIngest: false,
  bulkContacts: 2_000,
  bulkInteractions: 20_000,
  bulkBatch: 1_000,
  bulkConcurrency: 4,
  memoryProfiles: ['default', 'tuned'],
  ingestContacts: 200,
  ingestInteractions: 10,
  concurrency: 32,
  latencySeconds: 45,
  latencyRate: 0,
  latencyContacts: 100,
  latencyLightRate: 2,
  // The observer's polling (GET /contacts/:id/score from every 50 ms) is load too: measuring 1 in 3
  // at the half rate put ~130 GETs/s on the same two cores and overloaded the stack it measured.
  latencySample: 0.1,
  pollMs: 50,
  hotInteractions: 5_000,
  hotConcurrency: 8,
  hotMaxBatch: 50,
  rescoreContacts: 10_000,
  rescoreInteractions: 100_000,
  queryContacts: 1_000_000,
  queryRequests: 200,
  // The issue's figure. Opening them is most of the bench's time on two cores (the dev server's CPU
  // per workflow start); past the worker's default cache (2,310 workflows with a 4 GiB heap), so
  // the RSS plateau is in the measurement. --memory-workflows=3000 for a shorter run.
  memoryWorkflows: 10_000,
  memoryConcurrency: 32,
  timeouts: {
    ingest: 480,
    cluster: 480,
    anatomy: 300,
    latency: 360,
    bulk: 420,
    hot: 120,
    rescore: 240,
    memory: 3000,
    queries: 300,
  },
  apiLogLevel: 'silent',
  keepData: false,
  outDir: 'bench/results',
};

/** --quick: every section at a size that finishes in well under two minutes in all. */
const QUICK: Partial<BenchOptions> = {
  ingestWorkers: ['inprocess'],
  ingestContacts: 60,
  ingestInteractions: 5,
  concurrency: 16,
  latencySeconds: 8,
  latencyContacts: 40,
  bulkContacts: 200,
  bulkInteractions: 2_000,
  hotInteractions: 1_000,
  rescoreContacts: 1_000,
  rescoreInteractions: 10_000,
  queryContacts: 50_000,
  queryRequests: 50,
  memoryWorkflows: 200,
  timeouts: {
    ingest: 180,
    cluster: 180,
    anatomy: 90,
    latency: 180,
    bulk: 120,
    hot: 45,
    rescore: 45,
    memory: 120,
    queries: 60,
  },
};

const USAGE = `npx tsx bench/run.ts [flags]

  --quick                     small sizes, a smoke check (< 2 min)
  --only=a,b                  sections: ${SECTIONS.join(', ')}
                              (default: all but anatomy, which isolates Temporal's share of ingest,
                              and cluster)
  --temporal=dev|cluster      cluster: also measure the ceiling and ingest (--worker placement) on
                              the production-shaped Temporal (real server, Postgres, 4 shards),
                              beside the dev server's figures (adds the cluster section)
  --worker=inprocess|child    where the scoring worker runs (ingest runs each of --ingest-workers)
  --ingest-workers=inprocess,child
  --triggers=off,on           ingest and latency without triggers and/or with the demo's triggers
                              (scripts/demo-triggers.ts) active; both by default
  --peer=on|off               the textbook peer in the ingest section (default on)
  --score-at-ingest=on|off    the APIs score in the ingest's transaction (SCORE_AT_INGEST; default off)
  --bulk-contacts=N --bulk-interactions=M --bulk-batch=B --bulk-concurrency=C
                              bulk: M interactions over N contacts, B per POST /interactions
  --memory-profiles=default,tuned
                              memory: the worker as shipped and/or with the knobs of the memory
                              target (${Object.entries(TUNED_WORKER_MEMORY_ENV)
                                .map(([k, v]) => `${k}=${v}`)
                                .join(' ')} and a prebuilt WORKFLOW_BUNDLE_PATH)
  --contacts=N --interactions=M --concurrency=C     ingest: N contacts x M interactions, C clients
  --latency-seconds=S --latency-rate=R --latency-contacts=N --latency-sample=F --poll-ms=MS
  --latency-light-rate=R      a second, short phase at a light rate (default 2/s; 0 skips it)
  --hot-interactions=N --hot-concurrency=C --hot-max-batch=B
  --rescore-contacts=N --rescore-interactions=M
  --query-contacts=N --query-requests=R
  --memory-workflows=N --memory-concurrency=C
  --timeout-<section>=SECONDS  abort a section that runs longer (also --timeout-scale=F)
  --api-log-level=LEVEL       pino level of the API (default silent; npm start uses info)
  --keep-data                 keep the temporary data directory
  --out=DIR                   results folder (default bench/results)
`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}"`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  if (flags.has('help')) throw new UsageError('');
  const quick = flags.get('quick') === 'true';
  const base: BenchOptions = {
    ...DEFAULTS,
    ...(quick ? QUICK : {}),
    timeouts: { ...(quick ? QUICK.timeouts! : DEFAULTS.timeouts) },
    quick,
    only: [...DEFAULT_SECTIONS],
  };
  flags.delete('quick');

  const take = (name: string) => {
    const value = flags.get(name);
    flags.delete(name);
    return value;
  };
  const int = (name: string, fallback: number, min = 1) => {
    const raw = take(name);
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/_/g, ''));
    if (!Number.isFinite(value) || value < min) throw new UsageError(`--${name} must be a number >= ${min}`);
    return value;
  };
  const modes = (raw: string, name: string): WorkerMode[] =>
    raw.split(',').map((m) => {
      if (m !== 'inprocess' && m !== 'child')
        throw new UsageError(`--${name}: "${m}" is not inprocess or child`);
      return m;
    });

  const only = take('only');
  if (only !== undefined) {
    base.only = only.split(',').map((s) => {
      if (!(SECTIONS as readonly string[]).includes(s))
        throw new UsageError(`--only: unknown section "${s}"`);
      return s as SectionName;
    });
  }
  const temporal = take('temporal');
  if (temporal !== undefined) {
    if (temporal !== 'dev' && temporal !== 'cluster')
      throw new UsageError(`--temporal: "${temporal}" is not dev or cluster`);
    base.temporal = temporal;
    if (temporal === 'cluster' && !base.only.includes('cluster')) {
      const afterIngest = base.only.indexOf('ingest') + 1;
      base.only.splice(afterIngest, 0, 'cluster');
    }
  }
  const worker = take('worker');
  if (worker !== undefined) base.worker = modes(worker, 'worker')[0]!;
  const ingestWorkers = take('ingest-workers');
  if (ingestWorkers !== undefined) base.ingestWorkers = modes(ingestWorkers, 'ingest-workers');

  const triggers = take('triggers');
  if (triggers !== undefined) {
    base.triggers = triggers.split(',').map((t) => {
      if (t !== 'off' && t !== 'on') throw new UsageError(`--triggers: "${t}" is not off or on`);
      return t;
    });
  }
  const scoreAtIngest = take('score-at-ingest');
  if (scoreAtIngest !== undefined) {
    if (scoreAtIngest !== 'on' && scoreAtIngest !== 'off')
      throw new UsageError(`--score-at-ingest: "${scoreAtIngest}" is not on or off`);
    base.scoreAtIngest = scoreAtIngest === 'on';
  }
  const peer = take('peer');
  if (peer !== undefined) {
    if (peer !== 'on' && peer !== 'off') throw new UsageError(`--peer: "${peer}" is not on or off`);
    base.peer = peer === 'on';
  }
  const memoryProfiles = take('memory-profiles');
  if (memoryProfiles !== undefined) {
    base.memoryProfiles = memoryProfiles.split(',').map((m) => {
      if (m !== 'default' && m !== 'tuned')
        throw new UsageError(`--memory-profiles: "${m}" is not default or tuned`);
      return m;
    });
  }
  base.bulkContacts = int('bulk-contacts', base.bulkContacts);
  base.bulkInteractions = int('bulk-interactions', base.bulkInteractions);
  base.bulkBatch = Math.min(int('bulk-batch', base.bulkBatch), 1_000);
  base.bulkConcurrency = int('bulk-concurrency', base.bulkConcurrency);
  base.ingestContacts = int('contacts', base.ingestContacts);
  base.ingestInteractions = int('interactions', base.ingestInteractions);
  base.concurrency = int('concurrency', base.concurrency);
  base.latencySeconds = int('latency-seconds', base.latencySeconds);
  base.latencyRate = int('latency-rate', base.latencyRate, 0);
  base.latencyContacts = int('latency-contacts', base.latencyContacts);
  base.latencyLightRate = int('latency-light-rate', base.latencyLightRate, 0);
  base.pollMs = int('poll-ms', base.pollMs);
  const sample = take('latency-sample');
  if (sample !== undefined) {
    base.latencySample = Number(sample);
    if (!(base.latencySample > 0 && base.latencySample <= 1))
      throw new UsageError('--latency-sample must be in (0, 1]');
  }
  base.hotInteractions = int('hot-interactions', base.hotInteractions);
  base.hotConcurrency = int('hot-concurrency', base.hotConcurrency);
  base.hotMaxBatch = Math.min(int('hot-max-batch', base.hotMaxBatch), 500);
  base.rescoreContacts = int('rescore-contacts', base.rescoreContacts);
  base.rescoreInteractions = int('rescore-interactions', base.rescoreInteractions);
  base.queryContacts = int('query-contacts', base.queryContacts);
  base.queryRequests = int('query-requests', base.queryRequests);
  base.memoryWorkflows = int('memory-workflows', base.memoryWorkflows);
  base.memoryConcurrency = int('memory-concurrency', base.memoryConcurrency);
  const scale = Number(take('timeout-scale') ?? '1');
  if (!(scale > 0)) throw new UsageError('--timeout-scale must be a positive number');
  for (const section of SECTIONS) {
    base.timeouts[section] = int(`timeout-${section}`, base.timeouts[section] * scale);
  }
  base.apiLogLevel = take('api-log-level') ?? base.apiLogLevel;
  base.keepData = take('keep-data') === 'true';
  base.outDir = take('out') ?? base.outDir;
  if (flags.size > 0)
    throw new UsageError(`unknown flag(s): ${[...flags.keys()].map((f) => `--${f}`).join(', ')}`);
  return base;
}

export class UsageError extends Error {
  override name = 'UsageError';
  readonly usage = USAGE;
}
