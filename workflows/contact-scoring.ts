import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities';
import type { ContactScoringInput, InteractionRef } from '../domain/scoring-messages';
import type { LedgerChange, ProfileScore } from '../domain/score-computation';
import { contactScoreQuery, interactionsReceivedSignal } from './definitions';
import { engagementScoreAttribute, profilesAttribute } from './search-attributes';

const { applyScoringRules } = proxyActivities<ReturnType<typeof activities.createActivities>>({
  startToCloseTimeout: '30 seconds',
  // Postgres being away is the common failure: keep trying, but back off.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const DEFAULT_MAX_SIGNALS_PER_RUN = 9_000;
const MAX_INTERACTIONS_PER_ACTIVITY = 1_000;
const RECENT_IDS_KEPT = 2_000;
const RECENT_CHANGES_KEPT = 20;

/**
 * One per contact, for the contact's lifetime. Signals only say "something arrived"; each
 * activity call applies everything stored and not yet applied, so interactions that arrive
 * while one call runs are scored together by the next.
 */
export async function contactScoringWorkflow(input: ContactScoringInput): Promise<void> {
  const { accountId, contactId } = input;
  const carried = input.carried;
  const maxSignalsPerRun = input.maxSignalsPerRun ?? DEFAULT_MAX_SIGNALS_PER_RUN;

  let scores: ProfileScore[] = carried?.scores ?? [];
  let recentChanges: LedgerChange[] = carried?.recentChanges ?? [];
  let appliedCount = carried?.appliedCount ?? 0;
  const runNumber = (carried?.runNumber ?? 0) + 1;
  const pending: InteractionRef[] = [...(carried?.pending ?? [])];
  // Bounded memory of ids already taken: a re-sent interaction does not cost an activity call.
  const recentIds = new Set<string>(carried?.recentInteractionIds ?? []);
  let signalsThisRun = 0;
  // A first run sweeps what was stored before the workflow existed (e.g. the API died before signalling).
  let sweep = carried === undefined || pending.length > 0;

  setHandler(interactionsReceivedSignal, (refs) => {
    signalsThisRun += 1;
    for (const ref of refs) {
      if (recentIds.has(ref.id)) continue;
      remember(recentIds, ref.id);
      pending.push(ref);
    }
  });

  setHandler(contactScoreQuery, () => ({
    accountId,
    contactId,
    scores,
    recentChanges,
    appliedCount,
    pendingCount: pending.length,
    runNumber,
    signalsThisRun,
  }));

  const handOffDue = () => workflowInfo().continueAsNewSuggested || signalsThisRun >= maxSignalsPerRun;

  for (;;) {
    await condition(() => pending.length > 0 || sweep || handOffDue());
    if (handOffDue()) break;

    pending.length = 0;
    sweep = false;
    const result = await applyScoringRules({ accountId, contactId, maxInteractions: MAX_INTERACTIONS_PER_ACTIVITY });
    if (!result.contactExists) return; // the contact was deleted: nothing left to score
    sweep = result.remaining;
    appliedCount += result.applied;
    recentChanges = [...recentChanges, ...result.recentChanges].slice(-RECENT_CHANGES_KEPT);
    if (!sameScores(scores, result.scores)) {
      scores = result.scores;
      publishScores(scores);
    }
  }

  // Signal handlers are synchronous, so this only guards against future async handlers; anything
  // that arrived and was not applied travels in `pending` and is swept first by the next run.
  await condition(allHandlersFinished);
  await continueAsNew<typeof contactScoringWorkflow>({
    accountId,
    contactId,
    maxSignalsPerRun: input.maxSignalsPerRun,
    carried: {
      scores,
      recentChanges,
      recentInteractionIds: [...recentIds],
      pending,
      appliedCount,
      runNumber,
    },
  });
}

function remember(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size > RECENT_IDS_KEPT) ids.delete(ids.values().next().value as string);
}

function sameScores(a: ProfileScore[], b: ProfileScore[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => s.profileId === b[i]!.profileId && s.score === b[i]!.score && s.version === b[i]!.version)
  );
}

function publishScores(scores: ProfileScore[]): void {
  const byDefault = scores.find((s) => s.isDefault);
  upsertSearchAttributes([
    { key: profilesAttribute, value: scores.map((s) => s.profileId) },
    { key: engagementScoreAttribute, value: byDefault ? byDefault.score : null },
  ]);
}
