import type { Db } from '../../db/pool';
import type { ActionActivities } from '../../domain/action-activities';
import type { Mailer } from '../mailer';
import type { SmsProvider } from '../sms-provider';
import { createAddToCampaign, createRemoveFromCampaign, createSegmentByCurrentScore } from './campaigns';
import { DEFAULT_SENDING_LEASE_MS } from './delivery';
import { createSendEmail } from './email';
import { createReadContactForAutomation } from './read-contact';
import { createSendSms } from './sms';
import { createAddTag, createRemoveTag } from './tags';
import { createCreateTask } from './tasks';

export { ACTION_IN_FLIGHT, ACTION_KEY_CONFLICT, ACTION_VALIDATION_ERROR } from './action-log';

export interface ActionActivityDeps {
  db: Db;
  mailer: Mailer;
  sms: SmsProvider;
  /** How long a claimed, unreported delivery blocks a resend (see delivery.ts). Default 2 minutes. */
  sendingLeaseMs?: number;
  /** Right-hand side of the Message-IDs of automation email. Default 'pulse.localhost'. */
  messageIdDomain?: string;
}

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
}: ActionActivityDeps) {
  return {
    readContactForAutomation: createReadContactForAutomation(db),
    sendEmail: createSendEmail({ db, mailer, leaseMs: sendingLeaseMs, messageIdDomain }),
    sendSms: createSendSms({ db, sms, leaseMs: sendingLeaseMs }),
    addTag: createAddTag(db),
    removeTag: createRemoveTag(db),
    createTask: createCreateTask(db),
    addToCampaign: createAddToCampaign(db),
    removeFromCampaign: createRemoveFromCampaign(db),
    segmentByCurrentScore: createSegmentByCurrentScore(db),
  } satisfies Omit<ActionActivities, 'modifyEngagementScore'>;
}
