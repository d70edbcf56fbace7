import { setTimeout as sleep } from 'node:timers/promises';
import type { SignalDefinition } from '@temporalio/client';
import { syncDeclaredTriggers } from '../../db/triggers';
import { DEMO_TRIGGERS } from '../../scripts/demo-triggers';
import { accountAttribute } from '../../workflows/search-attributes';
import { contactWorkflowId } from '../../domain/ids';
import type { Deployment, Stack } from '../stack';
import { noopSignal } from '../noop-workflow';
import {
  anEmailOpened,
  benchAccount,
  contactIds,
  interactionCounts,
  scoreTotals,
  seedContacts,
} from '../fixtures';
import { now, round, runPool, summarize, withRetries, type SectionContext, type Summary } from '../measure';
import {
  CpuSampler,
  cpuPerItem,
  pgCounters,
  pgDelta,
  profileHistories,
  type CpuPerItem,
  type CpuUsage,
  type HistoryProfile,
  type PgCounters,
} from '../probes';

export interface LoadShape {
  contacts: number;
  interactionsPerContact: number;
  concurrency: number;
}

/** signalWithStart calls straight to Temporal (no API), timed until every workflow completed. */
export interface SignalRateResult extends LoadShape {
  calls: number;
  errors: number;
  /** Until the last signalWithStart returned / until every workflow had processed all its signals. */
  callsSeconds: number;
  settledSeconds: number;
  signalsPerSecond: number;
  callLatencyMs: Summary;
  cpu: CpuUsage;
  cpuPerSignal: CpuPerItem;
}

export interface IngestResult extends LoadShape {
  worker: Deployment['mode'];
  /** The demo's triggers (scripts/demo-triggers.ts) were active on the account. */
  triggers: boolean;
  /** Automations (child workflows) the account's triggers started during the run, per visibility. */
  automationsStarted: number;
  automationsPerInteraction: number;
  /** From the sampled contacts' histories: signals and workflow tasks per interaction sent to them. */
  signalsPerInteraction: number;
  workflowTasksPerInteraction: number;
  interactions: number;
  errors: number;
  requestsSeconds: number;
  settledSeconds: number;
  interactionsPerSecond: number;
  /** Client-side time of POST /contacts/:id/interactions (one interaction each). */
  requestLatencyMs: Summary;
  check: { scoreSum: number; ledgerRows: number; ok: boolean };
  cpu: CpuUsage;
  cpuPerInteraction: CpuPerItem;
  pg: PgCounters & { transactionsPerInteraction: number };
  history: HistoryProfile;
}

/** Job k goes to contact k mod N: each contact's interactions are spread over the run. */
const jobTarget = (k: number, contacts: number) => ({ contact: k % contacts, nth: Math.floor(k / contacts) });

export type CeilingResult = SignalRateResult;

/**
 * The ceiling: the same number of signalWithStart calls, with the same concurrency and payload,
 * to a workflow that only counts them, on its own worker and task queue. Settled when every
 * workflow has completed (it completes on its last expected signal).
 */
export async function measureCeiling(
  ctx: SectionContext,
  stack: Stack,
  shape: LoadShape,
  cpu: CpuSampler,
): Promise<CeilingResult> {
  ctx.phase('ceiling: starting the noop worker');
  const noop = await stack.startBenchWorker('noop', './noop-workflow');
  try {
    const { workflowIds: _ids, ...result } = await measureSignalRate(ctx, stack, shape, cpu, {
      label: 'ceiling',
      taskQueue: noop.taskQueue,
      workflowType: 'noopSignalWorkflow',
      args: [shape.interactionsPerContact],
    });
    return result;
  } finally {
    await noop.stop();
  }
}

/**
 * N workflows x M signalWithStart calls of one interaction ref each, C at a time, to a workflow
 * that completes on its M-th signal; settled when every one has completed.
 */
export async function measureSignalRate(
  ctx: SectionContext,
  stack: Stack,
  shape: LoadShape,
  cpu: CpuSampler,
  target: {
    label: string;
    taskQueue: string;
    workflowType: string;
    args: unknown[];
    /** The signal and its arguments for one call; the noop signal with one interaction ref when absent. */
    signal?: SignalDefinition<any[]>;
    signalArgs?: (workflowId: string) => unknown[];
  },
): Promise<SignalRateResult & { workflowIds: string[] }> {
  const run = `${target.label.replace(/[^\w-]/g, '-')}-${Date.now().toString(36)}`;
  const ids = Array.from({ length: shape.contacts }, (_, i) => `${run}-${i}`);
  const calls = shape.contacts * shape.interactionsPerContact;
  const latencies: number[] = [];
  ctx.phase(`${target.label}: ${calls} signalWithStart calls, concurrency ${shape.concurrency}`);
  const cpuStart = cpu.snapshot();
  const started = now();
  const { errors } = await runPool(ctx, calls, shape.concurrency, async (k) => {
    const { contact } = jobTarget(k, shape.contacts);
    const { id, type, occurredAt } = anEmailOpened();
    const t = now();
    await withRetries(ctx, 3, () =>
      stack.temporal.workflow.signalWithStart(target.workflowType, {
        workflowId: ids[contact]!,
        taskQueue: target.taskQueue,
        args: target.args,
        signal: target.signal ?? noopSignal,
        signalArgs: target.signalArgs ? target.signalArgs(ids[contact]!) : [[{ id, type, occurredAt }]],
      }),
    );
    latencies.push(now() - t);
  });
  const callsDone = now();
  ctx.phase(`${target.label}: waiting for every workflow to complete`);
  await runPool(ctx, ids.length, shape.concurrency, async (i) => {
    await stack.temporal.workflow.getHandle(ids[i]!).result();
  });
  const settledSeconds = (now() - started) / 1000;
  const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
  return {
    ...shape,
    workflowIds: ids,
    calls,
    errors,
    callsSeconds: round((callsDone - started) / 1000, 2),
    settledSeconds: round(settledSeconds, 2),
    signalsPerSecond: round(calls / settledSeconds),
    callLatencyMs: summarize(latencies),
    cpu: cpuUsage,
    cpuPerSignal: cpuPerItem(cpuUsage, calls),
  };
}

/**
 * N contacts x M interactions, one per POST, through the API with C concurrent clients, timed
 * until every interaction is applied (nothing unapplied in Postgres, so every score is final) and
 * every workflow signalled has run its pass (so every trigger that fired has started its automation).
 */
export async function measureIngest(
  ctx: SectionContext,
  stack: Stack,
  deployment: Deployment,
  shape: LoadShape,
  cpu: CpuSampler,
  variant: { triggers: boolean } = { triggers: false },
): Promise<IngestResult> {
  const label = `${deployment.mode}${variant.triggers ? ', demo triggers' : ''}`;
  ctx.phase(`ingest (${label}): account and ${shape.contacts} contacts`);
  const account = await benchAccount(
    ctx,
    stack.db,
    deployment.baseUrl,
    `ingest-${deployment.mode}${variant.triggers ? '-triggers' : ''}`,
    shape.concurrency,
  );
  if (variant.triggers) await syncDeclaredTriggers(stack.db, account.accountId, DEMO_TRIGGERS);
  const ids = contactIds('c', shape.contacts);
  await seedContacts(stack.db, account.accountId, ids);
  const total = shape.contacts * shape.interactionsPerContact;
  const latencies: number[] = [];

  ctx.phase(`ingest (${label}): ${total} POSTs, concurrency ${shape.concurrency}`);
  const cpuStart = cpu.snapshot();
  const pgStart = await pgCounters(stack.db);
  const started = now();
  const { errors, firstError } = await runPool(ctx, total, shape.concurrency, async (k) => {
    const { contact } = jobTarget(k, shape.contacts);
    const interaction = anEmailOpened();
    const t = now();
    await withRetries(ctx, 3, () =>
      account.api.expect(202, 'POST', `/contacts/${ids[contact]}/interactions`, interaction),
    );
    latencies.push(now() - t);
  });
  const requestsDone = now();
  // A failed request is not stored, so the score check cannot pass: say why it failed.
  if (errors > 0)
    ctx.phase(`ingest (${label}): ${errors} requests failed after retries; first: ${String(firstError)}`);
  await ctx.until('every interaction applied', 100, async () => {
    const counts = await interactionCounts(stack.db, account.accountId);
    // Woken workflows included: with the demo triggers, their passes start the automations.
    return counts.pending === 0 && counts.awaitingPass === 0 && counts.total >= total - errors
      ? counts
      : undefined;
  });
  const settled = now();
  const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
  const pg = pgDelta(pgStart, await pgCounters(stack.db));

  ctx.phase('ingest: checking scores and reading sample histories');
  const totals = await scoreTotals(stack.db, account.accountId);
  const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 20)) === 0).slice(0, 20);
  const history = await profileHistories(
    stack.temporal,
    sample.map((c) => contactWorkflowId(account.accountId, c)),
  );
  const automationsStarted = variant.triggers ? await automationsOf(ctx, stack, account.accountId) : 0;
  account.api.close();
  const settledSeconds = (settled - started) / 1000;
  const sentToSample = Math.max(1, history.workflowsSampled * shape.interactionsPerContact);
  return {
    worker: deployment.mode,
    triggers: variant.triggers,
    automationsStarted,
    automationsPerInteraction: round(automationsStarted / total, 3),
    signalsPerInteraction: round(history.signals / sentToSample, 3),
    workflowTasksPerInteraction: round(history.workflowTasks / sentToSample, 3),
    ...shape,
    interactions: total,
    errors,
    requestsSeconds: round((requestsDone - started) / 1000, 2),
    settledSeconds: round(settledSeconds, 2),
    interactionsPerSecond: round(total / settledSeconds),
    requestLatencyMs: summarize(latencies),
    check: { ...totals, ok: totals.scoreSum === total && totals.ledgerRows === total },
    cpu: cpuUsage,
    cpuPerInteraction: cpuPerItem(cpuUsage, total),
    pg: { ...pg, transactionsPerInteraction: round(pg.xactCommit / total, 2) },
    history,
  };
}

/**
 * Automations an account's triggers started: every workflow of the account but the contact and
 * re-score workflows, counted through visibility until two reads half a second apart agree.
 */
export async function automationsOf(ctx: SectionContext, stack: Stack, accountId: string): Promise<number> {
  const query =
    `${accountAttribute.name} = '${accountId}' AND WorkflowType != 'contactScoringWorkflow' ` +
    `AND WorkflowType != 'rescoreProfileWorkflow'`;
  let last = -1;
  for (let i = 0; i < 20; i++) {
    ctx.check();
    const { count } = await stack.temporal.workflow.count(query);
    if (count === last) return count;
    last = count;
    await sleep(500);
  }
  return last;
}
