import type { ProfileScore, ScoreChange } from './score-computation';

/**
 * One profile's rows in one ledger transaction: the score before its first row (score_after -
 * delta) and after its last. `rescore` rows re-state applied interactions under a new profile
 * version; they move the baseline, they are not engagement.
 */
export interface LedgerSegment {
  profileId: string;
  version: number;
  rescore: boolean;
  before: number;
  after: number;
}

/** The segments one transaction wrote, in ledger order. */
export interface LedgerBatch {
  segments: LedgerSegment[];
}

/**
 * What a scoring pass tells the workflow about the ledger: where it ends now, and the batches
 * written after the cursor the workflow handed in.
 */
export interface LedgerPath {
  cursor: string;
  batches: LedgerBatch[];
}

/**
 * The score changes a contact went through since the scores the workflow last saw, one step per
 * ledger transaction. A batch that committed but whose completion never reached the workflow
 * (the worker died) is a step of its own, so a threshold crossed and left inside it still counts.
 * A final step covers what the batches do not show (a path cut short, a write without rows).
 */
export function changeSteps(
  known: readonly ProfileScore[],
  batches: readonly LedgerBatch[],
  current: readonly ProfileScore[],
): ScoreChange[][] {
  const running = new Map(known.map((s) => [s.profileId, { version: s.version, score: s.score }]));
  const steps: ScoreChange[][] = [];
  for (const batch of batches) {
    const step = new Map<string, ScoreChange>();
    for (const segment of batch.segments) {
      const was = running.get(segment.profileId);
      running.set(segment.profileId, { version: segment.version, score: segment.after });
      if (segment.rescore) continue;
      // The workflow's own score when it is of this version; otherwise (a version it never saw)
      // the ledger's, which already includes the re-score.
      const before = was?.version === segment.version ? was.score : segment.before;
      const change = step.get(segment.profileId);
      step.set(segment.profileId, {
        profileId: segment.profileId,
        before: change?.before ?? before,
        after: segment.after,
      });
    }
    const changes = [...step.values()].filter((c) => c.before !== c.after);
    if (changes.length > 0) steps.push(changes);
  }
  const rest = current.flatMap((s) => {
    const was = running.get(s.profileId);
    return was && was.version === s.version && was.score !== s.score
      ? [{ profileId: s.profileId, before: was.score, after: s.score }]
      : [];
  });
  if (rest.length > 0) steps.push(rest);
  return steps;
}
