import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type ActivityOptions } from '@temporalio/common';
import type * as activities from '../activities';
import type {
  ApplyScoringResult,
  ContactScoringInput,
  InteractionRef,
  ScoreAdjustmentRequest,
} from '../domain/scoring-messages';
import type { AutomationInput } from '../domain/actions';
import type { LedgerChange, ProfileScore, ScoreChange } from '../domain/score-computation';
import type { Trigger } from '../domain/trigger';
import { evaluateTriggers, type TriggerFire, type TriggerState } from '../domain/trigger-evaluation';
import { changeSteps } from '../domain/ledger-path';
import { dndEnabledSignal } from './automations/definitions';
import { automationWorkflowType } from './automations/registry';
import {
  adjustScoreUpdate,
  contactScoreQuery,
  interactionsReceivedSignal,
  refreshScoresSignal,
} from './definitions';
import {
  accountAttribute,
  automationAttribute,
  contactAttribute,
  engagementScoreAttribute,
  profilesAttribute,
  triggerAttribute,
} from './search-attributes';

type Activities = ReturnType<typeof activities.createActivities>;
const activityOptions: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  // Postgres being away is the common failure: keep trying, but back off.
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['ProfileNotFound', 'ProfileNotPublished'],
  },
};
const remote = proxyActivities<Activities>(activityOptions);
const { recordScoreAdjustment } = remote;
// Scoring passes are short Postgres transactions: as local activities they run inside the workflow
// task that asked for them, which spares the server an activity task and a second workflow task
// per batch (the ingest ceiling is the dev server's). Retried by the worker with the same policy;
// a worker that dies mid-pass has its workflow task retried, and the pass with it (idempotent).
const local = proxyLocalActivities<Activities>(activityOptions);

const DEFAULT_MAX_SIGNALS_PER_RUN = 9_000;
const MAX_INTERACTIONS_PER_ACTIVITY = 1_000;
const RECENT_IDS_KEPT = 2_000;
const RECENT_CHANGES_KEPT = 20;
const RECENT_AUTOMATIONS_KEPT = 50;

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
  let triggerStates: Record<string, TriggerState> = carried?.triggerStates ?? {};
  let recentAutomations: string[] = carried?.recentAutomations ?? [];
  let nextExpiryAt: string | null = carried?.nextExpiryAt ?? null;
  // The last ledger row this workflow has seen; null until the first activity reports one.
  let ledgerCursor: string | null = carried?.ledgerCursor ?? null;
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

  // A re-score rewrote the scores in Postgres: one pass picks them up (and the search attributes).
  setHandler(refreshScoresSignal, () => {
    sweep = true;
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
    triggerStates,
    recentAutomations,
  }));

  // Adjustments applied in this run; an update waits here for its own id.
  const appliedAdjustments = new Set<string>();
  let adjustmentsInFlight = 0;
  setHandler(
    adjustScoreUpdate,
    async (request) => {
      adjustmentsInFlight += 1;
      try {
        const { applied } = await recordScoreAdjustment({ accountId, contactId, ...request });
        if (!applied) {
          sweep = true;
          await condition(() => appliedAdjustments.has(request.adjustmentId));
        }
        const score = scores.find((s) => s.profileId === request.profileId);
        return {
          adjustmentId: request.adjustmentId,
          profileId: request.profileId,
          score: score?.score ?? null,
        };
      } finally {
        adjustmentsInFlight -= 1;
      }
    },
    {
      validator: (request: ScoreAdjustmentRequest) => {
        if (!Number.isInteger(request.points) || request.points === 0)
          throw new Error('points: must be a non-zero integer');
      },
    },
  );

  // An adjustment in flight needs this loop to apply it, so the hand-off waits for it.
  const handOffDue = () =>
    (workflowInfo().continueAsNewSuggested || signalsThisRun >= maxSignalsPerRun) &&
    adjustmentsInFlight === 0;

  // Newer runs evaluate triggers against their own known scores, which a first run learns with a
  // pass that claims nothing; runs recorded before replay the old way.
  const triggersSeeKnownScores = patched('triggers-from-known-scores');
  // Newer runs also walk the ledger since the last row they saw, batch by batch: a batch whose
  // completion was lost (the worker died after its commit) is evaluated on its own, not merged
  // into the retry's.
  const triggersFollowLedger = triggersSeeKnownScores && patched('triggers-follow-ledger');
  const cursorArg = () => (triggersFollowLedger ? { ledgerCursor } : {});
  const { applyScoringRules, expirePoints } =
    triggersFollowLedger && patched('scoring-local-activities') ? local : remote;
  if (triggersSeeKnownScores && carried === undefined) {
    const first = await applyScoringRules({ accountId, contactId, maxInteractions: 0, ...cursorArg() });
    if (!first.contactExists) return;
    if (first.nextExpiryAt !== undefined) nextExpiryAt = first.nextExpiryAt;
    if (first.ledger) ledgerCursor = first.ledger.cursor;
    if (first.appliedTotal !== undefined) appliedCount = first.appliedTotal;
    scores = first.scores;
    if (scores.length > 0) publishScores(scores);
  }

  for (;;) {
    const wake = () => pending.length > 0 || sweep || handOffDue();
    // Points that lapse wake the workflow on a durable timer (runs recorded before expiry replay without it).
    const woken =
      nextExpiryAt !== null && patched('point-expiry')
        ? await condition(wake, Math.max(Date.parse(nextExpiryAt) - Date.now(), 1))
        : (await condition(wake), true);
    if (handOffDue()) break;

    if (!woken) {
      const lapsed = await expirePoints({ accountId, contactId, asOf: Date.now(), ...cursorArg() });
      if (!lapsed.contactExists) return;
      await absorb(lapsed);
      continue;
    }

    pending.length = 0;
    sweep = false;
    const result = await applyScoringRules({
      accountId,
      contactId,
      maxInteractions: MAX_INTERACTIONS_PER_ACTIVITY,
      ...cursorArg(),
    });
    if (!result.contactExists) return; // the contact was deleted: nothing left to score
    sweep ||= result.remaining; // an update may have asked for another pass meanwhile
    // The total, not a sum of results: a pass re-run after a lost result reports only what it claimed.
    appliedCount =
      triggersFollowLedger && result.appliedTotal !== undefined
        ? result.appliedTotal
        : appliedCount + result.applied;
    for (const id of result.appliedAdjustmentIds ?? []) appliedAdjustments.add(id);
    await absorb(result);
  }

  /** What every scoring pass leaves behind: cached scores, search attributes, triggers, expiry. */
  async function absorb(result: ApplyScoringResult): Promise<void> {
    const steps =
      triggersFollowLedger && result.ledger?.batches
        ? changeSteps(scores, result.ledger.batches, result.scores)
        : [triggersSeeKnownScores ? changesSinceKnown(result) : (result.scoreChanges ?? [])];
    if (result.ledger) ledgerCursor = result.ledger.cursor;
    recentChanges = [...recentChanges, ...result.recentChanges].slice(-RECENT_CHANGES_KEPT);
    if (result.nextExpiryAt !== undefined) nextExpiryAt = result.nextExpiryAt;
    if (!sameScores(scores, result.scores)) {
      scores = result.scores;
      publishScores(scores);
    }
    // Runs recorded before automations existed replay without this block.
    if (patched('triggers-start-automations')) {
      if (result.dndAllEnabled) await stopSending(recentAutomations);
      const fires = steps.flatMap((changes) => evaluate(result.triggers ?? [], changes));
      for (const fire of fires) {
        const trigger = result.triggers.find((t) => t.id === fire.triggerId)!;
        const id = await startAutomation(
          accountId,
          contactId,
          trigger,
          fire,
          triggerStates[fire.triggerId]!.fires,
        );
        recentAutomations = [...recentAutomations, id].slice(-RECENT_AUTOMATIONS_KEPT);
      }
    }
  }

  /**
   * Changes measured from the scores this workflow last saw, not from what the activity read: an
   * activity retried after its commit (the worker died before reporting) reads the new score and
   * would report no change, losing the crossing. A new version (re-score) is no engagement: its
   * baseline is the re-scored score the activity reports.
   */
  function changesSinceKnown(result: ApplyScoringResult): ScoreChange[] {
    return result.scores.flatMap((s) => {
      const known = scores.find((k) => k.profileId === s.profileId && k.version === s.version);
      const reported = (result.scoreChanges ?? []).find((c) => c.profileId === s.profileId);
      const before = known ? known.score : reported ? reported.before : s.score;
      return before === s.score ? [] : [{ profileId: s.profileId, before, after: s.score }];
    });
  }

  function evaluate(triggers: Trigger[], changes: ScoreChange[]): TriggerFire[] {
    if (changes.length === 0 || triggers.length === 0) return [];
    const byProfile = Object.fromEntries(
      changes.map((c) => [c.profileId, { before: c.before, after: c.after }]),
    );
    const evaluated = evaluateTriggers(triggers, triggerStates, byProfile, Date.now());
    triggerStates = evaluated.states;
    return evaluated.fires;
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
      triggerStates,
      recentAutomations,
      nextExpiryAt,
      ledgerCursor,
    },
  });
}

/**
 * The child id is derived from the contact, the trigger and the fire count, so a replayed or
 * retried start names the same execution: "already started" means it was started, once.
 * ABANDON: an automation outlives this run's continue-as-new.
 */
async function startAutomation(
  accountId: string,
  contactId: string,
  trigger: Trigger,
  fire: TriggerFire,
  fireNumber: number,
): Promise<string> {
  const workflowId = `${workflowInfo().workflowId}/trigger:${fire.triggerId}/${fireNumber}`;
  const workflowType = automationWorkflowType(fire.automation);
  if (!workflowType) {
    // The API refuses unknown names; one can still vanish from the registry in a later release.
    log.warn('trigger names an unknown automation; not started', {
      triggerId: fire.triggerId,
      automation: fire.automation,
    });
    return workflowId;
  }
  const input: AutomationInput = {
    accountId,
    contactId,
    triggerId: fire.triggerId,
    profileId: fire.profileId,
    score: fire.score,
    // Automations that compare against the trigger's threshold (a follow-up's "recovered") get it.
    params: { ...('value' in trigger.condition && { threshold: trigger.condition.value }), ...fire.input },
  };
  try {
    await startChild(workflowType, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: accountAttribute, value: accountId },
        { key: contactAttribute, value: contactId },
        { key: triggerAttribute, value: fire.triggerId },
        { key: automationAttribute, value: fire.automation },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return workflowId;
}

/** Compliance first: running automations hear about do-not-disturb before their next send. */
async function stopSending(automationIds: string[]): Promise<void> {
  await Promise.all(
    automationIds.map(
      (id) =>
        getExternalWorkflowHandle(id)
          .signal(dndEnabledSignal)
          .catch(() => undefined), // finished automations cannot be signalled, and need not be
    ),
  );
}

function remember(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size > RECENT_IDS_KEPT) ids.delete(ids.values().next().value as string);
}

function sameScores(a: ProfileScore[], b: ProfileScore[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (s, i) => s.profileId === b[i]!.profileId && s.score === b[i]!.score && s.version === b[i]!.version,
    )
  );
}

function publishScores(scores: ProfileScore[]): void {
  const byDefault = scores.find((s) => s.isDefault);
  upsertSearchAttributes([
    { key: profilesAttribute, value: scores.map((s) => s.profileId) },
    { key: engagementScoreAttribute, value: byDefault ? byDefault.score : null },
  ]);
}
