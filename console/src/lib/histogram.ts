/** Geometry of the console's histograms (pure: unit-tested in test/unit/console-histogram.test.ts). */

export interface Bin {
  /** Inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
}

export interface Series<B extends Bin> {
  key: string;
  label: string;
  value: (bin: B) => number;
}

export interface BarRect {
  series: string;
  binIndex: number;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
}

export interface ChartBox {
  width: number;
  height: number;
}

/** Bars side by side within each bin, heights scaled to the tallest bar of any series. */
export function layoutBars<B extends Bin>(
  bins: readonly B[],
  series: readonly Series<B>[],
  box: ChartBox,
): BarRect[] {
  if (bins.length === 0 || series.length === 0) return [];
  const max = Math.max(1, ...bins.flatMap((b) => series.map((s) => s.value(b))));
  const slot = box.width / bins.length;
  const gap = Math.min(2, slot * 0.1);
  const barWidth = (slot - gap) / series.length;
  return bins.flatMap((bin, binIndex) =>
    series.map((s, i) => {
      const value = s.value(bin);
      const height = (value / max) * box.height;
      return {
        series: s.key,
        binIndex,
        x: binIndex * slot + gap / 2 + i * barWidth,
        y: box.height - height,
        width: barWidth,
        height,
        value,
      };
    }),
  );
}

/**
 * Where a score falls on the x axis of bins laid out edge to edge: linear within its bin. A
 * threshold outside the bins' range is undefined (not drawn, but listed beside the chart).
 */
export function scoreX(score: number, bins: readonly Bin[], width: number): number | undefined {
  const first = bins[0];
  const last = bins[bins.length - 1];
  if (!first || !last || score < first.from || score > last.to) return undefined;
  const slot = width / bins.length;
  const index = bins.findIndex((b) => score >= b.from && score < b.to);
  if (index === -1) return width; // score === last.to
  const bin = bins[index]!;
  return index * slot + ((score - bin.from) / (bin.to - bin.from)) * slot;
}

/** "10–19" for integer bins [10, 20); "10" for bins of width 1. */
export function binLabel(bin: Bin): string {
  return bin.to - bin.from <= 1 ? String(bin.from) : `${bin.from}–${bin.to - 1}`;
}
