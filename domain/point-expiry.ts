import type { LedgerChange } from './score-computation';

/** The rule id of the ledger row that takes back points given by rule `r`: `expiry:r`. */
export const EXPIRY_RULE_PREFIX = 'expiry:';

/** Points given by a rule with expiresAfterDays, due to lapse. */
export interface ExpiringPoints {
  profileId: string;
  profileVersion: number;
  interactionId: string;
  ruleId: string;
  delta: number;
}

/**
 * The ledger rows that take lapsed points back, starting from (and updating) the current scores.
 * The profile's floor and ceiling still hold; a lapse the bounds cut to nothing is recorded with
 * delta 0, because the row is also the mark that these points have lapsed.
 */
export function lapseChanges(
  due: readonly ExpiringPoints[],
  current: Map<string, number>,
  bounds: ReadonlyMap<string, { floor?: number | undefined; ceiling?: number | undefined }>,
): LedgerChange[] {
  return due.map((points) => {
    const before = current.get(points.profileId) ?? 0;
    const { floor, ceiling } = bounds.get(points.profileId) ?? {};
    let scoreAfter = before - points.delta;
    if (ceiling !== undefined && scoreAfter > ceiling)
      scoreAfter = Math.max(ceiling, Math.min(before, scoreAfter));
    if (floor !== undefined && scoreAfter < floor) scoreAfter = Math.min(floor, Math.max(before, scoreAfter));
    current.set(points.profileId, scoreAfter);
    return {
      profileId: points.profileId,
      profileVersion: points.profileVersion,
      interactionId: points.interactionId,
      ruleId: EXPIRY_RULE_PREFIX + points.ruleId,
      delta: scoreAfter - before,
      scoreAfter,
    };
  });
}
