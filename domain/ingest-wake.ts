import type { LedgerChange } from './score-computation';
import type { Trigger } from './trigger';
import { bandIndex, conditionHolds } from './trigger-evaluation';

/** One profile's move in one scoring transaction, as the contact workflow will later see it. */
export interface IngestStep {
  profileId: string;
  before: number;
  after: number;
  /** The contact had no score under this profile before the transaction (its first placement). */
  first: boolean;
}

/** A transaction's ledger rows folded into one step per profile: before its first row, after its last. */
export function ingestSteps(
  changes: readonly LedgerChange[],
  scoredBefore: ReadonlySet<string>,
): IngestStep[] {
  const steps = new Map<string, IngestStep>();
  for (const c of changes) {
    const step = steps.get(c.profileId);
    if (step) step.after = c.scoreAfter;
    else
      steps.set(c.profileId, {
        profileId: c.profileId,
        before: c.scoreAfter - c.delta,
        after: c.scoreAfter,
        first: !scoredBefore.has(c.profileId),
      });
  }
  return [...steps.values()];
}

/**
 * Whether a step scored at ingest could make the contact workflow start an automation, judged
 * without the workflow's trigger state (fire counts, re-arming, cooldowns), so that it may say
 * yes when the workflow then fires nothing, and never says no to a fire the workflow would make
 * at once. The one fire it defers: a band_change trigger's first placement of a contact that was
 * already scored when the trigger was created, which the workflow makes when the contact's
 * deferred refresh wakes it (SCORE_AT_INGEST_REFRESH_SECONDS).
 */
export function mayFire(triggers: readonly Trigger[], steps: readonly IngestStep[]): boolean {
  return steps.some((step) =>
    triggers.some((t) => {
      if (t.paused || t.profileId !== step.profileId || step.before === step.after) return false;
      if (!conditionHolds(t.condition, step.after)) return false;
      if (t.mode === 'crossing') return !conditionHolds(t.condition, step.before);
      if (t.mode === 'band_change')
        return (
          step.first ||
          bandIndex(t.bandBoundaries ?? [], step.before) !== bandIndex(t.bandBoundaries ?? [], step.after)
        );
      return true; // every_change
    }),
  );
}
