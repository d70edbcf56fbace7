import { histogramOf, type Bin, type Histogram } from './histogram';
import type { ScorableInteraction } from './rule-matching';
import { computeScoreChanges, type LiveProfile } from './score-computation';
import type { Trigger, TriggerCondition } from './trigger';
import { conditionHolds } from './trigger-evaluation';

/*
 * "What would the draft do?": every contact's applied interactions scored from scratch under the
 * draft, compared with the live scores. Pure: the caller feeds contacts page by page (add) and
 * asks for the summary at the end, so memory holds two numbers per contact, not interactions.
 */

export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

/**
 * The score a contact would have under `draft`: its interactions (every profile's adjustments
 * may be among them; only the draft's own count) applied in the order given, from 0, as
 * re-scoring does.
 */
export function simulateContactScore(
  draft: LiveProfile,
  interactions: readonly ScorableInteraction[],
): number {
  return computeScoreChanges([draft], new Map(), interactions).scores[0]!.score;
}

export interface ScoreStats {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  median: number | null;
}

export interface HistogramBin extends Bin {
  draft: number;
  current: number;
}

export interface TriggerImpact {
  triggerId: string;
  condition: TriggerCondition;
  paused: boolean;
  /** Contacts whose live score satisfies the condition now. */
  current: number;
  /** Contacts whose draft score would satisfy it. */
  simulated: number;
  /** Contacts that would newly satisfy it: not now, but under the draft. */
  entering: number;
  /** Contacts that satisfy it now and would not under the draft. */
  leaving: number;
}

export interface Mover {
  contactId: string;
  /** null: the profile was never published, so the contact has no score yet. */
  current: number | null;
  simulated: number;
  /** simulated - current, an empty current counting as 0. */
  delta: number;
}

export interface SimulationSummary {
  contacts: number;
  /** Contacts whose score would change. */
  changed: number;
  draft: ScoreStats;
  /** Over the contacts with a live score; `empty` counts those without (profile never published). */
  current: ScoreStats & { empty: number };
  histogram: Histogram<HistogramBin>;
  triggers: TriggerImpact[];
  /** The contacts that would move most, largest |delta| first (ties by id); unmoved ones are left out. */
  movers: Mover[];
}

function stats(values: readonly number[]): ScoreStats {
  if (values.length === 0) return { count: 0, min: null, max: null, mean: null, median: null };
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
    median: sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
  };
}

/**
 * Bins of one width over both distributions, so they compare bin by bin (domain/histogram.ts).
 */
export function buildHistogram(
  draft: readonly number[],
  current: readonly number[],
  requestedBinWidth?: number,
): SimulationSummary['histogram'] {
  return histogramOf(
    [...draft, ...current],
    requestedBinWidth,
    (range): HistogramBin => ({ ...range, draft: 0, current: 0 }),
    (bin, index) => {
      if (index < draft.length) bin.draft += 1;
      else bin.current += 1;
    },
  );
}

const byMove = (a: Mover, b: Mover) =>
  Math.abs(b.delta) - Math.abs(a.delta) ||
  (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0);

/** Collects contacts one at a time; `summary()` gives the answer. */
export class SimulationAccumulator {
  private readonly draftScores: number[] = [];
  private readonly currentScores: number[] = [];
  private empty = 0;
  private changed = 0;
  private readonly impacts: TriggerImpact[];
  private readonly movers: Mover[] = [];

  /** `triggers`: the profile's triggers (others are the caller's to leave out). */
  constructor(
    private readonly triggers: readonly Trigger[],
    private readonly top: number = DEFAULT_TOP,
  ) {
    this.impacts = triggers.map((t) => ({
      triggerId: t.id,
      condition: t.condition,
      paused: t.paused,
      current: 0,
      simulated: 0,
      entering: 0,
      leaving: 0,
    }));
  }

  add(contactId: string, current: number | null, simulated: number): void {
    this.draftScores.push(simulated);
    if (current === null) this.empty += 1;
    else this.currentScores.push(current);
    if (simulated !== current) this.changed += 1;

    this.triggers.forEach((trigger, i) => {
      const impact = this.impacts[i]!;
      const now = conditionHolds(trigger.condition, current);
      const then = conditionHolds(trigger.condition, simulated);
      if (now) impact.current += 1;
      if (then) impact.simulated += 1;
      if (then && !now) impact.entering += 1;
      if (now && !then) impact.leaving += 1;
    });

    const mover: Mover = { contactId, current, simulated, delta: simulated - (current ?? 0) };
    if (mover.delta === 0 || this.top === 0) return;
    if (this.movers.length === this.top && byMove(mover, this.movers[this.movers.length - 1]!) >= 0) return;
    const at = this.movers.findIndex((m) => byMove(mover, m) < 0);
    this.movers.splice(at < 0 ? this.movers.length : at, 0, mover);
    if (this.movers.length > this.top) this.movers.pop();
  }

  summary(binWidth?: number): SimulationSummary {
    return {
      contacts: this.draftScores.length,
      changed: this.changed,
      draft: stats(this.draftScores),
      current: { ...stats(this.currentScores), empty: this.empty },
      histogram: buildHistogram(this.draftScores, this.currentScores, binWidth),
      triggers: this.impacts.map((i) => ({ ...i })),
      movers: [...this.movers],
    };
  }
}
