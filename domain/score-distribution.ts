import { histogramOf, type Bin, type Histogram } from './histogram';

/** How many contacts hold one score (Postgres groups them; a large account sends few rows). */
export interface ScoreCount {
  score: number;
  contacts: number;
}

export interface DistributionBin extends Bin {
  contacts: number;
}

export type Distribution = Histogram<DistributionBin>;

/** The distribution binned as the draft simulation's histogram is (domain/histogram.ts). */
export function distributionOf(counts: readonly ScoreCount[], requestedBinWidth?: number): Distribution {
  const held = counts.filter((c) => c.contacts > 0);
  return histogramOf(
    held.map((c) => c.score),
    requestedBinWidth,
    (range): DistributionBin => ({ ...range, contacts: 0 }),
    (bin, index) => {
      bin.contacts += held[index]!.contacts;
    },
  );
}
