/**
 * The contract between automation workflows and the action activities. Every action carries an
 * idempotency key built by the workflow from its own id and the step (`actionKey`), and its
 * outcome is recorded under that key: a retried activity reports the first outcome again.
 */

export type Channel = 'email' | 'sms';

export type ActionOutcome =
  | { status: 'done'; actionKey: string; detail?: string }
  /** Nothing was sent: the contact blocked the channel, has no address, etc. `reason` says which. */
  | { status: 'skipped'; actionKey: string; reason: string };

interface ActionBase {
  actionKey: string;
  accountId: string;
  contactId: string;
}

export interface SendEmailAction extends ActionBase {
  subject: string;
  text: string;
}

export interface SendSmsAction extends ActionBase {
  text: string;
}

export interface TagAction extends ActionBase {
  tag: string;
}

export interface CreateTaskAction extends ActionBase {
  title: string;
  /** ISO time the task is due. */
  dueAt?: string;
  /** Who should do it; defaults to the contact's owner attribute, if any. */
  assignee?: string;
}

export interface CampaignAction extends ActionBase {
  campaignId: string;
}

/**
 * Take the contact out of `campaignId` only while the condition of trigger `triggerId` still holds
 * on its current score: a step that stalled past the contact's recovery must not undo what a newer
 * automation run decided.
 */
export interface LeaveCampaignAction extends CampaignAction {
  triggerId: string;
}

/** Move the contact to the campaign of the band its current score (under `profileId`) falls in. */
export interface SegmentAction extends ActionBase {
  profileId: string;
  bands: { min?: number | undefined; max?: number | undefined; campaignId: string }[];
}

export interface ModifyScoreAction extends ActionBase {
  profileId: string;
  points: number;
  reason: string;
}

/**
 * POST a signed JSON event to the account's webhook URL, or to `url` when the trigger names one.
 * The body is built from these fields only, so every retry sends the same bytes.
 */
export interface WebhookAction extends ActionBase {
  url?: string | undefined;
  /** e.g. `score.threshold_crossed`. */
  event: string;
  /** Workflow time the event happened (ISO): part of the body, fixed across retries. */
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Builds the idempotency key of one step of one automation run. */
export function actionKey(workflowId: string, step: string): string {
  return `${workflowId}/${step}`;
}

/** What an automation workflow starts with, whichever trigger fired it. */
export interface AutomationInput {
  accountId: string;
  contactId: string;
  triggerId: string;
  profileId: string;
  /** The score that made the trigger fire (null = empty). */
  score: number | null;
  /** The threshold of the trigger's condition (`gte 20` → 20); absent for is_empty / is_not_empty. */
  threshold?: number;
  /** The trigger's configured input as its author wrote it, e.g. `{ waitDays: 3 }`. */
  params: Record<string, unknown>;
}
