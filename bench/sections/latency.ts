import { setTimeout as sleep } from 'node:timers/promises';
import { syncDeclaredTriggers } from '../../db/triggers';
import { contactWorkflowId } from '../../domain/ids';
import { DEMO_TRIGGERS } from '../../scripts/demo-triggers';
import type { Deployment, Stack } from '../stack';
import { anEmailOpened, benchAccount, contactIds, interactionCounts, seedContacts } from '../fixtures';
import { now, round, runPool, summarize, withRetries, type SectionContext, type Summary } from '../measure';
import { CpuSampler, profileHistories, type CpuUsage, type HistoryProfile } from '../probes';

export interface LatencyResult {
  worker: Deployment['mode'];
  /** The demo's triggers (scripts/demo-triggers.ts) were active on the account. */
  triggers: boolean;
  /** Interactions per second offered, open loop; half the measured maximum unless given. */
  rate: number;
  rateSource: string;
  seconds: number;
  /** One interaction in `1 / sample` is measured; the others are load, sent to other contacts. */
  sample: number;
  probeContacts: number;
  loadContacts: number;
  /** Polling starts at pollMs and backs off to 15% of the time waited so far (at most 500 ms). */
  pollMs: number;
  sent: number;
  measured: number;
  /** Meant to be measured, sent as load instead: every probe contact still had one in flight. */
  probeContactsBusy: number;
  timedOut: number;
  errors: number;
  achievedRate: number;
  /** 202 from POST /contacts/:id/interactions -> GET /contacts/:id/score shows the new score. */
  acceptedToVisibleMs: Summary;
  /** Send -> 202, every interaction. */
  postLatencyMs: Summary;
  scoreGetsPerSecond: number;
  cpu: CpuUsage;
  history: HistoryProfile;
}

const VISIBLE_TIMEOUT_MS = 30_000;
/** Polls back off to this share of the time waited so far, between --poll-ms and MAX_POLL_MS. */
const POLL_BACKOFF = 0.15;
const MAX_POLL_MS = 500;

export interface LatencyPhase {
  rate: number;
  rateSource: string;
  seconds: number;
  /** Share of this phase's interactions that are measured; the section's `sample` when absent. */
  sample?: number;
}

/**
 * Open loop at a fixed rate, one phase per given rate, on the same warmed contacts: interaction i
 * is sent at t0 + i/rate whether or not earlier ones are done. Every 1/sample-th goes to a probe
 * contact with nothing else in flight, so "visible" is exact (its score is one more than before)
 * and is polled through the API; the rest go round-robin to load contacts and are not polled,
 * which keeps the polling's own load small. All contacts are warmed first (one interaction each):
 * what is measured is a running contact workflow.
 */
export async function measureLatency(
  ctx: SectionContext,
  stack: Stack,
  deployment: Deployment,
  opts: {
    phases: LatencyPhase[];
    sample: number;
    contacts: number;
    pollMs: number;
    concurrency: number;
    triggers?: boolean;
  },
  cpu: CpuSampler,
): Promise<LatencyResult[]> {
  const triggers = opts.triggers ?? false;
  const probeIds = contactIds('p', opts.contacts);
  const loadIds = contactIds('l', opts.contacts);
  ctx.phase(`latency: account, ${probeIds.length} probe and ${loadIds.length} load contacts`);
  const account = await benchAccount(
    ctx,
    stack.db,
    deployment.baseUrl,
    triggers ? 'latency-triggers' : 'latency',
    256,
  );
  if (triggers) await syncDeclaredTriggers(stack.db, account.accountId, DEMO_TRIGGERS);
  const all = [...probeIds, ...loadIds];
  await seedContacts(stack.db, account.accountId, all);

  ctx.phase('latency: warming every contact (one interaction each)');
  await runPool(ctx, all.length, opts.concurrency, async (i) => {
    await withRetries(ctx, 3, () =>
      account.api.expect(202, 'POST', `/contacts/${all[i]}/interactions`, anEmailOpened()),
    );
  });
  await ctx.until('warm-up applied', 100, async () => {
    const c = await interactionCounts(stack.db, account.accountId);
    return c.pending === 0 && c.total >= all.length ? c : undefined;
  });

  const score = new Map(probeIds.map((id) => [id, 1]));
  let nextLoad = 0;
  const results: LatencyResult[] = [];
  try {
    for (const phase of opts.phases) {
      results.push(await openLoop(phase));
    }
    return results;
  } finally {
    account.api.close();
  }

  async function openLoop(phase: LatencyPhase): Promise<LatencyResult> {
    const every = Math.max(1, Math.round(1 / (phase.sample ?? opts.sample)));
    const free = [...probeIds];
    const used = new Set<string>();
    const visible: number[] = [];
    const posts: number[] = [];
    let sent = 0;
    let timedOut = 0;
    let errors = 0;
    let probeContactsBusy = 0;
    let gets = 0;

    const post = async (contactId: string) => {
      const t0 = now();
      const res = await account.api.request('POST', `/contacts/${contactId}/interactions`, anEmailOpened());
      if (res.status !== 202) {
        errors += 1;
        return undefined;
      }
      const accepted = now();
      posts.push(accepted - t0);
      return accepted;
    };

    const probe = async (contactId: string) => {
      const accepted = await post(contactId);
      if (accepted === undefined) return;
      const expected = score.get(contactId)! + 1;
      score.set(contactId, expected);
      for (;;) {
        const got = await account.api.request<{ score: number | null }>(
          'GET',
          `/contacts/${contactId}/score`,
        );
        gets += 1;
        const waited = now() - accepted;
        if (got.status === 200 && (got.body.score ?? 0) >= expected) {
          visible.push(waited);
          return;
        }
        if (waited > VISIBLE_TIMEOUT_MS) {
          timedOut += 1;
          return;
        }
        await sleep(Math.min(MAX_POLL_MS, Math.max(opts.pollMs, waited * POLL_BACKOFF)));
      }
    };

    ctx.phase(
      `latency: open loop at ${phase.rate}/s for ${phase.seconds} s, measuring 1 in ${every} (poll from ${opts.pollMs} ms)`,
    );
    const cpuStart = cpu.snapshot();
    const inFlight = new Set<Promise<void>>();
    const track = (work: Promise<unknown>, done: () => void = () => undefined) => {
      const p: Promise<void> = work
        .then(
          () => undefined,
          () => {
            errors += 1;
          },
        )
        .finally(() => {
          done();
          inFlight.delete(p);
        });
      inFlight.add(p);
    };
    const periodMs = 1000 / phase.rate;
    const total = Math.max(1, Math.round(phase.rate * phase.seconds));
    const started = now();
    for (let i = 0; i < total && !ctx.signal.aborted; i++) {
      const wait = started + i * periodMs - now();
      if (wait > 1) await sleep(wait);
      sent += 1;
      const contactId = i % every === 0 ? free.shift() : undefined;
      if (contactId !== undefined) {
        used.add(contactId);
        track(probe(contactId), () => free.push(contactId));
      } else {
        if (i % every === 0) probeContactsBusy += 1;
        track(post(loadIds[nextLoad++ % loadIds.length]!));
      }
    }
    const sendingSeconds = Math.max((now() - started) / 1000, periodMs / 1000);
    ctx.phase(`latency: waiting for ${inFlight.size} in-flight interactions`);
    while (inFlight.size > 0) {
      ctx.check();
      await Promise.race([...inFlight, sleep(500)]);
    }
    const elapsed = (now() - started) / 1000;
    const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
    ctx.phase('latency: reading sample histories');
    const sample = [...used].slice(0, 20).map((c) => contactWorkflowId(account.accountId, c));
    const history = await profileHistories(stack.temporal, sample);
    return {
      worker: deployment.mode,
      triggers,
      rate: phase.rate,
      rateSource: phase.rateSource,
      seconds: phase.seconds,
      sample: round(1 / every, 3),
      probeContacts: probeIds.length,
      loadContacts: loadIds.length,
      pollMs: opts.pollMs,
      sent,
      measured: visible.length,
      probeContactsBusy,
      timedOut,
      errors,
      achievedRate: round(sent / sendingSeconds),
      acceptedToVisibleMs: summarize(visible),
      postLatencyMs: summarize(posts),
      scoreGetsPerSecond: round(gets / elapsed),
      cpu: cpuUsage,
      history,
    };
  }
}
