import { triggerSchema, type Trigger, type TriggerCondition, type TriggerInput } from '../../domain/trigger';
import {
  bandIndex,
  conditionHolds,
  evaluateTrigger,
  evaluateTriggers,
  initialTriggerState,
  type TriggerReason,
  type TriggerState,
} from '../../domain/trigger-evaluation';

/** A valid trigger through the schema, so defaults are the real ones. */
function aTrigger(overrides: Partial<TriggerInput> = {}): Trigger {
  return triggerSchema.parse({
    id: 'reward-80',
    profileId: 'engagement',
    condition: { op: 'gte', value: 80 },
    reentry: { policy: 'always' },
    automation: 'reward_offer',
    ...overrides,
  });
}

interface Step {
  score: number | null;
  at?: number;
}

/** Feeds scores one after the other, starting from no score, and returns what each change gave. */
function replay(
  trigger: Trigger,
  steps: ReadonlyArray<number | null | Step>,
  start: TriggerState = initialTriggerState(),
) {
  let state = start;
  let before: number | null = null;
  return steps.map((step, i) => {
    const { score, at } = typeof step === 'object' && step !== null ? step : { score: step, at: i * 1000 };
    const result = evaluateTrigger(trigger, state, { before, after: score, at: at ?? i * 1000 });
    state = result.state;
    before = score;
    return result;
  });
}

const reasons = (trigger: Trigger, steps: ReadonlyArray<number | null | Step>): TriggerReason[] =>
  replay(trigger, steps).map((r) => r.reason);

describe('conditionHolds', () => {
  // Scores around a threshold of 80: empty, below, at, above.
  const scores = [null, 79, 80, 81] as const;
  it.each([
    ['eq', [false, false, true, false]],
    ['neq', [false, true, false, true]],
    ['gt', [false, false, false, true]],
    ['gte', [false, false, true, true]],
    ['lt', [false, true, false, false]],
    ['lte', [false, true, true, false]],
  ] as const)('%s 80 on an empty score, 79, 80 and 81', (op, expected) => {
    expect(scores.map((score) => conditionHolds({ op, value: 80 }, score))).toEqual(expected);
  });

  it.each([
    ['is_empty', [true, false, false, false]],
    ['is_not_empty', [false, true, true, true]],
  ] as const)('%s on an empty score, 79, 80 and 81', (op, expected) => {
    expect(scores.map((score) => conditionHolds({ op }, score))).toEqual(expected);
  });

  it('treats an empty score as not different from 5: neq is false on null', () => {
    expect(conditionHolds({ op: 'neq', value: 5 }, null)).toBe(false);
  });

  it('treats a score of 0 as a score, not as empty', () => {
    expect(conditionHolds({ op: 'is_empty' }, 0)).toBe(false);
    expect(conditionHolds({ op: 'is_not_empty' }, 0)).toBe(true);
    expect(conditionHolds({ op: 'eq', value: 0 }, 0)).toBe(true);
    expect(conditionHolds({ op: 'lte', value: 0 }, 0)).toBe(true);
  });

  it.each([
    [{ op: 'gt', value: 79.5 }, 80, true],
    [{ op: 'lt', value: 79.5 }, 80, false],
    [{ op: 'eq', value: 79.5 }, 80, false],
    [{ op: 'gte', value: -10 }, -10, true],
    [{ op: 'lt', value: 0 }, -1, true],
  ] as const)(
    'compares with fractional and negative thresholds: %j on %d is %s',
    (condition, score, expected) => {
      expect(conditionHolds(condition as TriggerCondition, score)).toBe(expected);
    },
  );
});

describe('evaluateTrigger', () => {
  describe('band_change mode', () => {
    const banded = aTrigger({
      condition: { op: 'is_not_empty' },
      mode: 'band_change',
      bandBoundaries: [10, 40],
    });

    it('when the score moves inside its band, then nothing fires; when it crosses an edge either way, it fires', () => {
      expect(reasons(banded, [3, 5, 9, 10, 39, 40, 55, 12, 11])).toEqual([
        'fired', // first score: from no band into the lowest
        'same_band',
        'same_band',
        'fired', // an edge belongs to the band above it
        'same_band',
        'fired',
        'same_band',
        'fired', // back down two edges is one change of band
        'same_band',
      ]);
    });

    it('when it has not fired yet, then its first qualifying change fires even inside one band (a first placement)', () => {
      const fromZero = (before: number, after: number, state = initialTriggerState()) =>
        evaluateTrigger(banded, state, { before, after, at: 0 });
      const first = fromZero(0, 5);
      expect(first.reason).toBe('fired');
      expect(fromZero(5, 7, first.state).reason).toBe('same_band');
    });

    it('when the score becomes empty, then the condition decides (is_not_empty: no fire)', () => {
      expect(reasons(banded, [15, null])).toEqual(['fired', 'condition_false']);
    });

    it('keeps counting fires, so max fires and once apply per change of band', () => {
      const once = aTrigger({ ...banded, mode: 'band_change', reentry: { policy: 'once' } });
      expect(reasons(once, [5, 15, 45])).toEqual(['fired', 'once', 'once']);
    });

    it.each([
      [null, -1],
      [-5, 0],
      [9.99, 0],
      [10, 1],
      [40, 2],
      [1e9, 2],
    ])('bandIndex(%p) among [10, 40] is %p', (score, band) => {
      expect(bandIndex([10, 40], score)).toBe(band);
    });
  });

  describe('what counts as a change', () => {
    it('when the score does not move, then nothing fires, even in every_change mode', () => {
      const trigger = aTrigger({ mode: 'every_change' });
      const state = initialTriggerState();
      expect(evaluateTrigger(trigger, state, { before: 85, after: 85, at: 0 })).toEqual({
        fire: false,
        state,
        reason: 'no_change',
      });
    });

    it('when an empty score stays empty, then is_empty does not fire', () => {
      const trigger = aTrigger({ condition: { op: 'is_empty' }, mode: 'every_change' });
      expect(
        evaluateTrigger(trigger, initialTriggerState(), { before: null, after: null, at: 0 }).reason,
      ).toBe('no_change');
    });

    it('when a contact gets its first score, then it counts as a change from empty', () => {
      expect(reasons(aTrigger(), [85])).toEqual(['fired']);
    });

    it('when a first score of 0 arrives, then is_not_empty fires', () => {
      expect(reasons(aTrigger({ condition: { op: 'is_not_empty' } }), [0])).toEqual(['fired']);
    });

    it('when a score becomes empty again, then is_empty fires and numeric conditions do not', () => {
      expect(reasons(aTrigger({ condition: { op: 'is_empty' } }), [5, null])).toEqual([
        'condition_false',
        'fired',
      ]);
      expect(reasons(aTrigger({ condition: { op: 'neq', value: 5 } }), [3, null])).toEqual([
        'fired',
        'condition_false',
      ]);
    });

    it('when a first score differs from 5, then neq 5 fires: going from empty to 3 is a crossing', () => {
      expect(reasons(aTrigger({ condition: { op: 'neq', value: 5 } }), [3, 5, 4])).toEqual([
        'fired',
        'condition_false',
        'fired',
      ]);
    });

    it('does not change the state it is given', () => {
      const state = Object.freeze(initialTriggerState());
      const result = evaluateTrigger(aTrigger(), state, { before: null, after: 85, at: 7 });
      expect(state).toEqual(initialTriggerState());
      expect(result.state).toEqual({ fires: 1, lastFiredAt: 7, armed: true });
    });
  });

  describe('crossing mode (the default)', () => {
    it('when a score stays above 80, then the reward fires once', () => {
      expect(reasons(aTrigger(), [85, 90, 95])).toEqual(['fired', 'not_crossing', 'not_crossing']);
    });

    it('when a score drops below 80 and comes back, then the reward fires again', () => {
      expect(reasons(aTrigger(), [85, 70, 90])).toEqual(['fired', 'condition_false', 'fired']);
    });

    it('when a score lands exactly on the threshold of gte, then it crosses', () => {
      expect(reasons(aTrigger(), [79, 80])).toEqual(['condition_false', 'fired']);
    });

    it('when a score falls below 20 for lt 20, then it fires on the way down only', () => {
      const trigger = aTrigger({ condition: { op: 'lt', value: 20 } });
      expect(reasons(trigger, [50, 10, 5, 30, 19])).toEqual([
        'condition_false',
        'fired',
        'not_crossing',
        'condition_false',
        'fired',
      ]);
    });

    it('when a score hits exactly 50 for eq 50, then it fires, and passing over 50 without landing on it does not', () => {
      const trigger = aTrigger({ condition: { op: 'eq', value: 50 } });
      expect(reasons(trigger, [40, 50, 60, 45, 55])).toEqual([
        'condition_false',
        'fired',
        'condition_false',
        'condition_false',
        'condition_false',
      ]);
    });
  });

  describe('every_change mode', () => {
    it('when a score stays above 80, then the automation fires on every change', () => {
      expect(reasons(aTrigger({ mode: 'every_change' }), [85, 90, 95])).toEqual(['fired', 'fired', 'fired']);
    });

    it('when the new score does not satisfy the condition, then it does not fire', () => {
      expect(reasons(aTrigger({ mode: 'every_change' }), [85, 70, 90])).toEqual([
        'fired',
        'condition_false',
        'fired',
      ]);
    });
  });

  describe('re-entry', () => {
    it('once: when a score crosses 80 twice, then the reward fires only the first time', () => {
      const trigger = aTrigger({ reentry: { policy: 'once' } });
      expect(reasons(trigger, [85, 70, 90, 60, 99])).toEqual([
        'fired',
        'condition_false',
        'once',
        'condition_false',
        'once',
      ]);
    });

    it('once: in every_change mode, then it fires only on the first change too', () => {
      expect(reasons(aTrigger({ reentry: { policy: 'once' }, mode: 'every_change' }), [85, 90])).toEqual([
        'fired',
        'once',
      ]);
    });

    it('always: when a score crosses 80 three times, then the reward fires three times', () => {
      expect(reasons(aTrigger(), [85, 70, 90, 60, 99]).filter((r) => r === 'fired')).toHaveLength(3);
    });

    describe('cooldown', () => {
      const trigger = aTrigger({ reentry: { policy: 'cooldown', cooldownMs: 1000 }, mode: 'every_change' });
      const fired: TriggerState = { fires: 1, lastFiredAt: 5000, armed: true };

      it('when the cooldown has not elapsed, then it does not fire', () => {
        expect(evaluateTrigger(trigger, fired, { before: 85, after: 86, at: 5999 })).toEqual({
          fire: false,
          state: fired,
          reason: 'cooldown',
        });
      });

      it('when exactly the cooldown has elapsed, then it fires again', () => {
        expect(evaluateTrigger(trigger, fired, { before: 85, after: 86, at: 6000 })).toEqual({
          fire: true,
          state: { fires: 2, lastFiredAt: 6000, armed: true },
          reason: 'fired',
        });
      });

      it('when it has never fired, then there is no cooldown to wait for', () => {
        expect(
          evaluateTrigger(trigger, initialTriggerState(), { before: null, after: 85, at: 0 }).reason,
        ).toBe('fired');
      });

      it('when a crossing comes during the cooldown, then it is dropped, not fired later', () => {
        const crossing = aTrigger({ reentry: { policy: 'cooldown', cooldownMs: 1000 } });
        const steps = [
          { score: 85, at: 0 },
          { score: 70, at: 100 },
          { score: 90, at: 200 },
          { score: 95, at: 5000 },
        ];
        expect(reasons(crossing, steps)).toEqual(['fired', 'condition_false', 'cooldown', 'not_crossing']);
      });

      it('when the cooldown counts from the last fire, then a blocked change does not restart it', () => {
        const steps = [
          { score: 85, at: 0 },
          { score: 86, at: 900 },
          { score: 87, at: 1000 },
          { score: 88, at: 1500 },
          { score: 89, at: 2000 },
        ];
        expect(reasons(trigger, steps)).toEqual(['fired', 'cooldown', 'fired', 'cooldown', 'fired']);
      });
    });

    describe('maxFires', () => {
      it('when a score crosses 80 three times with maxFires 2, then the third crossing does not fire', () => {
        const trigger = aTrigger({ maxFires: 2 });
        expect(reasons(trigger, [85, 70, 90, 60, 99])).toEqual([
          'fired',
          'condition_false',
          'fired',
          'condition_false',
          'max_fires',
        ]);
      });

      it('when maxFires and a cooldown both apply, then max_fires is the reason given: waiting will not help', () => {
        const trigger = aTrigger({
          maxFires: 1,
          reentry: { policy: 'cooldown', cooldownMs: 60_000 },
          mode: 'every_change',
        });
        expect(reasons(trigger, [85, 90])).toEqual(['fired', 'max_fires']);
      });

      it('when the policy is once, then once is the reason even with maxFires 1', () => {
        expect(reasons(aTrigger({ maxFires: 1, reentry: { policy: 'once' } }), [85, 70, 90])).toEqual([
          'fired',
          'condition_false',
          'once',
        ]);
      });

      it('counts fires in the state', () => {
        const results = replay(aTrigger({ maxFires: 2, mode: 'every_change' }), [85, 86, 87, 88]);
        expect(results.map((r) => r.state.fires)).toEqual([1, 2, 2, 2]);
      });
    });
  });

  describe('re-arm margin', () => {
    it('gte 80, margin 10: when a score dips to 75 and comes back, then the reward does not fire again', () => {
      const trigger = aTrigger({ rearmMargin: 10 });
      expect(reasons(trigger, [85, 75, 85])).toEqual(['fired', 'condition_false', 'not_rearmed']);
    });

    it('gte 80, margin 10: when a score dips to exactly 70, then it is not re-armed; below 70 it is', () => {
      const trigger = aTrigger({ rearmMargin: 10 });
      const results = replay(trigger, [85, 70, 85, 69, 85]);
      expect(results.map((r) => r.reason)).toEqual([
        'fired',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
      ]);
      expect(results.map((r) => r.state.armed)).toEqual([false, false, false, true, false]);
    });

    it('gte 80, margin 10: when re-armed, then the next crossing fires even one starting inside the margin', () => {
      expect(reasons(aTrigger({ rearmMargin: 10 }), [85, 65, 75, 85])).toEqual([
        'fired',
        'condition_false',
        'condition_false',
        'fired',
      ]);
    });

    it('gte 80, margin 10: when re-armed, then it still waits for a crossing: a rise within the condition does not fire', () => {
      expect(reasons(aTrigger({ rearmMargin: 10 }), [85, 60, 90, 95])).toEqual([
        'fired',
        'condition_false',
        'fired',
        'not_crossing',
      ]);
    });

    it('gt 80, margin 10: re-arms below 70 only', () => {
      const trigger = aTrigger({ condition: { op: 'gt', value: 80 }, rearmMargin: 10 });
      expect(reasons(trigger, [81, 70, 81, 69, 81])).toEqual([
        'fired',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
      ]);
    });

    it('gt 80, margin 0: a score of exactly 80 does not re-arm; 79 does', () => {
      const trigger = aTrigger({ condition: { op: 'gt', value: 80 }, rearmMargin: 0 });
      expect(reasons(trigger, [81, 80, 81, 79, 81])).toEqual([
        'fired',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
      ]);
    });

    it('gte 80, margin 0: behaves as without a margin', () => {
      expect(reasons(aTrigger({ rearmMargin: 0 }), [85, 79, 85])).toEqual([
        'fired',
        'condition_false',
        'fired',
      ]);
    });

    it('lte 20, margin 5: re-arms above 25 only', () => {
      const trigger = aTrigger({ condition: { op: 'lte', value: 20 }, rearmMargin: 5 });
      expect(reasons(trigger, [15, 25, 20, 26, 20])).toEqual([
        'fired',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
      ]);
    });

    it('lt 20, margin 5: re-arms above 25 only', () => {
      const trigger = aTrigger({ condition: { op: 'lt', value: 20 }, rearmMargin: 5 });
      expect(reasons(trigger, [19, 25, 19, 26, 19])).toEqual([
        'fired',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
      ]);
    });

    it('eq 50, margin 5: re-arms once the score is at least 5 away, on either side', () => {
      const trigger = aTrigger({ condition: { op: 'eq', value: 50 }, rearmMargin: 5 });
      expect(reasons(trigger, [50, 54, 50, 55, 50, 46, 50, 45, 50])).toEqual([
        'fired',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
      ]);
    });

    it('eq 50, margin 0: any other score re-arms', () => {
      const trigger = aTrigger({ condition: { op: 'eq', value: 50 }, rearmMargin: 0 });
      expect(reasons(trigger, [50, 51, 50])).toEqual(['fired', 'condition_false', 'fired']);
    });

    it('when the score becomes empty, then it does not re-arm: empty is no distance from the threshold', () => {
      expect(reasons(aTrigger({ rearmMargin: 10 }), [85, null, 85])).toEqual([
        'fired',
        'condition_false',
        'not_rearmed',
      ]);
    });

    it('every_change with a margin: after a fire, nothing fires until the score has dipped past the margin', () => {
      const trigger = aTrigger({ mode: 'every_change', rearmMargin: 10 });
      expect(reasons(trigger, [85, 90, 75, 85, 60, 85, 90])).toEqual([
        'fired',
        'not_rearmed',
        'condition_false',
        'not_rearmed',
        'condition_false',
        'fired',
        'not_rearmed',
      ]);
    });

    it('when a trigger has no margin, then firing does not disarm it', () => {
      expect(replay(aTrigger(), [85]).map((r) => r.state.armed)).toEqual([true]);
    });

    it('when a re-armed crossing is held back by the cooldown, then it stays armed', () => {
      const trigger = aTrigger({
        rearmMargin: 10,
        reentry: { policy: 'cooldown', cooldownMs: 10_000 },
        mode: 'every_change',
      });
      const results = replay(trigger, [
        { score: 85, at: 0 },
        { score: 60, at: 1000 },
        { score: 85, at: 2000 },
        { score: 90, at: 10_000 },
      ]);
      expect(results.map((r) => [r.reason, r.state.armed])).toEqual([
        ['fired', false],
        ['condition_false', true],
        ['cooldown', true],
        ['fired', false],
      ]);
    });
  });

  describe('paused', () => {
    it('when a paused trigger sees its condition met, then it does not fire and counts nothing', () => {
      const results = replay(aTrigger({ paused: true, mode: 'every_change' }), [85, 90]);
      expect(results.map((r) => r.reason)).toEqual(['paused', 'paused']);
      expect(results.every((r) => r.state.fires === 0 && r.state.lastFiredAt === null)).toBe(true);
    });

    it('when a trigger is un-paused after a crossing it missed, then it does not fire for that old crossing', () => {
      const paused = replay(aTrigger({ paused: true }), [70, 85]);
      const resumed = evaluateTrigger(aTrigger(), paused[1]!.state, { before: 85, after: 90, at: 5000 });
      expect(resumed.reason).toBe('not_crossing');
    });

    it('when a paused trigger sees the score dip past the margin, then it is re-armed on un-pausing', () => {
      const fired = replay(aTrigger({ rearmMargin: 10 }), [85])[0]!.state;
      const whilePaused = evaluateTrigger(aTrigger({ rearmMargin: 10, paused: true }), fired, {
        before: 85,
        after: 60,
        at: 1000,
      });
      expect(whilePaused).toMatchObject({ fire: false, reason: 'paused', state: { armed: true, fires: 1 } });
      const resumed = evaluateTrigger(aTrigger({ rearmMargin: 10 }), whilePaused.state, {
        before: 60,
        after: 85,
        at: 2000,
      });
      expect(resumed.reason).toBe('fired');
    });

    it('when paused and the score does not move, then the reason is paused', () => {
      expect(
        evaluateTrigger(aTrigger({ paused: true }), initialTriggerState(), { before: 1, after: 1, at: 0 })
          .reason,
      ).toBe('paused');
    });
  });
});

describe('evaluateTriggers', () => {
  const reward = aTrigger({ id: 'reward', profileId: 'engagement', input: { offer: 'ten-percent' } });
  const review = aTrigger({
    id: 'review',
    profileId: 'sales',
    condition: { op: 'lt', value: 10 },
    automation: 'inactive_contact_review',
  });
  const followUp = aTrigger({
    id: 'follow-up',
    profileId: 'engagement',
    condition: { op: 'gte', value: 50 },
    automation: 'follow_up_sequence',
  });

  it('when one profile changes, then only its triggers are evaluated and fire in the order given', () => {
    const { fires, states } = evaluateTriggers(
      [reward, review, followUp],
      {},
      { engagement: { before: 40, after: 85 } },
      1234,
    );
    expect(fires).toEqual([
      {
        triggerId: 'reward',
        automation: 'reward_offer',
        input: { offer: 'ten-percent' },
        profileId: 'engagement',
        score: 85,
      },
      {
        triggerId: 'follow-up',
        automation: 'follow_up_sequence',
        input: {},
        profileId: 'engagement',
        score: 85,
      },
    ]);
    expect(states).toEqual({
      reward: { fires: 1, lastFiredAt: 1234, armed: true },
      'follow-up': { fires: 1, lastFiredAt: 1234, armed: true },
    });
  });

  it('when a profile did not change, then its triggers keep their state untouched', () => {
    const reviewState: TriggerState = { fires: 3, lastFiredAt: 99, armed: true };
    const { fires, states } = evaluateTriggers(
      [review],
      { review: reviewState },
      { engagement: { before: 40, after: 85 } },
      1234,
    );
    expect(fires).toEqual([]);
    expect(states).toEqual({ review: reviewState });
  });

  it('when a contact gets its first score, then a change from null fires', () => {
    const { fires } = evaluateTriggers([review], {}, { sales: { before: null, after: 0 } }, 0);
    expect(fires.map((f) => [f.triggerId, f.score])).toEqual([['review', 0]]);
  });

  it('keeps the states of triggers that are no longer in the list, so a re-added once trigger stays spent', () => {
    const removed: TriggerState = { fires: 1, lastFiredAt: 5, armed: true };
    const { states } = evaluateTriggers(
      [reward],
      { gone: removed },
      { engagement: { before: 10, after: 20 } },
      10,
    );
    expect(states.gone).toEqual(removed);
    expect(states.reward).toEqual({ fires: 0, lastFiredAt: null, armed: true });
  });

  it('returns new objects and leaves its inputs as they were', () => {
    const states = { reward: { fires: 1, lastFiredAt: 0, armed: true } };
    const changes = { engagement: { before: 70, after: 85 } };
    const snapshot = structuredClone({ states, changes, reward });
    const result = evaluateTriggers([reward], states, changes, 10);
    expect(result.states).not.toBe(states);
    expect(result.states.reward).toEqual({ fires: 2, lastFiredAt: 10, armed: true });
    expect({ states, changes, reward }).toEqual(snapshot);
  });

  it('reads only own keys: a profile called "constructor" is not found on an empty change set', () => {
    const odd = aTrigger({
      id: 'constructor',
      profileId: 'constructor',
      condition: { op: 'is_empty' },
      mode: 'every_change',
    });
    expect(evaluateTriggers([odd], {}, {}, 0)).toEqual({ fires: [], states: {} });
    const { fires, states } = evaluateTriggers([odd], {}, { constructor: { before: 3, after: null } }, 0);
    expect(fires.map((f) => f.triggerId)).toEqual(['constructor']);
    expect(states.constructor).toEqual({ fires: 1, lastFiredAt: 0, armed: true });
  });

  it('when a trigger is paused, then it does not fire but still gets a state', () => {
    const { fires, states } = evaluateTriggers(
      [aTrigger({ paused: true })],
      {},
      { engagement: { before: 0, after: 90 } },
      0,
    );
    expect(fires).toEqual([]);
    expect(states['reward-80']).toEqual(initialTriggerState());
  });
});
