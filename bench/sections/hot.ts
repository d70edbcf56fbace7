import { WorkflowNotFoundError } from '@temporalio/client';
import { contactWorkflowId } from '../../domain/ids';
import { contactScoreQuery } from '../../workflows/definitions';
import type { Deployment, Stack } from '../stack';
import { anEmailOpened, benchAccount, interactionCounts, seedContacts } from '../fixtures';
import { now, round, runPool, summarize, withRetries, type SectionContext, type Summary } from '../measure';
import {
  CpuSampler,
  cpuPerItem,
  profileHistories,
  type CpuPerItem,
  type CpuUsage,
  type HistoryProfile,
} from '../probes';

export interface HotResult {
  worker: Deployment['mode'];
  interactions: number;
  requests: number;
  concurrency: number;
  maxBatch: number;
  errors: number;
  requestsSeconds: number;
  settledSeconds: number;
  interactionsPerSecond: number;
  requestLatencyMs: Summary;
  /** From the contactScore query after the run (0: no workflow, with scoring at ingest). */
  runNumber: number;
  continueAsNewHandOffs: number;
  appliedCount: number;
  signalsInLastRun: number;
  finalScore: number | null;
  ok: boolean;
  cpu: CpuUsage;
  cpuPerInteraction: CpuPerItem;
  /** Of the last run only (continue-as-new starts a new history). */
  lastRunHistory: HistoryProfile;
}

/**
 * One contact, `interactions` interactions in batches of 1..maxBatch per request, `concurrency`
 * requests at a time, as fast as they are answered; timed until all are applied.
 */
export async function measureHotContact(
  ctx: SectionContext,
  stack: Stack,
  deployment: Deployment,
  opts: { interactions: number; concurrency: number; maxBatch: number },
  cpu: CpuSampler,
): Promise<HotResult> {
  ctx.phase('hot: account and one contact');
  const account = await benchAccount(ctx, stack.db, deployment.baseUrl, 'hot', opts.concurrency);
  const contactId = 'hot';
  await seedContacts(stack.db, account.accountId, [contactId]);

  // Batch sizes cycle through a fixed pseudo-random sequence, so runs are comparable.
  const batches: number[] = [];
  let seed = 42;
  for (let left = opts.interactions; left > 0;) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const size = Math.min(left, 1 + (seed % opts.maxBatch));
    batches.push(size);
    left -= size;
  }
  const latencies: number[] = [];
  ctx.phase(
    `hot: ${opts.interactions} interactions in ${batches.length} requests, concurrency ${opts.concurrency}`,
  );
  const cpuStart = cpu.snapshot();
  const started = now();
  const { errors } = await runPool(ctx, batches.length, opts.concurrency, async (b) => {
    const body = Array.from({ length: batches[b]! }, () => anEmailOpened());
    const t = now();
    await withRetries(ctx, 3, () =>
      account.api.expect(202, 'POST', `/contacts/${contactId}/interactions`, body),
    );
    latencies.push(now() - t);
  });
  const requestsDone = now();
  await ctx.until('every interaction of the hot contact applied', 100, async () => {
    const c = await interactionCounts(stack.db, account.accountId);
    return c.pending === 0 && c.total >= opts.interactions ? c : undefined;
  });
  const settled = now();
  const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());

  ctx.phase('hot: querying the workflow');
  const workflowId = contactWorkflowId(account.accountId, contactId);
  // With scoring at ingest and no trigger, the contact's workflow may never have been started.
  const view = await stack.temporal.workflow
    .getHandle(workflowId)
    .query(contactScoreQuery)
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    });
  const { rows } = await stack.db.query<{ applied: number }>(
    'SELECT applied_count::int AS applied FROM contacts WHERE account_id = $1 AND id = $2',
    [account.accountId, contactId],
  );
  const appliedCount = rows[0]!.applied;
  const scored = await account.api.expect<{ score: number | null }>(
    200,
    'GET',
    `/contacts/${contactId}/score`,
  );
  const history = await profileHistories(stack.temporal, [workflowId]);
  account.api.close();
  const settledSeconds = (settled - started) / 1000;
  return {
    worker: deployment.mode,
    interactions: opts.interactions,
    requests: batches.length,
    concurrency: opts.concurrency,
    maxBatch: opts.maxBatch,
    errors,
    requestsSeconds: round((requestsDone - started) / 1000, 2),
    settledSeconds: round(settledSeconds, 2),
    interactionsPerSecond: round(opts.interactions / settledSeconds),
    requestLatencyMs: summarize(latencies),
    runNumber: view?.runNumber ?? 0,
    continueAsNewHandOffs: Math.max(0, (view?.runNumber ?? 1) - 1),
    appliedCount,
    signalsInLastRun: view?.signalsThisRun ?? 0,
    finalScore: scored.score,
    ok: scored.score === opts.interactions && appliedCount === opts.interactions,
    cpu: cpuUsage,
    cpuPerInteraction: cpuPerItem(cpuUsage, opts.interactions),
    lastRunHistory: history,
  };
}
