import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/pool';
import { isPermanentDataError, permanentErrorReason } from '../db/permanent-error';
import { countContacts } from '../db/rescore';
import { createActionActivities, type WebhookOptions } from './actions';
import { createOutboxMailer, type Mailer } from './mailer';
import { createModifyEngagementScore } from './modify-engagement-score';
import { createRecordScoreAdjustment } from './record-score-adjustment';
import { createRescorePage } from './rescore-page';
import { createScoringPasses } from './scoring-pass';
import { startAutomationWorkflow } from './start-automation';
import { createWakeStrandedContacts } from './wake-stranded-contacts';
import type { SmsProvider } from './sms-provider';
import { createAccountSmsProvider } from './account-sms-provider';
import type { TwilioOptions } from './twilio-sms';

/**
 * Activities get their dependencies here, so tests and the worker hand in their own. Without a
 * mailer, email is recorded in Postgres (email_outbox); without an SMS provider, each account's SMS
 * go through Twilio when its settings say so, else into sms_outbox.
 */
export function createActivities({
  db,
  mailer,
  sms,
  webhook,
  twilio,
}: {
  db: Db;
  mailer?: Mailer;
  sms?: SmsProvider;
  webhook?: WebhookOptions | undefined;
  /** For the accounts whose SMS go through Twilio (tests point it at a local server). */
  twilio?: TwilioOptions | undefined;
}) {
  return failFastOnPermanentErrors({
    ...createScoringPasses(db),
    recordScoreAdjustment: createRecordScoreAdjustment(db),
    modifyEngagementScore: createModifyEngagementScore(db),
    rescorePage: createRescorePage(db),
    wakeStrandedContacts: createWakeStrandedContacts(db),
    countAccountContacts: (accountId: string) => countContacts(db, accountId),
    startAutomationWorkflow,
    ...createActionActivities({
      db,
      mailer: mailer ?? createOutboxMailer(db),
      sms: sms ?? createAccountSmsProvider(db, twilio),
      webhook,
    }),
  });
}

/**
 * A value Postgres refuses is refused on every retry: fail at once (non-retryable, type
 * `PermanentDataError`) instead of retrying forever, so the caller gets an answer.
 */
function failFastOnPermanentErrors<T extends Record<string, (...args: never[]) => Promise<unknown>>>(
  activities: T,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (err) {
        if (!isPermanentDataError(err)) throw err;
        throw ApplicationFailure.nonRetryable(permanentErrorReason(err), 'PermanentDataError');
      }
    };
  }
  return wrapped as T;
}
