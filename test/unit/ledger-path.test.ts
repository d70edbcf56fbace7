import fc from 'fast-check';
import { changeSteps, type LedgerBatch, type LedgerSegment } from '../../domain/ledger-path';
import type { ProfileScore } from '../../domain/score-computation';

const score = (profileId: string, value: number, version = 1): ProfileScore => ({
  profileId,
  isDefault: profileId === 'engagement',
  version,
  score: value,
});

const segment = (
  profileId: string,
  before: number,
  after: number,
  opts: Partial<Pick<LedgerSegment, 'version' | 'rescore'>> = {},
): LedgerSegment => ({
  profileId,
  before,
  after,
  version: opts.version ?? 1,
  rescore: opts.rescore ?? false,
});

const batch = (...segments: LedgerSegment[]): LedgerBatch => ({ segments });

describe('changeSteps: the score changes since the scores a workflow last saw, one step per ledger batch', () => {
  it('when a committed batch was never reported, then it is a step of its own before the retry’s', () => {
    // Known 10; lost batch took it to 13 (a crossing of 12), the retry's batch back to 9.
    const steps = changeSteps(
      [score('engagement', 10)],
      [batch(segment('engagement', 10, 13)), batch(segment('engagement', 13, 9))],
      [score('engagement', 9)],
    );
    expect(steps).toEqual([
      [{ profileId: 'engagement', before: 10, after: 13 }],
      [{ profileId: 'engagement', before: 13, after: 9 }],
    ]);
  });

  it('when a batch changes several profiles, then they are one step', () => {
    const steps = changeSteps(
      [score('engagement', 1), score('sales', 5)],
      [batch(segment('engagement', 1, 4), segment('sales', 5, 2))],
      [score('engagement', 4), score('sales', 2)],
    );
    expect(steps).toEqual([
      [
        { profileId: 'engagement', before: 1, after: 4 },
        { profileId: 'sales', before: 5, after: 2 },
      ],
    ]);
  });

  it('when a re-score restates the points under a new version, then it moves the baseline and is no step', () => {
    // Version 2 doubles everything: 10 → 20 is no engagement; the interaction after it (+1) is.
    const steps = changeSteps(
      [score('engagement', 10)],
      [
        batch(
          segment('engagement', 0, 20, { version: 2, rescore: true }),
          segment('engagement', 20, 21, { version: 2 }),
        ),
      ],
      [score('engagement', 21, 2)],
    );
    expect(steps).toEqual([[{ profileId: 'engagement', before: 20, after: 21 }]]);
  });

  it('when the ledger shows a version the workflow never knew, then the ledger’s own before is the baseline', () => {
    // A profile published since: no re-score rows (the contact had no earlier hits), first points land on 0.
    const steps = changeSteps(
      [score('engagement', 3)],
      [batch(segment('engagement', 3, 4), segment('new', 0, 5))],
      [score('engagement', 4), score('new', 5)],
    );
    expect(steps).toEqual([
      [
        { profileId: 'engagement', before: 3, after: 4 },
        { profileId: 'new', before: 0, after: 5 },
      ],
    ]);
  });

  it('when a batch nets to nothing, then it is no step', () => {
    expect(
      changeSteps([score('engagement', 7)], [batch(segment('engagement', 7, 7))], [score('engagement', 7)]),
    ).toEqual([]);
  });

  it('when the path was cut short, then a last step takes the score from where it ends to the current one', () => {
    const steps = changeSteps(
      [score('engagement', 0)],
      [batch(segment('engagement', 0, 2))],
      [score('engagement', 6)],
    );
    expect(steps).toEqual([
      [{ profileId: 'engagement', before: 0, after: 2 }],
      [{ profileId: 'engagement', before: 2, after: 6 }],
    ]);
  });

  it('when there is no path at all, then the one step is the change from the known score, and none for a new version', () => {
    expect(changeSteps([score('engagement', 2)], [], [score('engagement', 5)])).toEqual([
      [{ profileId: 'engagement', before: 2, after: 5 }],
    ]);
    expect(changeSteps([score('engagement', 2)], [], [score('engagement', 9, 2)])).toEqual([]);
  });

  it('for any walk of one profile, the steps chain from the known score to the current one through every batch end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 12 }),
        (start, deltas) => {
          let at = start;
          const batches = deltas.map((d) => {
            const s = segment('engagement', at, at + d);
            at += d;
            return batch(s);
          });
          const steps = changeSteps([score('engagement', start)], batches, [score('engagement', at)]);
          const ends = [
            start,
            ...deltas.map((_, i) => start + deltas.slice(0, i + 1).reduce((a, b) => a + b, 0)),
          ];
          const expected = ends.slice(1).flatMap((after, i) => (after === ends[i] ? [] : [after]));
          expect(steps.map((s) => s.length)).toEqual(expected.map(() => 1));
          expect(steps.map((s) => s[0]!.after)).toEqual(expected);
          // Each step starts where the one before ended.
          steps.forEach((s, i) => expect(s[0]!.before).toBe(i === 0 ? start : steps[i - 1]![0]!.after));
        },
      ),
    );
  });
});
