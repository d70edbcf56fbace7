import { computeScoreChanges, type LiveProfile } from '../../domain/score-computation';
import { aRule, anInteraction } from '../support/builders';

describe('computeScoreChanges', () => {
  const engagement: LiveProfile = {
    profileId: 'engagement',
    isDefault: true,
    version: 3,
    rules: [
      aRule({ id: 'opened', interactionType: 'email_opened', points: 1 }),
      aRule({ id: 'dnd', interactionType: 'dnd_all_enabled', points: -25 }),
    ],
  };
  const sales: LiveProfile = {
    profileId: 'sales',
    isDefault: false,
    version: 1,
    rules: [aRule({ id: 'paid', interactionType: 'payment_succeeded', points: 20 })],
  };

  it('starts a contact without a stored score at 0 and records the score after each change', () => {
    const opened = [anInteraction({ id: 'a' }), anInteraction({ id: 'b' })];
    const { scores, changes } = computeScoreChanges([engagement], new Map(), opened);
    expect(scores).toEqual([{ profileId: 'engagement', isDefault: true, version: 3, score: 2 }]);
    expect(changes.map((c) => [c.interactionId, c.ruleId, c.delta, c.scoreAfter, c.profileVersion])).toEqual([
      ['a', 'opened', 1, 1, 3],
      ['b', 'opened', 1, 2, 3],
    ]);
  });

  it('scores each profile on its own from its current score', () => {
    const interactions = [
      anInteraction({ id: 'p', type: 'payment_succeeded' }),
      anInteraction({ id: 'd', type: 'dnd_all_enabled' }),
    ];
    const { scores } = computeScoreChanges(
      [engagement, sales],
      new Map([
        ['engagement', 30],
        ['sales', 5],
      ]),
      interactions,
    );
    expect(scores.map((s) => [s.profileId, s.score])).toEqual([
      ['engagement', 5],
      ['sales', 25],
    ]);
  });

  it('gives no scores at all when no profile is published', () => {
    expect(computeScoreChanges([], new Map(), [anInteraction()])).toEqual({
      scores: [],
      changes: [],
      scoreChanges: [],
    });
  });
});

describe('score adjustments', () => {
  const profiles: LiveProfile[] = [
    { profileId: 'engagement', isDefault: true, version: 1, rules: [] },
    { profileId: 'sales', isDefault: false, version: 1, rules: [] },
  ];

  it('applies an adjustment to its own profile only and reports the change', () => {
    const adjustment = anInteraction({
      id: 'adj',
      type: 'score_adjustment',
      attributes: { profileId: 'sales', points: -7, reason: 'refund' },
    });
    const { scores, changes, scoreChanges } = computeScoreChanges(profiles, new Map([['sales', 10]]), [
      adjustment,
    ]);
    expect(scores.map((s) => s.score)).toEqual([0, 3]);
    expect(changes).toEqual([
      {
        profileId: 'sales',
        profileVersion: 1,
        interactionId: 'adj',
        ruleId: 'adjustment',
        delta: -7,
        scoreAfter: 3,
      },
    ]);
    expect(scoreChanges).toEqual([{ profileId: 'sales', before: 10, after: 3 }]);
  });

  it('ignores an adjustment without integer points', () => {
    const bad = anInteraction({ type: 'score_adjustment', attributes: { profileId: 'sales', points: 1.5 } });
    expect(computeScoreChanges(profiles, new Map(), [bad]).changes).toEqual([]);
  });
});
