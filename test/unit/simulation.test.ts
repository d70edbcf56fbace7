import type { LiveProfile } from '../../domain/score-computation';
import { MAX_BINS, roundBinWidth } from '../../domain/histogram';
import { buildHistogram, SimulationAccumulator, simulateContactScore } from '../../domain/simulation';
import { triggerSchema, type Trigger } from '../../domain/trigger';
import { aRule, anInteraction } from '../support/builders';

const draft: LiveProfile = {
  profileId: 'engagement',
  isDefault: true,
  version: 2,
  rules: [
    aRule({ id: 'opened', points: 4 }),
    aRule({ id: 'paid', interactionType: 'payment_succeeded', points: 30 }),
  ],
  ceiling: 50,
};

const aTrigger = (id: string, condition: Trigger['condition']): Trigger =>
  triggerSchema.parse({
    id,
    profileId: 'engagement',
    condition,
    reentry: { policy: 'once' },
    automation: 'reward_offer',
  });

describe('simulateContactScore', () => {
  it('scores from 0 under the draft, clamped, with only this profile’s adjustments', () => {
    const interactions = [
      anInteraction({ type: 'payment_succeeded' }),
      anInteraction({ type: 'payment_succeeded' }),
      anInteraction({ type: 'score_adjustment', attributes: { profileId: 'engagement', points: -5 } }),
      anInteraction({ type: 'score_adjustment', attributes: { profileId: 'sales', points: 100 } }),
      anInteraction({ type: 'email_opened' }),
    ];
    // 30, 50 (ceiling), 45, (other profile), 49
    expect(simulateContactScore(draft, interactions)).toBe(49);
    expect(simulateContactScore(draft, [])).toBe(0);
  });
});

describe('SimulationAccumulator', () => {
  it('summarises draft and current scores: min, max, mean, median; an empty current is counted apart', () => {
    const acc = new SimulationAccumulator([]);
    acc.add('a', 10, 12);
    acc.add('b', 0, 0);
    acc.add('c', null, 7);
    acc.add('d', 4, 1);
    const summary = acc.summary();
    expect(summary.contacts).toBe(4);
    expect(summary.changed).toBe(3);
    expect(summary.draft).toEqual({ count: 4, min: 0, max: 12, mean: 5, median: 4 });
    expect(summary.current).toEqual({ count: 3, min: 0, max: 10, mean: 14 / 3, median: 4, empty: 1 });
  });

  it('when there are no contacts, then the stats are empty and there are no bins', () => {
    const summary = new SimulationAccumulator([]).summary();
    expect(summary.draft).toEqual({ count: 0, min: null, max: null, mean: null, median: null });
    expect(summary.histogram.bins).toEqual([]);
  });

  it('counts per trigger who satisfies it now, under the draft, who would enter and who would leave', () => {
    const acc = new SimulationAccumulator([
      aTrigger('hot', { op: 'gte', value: 20 }),
      aTrigger('none', { op: 'is_empty' }),
    ]);
    acc.add('stays-in', 25, 30);
    acc.add('enters', 5, 20);
    acc.add('leaves', 40, 19);
    acc.add('stays-out', 1, 2);
    acc.add('never-scored', null, 22);
    expect(acc.summary().triggers).toEqual([
      {
        triggerId: 'hot',
        condition: { op: 'gte', value: 20 },
        paused: false,
        current: 2,
        simulated: 3,
        entering: 2,
        leaving: 1,
      },
      {
        triggerId: 'none',
        condition: { op: 'is_empty' },
        paused: false,
        current: 1,
        simulated: 0,
        entering: 0,
        leaving: 1,
      },
    ]);
  });

  it('lists the top movers by |delta|, ties by id, leaving out contacts that do not move', () => {
    const acc = new SimulationAccumulator([], 3);
    acc.add('small', 10, 11);
    acc.add('down', 50, 20);
    acc.add('same', 5, 5);
    acc.add('up-b', 0, 30);
    acc.add('up-a', 0, 30);
    acc.add('empty', null, 12);
    expect(acc.summary().movers).toEqual([
      { contactId: 'down', current: 50, simulated: 20, delta: -30 },
      { contactId: 'up-a', current: 0, simulated: 30, delta: 30 },
      { contactId: 'up-b', current: 0, simulated: 30, delta: 30 },
    ]);
    const none = new SimulationAccumulator([], 0);
    none.add('x', 0, 100);
    expect(none.summary().movers).toEqual([]);
  });
});

describe('histogram', () => {
  it('picks a round width giving at most 20 bins and counts both distributions in the same bins', () => {
    const h = buildHistogram([0, 5, 99], [12, 100]);
    expect(h.binWidth).toBe(10);
    expect(h.bins).toHaveLength(11);
    expect(h.bins[0]).toEqual({ from: 0, to: 10, draft: 2, current: 0 });
    expect(h.bins[1]).toEqual({ from: 10, to: 20, draft: 0, current: 1 });
    expect(h.bins[9]).toEqual({ from: 90, to: 100, draft: 1, current: 0 });
    expect(h.bins[10]).toEqual({ from: 100, to: 110, draft: 0, current: 1 });
  });

  it('starts bins at multiples of the width, negative scores included', () => {
    const h = buildHistogram([-7, -1, 3], [], 5);
    expect(h.bins.map((b) => [b.from, b.to, b.draft])).toEqual([
      [-10, -5, 1],
      [-5, 0, 1],
      [0, 5, 1],
    ]);
    expect(h.requestedBinWidth).toBeUndefined();
  });

  it('when a requested width needs too many bins, then it is widened and the answer says what was asked', () => {
    const h = buildHistogram([0, 1_000_000], [], 1);
    expect(h.bins.length).toBeLessThanOrEqual(MAX_BINS);
    expect(h.binWidth).toBeGreaterThan(1);
    expect(h.requestedBinWidth).toBe(1);
  });

  it('rounds widths up to 1, 2 or 5 times a power of ten', () => {
    expect([0.3, 1, 1.5, 3, 7, 11, 45, 51].map(roundBinWidth)).toEqual([1, 1, 2, 5, 10, 20, 50, 100]);
  });
});
