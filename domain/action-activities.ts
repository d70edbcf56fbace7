import type {
  ActionOutcome,
  CampaignAction,
  CreateTaskAction,
  LeaveCampaignAction,
  ModifyScoreAction,
  SendEmailAction,
  SegmentAction,
  SendSmsAction,
  TagAction,
  WebhookAction,
} from './actions';

/** The action each action activity takes. */
export interface ActionOf {
  sendEmail: SendEmailAction;
  sendSms: SendSmsAction;
  addTag: TagAction;
  removeTag: TagAction;
  createTask: CreateTaskAction;
  addToCampaign: CampaignAction;
  removeFromCampaign: CampaignAction;
  /** Skipped with reason `recovered` when the trigger's condition no longer holds on the current score. */
  leaveCampaignUnlessRecovered: LeaveCampaignAction;
  segmentByCurrentScore: SegmentAction;
  modifyEngagementScore: ModifyScoreAction;
  /** Throws a non-retryable WebhookRejected when the receiver answers 4xx or the address is refused. */
  sendWebhook: WebhookAction;
}

export type ActionActivityName = keyof ActionOf;

/**
 * The action activities as automation workflows call them. `createActivities` (activities/index.ts)
 * must satisfy this type; the automations proxy it (workflows/automations/action-proxies.ts)
 * and their tests hand the worker their own implementation of it. Every action activity takes its
 * action and answers the outcome recorded under the action's key (domain/actions.ts).
 */
export type ActionActivities = {
  [A in ActionActivityName]: (action: ActionOf[A]) => Promise<ActionOutcome>;
} & {
  readContactForAutomation(contact: ContactRef): Promise<ContactForAutomation>;
  /** An operator cancelled the automation: its steps not reached are recorded as skipped with `reason`. */
  recordStepsNotTaken(record: StepsNotTaken): Promise<void>;
};

export interface StepsNotTaken extends ContactRef {
  steps: { step: string; actionKey: string }[];
  reason: string;
}

export interface ContactRef {
  accountId: string;
  contactId: string;
}

/** What an automation needs to know about its contact when it decides a next step. */
export interface ContactForAutomation {
  /** False once the contact was deleted; the other fields are then empty. */
  exists: boolean;
  email: string | null;
  phone: string | null;
  tags: string[];
  /** Channels the contact asked not to be disturbed on. */
  dndChannels: string[];
  /** By profile id; null = the profile has no score for this contact (empty). */
  scores: Record<string, number | null>;
}

/**
 * The error type (ApplicationFailure `type`, or the Error subclass's name) an action activity
 * throws for an action that can never succeed, e.g. an empty tag: retrying does not help.
 */
export const ACTION_VALIDATION_ERROR = 'ActionValidationError';

/** The webhook's receiver refused it for good (4xx, a redirect) or Pulse may not call its address. */
export const WEBHOOK_REJECTED = 'WebhookRejected';
