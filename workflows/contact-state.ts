import type {
  CarriedState,
  ContactScoreView,
  ContactScoringInput,
  InteractionRef,
  ScoringPassInput,
  ScoringPassResult,
  SetAsideItem,
} from '../domain/scoring-messages';
import type { LedgerChange, ProfileScore } from '../domain/score-computation';
import { changeSteps } from '../domain/ledger-path';
import type { FiresRecorded } from '../domain/automation-ids';
import {
  evaluateTriggers,
  initialTriggerState,
  type TriggerFire,
  type TriggerState,
} from '../domain/trigger-evaluation';
import type { Trigger } from '../domain/trigger';

const DEFAULT_MAX_SIGNALS_PER_RUN = 9_000;
const RECENT_IDS_KEPT = 2_000;
const RECENT_CHANGES_KEPT = 20;
const RECENT_AUTOMATIONS_KEPT = 50;
const RECENT_SET_ASIDE_KEPT = 20;

/** A trigger that fired, with what the automation it starts needs. */
export interface Fire {
  trigger: Trigger;
  fire: TriggerFire;
  /** The trigger's fire count for this contact, this fire included: part of the automation's id. */
  fireNumber: number;
}

/** How a score adjustment sent as an update ended, once a pass has dealt with it. */
export type AdjustmentOutcome = { applied: true } | { applied: false; reason: string };

/**
 * Everything a contact workflow knows, and the rules for changing it. Deterministic and free of
 * Temporal calls: the workflow feeds it signals and pass results and carries out what it asks
 * for (passes, automations, continue-as-new). What a run hands to the next is `carried()`.
 */
export class ContactState {
  readonly accountId: string;
  readonly contactId: string;
  readonly runNumber: number;
  private readonly maxSignalsPerRun: number;
  private scores: ProfileScore[];
  private recentChanges: LedgerChange[];
  private appliedCount: number;
  private readonly pending: InteractionRef[];
  /** Bounded memory of ids already taken: a re-sent interaction does not cost a pass. */
  private readonly recentIds: Set<string>;
  private triggerStates: Record<string, TriggerState>;
  private recentAutomations: string[];
  private recentlySetAside: SetAsideItem[];
  private ledgerCursor: string | null;
  nextExpiryAt: string | null;
  /** A pass is wanted even with nothing pending: a first run's sweep, a re-score, an adjustment. */
  private sweep: boolean;
  private signalsThisRun = 0;
  private adjustmentsInFlight = 0;
  /** Adjustments dealt with in this run, for the updates that wait on them. */
  private readonly adjustments = new Map<string, AdjustmentOutcome>();

  constructor(input: ContactScoringInput) {
    const c: Partial<CarriedState> = input.carried ?? {};
    this.accountId = input.accountId;
    this.contactId = input.contactId;
    this.maxSignalsPerRun = input.maxSignalsPerRun ?? DEFAULT_MAX_SIGNALS_PER_RUN;
    this.runNumber = (c.runNumber ?? 0) + 1;
    this.scores = c.scores ?? [];
    this.recentChanges = c.recentChanges ?? [];
    this.appliedCount = c.appliedCount ?? 0;
    this.pending = [...(c.pending ?? [])];
    this.recentIds = new Set(c.recentInteractionIds ?? []);
    this.triggerStates = c.triggerStates ?? {};
    this.recentAutomations = c.recentAutomations ?? [];
    this.recentlySetAside = c.recentlySetAside ?? [];
    this.ledgerCursor = c.ledgerCursor ?? null;
    this.nextExpiryAt = c.nextExpiryAt ?? null;
    // A first run sweeps what was stored before the workflow existed (the API died before signalling).
    this.sweep = input.carried === undefined || this.pending.length > 0;
  }

  /** Interactions arrived (signal): remember the new ones, ignore repeats. */
  receive(refs: readonly InteractionRef[]): void {
    this.signalsThisRun += 1;
    for (const ref of refs) {
      if (this.recentIds.has(ref.id)) continue;
      this.recentIds.add(ref.id);
      if (this.recentIds.size > RECENT_IDS_KEPT) this.recentIds.delete(this.recentIds.values().next().value!);
      this.pending.push(ref);
    }
  }

  /** Something changed in Postgres that only a pass picks up (a re-score, a stored adjustment). */
  requestPass(): void {
    this.sweep = true;
  }

  /** Interactions announced by signals and not yet taken by a pass. */
  get pendingCount(): number {
    return this.pending.length;
  }

  get hasWork(): boolean {
    return this.pending.length > 0 || this.sweep;
  }

  /**
   * Time to continue-as-new: Temporal suggests it (history size) or the run took its share of
   * signals (the server refuses more than 10,000). An adjustment in flight needs this run's loop
   * to apply it, so the hand-off waits for it.
   */
  handOffDue(suggestedByTemporal: boolean): boolean {
    return (
      (suggestedByTemporal || this.signalsThisRun >= this.maxSignalsPerRun) && this.adjustmentsInFlight === 0
    );
  }

  /** What every pass is told; clears the wake-up it answers. */
  startPass(runId: string): ScoringPassInput {
    this.pending.length = 0;
    this.sweep = false;
    return { accountId: this.accountId, contactId: this.contactId, runId, ledgerCursor: this.ledgerCursor };
  }

  /**
   * Takes in what a pass left behind and says which triggers fired. Trigger steps follow the
   * ledger since the last row this workflow saw, batch by batch, from the scores it knew then
   * (on a run's first pass: the scores the run started from, recorded in Postgres), so a batch
   * that committed without its completion reaching the workflow is still a step of its own.
   */
  absorb(result: ScoringPassResult, now: number): { fires: Fire[]; scoresChanged: boolean } {
    if (result.firesRecorded) this.recallFires(result.firesRecorded);
    const known = result.runStartScores ?? this.scores;
    const steps = changeSteps(known, result.ledger.batches, result.scores);
    const scoresChanged = !sameScores(this.scores, result.scores);
    this.ledgerCursor = result.ledger.cursor;
    this.scores = result.scores;
    this.appliedCount = result.appliedTotal;
    this.nextExpiryAt = result.nextExpiryAt;
    this.recentChanges = [...this.recentChanges, ...result.recentChanges].slice(-RECENT_CHANGES_KEPT);
    this.recentlySetAside = [...this.recentlySetAside, ...result.setAside].slice(-RECENT_SET_ASIDE_KEPT);
    if (result.remaining) this.sweep = true;
    for (const id of result.appliedAdjustmentIds) this.adjustments.set(id, { applied: true });
    for (const item of result.setAside)
      this.adjustments.set(item.id, { applied: false, reason: item.reason });
    return { fires: steps.flatMap((changes) => this.evaluate(result.triggers, changes, now)), scoresChanged };
  }

  /** Fire counts the automations' records know of and this run does not (it lost them to a Terminate or Reset). */
  private recallFires(recorded: Record<string, FiresRecorded>): void {
    for (const [triggerId, { fires, lastFiredAt }] of Object.entries(recorded)) {
      const state = this.triggerStates[triggerId] ?? initialTriggerState();
      if (state.fires >= fires) continue;
      this.triggerStates = {
        ...this.triggerStates,
        [triggerId]: { ...state, fires, lastFiredAt: Math.max(state.lastFiredAt ?? 0, lastFiredAt) },
      };
    }
  }

  private evaluate(
    triggers: Trigger[],
    changes: { profileId: string; before: number; after: number }[],
    now: number,
  ): Fire[] {
    if (changes.length === 0 || triggers.length === 0) return [];
    const byProfile = Object.fromEntries(
      changes.map((c) => [c.profileId, { before: c.before, after: c.after }]),
    );
    const evaluated = evaluateTriggers(triggers, this.triggerStates, byProfile, now);
    this.triggerStates = evaluated.states;
    return evaluated.fires.map((fire) => ({
      fire,
      trigger: triggers.find((t) => t.id === fire.triggerId)!,
      fireNumber: this.triggerStates[fire.triggerId]!.fires,
    }));
  }

  automationStarted(workflowId: string): void {
    this.recentAutomations = [...this.recentAutomations, workflowId].slice(-RECENT_AUTOMATIONS_KEPT);
  }

  get automationsToTell(): readonly string[] {
    return this.recentAutomations;
  }

  adjustmentStarted(): void {
    this.adjustmentsInFlight += 1;
  }

  adjustmentFinished(): void {
    this.adjustmentsInFlight -= 1;
  }

  adjustmentOutcome(adjustmentId: string): AdjustmentOutcome | undefined {
    return this.adjustments.get(adjustmentId);
  }

  scoreOf(profileId: string): number | null {
    return this.scores.find((s) => s.profileId === profileId)?.score ?? null;
  }

  /** The score under the account's default profile, for the EngagementScore search attribute. */
  get searchAttributes(): { profiles: string[]; engagementScore: number | null } {
    const byDefault = this.scores.find((s) => s.isDefault);
    return {
      profiles: this.scores.map((s) => s.profileId),
      engagementScore: byDefault ? byDefault.score : null,
    };
  }

  view(): ContactScoreView {
    return {
      accountId: this.accountId,
      contactId: this.contactId,
      scores: this.scores,
      recentChanges: this.recentChanges,
      appliedCount: this.appliedCount,
      pendingCount: this.pending.length,
      runNumber: this.runNumber,
      signalsThisRun: this.signalsThisRun,
      triggerStates: this.triggerStates,
      recentAutomations: this.recentAutomations,
      recentlySetAside: this.recentlySetAside,
    };
  }

  /** What the next run starts from; anything received and not applied travels in `pending`. */
  carried(): CarriedState {
    return {
      scores: this.scores,
      recentChanges: this.recentChanges,
      recentInteractionIds: [...this.recentIds],
      pending: this.pending,
      appliedCount: this.appliedCount,
      runNumber: this.runNumber,
      triggerStates: this.triggerStates,
      recentAutomations: this.recentAutomations,
      nextExpiryAt: this.nextExpiryAt,
      ledgerCursor: this.ledgerCursor,
      recentlySetAside: this.recentlySetAside,
    };
  }
}

function sameScores(a: readonly ProfileScore[], b: readonly ProfileScore[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (s, i) => s.profileId === b[i]!.profileId && s.score === b[i]!.score && s.version === b[i]!.version,
    )
  );
}
