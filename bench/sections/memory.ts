import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import { deliverInteractions } from '../../clients/contact-workflow';
import type { Deployment, Stack } from '../stack';
import { startWorkerChild } from '../stack';
import { benchAccount, contactIds, interactionCounts, seedContacts } from '../fixtures';
import { now, round, runPool, withRetries, type SectionContext } from '../measure';
import type { MemoryProfile } from '../options';
import { CpuSampler, cpuPerItem, processMemory, type CpuPerItem, type CpuUsage } from '../probes';

export interface MemoryResult {
  /** default: the worker as shipped; tuned: with the knobs in `env`. */
  profile: MemoryProfile;
  env: Record<string, string>;
  workflows: number;
  concurrency: number;
  /** RSS of `tsx worker/main.ts` (its own pid), MiB: idle after start, and the median of five readings once all are applied. */
  idleRssMiB: number;
  loadedRssMiB: number;
  peakRssMiB: number;
  perWorkflowKiB: number;
  /** The worker's workflow cache: WORKER_MAX_CACHED_WORKFLOWS, else the SDK's default for this Node's heap limit (worker-options.js in SDK 1.24). */
  defaultCacheSize: number;
  /** RSS slope while the cache fills (up to 90% of it), and once it is full; null without enough samples. */
  kibPerWorkflowWhileCaching: number | null;
  kibPerWorkflowOnceCacheFull: number | null;
  startSeconds: number;
  settledSeconds: number;
  workflowsPerSecond: number;
  openWorkflows: number | null;
  /** RSS every second while the workflows were opened, with how many had applied their interaction. */
  rssTimeline: Array<{ s: number; rssMiB: number; applied: number }>;
  cpu: CpuUsage;
  cpuPerWorkflow: CpuPerItem;
}

/**
 * The production worker in a process of its own, then `workflows` contact workflows opened with
 * one interaction each (stored first, then signalWithStart, as the API does), waited on until
 * every interaction is applied, and the worker's resident memory read from /proc.
 */
export async function measureWorkerMemory(
  ctx: SectionContext,
  stack: Stack,
  apiDeployment: Deployment,
  opts: { workflows: number; concurrency: number; profile?: MemoryProfile; env?: Record<string, string> },
  cpu: CpuSampler,
  onWorker: (pid: number | undefined) => void,
): Promise<MemoryResult> {
  const profile = opts.profile ?? 'default';
  const env = opts.env ?? {};
  const cacheSize = env.WORKER_MAX_CACHED_WORKFLOWS
    ? Number(env.WORKER_MAX_CACHED_WORKFLOWS)
    : defaultCacheSize();
  ctx.phase(`memory (${profile}): account and ${opts.workflows} contacts, each with one stored interaction`);
  const account = await benchAccount(ctx, stack.db, apiDeployment.baseUrl, `memory-${profile}`);
  account.api.close();
  const ids = contactIds('m', opts.workflows);
  await seedContacts(stack.db, account.accountId, ids);
  await stack.db.query(
    `INSERT INTO interactions (account_id, contact_id, id, type, occurred_at)
     SELECT $1, c, c || '-1', 'email_opened', now() FROM unnest($2::text[]) AS c`,
    [account.accountId, ids],
  );

  ctx.phase('memory: starting the worker process (tsx worker/main.ts)');
  const taskQueue = `bench-memory-${randomUUID().slice(0, 8)}`;
  const worker = await startWorkerChild({
    ...env,
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });
  onWorker(worker.pid);
  try {
    await ctx.sleep(3_000);
    const idle = read(worker.pid);
    ctx.note(`idle worker RSS ${idle.rssMiB} MiB`);

    const timeline: MemoryResult['rssTimeline'] = [];
    let applied = 0;
    let counting = false;
    const started = now();
    const sampler = setInterval(() => {
      const m = processMemory(worker.pid);
      if (m) timeline.push({ s: round((now() - started) / 1000), rssMiB: m.rssMiB, applied });
      if (counting) return;
      counting = true;
      interactionCounts(stack.db, account.accountId)
        .then((c) => (applied = c.total - c.pending))
        .catch(() => undefined)
        .finally(() => (counting = false));
    }, 1_000);
    const cpuStart = cpu.snapshot();
    try {
      ctx.phase(`memory: signalWithStart x ${opts.workflows}, concurrency ${opts.concurrency}`);
      const { errors, firstError } = await runPool(ctx, ids.length, opts.concurrency, async (i) => {
        const contactId = ids[i]!;
        await withRetries(ctx, 3, () =>
          deliverInteractions(stack.temporal, taskQueue, account.accountId, contactId, [
            { id: `${contactId}-1`, type: 'email_opened', occurredAt: new Date().toISOString() },
          ]),
        );
      });
      if (errors > 0) throw new Error(`${errors} signalWithStart calls failed: ${String(firstError)}`);
      const startSeconds = (now() - started) / 1000;
      await ctx.until('every workflow applied its interaction', 250, async () => {
        worker.assertAlive();
        const c = await interactionCounts(stack.db, account.accountId);
        return c.pending === 0 ? c : undefined;
      });
      const settledSeconds = (now() - started) / 1000;
      const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
      // RSS moves with garbage collection: the median of five readings a second apart.
      const readings: number[] = [];
      for (let i = 0; i < 5; i++) {
        await ctx.sleep(1_000);
        readings.push(read(worker.pid).rssMiB);
      }
      const loaded = { rssMiB: readings.sort((a, b) => a - b)[2]!, hwmMiB: read(worker.pid).hwmMiB };
      const open = await stack.temporal.workflow
        .count(`PulseAccount = "${account.accountId}" AND ExecutionStatus = "Running"`)
        .then((r) => r.count)
        .catch(() => null);
      return {
        profile,
        env,
        workflows: opts.workflows,
        concurrency: opts.concurrency,
        idleRssMiB: idle.rssMiB,
        loadedRssMiB: loaded.rssMiB,
        peakRssMiB: loaded.hwmMiB,
        perWorkflowKiB: round(((loaded.rssMiB - idle.rssMiB) * 1024) / opts.workflows, 2),
        defaultCacheSize: cacheSize,
        kibPerWorkflowWhileCaching: slope(timeline, 100, 0.9 * cacheSize),
        kibPerWorkflowOnceCacheFull: slope(timeline, 1.05 * cacheSize, Infinity),
        startSeconds: round(startSeconds, 2),
        settledSeconds: round(settledSeconds, 2),
        workflowsPerSecond: round(opts.workflows / settledSeconds),
        openWorkflows: open,
        rssTimeline: timeline,
        cpu: cpuUsage,
        cpuPerWorkflow: cpuPerItem(cpuUsage, opts.workflows),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    onWorker(undefined);
    await worker.stop();
  }
}

/** What SDK 1.24 uses when maxCachedWorkflows is not set (reuseV8Context on); the child has the same heap limit. */
function defaultCacheSize(): number {
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 1024 / 1024;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

/** Least-squares KiB of RSS per applied workflow over the samples whose applied count is in [from, to). */
function slope(timeline: MemoryResult['rssTimeline'], from: number, to: number): number | null {
  const points = timeline.filter((p) => p.applied >= from && p.applied < to);
  if (points.length < 5) return null;
  const mx = points.reduce((s, p) => s + p.applied, 0) / points.length;
  const my = points.reduce((s, p) => s + p.rssMiB, 0) / points.length;
  const sxx = points.reduce((s, p) => s + (p.applied - mx) ** 2, 0);
  if (sxx === 0) return null;
  const sxy = points.reduce((s, p) => s + (p.applied - mx) * (p.rssMiB - my), 0);
  return round((sxy / sxx) * 1024, 1);
}

function read(pid: number) {
  const m = processMemory(pid);
  if (!m) throw new Error(`cannot read /proc/${pid}/status: the worker process is gone`);
  return m;
}
