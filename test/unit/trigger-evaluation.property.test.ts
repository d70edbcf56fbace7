import fc from 'fast-check';
import { rearmableTriggerOperators, triggerSchema, type Trigger } from '../../domain/trigger';
import {
  bandIndex,
  conditionHolds,
  evaluateTrigger,
  evaluateTriggers,
  initialTriggerState,
  isRearmingScore,
  type TriggerEvaluation,
  type TriggerState,
} from '../../domain/trigger-evaluation';

// Scores and thresholds share a small range so that crossings, hits of eq and margins happen often.
const scoreArb = fc.option(fc.integer({ min: -5, max: 15 }), { nil: null, freq: 6 });
const thresholdArb = fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(2.5, 7.5));

const conditionArb = fc.oneof(
  fc.record({ op: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'), value: thresholdArb }),
  fc.record({ op: fc.constantFrom('is_empty', 'is_not_empty') }),
);

const reentryArb = fc.oneof(
  fc.constant({ policy: 'once' }),
  fc.constant({ policy: 'always' }),
  fc.record({ policy: fc.constant('cooldown'), cooldownMs: fc.integer({ min: 1, max: 3000 }) }),
);

/** Ascending band edges in the scores' range. */
const edgesArb = fc
  .uniqueArray(fc.integer({ min: -3, max: 12 }), { minLength: 1, maxLength: 3 })
  .map((edges) => [...edges].sort((a, b) => a - b));

interface TriggerOptions {
  paused?: boolean;
}

/** Any trigger the schema accepts (it is parsed, so defaults and the margin rule are the real ones). */
function triggerArb(options: TriggerOptions = {}): fc.Arbitrary<Trigger> {
  return fc
    .record({
      id: fc.constantFrom('t1', 't2', 'constructor'),
      profileId: fc.constantFrom('engagement', 'sales'),
      condition: conditionArb,
      mode: fc.constantFrom('crossing', 'every_change', 'band_change'),
      bandBoundaries: edgesArb,
      reentry: reentryArb,
      maxFires: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      rearmMargin: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      paused: options.paused === undefined ? fc.boolean() : fc.constant(options.paused),
      automation: fc.constantFrom('follow_up_sequence', 'reward_offer'),
      input: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    })
    .map((raw) => {
      const marginAllowed = (rearmableTriggerOperators as readonly string[]).includes(raw.condition.op);
      const { maxFires, rearmMargin, bandBoundaries, ...rest } = raw;
      return triggerSchema.parse({
        ...rest,
        ...(raw.mode === 'band_change' ? { bandBoundaries } : {}),
        ...(maxFires === undefined ? {} : { maxFires }),
        ...(rearmMargin === undefined || !marginAllowed ? {} : { rearmMargin }),
      });
    });
}

/** Scores in order, each with the time elapsed since the one before. */
const stepsArb = fc.array(fc.record({ score: scoreArb, dt: fc.integer({ min: 0, max: 2000 }) }), {
  maxLength: 40,
});

interface Replayed extends TriggerEvaluation {
  before: number | null;
  after: number | null;
  at: number;
}

function replay(trigger: Trigger, steps: ReadonlyArray<{ score: number | null; dt: number }>): Replayed[] {
  let state: TriggerState = initialTriggerState();
  let before: number | null = null;
  let at = 0;
  return steps.map(({ score, dt }) => {
    at += dt;
    const result = evaluateTrigger(trigger, state, { before, after: score, at });
    const replayed = { ...result, before, after: score, at };
    state = result.state;
    before = score;
    return replayed;
  });
}

const firedIndexes = (results: Replayed[]) => results.flatMap((r, i) => (r.fire ? [i] : []));

/** Pairs of consecutive fires. */
function consecutiveFires(results: Replayed[]): Array<[number, number]> {
  const fired = firedIndexes(results);
  return fired.slice(1).map((j, k) => [fired[k]!, j]);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('trigger evaluation properties', () => {
  it('never fires when the condition is false for the new score, when paused, or when the score did not move', () => {
    fc.assert(
      fc.property(triggerArb(), stepsArb, (trigger, steps) => {
        for (const r of replay(trigger, steps)) {
          if (r.fire) {
            expect(conditionHolds(trigger.condition, r.after)).toBe(true);
            expect(r.before).not.toBe(r.after);
            expect(trigger.paused).toBe(false);
          }
        }
      }),
    );
  });

  it('gives reason "fired" exactly when it fires, and counts every fire in the state', () => {
    fc.assert(
      fc.property(triggerArb(), stepsArb, (trigger, steps) => {
        const results = replay(trigger, steps);
        results.forEach((r, i) => {
          expect(r.reason === 'fired').toBe(r.fire);
          expect(r.state.fires).toBe(firedIndexes(results.slice(0, i + 1)).length);
          if (r.fire) expect(r.state.lastFiredAt).toBe(r.at);
        });
      }),
    );
  });

  it('in crossing mode, never fires twice without a score in between for which the condition was false', () => {
    fc.assert(
      fc.property(triggerArb(), stepsArb, (trigger, steps) => {
        if (trigger.mode !== 'crossing') return;
        const results = replay(trigger, steps);
        for (const [i, j] of consecutiveFires(results)) {
          const between = results.slice(i + 1, j).map((r) => r.after);
          expect(between.some((score) => !conditionHolds(trigger.condition, score))).toBe(true);
        }
      }),
    );
  });

  it('with a re-arm margin, never fires twice without a score in between past the margin', () => {
    fc.assert(
      fc.property(triggerArb(), stepsArb, (trigger, steps) => {
        if (trigger.rearmMargin === undefined) return;
        const results = replay(trigger, steps);
        for (const [i, j] of consecutiveFires(results)) {
          const between = results.slice(i + 1, j).map((r) => r.after);
          expect(between.some((score) => isRearmingScore(trigger, score))).toBe(true);
        }
      }),
    );
  });

  it('never fires more than maxFires times', () => {
    fc.assert(
      fc.property(triggerArb(), stepsArb, (trigger, steps) => {
        if (trigger.maxFires === undefined) return;
        expect(firedIndexes(replay(trigger, steps)).length).toBeLessThanOrEqual(trigger.maxFires);
      }),
    );
  });

  it('with policy once, fires at most once over any sequence', () => {
    fc.assert(
      fc.property(triggerArb(), stepsArb, (trigger, steps) => {
        if (trigger.reentry.policy !== 'once') return;
        expect(firedIndexes(replay(trigger, steps)).length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('with a cooldown, never fires twice within the cooldown', () => {
    fc.assert(
      fc.property(triggerArb(), stepsArb, (trigger, steps) => {
        if (trigger.reentry.policy !== 'cooldown') return;
        const results = replay(trigger, steps);
        for (const [i, j] of consecutiveFires(results)) {
          expect(results[j]!.at - results[i]!.at).toBeGreaterThanOrEqual(trigger.reentry.cooldownMs);
        }
      }),
    );
  });

  it('a paused trigger never fires and never counts a fire', () => {
    fc.assert(
      fc.property(triggerArb({ paused: true }), stepsArb, (trigger, steps) => {
        for (const r of replay(trigger, steps)) {
          expect(r.fire).toBe(false);
          expect(r.reason).toBe('paused');
          expect(r.state.fires).toBe(0);
        }
      }),
    );
  });

  // The safety properties above would hold for a trigger that never fires; these pin down when it must.
  it('without limits, every_change fires on exactly the changes whose new score satisfies the condition', () => {
    fc.assert(
      fc.property(conditionArb, stepsArb, (condition, steps) => {
        const trigger = triggerSchema.parse({
          id: 't',
          profileId: 'p',
          condition,
          mode: 'every_change',
          reentry: { policy: 'always' },
          automation: 'a',
        });
        for (const r of replay(trigger, steps)) {
          expect(r.fire).toBe(r.before !== r.after && conditionHolds(condition, r.after));
        }
      }),
    );
  });

  it('without limits, band_change fires on exactly the changes into another band (and its first qualifying change) that satisfy the condition', () => {
    fc.assert(
      fc.property(conditionArb, edgesArb, stepsArb, (condition, bandBoundaries, steps) => {
        const trigger = triggerSchema.parse({
          id: 't',
          profileId: 'p',
          condition,
          mode: 'band_change',
          bandBoundaries,
          reentry: { policy: 'always' },
          automation: 'a',
        });
        let fired = false;
        for (const r of replay(trigger, steps)) {
          const qualifies = r.before !== r.after && conditionHolds(condition, r.after);
          const moved = bandIndex(bandBoundaries, r.before) !== bandIndex(bandBoundaries, r.after);
          expect(r.fire).toBe(qualifies && (moved || !fired));
          fired ||= r.fire;
        }
      }),
    );
  });

  it('without limits, crossing fires on exactly the changes from a false condition to a true one', () => {
    fc.assert(
      fc.property(conditionArb, stepsArb, (condition, steps) => {
        const trigger = triggerSchema.parse({
          id: 't',
          profileId: 'p',
          condition,
          reentry: { policy: 'always' },
          automation: 'a',
        });
        for (const r of replay(trigger, steps)) {
          expect(r.fire).toBe(!conditionHolds(condition, r.before) && conditionHolds(condition, r.after));
        }
      }),
    );
  });

  it('with a cooldown and every_change, fires on every qualifying change once the cooldown has elapsed, boundary included', () => {
    // Small times, so that a change lands exactly on the end of the cooldown often.
    const shortStepsArb = fc.array(fc.record({ score: scoreArb, dt: fc.integer({ min: 0, max: 30 }) }), {
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        conditionArb,
        fc.integer({ min: 1, max: 50 }),
        shortStepsArb,
        (condition, cooldownMs, steps) => {
          const trigger = triggerSchema.parse({
            id: 't',
            profileId: 'p',
            condition,
            mode: 'every_change',
            reentry: { policy: 'cooldown', cooldownMs },
            automation: 'a',
          });
          let lastFiredAt: number | null = null;
          for (const r of replay(trigger, steps)) {
            const qualifies = r.before !== r.after && conditionHolds(condition, r.after);
            const cooled = lastFiredAt === null || r.at - lastFiredAt >= cooldownMs;
            expect(r.fire).toBe(qualifies && cooled);
            if (r.fire) lastFiredAt = r.at;
          }
        },
      ),
    );
  });

  // Not in every_change mode: there any margin, 0 included, holds fires back until the condition has been false.
  // Not with empty scores either: an empty score re-arms a trigger without a margin, not one with a margin.
  const presentStepsArb = fc.array(
    fc.record({ score: fc.integer({ min: -5, max: 15 }), dt: fc.constant(1) }),
    { maxLength: 40 },
  );
  it('in crossing mode and while the score is never empty, a margin of 0 on gte behaves exactly as no margin', () => {
    fc.assert(
      fc.property(thresholdArb, presentStepsArb, (value, steps) => {
        const base = {
          id: 't',
          profileId: 'p',
          condition: { op: 'gte', value },
          reentry: { policy: 'always' },
          automation: 'a',
        };
        const withMargin = replay(triggerSchema.parse({ ...base, rearmMargin: 0 }), steps).map((r) => r.fire);
        const without = replay(triggerSchema.parse(base), steps).map((r) => r.fire);
        expect(withMargin).toEqual(without);
      }),
    );
  });

  describe('evaluateTriggers', () => {
    const stateArb = fc.record({
      fires: fc.integer({ min: 0, max: 5 }),
      lastFiredAt: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
      armed: fc.boolean(),
    });
    const statesArb = fc.dictionary(fc.constantFrom('t1', 't2', 'constructor', 'gone'), stateArb);
    const changesArb = fc.dictionary(
      fc.constantFrom('engagement', 'sales', 'other'),
      fc.record({ before: scoreArb, after: scoreArb }),
    );
    const atArb = fc.integer({ min: 0, max: 20_000 });

    it('does not mutate its inputs', () => {
      fc.assert(
        fc.property(
          fc.array(triggerArb(), { maxLength: 4 }),
          statesArb,
          changesArb,
          atArb,
          (triggers, states, changes, at) => {
            const snapshot = structuredClone({ triggers, states, changes });
            // Frozen, so any write throws (test files run in strict mode) instead of going unnoticed.
            deepFreeze({ triggers, states, changes });
            evaluateTriggers(triggers, states, changes, at);
            expect({ triggers, states, changes }).toEqual(snapshot);
          },
        ),
      );
    });

    it('is deterministic: the same inputs give the same outputs', () => {
      fc.assert(
        fc.property(
          fc.array(triggerArb(), { maxLength: 4 }),
          statesArb,
          changesArb,
          atArb,
          (triggers, states, changes, at) => {
            expect(evaluateTriggers(triggers, states, changes, at)).toEqual(
              evaluateTriggers(triggers, states, changes, at),
            );
          },
        ),
      );
      fc.assert(
        fc.property(
          triggerArb(),
          stateArb,
          scoreArb,
          scoreArb,
          atArb,
          (trigger, state, before, after, at) => {
            expect(evaluateTrigger(trigger, state, { before, after, at })).toEqual(
              evaluateTrigger(trigger, state, { before, after, at }),
            );
          },
        ),
      );
    });

    it('agrees with evaluateTrigger and leaves the triggers of unchanged profiles alone', () => {
      fc.assert(
        fc.property(triggerArb(), statesArb, changesArb, atArb, (trigger, states, changes, at) => {
          const result = evaluateTriggers([trigger], states, changes, at);
          const previous = Object.hasOwn(states, trigger.id) ? states[trigger.id]! : undefined;
          const change = Object.hasOwn(changes, trigger.profileId) ? changes[trigger.profileId] : undefined;
          if (change === undefined) {
            expect(result.fires).toEqual([]);
            expect(result.states).toEqual(states);
            return;
          }
          const single = evaluateTrigger(trigger, previous ?? initialTriggerState(), { ...change, at });
          expect(result.states).toEqual({ ...states, [trigger.id]: single.state });
          expect(result.fires).toEqual(
            single.fire
              ? [
                  {
                    triggerId: trigger.id,
                    automation: trigger.automation,
                    input: trigger.input,
                    profileId: trigger.profileId,
                    score: change.after,
                  },
                ]
              : [],
          );
        }),
      );
    });
  });
});
