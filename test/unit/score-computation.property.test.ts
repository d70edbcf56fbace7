import fc from 'fast-check';
import type { Rule } from '../../domain/rule';
import type { ScorableInteraction } from '../../domain/rule-matching';
import {
  computeScoreChanges,
  type LedgerChange,
  type LiveProfile,
  type RuleHistory,
} from '../../domain/score-computation';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const TYPES = ['email_opened', 'email_clicked', 'form_submitted', 'tag_added'] as const;

// Few types, few days, small windows: so that rules match often and caps and windows bite.
const pointsArb = fc.integer({ min: -30, max: 30 }).filter((p) => p !== 0);
const capArb = fc.option(
  fc.record({
    maxCount: fc.integer({ min: 1, max: 3 }),
    windowDays: fc.option(fc.constantFrom(0.5, 1, 2, 3.5), { nil: undefined }),
  }),
  { nil: undefined },
);

const rulesArb: fc.Arbitrary<Rule[]> = fc
  .array(fc.record({ type: fc.constantFrom(...TYPES), points: pointsArb, cap: capArb }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((specs) =>
    specs.map(({ type, points, cap }, i) => ({
      id: `r${i}`,
      interactionType: type,
      criteria: [],
      points,
      ...(cap && { maxCount: cap.maxCount }),
      ...(cap?.windowDays !== undefined && { windowDays: cap.windowDays }),
    })),
  );

/** Interactions in any order (late arrivals included), at times on a quarter-day grid over ten days. */
const interactionsArb = (prefix: string): fc.Arbitrary<ScorableInteraction[]> =>
  fc
    .array(fc.record({ type: fc.constantFrom(...TYPES), quarter: fc.integer({ min: 0, max: 40 }) }), {
      maxLength: 40,
    })
    .map((specs) =>
      specs.map(({ type, quarter }, i) => ({
        id: `${prefix}${i}`,
        type,
        attributes: {},
        occurredAt: new Date(T0 + (quarter * DAY) / 4).toISOString(),
      })),
    );

const boundsArb = fc
  .tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 100 }))
  .map(([floor, span]) => ({ floor, ceiling: floor + span }));

const profileOf = (rules: Rule[], bounds: { floor?: number; ceiling?: number } = {}): LiveProfile => ({
  profileId: 'p',
  isDefault: true,
  version: 1,
  rules,
  ...bounds,
});

/** The history computeScoreChanges would be given after these changes were ledgered. */
function historyFrom(
  changes: readonly LedgerChange[],
  interactions: readonly ScorableInteraction[],
): RuleHistory {
  const when = new Map(interactions.map((i) => [i.id, i.occurredAt!]));
  const byRule = new Map<string, string[]>();
  for (const c of changes)
    byRule.set(c.ruleId, [...(byRule.get(c.ruleId) ?? []), when.get(c.interactionId)!]);
  return new Map([['p', byRule]]);
}

describe('computeScoreChanges properties', () => {
  it('keeps the score within [floor, ceiling] after every change, from any score within them', () => {
    fc.assert(
      fc.property(
        rulesArb,
        interactionsArb('i'),
        boundsArb,
        fc.integer({ min: 0, max: 100 }),
        (rules, interactions, bounds, start) => {
          const initial = bounds.floor + (start % (bounds.ceiling - bounds.floor + 1));
          const { scores, changes } = computeScoreChanges(
            [profileOf(rules, bounds)],
            new Map([['p', initial]]),
            interactions,
          );
          for (const c of changes) {
            expect(c.scoreAfter).toBeGreaterThanOrEqual(bounds.floor);
            expect(c.scoreAfter).toBeLessThanOrEqual(bounds.ceiling);
          }
          expect(scores[0]!.score).toBeGreaterThanOrEqual(bounds.floor);
          expect(scores[0]!.score).toBeLessThanOrEqual(bounds.ceiling);
        },
      ),
    );
  });

  it('records deltas that add up to the final score minus the initial one, none of them 0, each scoreAfter following from the last', () => {
    fc.assert(
      fc.property(
        rulesArb,
        interactionsArb('i'),
        fc.option(boundsArb, { nil: undefined }),
        fc.integer({ min: 0, max: 100 }),
        (rules, interactions, bounds, start) => {
          const initial = bounds ? bounds.floor + (start % (bounds.ceiling - bounds.floor + 1)) : start - 50;
          const { scores, changes } = computeScoreChanges(
            [profileOf(rules, bounds)],
            new Map([['p', initial]]),
            interactions,
          );
          let score = initial;
          for (const c of changes) {
            expect(c.delta).not.toBe(0);
            score += c.delta;
            expect(c.scoreAfter).toBe(score);
          }
          expect(scores[0]!.score).toBe(score);
          expect(changes.reduce((sum, c) => sum + c.delta, 0)).toBe(scores[0]!.score - initial);
        },
      ),
    );
  });

  it('never lets a capped rule count more than maxCount times in any window, across two batches in any order', () => {
    fc.assert(
      fc.property(
        rulesArb,
        interactionsArb('a'),
        interactionsArb('b'),
        fc.option(boundsArb, { nil: undefined }),
        (rules, first, second, bounds) => {
          const profile = profileOf(rules, bounds);
          const one = computeScoreChanges([profile], new Map(), first);
          const two = computeScoreChanges(
            [profile],
            new Map([['p', one.scores[0]!.score]]),
            second,
            historyFrom(one.changes, first),
          );
          const all = [...first, ...second];
          const times = historyFrom([...one.changes, ...two.changes], all).get('p')!;
          for (const rule of rules) {
            if (rule.maxCount === undefined) continue;
            const hits = (times.get(rule.id) ?? []).map((t) => Date.parse(t));
            if (rule.windowDays === undefined) {
              expect(hits.length).toBeLessThanOrEqual(rule.maxCount);
              continue;
            }
            // The fullest window ends at a hit: checking those checks every window.
            const window = rule.windowDays * DAY;
            for (const end of hits) {
              expect(hits.filter((t) => t > end - window && t <= end).length).toBeLessThanOrEqual(
                rule.maxCount,
              );
            }
          }
        },
      ),
    );
  });

  it('gives the same final score whichever of two interactions of different rules at the same time comes first (no bounds)', () => {
    fc.assert(
      fc.property(
        rulesArb,
        interactionsArb('i'),
        fc.shuffledSubarray([...TYPES], { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 40 }),
        fc.nat(),
        fc.integer({ min: -50, max: 50 }),
        (rules, others, [typeX, typeY], quarter, position, initial) => {
          // Different types match disjoint sets of rules.
          const occurredAt = new Date(T0 + (quarter * DAY) / 4).toISOString();
          const x: ScorableInteraction = { id: 'x', type: typeX!, attributes: {}, occurredAt };
          const y: ScorableInteraction = { id: 'y', type: typeY!, attributes: {}, occurredAt };
          const at = position % (others.length + 1);
          const withOrder = (a: ScorableInteraction, b: ScorableInteraction) => [
            ...others.slice(0, at),
            a,
            b,
            ...others.slice(at),
          ];
          const current = new Map([['p', initial]]);
          const xy = computeScoreChanges([profileOf(rules)], current, withOrder(x, y)).scores[0]!.score;
          const yx = computeScoreChanges([profileOf(rules)], current, withOrder(y, x)).scores[0]!.score;
          expect(yx).toBe(xy);
        },
      ),
    );
  });
});
