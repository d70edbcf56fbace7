/**
 * The binning both score charts use: the draft simulation's histogram (domain/simulation.ts) and a
 * profile's live distribution (domain/score-distribution.ts), so the two charts of a profile line
 * up bin for bin.
 */

/** Histogram bins when the caller names no width: at most this many, of a round width. */
export const AUTO_BINS = 20;
/** A requested width that would need more bins than this is widened (and the answer says so). */
export const MAX_BINS = 1_000;

/** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `raw`. */
export function roundBinWidth(raw: number): number {
  if (!(raw > 1)) return 1;
  let magnitude = 10 ** Math.floor(Math.log10(raw));
  for (;;) {
    for (const step of [1, 2, 5]) if (step * magnitude >= raw) return step * magnitude;
    magnitude *= 10;
  }
}

export interface Bin {
  /** Inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
}

export interface Histogram<B extends Bin> {
  binWidth: number;
  /** Set when the requested width needed more than MAX_BINS bins and was widened. */
  requestedBinWidth?: number;
  bins: B[];
}

/**
 * Bins of one width over `values`, starting at multiples of the width, empty bins in between kept.
 * `newBin` makes an empty bin from its range; `count` adds `values[index]` to the bin it falls in,
 * so each caller counts what its bins hold (contacts, draft against current).
 */
export function histogramOf<B extends Bin>(
  values: readonly number[],
  requestedBinWidth: number | undefined,
  newBin: (range: Bin) => B,
  count: (bin: B, index: number) => void,
): Histogram<B> {
  if (values.length === 0) {
    return {
      binWidth: requestedBinWidth ?? 1,
      ...(requestedBinWidth !== undefined && { requestedBinWidth }),
      bins: [],
    };
  }
  // A loop, not Math.min(...values): a simulation passes one value per contact.
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const binsFor = (width: number) => Math.floor(max / width) - Math.floor(min / width) + 1;
  const limit = requestedBinWidth === undefined ? AUTO_BINS : MAX_BINS;
  let binWidth = requestedBinWidth ?? roundBinWidth((max - min + 1) / AUTO_BINS);
  while (binsFor(binWidth) > limit) binWidth = roundBinWidth(binWidth + 1);
  const first = Math.floor(min / binWidth);
  const bins = Array.from({ length: binsFor(binWidth) }, (_, i) =>
    newBin({ from: (first + i) * binWidth, to: (first + i + 1) * binWidth }),
  );
  values.forEach((v, index) => count(bins[Math.floor(v / binWidth) - first]!, index));
  return {
    binWidth,
    ...(requestedBinWidth !== undefined && requestedBinWidth !== binWidth && { requestedBinWidth }),
    bins,
  };
}
