import { z } from 'zod';
import type { LedgerChange, ProfileScore } from './score-computation';

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

export interface ContactScoringInput {
  accountId: string;
  contactId: string;
  /** State handed over by continue-as-new; absent on a contact's first run. */
  carried?: CarriedState;
  /** Signals accepted per run before handing over; the server refuses more than 10,000. */
  maxSignalsPerRun?: number;
}

export interface CarriedState {
  scores: ProfileScore[];
  recentChanges: LedgerChange[];
  recentInteractionIds: string[];
  pending: InteractionRef[];
  appliedCount: number;
  runNumber: number;
}

export interface ApplyScoringInput {
  accountId: string;
  contactId: string;
  maxInteractions: number;
}

export interface ApplyScoringResult {
  contactExists: boolean;
  applied: number;
  /** True when more unapplied interactions were left than one call takes. */
  remaining: boolean;
  scores: ProfileScore[];
  /** The newest changes only: the ledger in Postgres has all of them. */
  recentChanges: LedgerChange[];
  changeCount: number;
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
}
