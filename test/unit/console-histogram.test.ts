import { binLabel, layoutBars, scoreX } from '../../console/src/lib/histogram';

const bins = [
  { from: 0, to: 10, a: 4, b: 2 },
  { from: 10, to: 20, a: 0, b: 8 },
  { from: 20, to: 30, a: 1, b: 1 },
];
const series = [
  { key: 'a', label: 'A', value: (x: (typeof bins)[number]) => x.a },
  { key: 'b', label: 'B', value: (x: (typeof bins)[number]) => x.b },
];

describe('console histogram geometry', () => {
  it('when two series are drawn, then bars sit side by side in each bin and the tallest one fills the height', () => {
    const bars = layoutBars(bins, series, { width: 300, height: 100 });
    expect(bars).toHaveLength(6);
    const tallest = bars.find((r) => r.series === 'b' && r.binIndex === 1)!;
    expect(tallest.height).toBe(100);
    expect(tallest.y).toBe(0);
    const a0 = bars.find((r) => r.series === 'a' && r.binIndex === 0)!;
    const b0 = bars.find((r) => r.series === 'b' && r.binIndex === 0)!;
    expect(a0.height).toBe(50);
    expect(b0.x).toBeCloseTo(a0.x + a0.width);
    // Every bar stays inside its bin's slot of 100 px.
    for (const r of bars) {
      expect(r.x).toBeGreaterThanOrEqual(r.binIndex * 100);
      expect(r.x + r.width).toBeLessThanOrEqual((r.binIndex + 1) * 100 + 1e-9);
    }
  });

  it('when every count is 0, then the bars are flat rather than NaN', () => {
    const flat = layoutBars([{ from: 0, to: 1, a: 0, b: 0 }], series, { width: 10, height: 10 });
    expect(flat.every((r) => r.height === 0 && Number.isFinite(r.y))).toBe(true);
  });

  it('when a threshold is placed, then it lands proportionally within its bin, and outside the range it is not drawn', () => {
    expect(scoreX(10, bins, 300)).toBe(100);
    expect(scoreX(15, bins, 300)).toBe(150);
    expect(scoreX(0, bins, 300)).toBe(0);
    expect(scoreX(30, bins, 300)).toBe(300);
    expect(scoreX(-1, bins, 300)).toBeUndefined();
    expect(scoreX(31, bins, 300)).toBeUndefined();
    expect(scoreX(5, [], 300)).toBeUndefined();
  });

  it('labels a bin of width 1 by its score and a wider one by its inclusive range', () => {
    expect(binLabel({ from: 7, to: 8 })).toBe('7');
    expect(binLabel({ from: 10, to: 20 })).toBe('10–19');
    expect(binLabel({ from: -10, to: 0 })).toBe('-10–-1');
  });
});
