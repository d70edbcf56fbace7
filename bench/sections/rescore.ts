import { contactWorkflowId } from '../../domain/ids';
import type { Rule } from '../../domain/rule';
import { rescoreWorkflowId } from '../../clients/rescore-workflow';
import { refreshScoresSignal } from '../../workflows/definitions';
import { expectedScoresBySql, seedAppliedHistory, storedScores } from '../../test/support/scoring-fixtures';
import type { Deployment, Stack } from '../stack';
import { benchAccount, PROFILE_ID, waitForRescore } from '../fixtures';
import { now, round, type SectionContext } from '../measure';
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

export interface RescoreResult {
  worker: Deployment['mode'];
  contacts: number;
  interactions: number;
  seedSeconds: number;
  /** POST publish -> progress says finished (polled every 250 ms). */
  seconds: number;
  contactsPerSecond: number;
  interactionsPerSecond: number;
  /** The workflow's own figure (done / time since its start). */
  reportedRate: number;
  done: number;
  rescored: number;
  ok: boolean;
  mismatches: number;
  cpu: CpuUsage;
  cpuPerContact: CpuPerItem;
  pg: PgCounters;
  /** rescorePage activities: one per page (RESCORE_PAGE_SIZE contacts). */
  history: HistoryProfile;
  /** What one page's "refresh running workflows" step costs: 200 signals, 20 at a time, to contacts without a workflow. */
  refreshProbe: { signals: number; ms: number };
}

const TYPES = ['email_opened', 'email_clicked', 'form_submitted', 'appointment_booked'] as const;
const V2_POINTS: Record<string, number> = {
  email_opened: 2,
  email_clicked: 1,
  form_submitted: 5,
  appointment_booked: -4,
};
const rulesFor = (points: Record<string, number>): Rule[] =>
  Object.entries(points).map(([type, p]) => ({
    id: `r-${type}`,
    interactionType: type,
    criteria: [],
    points: p,
  }));

/**
 * An account whose history is already applied (seeded straight into Postgres, as the re-score
 * tests do), then new draft rules and a publish: the durable re-score walks every contact.
 */
export async function measureRescore(
  ctx: SectionContext,
  stack: Stack,
  deployment: Deployment,
  opts: { contacts: number; interactions: number },
  cpu: CpuSampler,
): Promise<RescoreResult> {
  ctx.phase('rescore: account');
  const account = await benchAccount(ctx, stack.db, deployment.baseUrl, 'rescore');
  const perContact = Math.max(1, Math.ceil(opts.interactions / opts.contacts));
  ctx.phase(`rescore: seeding ${opts.contacts} contacts x ${perContact} applied interactions`);
  const seedStarted = now();
  await seedAppliedHistory(stack.db, account.accountId, {
    contacts: opts.contacts,
    interactionsPerContact: perContact,
    types: TYPES,
  });
  await stack.db.query('ANALYZE contacts, interactions, contact_scores, score_ledger');
  const seedSeconds = (now() - seedStarted) / 1000;

  ctx.phase('rescore: PUT draft rules + POST publish, polling progress');
  await account.api.expect(200, 'PUT', `/profiles/${PROFILE_ID}/draft/rules`, { rules: rulesFor(V2_POINTS) });
  const cpuStart = cpu.snapshot();
  const pgStart = await pgCounters(stack.db);
  const started = now();
  const published = await account.api.expect<{ version: number }>(
    201,
    'POST',
    `/profiles/${PROFILE_ID}/publish`,
  );
  const progress = await waitForRescore(ctx, account.api, published.version, 250);
  const seconds = (now() - started) / 1000;
  const cpuUsage = CpuSampler.usage(cpuStart, cpu.snapshot());
  const pg = pgDelta(pgStart, await pgCounters(stack.db));

  ctx.phase('rescore: checking every score against SQL, reading the history');
  const expected = await expectedScoresBySql(stack.db, account.accountId, V2_POINTS);
  const stored = await storedScores(stack.db, account.accountId, PROFILE_ID);
  let mismatches = 0;
  for (const [contact, score] of expected) {
    const got = stored.get(contact);
    if (!got || got.score !== score || got.version !== published.version) mismatches += 1;
  }
  const history = await profileHistories(stack.temporal, [
    rescoreWorkflowId(account.accountId, PROFILE_ID, published.version),
  ]);
  const refreshProbe = await probeRefreshSignals(stack, account.accountId);
  account.api.close();
  return {
    worker: deployment.mode,
    contacts: opts.contacts,
    interactions: opts.contacts * perContact,
    seedSeconds: round(seedSeconds, 2),
    seconds: round(seconds, 2),
    contactsPerSecond: round(progress.done / seconds),
    interactionsPerSecond: round((opts.contacts * perContact) / seconds),
    reportedRate: round(progress.rate),
    done: progress.done,
    rescored: progress.rescored,
    ok: progress.state === 'finished' && mismatches === 0 && progress.done === opts.contacts,
    mismatches,
    cpu: cpuUsage,
    cpuPerContact: cpuPerItem(cpuUsage, Math.max(progress.done, 1)),
    pg,
    history,
    refreshProbe,
  };
}

/** The same calls rescorePage makes after each page (activities/rescore-page.ts), timed alone. */
async function probeRefreshSignals(
  stack: Stack,
  accountId: string,
): Promise<{ signals: number; ms: number }> {
  const ids = Array.from({ length: 200 }, (_, i) => `no-workflow-${i}`);
  const started = now();
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.allSettled(
      ids
        .slice(i, i + 20)
        .map((c) =>
          stack.temporal.workflow.getHandle(contactWorkflowId(accountId, c)).signal(refreshScoresSignal),
        ),
    );
  }
  return { signals: ids.length, ms: round(now() - started) };
}
