import fc from 'fast-check';
import { distributionOf } from '../../domain/score-distribution';
import { buildHistogram } from '../../domain/simulation';

describe('distributionOf (GET /profiles/{id}/distribution)', () => {
  it('when no contact has a score, then there are no bins', () => {
    expect(distributionOf([])).toEqual({ binWidth: 1, bins: [] });
    expect(distributionOf([{ score: 5, contacts: 0 }], 10)).toEqual({
      binWidth: 10,
      requestedBinWidth: 10,
      bins: [],
    });
  });

  it('when scores span 0 to 47, then bins of a round width start at multiples of it, empty ones kept', () => {
    const d = distributionOf([
      { score: 0, contacts: 3 },
      { score: 12, contacts: 2 },
      { score: 47, contacts: 1 },
    ]);
    expect(d.binWidth).toBe(5);
    expect(d.bins[0]).toEqual({ from: 0, to: 5, contacts: 3 });
    expect(d.bins[2]).toEqual({ from: 10, to: 15, contacts: 2 });
    expect(d.bins[1]).toEqual({ from: 5, to: 10, contacts: 0 });
    expect(d.bins[d.bins.length - 1]).toEqual({ from: 45, to: 50, contacts: 1 });
  });

  it('when negative scores are binned, then -1 falls in [-5, 0) and not in [0, 5)', () => {
    const d = distributionOf(
      [
        { score: -1, contacts: 1 },
        { score: 0, contacts: 1 },
      ],
      5,
    );
    expect(d.bins).toEqual([
      { from: -5, to: 0, contacts: 1 },
      { from: 0, to: 5, contacts: 1 },
    ]);
  });

  it('for any scores, then it counts every contact once and bins like the simulation histogram', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            score: fc.integer({ min: -500, max: 5_000 }),
            contacts: fc.integer({ min: 1, max: 5 }),
          }),
          {
            maxLength: 30,
          },
        ),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        (counts, width) => {
          const d = distributionOf(counts, width);
          const total = counts.reduce((n, c) => n + c.contacts, 0);
          expect(d.bins.reduce((n, b) => n + b.contacts, 0)).toBe(total);
          const scores = counts.flatMap((c) => Array<number>(c.contacts).fill(c.score));
          const sim = buildHistogram(scores, [], width);
          expect(d.binWidth).toBe(sim.binWidth);
          expect(d.bins.map((b) => [b.from, b.to, b.contacts])).toEqual(
            sim.bins.map((b) => [b.from, b.to, b.draft]),
          );
        },
      ),
    );
  });
});
