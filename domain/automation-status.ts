/**
 * What an automation reports about itself (the `automationStatus` query and its result): which
 * steps it did, which it skipped and why. Support staff read it in the Temporal UI.
 */

export type AutomationPhase = 'running' | 'waiting' | 'completed' | 'stopped' | 'cancelled' | 'failed';

/** Recorded for every step an operator's cancel left out (in the status and in automation_actions). */
export const CANCELLED_BY_OPERATOR = 'cancelled by an operator';

/** Why an automation ended before its last step. */
export type AutomationStopReason = 'dnd_all' | 'contact_not_found';

export interface AutomationStepRecord {
  step: string;
  status: 'done' | 'skipped' | 'failed';
  /**
   * Why it was skipped or failed: the activity's reason (e.g. no phone number), the automation's
   * own ('recovered'), or `stopped: <AutomationStopReason>` for steps an early stop left out.
   */
  reason?: string;
  /** Human-readable specifics, e.g. "score 25 >= 20". */
  detail?: string;
  /** The idempotency key the step's action ran under, for steps that call an action. */
  actionKey?: string;
  /** Workflow time (ISO) the step was recorded at. */
  at: string;
}

export interface AutomationStatus {
  /** The registry name, e.g. `follow_up_sequence`. */
  automation: string;
  phase: AutomationPhase;
  stopReason?: AutomationStopReason;
  /** While `phase` is 'waiting': when the wait ends (workflow time, ISO). */
  waitingUntil?: string;
  /** True once the contact workflow said the contact turned on do-not-disturb for all channels. */
  dndAll: boolean;
  steps: AutomationStepRecord[];
}

/** The reason recorded for every step an early stop leaves out. */
export function stoppedReason(reason: AutomationStopReason): string {
  return `stopped: ${reason}`;
}

/** `dnd_channels` holds 'all' for "every channel"; naming each channel means the same. */
export function blocksAllChannels(dndChannels: readonly string[]): boolean {
  return dndChannels.includes('all') || (dndChannels.includes('email') && dndChannels.includes('sms'));
}
