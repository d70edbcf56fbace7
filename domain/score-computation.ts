import type { Rule } from './rule';
import { matchesRule, type ScorableInteraction } from './rule-matching';
import { SCORE_LIMIT } from './score-limit';

/**
 * Points given by a person (API) or an automation ("modify engagement score") rather than a rule.
 * Stored as an interaction of this type so it is applied, deduplicated and ledgered like any other.
 */
export const SCORE_ADJUSTMENT_TYPE = 'score_adjustment';
export const ADJUSTMENT_RULE_ID = 'adjustment';

const DAY_MS = 86_400_000;

interface Hit {
  ruleId: string;
  points: number;
  /** The rule, for its options; absent for adjustments, which are never capped and never lapse. */
  rule?: Rule;
}

function hitsFor(profile: LiveProfile, interaction: ScorableInteraction): Hit[] {
  if (interaction.type !== SCORE_ADJUSTMENT_TYPE) {
    return profile.rules
      .filter((rule) => matchesRule(rule, interaction))
      .map((rule) => ({ ruleId: rule.id, points: rule.points, rule }));
  }
  const { profileId, points } = interaction.attributes;
  return profileId === profile.profileId &&
    typeof points === 'number' &&
    Number.isInteger(points) &&
    points !== 0
    ? [{ ruleId: ADJUSTMENT_RULE_ID, points }]
    : [];
}

export interface LiveProfile {
  isDefault: boolean;
  profileId: string;
  version: number;
  rules: Rule[];
  /** The score never goes below this after a change (absent: no floor). */
  floor?: number;
  /** The score never goes above this after a change (absent: no ceiling). */
  ceiling?: number;
}

export interface ProfileScore {
  isDefault: boolean;
  profileId: string;
  version: number;
  score: number;
}

/** A profile's score before and after one applied batch; only real changes are listed. */
export interface ScoreChange {
  profileId: string;
  before: number;
  after: number;
}

export interface LedgerChange {
  profileId: string;
  profileVersion: number;
  interactionId: string;
  ruleId: string;
  /** What the score actually moved by: the rule's points, less what floor or ceiling cut off. */
  delta: number;
  scoreAfter: number;
  /** ISO 8601: when these points lapse, for rules with expiresAfterDays. */
  expiresAt?: string;
}

/**
 * When each rule counted before, per profile: profileId → ruleId → the occurredAt (ISO 8601) of
 * every earlier counted hit (a ledger row). Only rules with maxCount need to be in it.
 */
export type RuleHistory = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

/** Epoch ms of an ISO time; NaN when absent or unreadable. */
const timeOf = (iso: string | undefined): number => (iso === undefined ? NaN : Date.parse(iso));

/** The times a capped rule counted, kept sorted so a window is two binary searches. */
export class CountedHits {
  private readonly known: number[] = [];
  /** Hits whose time is unknown (no or unreadable occurredAt): inside every window. */
  private unknown = 0;

  constructor(times: Iterable<number> = []) {
    for (const t of times) this.add(t);
  }

  get size(): number {
    return this.known.length + this.unknown;
  }

  add(time: number): void {
    if (Number.isNaN(time)) this.unknown += 1;
    else this.known.splice(this.upperBound(time), 0, time);
  }

  /** Counted hits in the window (end - windowMs, end]. */
  inWindowEndingAt(end: number, windowMs: number): number {
    return this.upperBound(end) - this.upperBound(end - windowMs) + this.unknown;
  }

  /** Known hit times in the open interval (from, to). */
  timesBetween(from: number, to: number): number[] {
    return this.known.slice(this.upperBound(from), this.lowerBound(to));
  }

  /** Index of the first time > t. */
  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.known.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.known[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first time >= t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.known.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.known[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Whether a hit at `at` (epoch ms, NaN if unknown) may still count, given the rule's counted hits.
 *
 * Without a window: fewer than maxCount counted hits, ever. With one: every rolling window of
 * `windowMs`, (end - windowMs, end], that contains `at` must hold fewer than maxCount counted
 * hits. With hits applied in occurredAt order that is exactly "fewer than maxCount within the
 * window ending at this interaction"; it also covers a late arrival, older than hits already
 * counted, which must not push a later window over the cap. A hit exactly `windowMs` before has
 * left the window. An unknown time is taken as inside every window, and a hit at an unknown time
 * is capped as if there were no window: the cap errs on the side of counting less.
 */
export function capAllows(
  counted: CountedHits,
  at: number,
  maxCount: number,
  windowMs: number | undefined,
): boolean {
  if (counted.size < maxCount) return true;
  if (windowMs === undefined || Number.isNaN(at)) return false;
  if (counted.inWindowEndingAt(at, windowMs) >= maxCount) return false;
  // Windows containing `at` that end later: the count only grows at a counted hit's time.
  return counted
    .timesBetween(at, at + windowMs)
    .every((end) => counted.inWindowEndingAt(end, windowMs) < maxCount);
}

/** Into [floor, ceiling], and in any case into ±SCORE_LIMIT. */
const clamp = (score: number, profile: LiveProfile): number => {
  let s = score;
  if (profile.ceiling !== undefined && s > profile.ceiling) s = profile.ceiling;
  if (profile.floor !== undefined && s < profile.floor) s = profile.floor;
  return Math.min(SCORE_LIMIT, Math.max(-SCORE_LIMIT, s));
};

/**
 * Applies interactions, in the order given, to every live profile. Pure: the caller decides
 * what is current and persists the result, so the same function serves live scoring, re-scoring
 * and simulation.
 *
 * - Caps (`maxCount`, `windowDays`): `history` holds the rule's earlier counted hits; hits counted
 *   in this call count too. A hit is counted when it is ledgered, so one that floor or ceiling cut
 *   to nothing is not counted: the history the caller reads back from the ledger is the same.
 * - Floor and ceiling, and ±SCORE_LIMIT without them: the score is clamped after every change and the ledger records the move
 *   actually made (+10 at ceiling 100 from 95 records +5); a change clamped to nothing is not
 *   recorded. A score already outside the bounds (the bounds were tightened) is left as it is
 *   until its next change, which brings it inside; that change records the whole move. So the
 *   recorded deltas always add up to the score's change.
 * - Expiry (`expiresAfterDays`): the change carries `expiresAt`, counted from occurredAt. Nothing
 *   here makes the points lapse; whoever does reads it from the ledger.
 */
export function computeScoreChanges(
  profiles: readonly LiveProfile[],
  current: ReadonlyMap<string, number>,
  interactions: readonly ScorableInteraction[],
  history?: RuleHistory,
): { scores: ProfileScore[]; changes: LedgerChange[]; scoreChanges: ScoreChange[] } {
  const changes: LedgerChange[] = [];
  const scoreChanges: ScoreChange[] = [];
  const scores = profiles.map((profile) => {
    const before = current.get(profile.profileId) ?? 0;
    let score = before;
    // Per capped rule: times it counted, from the history and then from this call.
    const counted = new Map<string, CountedHits>();
    const countedFor = (ruleId: string): CountedHits => {
      let hits = counted.get(ruleId);
      if (!hits) {
        hits = new CountedHits((history?.get(profile.profileId)?.get(ruleId) ?? []).map(timeOf));
        counted.set(ruleId, hits);
      }
      return hits;
    };

    for (const interaction of interactions) {
      const at = timeOf(interaction.occurredAt);
      for (const hit of hitsFor(profile, interaction)) {
        const maxCount = hit.rule?.maxCount;
        const windowMs = hit.rule?.windowDays === undefined ? undefined : hit.rule.windowDays * DAY_MS;
        if (maxCount !== undefined && !capAllows(countedFor(hit.ruleId), at, maxCount, windowMs)) continue;

        const after = clamp(score + hit.points, profile);
        if (after === score) continue;
        const change: LedgerChange = {
          profileId: profile.profileId,
          profileVersion: profile.version,
          interactionId: interaction.id,
          ruleId: hit.ruleId,
          delta: after - score,
          scoreAfter: after,
        };
        const expiresAfterDays = hit.rule?.expiresAfterDays;
        if (expiresAfterDays !== undefined && !Number.isNaN(at)) {
          change.expiresAt = new Date(at + expiresAfterDays * DAY_MS).toISOString();
        }
        changes.push(change);
        if (maxCount !== undefined) countedFor(hit.ruleId).add(at);
        score = after;
      }
    }
    if (score !== before) scoreChanges.push({ profileId: profile.profileId, before, after: score });
    return { profileId: profile.profileId, isDefault: profile.isDefault, version: profile.version, score };
  });
  return { scores, changes, scoreChanges };
}
