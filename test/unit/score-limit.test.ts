import { lapseChanges } from '../../domain/point-expiry';
import { computeScoreChanges, type LiveProfile } from '../../domain/score-computation';
import { SCORE_LIMIT } from '../../domain/score-limit';
import { aRule, anInteraction } from '../support/builders';

const INT4_MAX = 2_147_483_647;

describe('the score limit (±SCORE_LIMIT)', () => {
  const unbounded: LiveProfile = {
    profileId: 'p',
    isDefault: true,
    version: 1,
    rules: [
      aRule({ id: 'up', interactionType: 'email_opened', points: 10_000 }),
      aRule({ id: 'down', interactionType: 'dnd_all_enabled', points: -10_000 }),
    ],
  };
  const score = (from: number, ...types: string[]) =>
    computeScoreChanges(
      [unbounded],
      new Map([['p', from]]),
      types.map((type, i) => anInteraction({ id: `i${i}`, type })),
    );

  it('when a change would pass the top, then the score stops at the limit and the ledger records the move made', () => {
    const { scores, changes } = score(SCORE_LIMIT - 4, 'email_opened', 'email_opened');
    expect(scores[0]!.score).toBe(SCORE_LIMIT);
    expect(changes.map((c) => [c.delta, c.scoreAfter])).toEqual([[4, SCORE_LIMIT]]);
  });

  it('when a change would pass the bottom, then the score stops at minus the limit', () => {
    const { scores, changes } = score(-SCORE_LIMIT + 7, 'dnd_all_enabled');
    expect(scores[0]!.score).toBe(-SCORE_LIMIT);
    expect(changes.map((c) => c.delta)).toEqual([-7]);
  });

  it('when at the limit, then a change back down counts in full', () => {
    const { scores, changes } = score(SCORE_LIMIT, 'email_opened', 'dnd_all_enabled');
    expect(scores[0]!.score).toBe(SCORE_LIMIT - 10_000);
    expect(changes.map((c) => [c.ruleId, c.delta])).toEqual([['down', -10_000]]);
  });

  it('when a score is beyond the limit (stored before there was one), then its next change brings it inside, within integer range', () => {
    const { scores, changes } = score(INT4_MAX - 5, 'email_opened');
    expect(scores[0]!.score).toBe(SCORE_LIMIT);
    expect(changes[0]!.delta).toBe(SCORE_LIMIT - (INT4_MAX - 5));
    expect(Math.abs(changes[0]!.delta)).toBeLessThanOrEqual(INT4_MAX);
  });

  it('when a profile has only a floor, then the limit still caps the top', () => {
    const floored = { ...unbounded, floor: 0 };
    const { scores } = computeScoreChanges([floored], new Map([['p', SCORE_LIMIT]]), [
      anInteraction({ type: 'email_opened' }),
    ]);
    expect(scores[0]!.score).toBe(SCORE_LIMIT);
  });

  it('when points lapse, then the score stays within the limit too', () => {
    const current = new Map([['p', -SCORE_LIMIT + 3]]);
    const changes = lapseChanges(
      [{ profileId: 'p', profileVersion: 1, interactionId: 'i', ruleId: 'up', delta: 10 }],
      current,
      new Map(),
    );
    expect(current.get('p')).toBe(-SCORE_LIMIT);
    expect(changes.map((c) => [c.ruleId, c.delta, c.scoreAfter])).toEqual([['expiry:up', -3, -SCORE_LIMIT]]);
  });
});
