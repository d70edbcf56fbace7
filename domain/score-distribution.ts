import { AUTO_BINS, MAX_BINS, roundBinWidth } from './simulation';

/** How many contacts hold one score (Postgres groups them; a large account sends few rows). */
export interface ScoreCount {
  score: number;
  contacts: number;
}

export interface DistributionBin {
  /** Inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
  contacts: number;
}

export interface Distribution {
  binWidth: number;
  /** Set when the requested width needed more than MAX_BINS bins and was widened. */
  requestedBinWidth?: number;
  bins: DistributionBin[];
}

/**
 * Bins of one width over the scores, starting at multiples of the width, empty bins in between
 * kept: the same binning as the draft simulation's histogram (domain/simulation.ts), so the two
 * charts of a profile line up.
 */
export function distributionOf(counts: readonly ScoreCount[], requestedBinWidth?: number): Distribution {
  const held = counts.filter((c) => c.contacts > 0);
  if (held.length === 0) {
    return {
      binWidth: requestedBinWidth ?? 1,
      ...(requestedBinWidth !== undefined && { requestedBinWidth }),
      bins: [],
    };
  }
  const min = Math.min(...held.map((c) => c.score));
  const max = Math.max(...held.map((c) => c.score));
  const binsFor = (width: number) => Math.floor(max / width) - Math.floor(min / width) + 1;
  const limit = requestedBinWidth === undefined ? AUTO_BINS : MAX_BINS;
  let binWidth = requestedBinWidth ?? roundBinWidth((max - min + 1) / AUTO_BINS);
  while (binsFor(binWidth) > limit) binWidth = roundBinWidth(binWidth + 1);
  const first = Math.floor(min / binWidth);
  const bins: DistributionBin[] = Array.from({ length: binsFor(binWidth) }, (_, i) => ({
    from: (first + i) * binWidth,
    to: (first + i + 1) * binWidth,
    contacts: 0,
  }));
  for (const c of held) bins[Math.floor(c.score / binWidth) - first]!.contacts += c.contacts;
  return {
    binWidth,
    ...(requestedBinWidth !== undefined && requestedBinWidth !== binWidth && { requestedBinWidth }),
    bins,
  };
}
