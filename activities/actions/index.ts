import type { Db } from '../../db/pool';
import type { ActionActivities } from '../../domain/action-activities';
import type { Mailer } from '../mailer';
import type { SmsProvider } from '../sms-provider';
import { createLeaveCampaignUnlessRecovered, createSegmentByCurrentScore } from './campaigns';
import { DEFAULT_SENDING_LEASE_MS } from './delivery';
import { createSendEmail } from './email';
import { createMembershipActions } from './memberships';
import { createReadContactForAutomation } from './read-contact';
import { createSendSms } from './sms';
import { createRecordStepsNotTaken } from './steps-not-taken';
import { createCreateTask } from './tasks';
import { createSendWebhook } from './webhook';

export { ACTION_IN_FLIGHT, ACTION_KEY_CONFLICT, ACTION_VALIDATION_ERROR } from './action-log';

export interface ActionActivityDeps {
  db: Db;
  mailer: Mailer;
  sms: SmsProvider;
  /** How long a claimed, unreported delivery blocks a resend (see delivery.ts). Default 2 minutes. */
  sendingLeaseMs?: number;
  /** Right-hand side of the Message-IDs of automation email. Default 'pulse.localhost'. */
  messageIdDomain?: string;
  /** Outgoing webhooks; default: a 10 s timeout, private addresses refused. */
  webhook?: WebhookOptions | undefined;
}

export interface WebhookOptions {
  /** One POST's bound, connection included (PULSE_WEBHOOK_TIMEOUT_MS). */
  timeoutMs?: number | undefined;
  /** PULSE_WEBHOOK_ALLOW_PRIVATE: private, loopback and link-local addresses may be called. */
  allowPrivate?: boolean | undefined;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The activities automations call. Each action takes an `actionKey` (domain/actions.ts) and
 * reports the same outcome however often it is retried.
 */
export function createActionActivities({
  db,
  mailer,
  sms,
  sendingLeaseMs = DEFAULT_SENDING_LEASE_MS,
  messageIdDomain = 'pulse.localhost',
  webhook = {},
}: ActionActivityDeps) {
  const webhookTimeoutMs = webhook.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  return {
    readContactForAutomation: createReadContactForAutomation(db),
    sendEmail: createSendEmail({ db, mailer, leaseMs: sendingLeaseMs, messageIdDomain }),
    sendSms: createSendSms({ db, sms, leaseMs: sendingLeaseMs }),
    ...createMembershipActions(db),
    createTask: createCreateTask(db),
    segmentByCurrentScore: createSegmentByCurrentScore(db),
    leaveCampaignUnlessRecovered: createLeaveCampaignUnlessRecovered(db),
    recordStepsNotTaken: createRecordStepsNotTaken(db),
    sendWebhook: createSendWebhook({
      db,
      timeoutMs: webhookTimeoutMs,
      allowPrivate: webhook.allowPrivate ?? false,
      // Outlives one POST, so a slow attempt is never taken for a dead one.
      leaseMs: webhookTimeoutMs + 20_000,
    }),
  } satisfies Omit<ActionActivities, 'modifyEngagementScore'>;
}
