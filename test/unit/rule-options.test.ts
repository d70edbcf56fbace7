import { ruleListSchema, ruleSchema, scoreBoundsSchema } from '../../domain/rule';
import { computeScoreChanges, type LiveProfile, type RuleHistory } from '../../domain/score-computation';
import { aRule, anInteraction } from '../support/builders';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const aProfile = (overrides: Partial<LiveProfile> = {}): LiveProfile => ({
  profileId: 'engagement',
  isDefault: true,
  version: 1,
  rules: [],
  ...overrides,
});

const opened = (id: string, when: number) =>
  anInteraction({ id, type: 'email_opened', occurredAt: at(when) });
const historyOf = (ruleId: string, times: number[]): RuleHistory =>
  new Map([['engagement', new Map([[ruleId, times.map(at)]])]]);
const counted = (result: ReturnType<typeof computeScoreChanges>) =>
  result.changes.map((c) => c.interactionId);

describe('rule options: validation', () => {
  const paths = (result: { error?: { issues: Array<{ path: PropertyKey[] }> } }) =>
    result.error?.issues.map((i) => i.path.join('.')) ?? [];

  it('accepts a cap, a window with a cap, and an expiry', () => {
    expect(ruleSchema.safeParse(aRule({ maxCount: 3 })).success).toBe(true);
    expect(ruleSchema.safeParse(aRule({ maxCount: 1, windowDays: 0.5 })).success).toBe(true);
    expect(ruleSchema.safeParse(aRule({ expiresAfterDays: 90 })).success).toBe(true);
  });

  it('when an option is out of range, then the error names it', () => {
    expect(paths(ruleSchema.safeParse(aRule({ maxCount: 0 })))).toEqual(['maxCount']);
    expect(paths(ruleSchema.safeParse(aRule({ maxCount: 1.5 })))).toEqual(['maxCount']);
    expect(paths(ruleSchema.safeParse(aRule({ maxCount: 2, windowDays: 0 })))).toEqual(['windowDays']);
    expect(paths(ruleSchema.safeParse(aRule({ expiresAfterDays: -1 })))).toEqual(['expiresAfterDays']);
  });

  it('when windowDays comes without maxCount, then it is refused at windowDays, also inside a rule list', () => {
    expect(paths(ruleSchema.safeParse(aRule({ windowDays: 7 })))).toEqual(['windowDays']);
    expect(paths(ruleListSchema.safeParse([aRule(), aRule({ windowDays: 7 })]))).toEqual(['1.windowDays']);
  });

  it('when floor is not below ceiling, then the error names ceiling; either alone is fine', () => {
    expect(paths(scoreBoundsSchema.safeParse({ floor: 10, ceiling: 10 }))).toEqual(['ceiling']);
    expect(paths(scoreBoundsSchema.safeParse({ floor: 0.5 }))).toEqual(['floor']);
    expect(scoreBoundsSchema.safeParse({ floor: -5 }).success).toBe(true);
    expect(scoreBoundsSchema.safeParse({ ceiling: 100, floor: null }).success).toBe(true);
  });
});

describe('rule options: caps (maxCount)', () => {
  it('when a rule has maxCount without a window, then it counts that many times ever and no more', () => {
    const profile = aProfile({ rules: [aRule({ id: 'opened', maxCount: 2, points: 5 })] });
    const result = computeScoreChanges([profile], new Map(), [
      opened('a', 0),
      opened('b', DAY),
      opened('c', 400 * DAY),
    ]);
    expect(counted(result)).toEqual(['a', 'b']);
    expect(result.scores[0]!.score).toBe(10);
  });

  it('when the history already holds counted hits, then they use up the cap', () => {
    const profile = aProfile({ rules: [aRule({ id: 'opened', maxCount: 2 })] });
    const result = computeScoreChanges(
      [profile],
      new Map([['engagement', 1]]),
      [opened('b', DAY), opened('c', 2 * DAY)],
      historyOf('opened', [0]),
    );
    expect(counted(result)).toEqual(['b']);
    expect(result.scores[0]!.score).toBe(2);
  });

  it('when hits of one batch reach the cap, then later hits of the same batch are skipped (uncapped rules still count)', () => {
    const profile = aProfile({
      rules: [aRule({ id: 'capped', maxCount: 1, points: 10 }), aRule({ id: 'free', points: 1 })],
    });
    const result = computeScoreChanges([profile], new Map(), [
      opened('a', 0),
      opened('b', 0),
      opened('c', 0),
    ]);
    expect(result.changes.map((c) => `${c.interactionId}:${c.ruleId}`)).toEqual([
      'a:capped',
      'a:free',
      'b:free',
      'c:free',
    ]);
  });

  it('when a rule has a window, then the cap applies per rolling window ending at the interaction', () => {
    const profile = aProfile({ rules: [aRule({ id: 'opened', maxCount: 2, windowDays: 7 })] });
    const result = computeScoreChanges([profile], new Map(), [
      opened('d0', 0),
      opened('d1', 1 * DAY),
      opened('d3', 3 * DAY), // 3rd in (−4d, 3d]: skipped
      opened('d7', 7 * DAY), // d0 has left (0, 7d]: counts
      opened('d8-', 8 * DAY - 1), // (1d − 1ms, 8d − 1ms] holds d1 and d7: skipped
      opened('d8', 8 * DAY), // d1 left (1d, 8d] at exactly 8d: counts
      opened('d9', 9 * DAY), // (2d, 9d] holds d7 and d8: skipped
    ]);
    expect(counted(result)).toEqual(['d0', 'd1', 'd7', 'd8']);
  });

  it('when a hit is exactly windowDays after a counted one, then that one has left the window; a millisecond earlier it has not', () => {
    const profile = aProfile({ rules: [aRule({ id: 'opened', maxCount: 1, windowDays: 1 })] });
    const history = historyOf('opened', [0]);
    expect(counted(computeScoreChanges([profile], new Map(), [opened('edge', DAY)], history))).toEqual([
      'edge',
    ]);
    expect(counted(computeScoreChanges([profile], new Map(), [opened('inside', DAY - 1)], history))).toEqual(
      [],
    );
  });

  it('when an older interaction arrives after newer counted ones, then it is skipped if it would put a later window over the cap', () => {
    const profile = aProfile({ rules: [aRule({ id: 'opened', maxCount: 1, windowDays: 7 })] });
    // Counted at day 10; a hit at day 5 would share (3d, 10d] with it.
    expect(
      counted(
        computeScoreChanges([profile], new Map(), [opened('late', 5 * DAY)], historyOf('opened', [10 * DAY])),
      ),
    ).toEqual([]);
    // At day 2 no 7-day window holds both.
    expect(
      counted(
        computeScoreChanges(
          [profile],
          new Map(),
          [opened('older', 2 * DAY)],
          historyOf('opened', [10 * DAY]),
        ),
      ),
    ).toEqual(['older']);
  });

  it('when one batch is split in two, with the first part as history, then the same hits count', () => {
    const profile = aProfile({ rules: [aRule({ id: 'opened', maxCount: 2, windowDays: 3 })] });
    const all = Array.from({ length: 12 }, (_, i) => opened(`i${i}`, i * 0.7 * DAY));
    const whole = counted(computeScoreChanges([profile], new Map(), all));
    const first = computeScoreChanges([profile], new Map(), all.slice(0, 5));
    const times = first.changes.map(
      (c) => Date.parse(all.find((i) => i.id === c.interactionId)!.occurredAt) - T0,
    );
    const second = computeScoreChanges(
      [profile],
      new Map([['engagement', first.scores[0]!.score]]),
      all.slice(5),
      historyOf('opened', times),
    );
    expect([...counted(first), ...counted(second)]).toEqual(whole);
  });

  it('never caps score adjustments', () => {
    const profile = aProfile({
      rules: [aRule({ id: 'adjustment', interactionType: 'email_opened', maxCount: 1 })],
    });
    const adjust = (id: string) =>
      anInteraction({ id, type: 'score_adjustment', attributes: { profileId: 'engagement', points: 2 } });
    expect(computeScoreChanges([profile], new Map(), [adjust('x'), adjust('y')]).scores[0]!.score).toBe(4);
  });
});

describe('rule options: floor and ceiling', () => {
  const bounded = aProfile({
    floor: 0,
    ceiling: 100,
    rules: [
      aRule({ id: 'big', interactionType: 'payment_succeeded', points: 10 }),
      aRule({ id: 'dnd', interactionType: 'dnd_all_enabled', points: -25 }),
    ],
  });
  const paid = (id: string) => anInteraction({ id, type: 'payment_succeeded' });

  it('when a change would pass the ceiling, then the score stops there and the ledger records the move actually made', () => {
    const result = computeScoreChanges([bounded], new Map([['engagement', 95]]), [paid('a'), paid('b')]);
    expect(result.changes.map((c) => [c.interactionId, c.delta, c.scoreAfter])).toEqual([['a', 5, 100]]);
    expect(result.scores[0]!.score).toBe(100);
    expect(result.scoreChanges).toEqual([{ profileId: 'engagement', before: 95, after: 100 }]);
  });

  it('when a change would pass the floor, then the score stops at the floor', () => {
    const result = computeScoreChanges([bounded], new Map([['engagement', 10]]), [
      anInteraction({ id: 'd', type: 'dnd_all_enabled' }),
    ]);
    expect(result.changes.map((c) => [c.delta, c.scoreAfter])).toEqual([[-10, 0]]);
  });

  it('when the score sits at the ceiling, then a positive change records nothing and reports no score change', () => {
    const result = computeScoreChanges([bounded], new Map([['engagement', 100]]), [paid('a')]);
    expect(result).toMatchObject({ changes: [], scoreChanges: [] });
    expect(result.scores[0]!.score).toBe(100);
  });

  it('when a change is clamped to nothing, then it does not use up a cap', () => {
    const profile = aProfile({
      ceiling: 10,
      rules: [
        aRule({ id: 'opened', maxCount: 1, points: 5 }),
        aRule({ id: 'dnd', interactionType: 'dnd_all_enabled', points: -5 }),
      ],
    });
    const result = computeScoreChanges([profile], new Map([['engagement', 10]]), [
      opened('full', 0),
      anInteraction({ id: 'down', type: 'dnd_all_enabled' }),
      opened('room', 1),
    ]);
    expect(result.changes.map((c) => c.interactionId)).toEqual(['down', 'room']);
  });

  it('when the stored score is outside the bounds (they were tightened), then it stays until its next change brings it inside', () => {
    const untouched = computeScoreChanges([bounded], new Map([['engagement', 150]]), [opened('x', 0)]);
    expect(untouched.scores[0]!.score).toBe(150);
    const moved = computeScoreChanges([bounded], new Map([['engagement', 150]]), [paid('a')]);
    expect(moved.changes.map((c) => [c.delta, c.scoreAfter])).toEqual([[-50, 100]]);
  });
});

describe('rule options: expiry', () => {
  it('when a rule has expiresAfterDays, then its ledger changes carry expiresAt counted from occurredAt', () => {
    const profile = aProfile({
      rules: [aRule({ id: 'opened', expiresAfterDays: 30 }), aRule({ id: 'forever' })],
    });
    const { changes } = computeScoreChanges([profile], new Map(), [opened('a', DAY / 2)]);
    expect(changes.map((c) => [c.ruleId, c.expiresAt])).toEqual([
      ['opened', '2026-01-31T12:00:00.000Z'],
      ['forever', undefined],
    ]);
    expect('expiresAt' in changes[1]!).toBe(false);
  });

  it('when an interaction has no occurredAt, then no expiresAt is made up', () => {
    const profile = aProfile({ rules: [aRule({ id: 'opened', expiresAfterDays: 30 })] });
    const { changes } = computeScoreChanges([profile], new Map(), [
      { id: 'x', type: 'email_opened', attributes: {} },
    ]);
    expect(changes[0]!.expiresAt).toBeUndefined();
  });
});
