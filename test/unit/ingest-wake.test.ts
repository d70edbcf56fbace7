import { ingestSteps, mayFire } from '../../domain/ingest-wake';
import type { LedgerChange } from '../../domain/score-computation';
import { triggerSchema, type TriggerInput } from '../../domain/trigger';
import { evaluateTrigger, initialTriggerState } from '../../domain/trigger-evaluation';

const base: TriggerInput = {
  id: 't',
  profileId: 'p',
  condition: { op: 'gte', value: 10 },
  reentry: { policy: 'always' },
  automation: 'reward_offer',
  input: { tag: 'x' },
};
const trigger = (extra: Partial<TriggerInput> = {}) => triggerSchema.parse({ ...base, ...extra });
const change = (delta: number, scoreAfter: number, profileId = 'p'): LedgerChange => ({
  profileId,
  profileVersion: 1,
  interactionId: `i${scoreAfter}`,
  ruleId: 'r',
  delta,
  scoreAfter,
});

describe('ingestSteps', () => {
  it('when a transaction writes several rows for a profile, then they fold into one step from before the first to after the last', () => {
    const steps = ingestSteps([change(1, 4), change(3, 7), change(2, 2, 'q')], new Set(['p']));
    expect(steps).toEqual([
      { profileId: 'p', before: 3, after: 7, first: false },
      { profileId: 'q', before: 0, after: 2, first: true },
    ]);
  });
});

describe('mayFire', () => {
  const step = (before: number, after: number, first = false) => ({ profileId: 'p', before, after, first });

  it('when a crossing trigger is crossed, then yes; when the score stays on one side, or the profile differs, then no', () => {
    expect(mayFire([trigger()], [step(8, 12)])).toBe(true);
    expect(mayFire([trigger()], [step(12, 15)])).toBe(false);
    expect(mayFire([trigger()], [step(3, 8)])).toBe(false);
    expect(mayFire([trigger({ profileId: 'q' })], [step(8, 12)])).toBe(false);
    expect(mayFire([trigger({ paused: true })], [step(8, 12)])).toBe(false);
  });

  it('when a band_change trigger sees a band change or a first placement, then yes; a move inside a band, no', () => {
    const banded = trigger({
      condition: { op: 'is_not_empty' },
      mode: 'band_change',
      bandBoundaries: [10, 40],
    });
    expect(mayFire([banded], [step(0, 1, true)])).toBe(true);
    expect(mayFire([banded], [step(1, 2)])).toBe(false);
    expect(mayFire([banded], [step(9, 10)])).toBe(true);
  });

  it('when every_change holds after the step, then yes', () => {
    expect(mayFire([trigger({ mode: 'every_change' })], [step(12, 13)])).toBe(true);
    expect(mayFire([trigger({ mode: 'every_change' })], [step(3, 4)])).toBe(false);
  });

  // The property the API relies on: whenever the workflow's evaluation fires on a step (from any
  // state, at any time), mayFire said yes, except a band_change's first fire on a contact already scored.
  it('when the workflow would fire on a step from any state, then mayFire says yes', () => {
    const ops = ['gte', 'gt', 'lte', 'lt', 'eq', 'neq'] as const;
    const modes = ['crossing', 'every_change', 'band_change'] as const;
    const states = [
      initialTriggerState(),
      { fires: 1, lastFiredAt: 0, armed: true },
      { fires: 2, lastFiredAt: 0, armed: false },
    ];
    let checked = 0;
    for (const op of ops)
      for (const mode of modes)
        for (const value of [-5, 0, 5, 10])
          for (let before = -12; before <= 12; before += 3)
            for (let after = -12; after <= 12; after += 4) {
              const t = trigger({
                condition: { op, value },
                mode,
                ...(mode === 'band_change' && { bandBoundaries: [0, 10] }),
              });
              for (const state of states) {
                const first = state.fires === 0;
                const fired = evaluateTrigger(t, state, { before, after, at: 1e12 }).fire;
                if (fired) {
                  checked += 1;
                  expect({
                    op,
                    mode,
                    value,
                    before,
                    after,
                    state,
                    may: mayFire([t], [step(before, after, first)]),
                  }).toEqual(expect.objectContaining({ may: true }));
                }
              }
            }
    expect(checked).toBeGreaterThan(1_000);
  });
});
