import type { Trigger, TriggerCondition } from './trigger';

/*
 * Decides when a score change fires an automation. This runs inside the contact workflow, so it
 * must be deterministic: no I/O, no clock, no randomness, no Node built-ins. Time arrives as `at`
 * (epoch ms, the workflow's own clock) and the previous score as `change.before`.
 *
 * Decisions on the points the product issue left open:
 *
 * - Empty (null) scores: every numeric operator is false on null, `neq` included. A contact with
 *   no score yet is not "a number different from 5"; use is_empty / is_not_empty for emptiness.
 *
 * - Crossing with a re-arm margin: "crossing" is still judged on this change alone (the condition
 *   was false for `before` and is true for `after`); the margin adds a second, independent gate.
 *   After a fire the trigger is disarmed, and only a score on the far side of the margin arms it
 *   again. So for `gte 80` with margin 10: fire at 85, 85 → 75 → 85 crosses twice but does not
 *   fire (still disarmed, reason `not_rearmed`), 85 → 65 re-arms, and the next crossing fires,
 *   even one from 75. In every_change mode the margin means: after a fire, no further fires until
 *   the score has dipped past the margin. Without a margin the trigger is never disarmed.
 *
 * - Margin bounds follow the issue: gte/gt re-arm at score < value - margin, lte/lt at
 *   score > value + margin, eq at |score - value| >= margin with score !== value. Consequences:
 *   for gt/lt a margin of 0 still asks for the score to go strictly past the threshold (gt 80
 *   re-arms below 80, not at 80); an empty score never re-arms, as it is not a value at any
 *   distance from the threshold. So a margin of 0 is the same as none only for gte/lte/eq in
 *   crossing mode while the score stays non-empty; in every_change mode any margin, 0 included,
 *   means one fire per stay in the condition.
 *
 * - Paused triggers never fire and never count a fire, but they keep re-arming, so the state
 *   un-pausing finds matches the score's real history. They do not replay what they missed:
 *   `before` is the score just before the current change, so a crossing that happened during the
 *   pause is not a crossing any more when the trigger is evaluated again.
 *
 * - A crossing held back (by cooldown, max fires, margin) is dropped, not deferred: crossing mode
 *   fires on the crossing change or not at all.
 *
 * - Cooldown: a fire at exactly `lastFiredAt + cooldownMs` is allowed (the cooldown has elapsed).
 *
 * - Band change: fires when a change moves the score into another band, and on its first
 *   qualifying change for the contact whatever the bands (the contact workflow's first score is a
 *   change from 0, and a segmentation must place the contact once before band moves matter). The
 *   band of an empty score is none. Margins, cooldowns and max fires apply on top, as in
 *   every_change mode.
 *
 * - Reasons, checked in this order: paused, no_change, condition_false, not_crossing, same_band
 *   (this change does not qualify), then once, max_fires (the trigger is done with this contact for good),
 *   then not_rearmed, cooldown (held back for now). Permanent reasons come before temporary ones
 *   so that a reason tells whether waiting can help.
 */

export interface TriggerState {
  fires: number;
  lastFiredAt: number | null;
  /** False only after a fire of a trigger with a re-arm margin, until the score passes the margin. */
  armed: boolean;
}

export interface ScoreChange {
  /** null: the contact had no score for this profile yet (the first score is a change from null). */
  before: number | null;
  after: number | null;
}

export type TriggerNonFireReason =
  | 'paused'
  | 'no_change'
  | 'condition_false'
  | 'not_crossing'
  | 'same_band'
  | 'once'
  | 'max_fires'
  | 'not_rearmed'
  | 'cooldown';
export type TriggerReason = 'fired' | TriggerNonFireReason;

export interface TriggerEvaluation {
  fire: boolean;
  state: TriggerState;
  reason: TriggerReason;
}

export interface TriggerFire {
  triggerId: string;
  automation: Trigger['automation'];
  /** The trigger's own object, not a copy: treat it as read-only. */
  input: Trigger['input'];
  profileId: string;
  /** The new score, the one that satisfied the condition (null for is_empty). */
  score: number | null;
}

export function initialTriggerState(): TriggerState {
  return { fires: 0, lastFiredAt: null, armed: true };
}

export function conditionHolds(condition: TriggerCondition, score: number | null): boolean {
  switch (condition.op) {
    case 'is_empty':
      return score === null;
    case 'is_not_empty':
      return score !== null;
    case 'eq':
      return score !== null && score === condition.value;
    case 'neq':
      return score !== null && score !== condition.value;
    case 'gt':
      return score !== null && score > condition.value;
    case 'gte':
      return score !== null && score >= condition.value;
    case 'lt':
      return score !== null && score < condition.value;
    case 'lte':
      return score !== null && score <= condition.value;
  }
}

/** The band index of a score among ascending edges (edges <= score); -1 for an empty score. */
export function bandIndex(edges: readonly number[], score: number | null): number {
  if (score === null) return -1;
  let band = 0;
  while (band < edges.length && edges[band]! <= score) band += 1;
  return band;
}

/** Whether a score puts a disarmed trigger back in service; see the margin notes at the top. */
export function isRearmingScore(
  trigger: Pick<Trigger, 'condition' | 'rearmMargin'>,
  score: number | null,
): boolean {
  const { condition, rearmMargin: margin } = trigger;
  if (conditionHolds(condition, score)) return false;
  if (margin === undefined) return true;
  if (score === null) return false;
  switch (condition.op) {
    case 'gt':
    case 'gte':
      return score < condition.value - margin;
    case 'lt':
    case 'lte':
      return score > condition.value + margin;
    case 'eq':
      return Math.abs(score - condition.value) >= margin;
    // The schema refuses a margin for these; if one slips through, behave as without it.
    case 'neq':
    case 'is_empty':
    case 'is_not_empty':
      return true;
  }
}

export function evaluateTrigger(
  trigger: Trigger,
  state: Readonly<TriggerState>,
  change: ScoreChange & { at: number },
): TriggerEvaluation {
  const { before, after, at } = change;
  const next: TriggerState = { ...state };
  const changed = before !== after;
  const hasMargin = trigger.rearmMargin !== undefined;

  // Before anything else, paused included: arming follows the score whatever the trigger does.
  if (changed && !next.armed && isRearmingScore(trigger, after)) next.armed = true;

  const skip = (reason: TriggerNonFireReason): TriggerEvaluation => ({ fire: false, state: next, reason });
  if (trigger.paused) return skip('paused');
  if (!changed) return skip('no_change');
  if (!conditionHolds(trigger.condition, after)) return skip('condition_false');
  if (trigger.mode === 'crossing' && conditionHolds(trigger.condition, before)) return skip('not_crossing');
  if (
    trigger.mode === 'band_change' &&
    next.fires > 0 &&
    bandIndex(trigger.bandBoundaries ?? [], before) === bandIndex(trigger.bandBoundaries ?? [], after)
  ) {
    return skip('same_band');
  }
  if (trigger.reentry.policy === 'once' && next.fires >= 1) return skip('once');
  if (trigger.maxFires !== undefined && next.fires >= trigger.maxFires) return skip('max_fires');
  if (hasMargin && !next.armed) return skip('not_rearmed');
  if (
    trigger.reentry.policy === 'cooldown' &&
    next.lastFiredAt !== null &&
    at - next.lastFiredAt < trigger.reentry.cooldownMs
  ) {
    return skip('cooldown');
  }

  return {
    fire: true,
    state: { fires: next.fires + 1, lastFiredAt: at, armed: !hasMargin },
    reason: 'fired',
  };
}

/**
 * Evaluates one contact's triggers against the score changes of one scoring step. Only triggers
 * whose profile appears in `changesByProfile` are evaluated; the others keep their state as is.
 * Returns a new states object holding every state it was given (those of triggers no longer in
 * the list included: dropping them would let a re-added `once` trigger fire again) plus the
 * evaluated ones; a trigger without a state starts from `initialTriggerState()`.
 * Fires come in the order of `triggers`.
 */
export function evaluateTriggers(
  triggers: readonly Trigger[],
  states: Readonly<Record<string, TriggerState>>,
  changesByProfile: Readonly<Record<string, ScoreChange>>,
  at: number,
): { fires: TriggerFire[]; states: Record<string, TriggerState> } {
  const nextStates: Record<string, TriggerState> = {};
  for (const [id, state] of Object.entries(states)) nextStates[id] = { ...state };
  const fires: TriggerFire[] = [];

  for (const trigger of triggers) {
    // Own keys only: "constructor" is a valid profile id and must not find Object.prototype's.
    if (!Object.hasOwn(changesByProfile, trigger.profileId)) continue;
    const change = changesByProfile[trigger.profileId]!;
    const state = Object.hasOwn(nextStates, trigger.id) ? nextStates[trigger.id]! : initialTriggerState();
    const result = evaluateTrigger(trigger, state, { before: change.before, after: change.after, at });
    nextStates[trigger.id] = result.state;
    if (result.fire) {
      fires.push({
        triggerId: trigger.id,
        automation: trigger.automation,
        input: trigger.input,
        profileId: trigger.profileId,
        score: change.after,
      });
    }
  }
  return { fires, states: nextStates };
}
