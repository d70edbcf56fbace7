import { z } from 'zod';
import type { FiresRecorded } from './automation-ids';
import type { LedgerPath } from './ledger-path';
import { pointsSchema } from './rule';
import type { LedgerChange, ProfileScore } from './score-computation';
import type { Trigger } from './trigger';
import type { TriggerState } from './trigger-evaluation';

/**
 * What a contact workflow is told when interactions arrive. The interactions themselves live in
 * Postgres (stored by the API before it signals), so the signal stays small however big their
 * attributes are, and an interaction whose signal was lost is still found by the next sweep.
 */
export const interactionRefSchema = z.object({
  id: z.string(),
  type: z.string(),
  occurredAt: z.string(),
});
export type InteractionRef = z.infer<typeof interactionRefSchema>;

/** A manual or automated score change, applied by the contact's workflow like any interaction. */
export const scoreAdjustmentRequestSchema = z.strictObject({
  adjustmentId: z.string().min(1).max(200),
  profileId: z.string().min(1).max(128),
  points: pointsSchema,
  reason: z.string().min(1).max(500),
  /** Who made it: an API key id, or an automation's workflow id. */
  actor: z.string().min(1).max(300),
});
export type ScoreAdjustmentRequest = z.infer<typeof scoreAdjustmentRequestSchema>;

export interface ScoreAdjustmentResult {
  adjustmentId: string;
  profileId: string;
  score: number | null;
}

export interface ContactScoringInput {
  accountId: string;
  contactId: string;
  /** State handed over by continue-as-new; absent on a contact's first run. */
  carried?: CarriedState;
  /** Signals accepted per run before handing over; the server refuses more than 10,000. */
  maxSignalsPerRun?: number;
}

/** An interaction the scoring pass could not apply under any retry, kept out of the inbox. */
export interface SetAsideItem {
  id: string;
  type: string;
  reason: string;
}

export interface CarriedState {
  scores: ProfileScore[];
  recentChanges: LedgerChange[];
  recentInteractionIds: string[];
  pending: InteractionRef[];
  appliedCount: number;
  runNumber: number;
  triggerStates: Record<string, TriggerState>;
  /** Automations started recently, told to stop sending when the contact enables do-not-disturb. */
  recentAutomations: string[];
  nextExpiryAt: string | null;
  /** The last ledger row id this workflow has seen; null before its first scoring pass. */
  ledgerCursor: string | null;
  recentlySetAside: SetAsideItem[];
}

/**
 * What every scoring pass is told: whose, and where the workflow is in the contact's ledger.
 * `ledgerCursor` null: the run has not seen the ledger yet, and the pass starts it from where run
 * `runId` started (recorded in Postgres by the run's first pass, so a retry finds the same place).
 */
export interface ScoringPassInput {
  accountId: string;
  contactId: string;
  runId: string;
  ledgerCursor: string | null;
}

export interface ApplyScoringInput extends ScoringPassInput {
  maxInteractions: number;
}

export interface ExpirePointsInput extends ScoringPassInput {
  /** The workflow's time when its timer fired (ms): due is judged by it, so time-skipping tests agree. */
  asOf: number;
}

/** What a scoring pass (apply, expire, re-score pick-up) leaves behind, for the workflow to absorb. */
export interface ScoringPassResult {
  contactExists: boolean;
  /** Interactions this call claimed. */
  applied: number;
  /** The contact's applied interactions after this call, whichever earlier call applied them. */
  appliedTotal: number;
  /** True when more unapplied interactions were left than one call takes. */
  remaining: boolean;
  scores: ProfileScore[];
  /** The newest changes only: the ledger in Postgres has all of them. */
  recentChanges: LedgerChange[];
  /** The account's triggers as of this call, so the workflow evaluates them deterministically. */
  triggers: Trigger[];
  /** The contact turned on do-not-disturb for all channels in this batch. */
  dndAllEnabled: boolean;
  /** Score adjustments applied by this call, so pending adjustment updates can answer. */
  appliedAdjustmentIds: string[];
  /** Interactions (adjustments among them) this call set aside. */
  setAside: SetAsideItem[];
  /** When the contact's next points lapse (rules with expiresAfterDays); null when none will. */
  nextExpiryAt: string | null;
  /** The ledger after the workflow's cursor (or after its run's start), batch by batch. */
  ledger: LedgerPath;
  /** On a run's first pass: the scores the run started from, the baseline of `ledger`. */
  runStartScores?: ProfileScore[];
  /**
   * On a run's first pass: each trigger's highest fire number found in automation_actions, so a
   * run that lost its fire counts (a Terminate, a Reset to before a fire) goes on from there.
   */
  firesRecorded?: Record<string, FiresRecorded>;
}

export interface ContactScoreView {
  accountId: string;
  contactId: string;
  scores: ProfileScore[];
  recentChanges: LedgerChange[];
  appliedCount: number;
  pendingCount: number;
  runNumber: number;
  signalsThisRun: number;
  triggerStates: Record<string, TriggerState>;
  recentAutomations: string[];
  recentlySetAside: SetAsideItem[];
}
