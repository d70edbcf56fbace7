import type { Db } from '../db/pool';
import { createActionActivities } from './actions';
import { createApplyScoringRules } from './apply-scoring-rules';
import { createModifyEngagementScore } from './modify-engagement-score';
import { createRecordScoreAdjustment } from './record-score-adjustment';
import { createRescorePage } from './rescore-page';
import { createExpirePoints } from './expire-points';
import { createWakeStrandedContacts } from './wake-stranded-contacts';
import { countContacts } from '../db/rescore';
import { createOutboxMailer, type Mailer } from './mailer';
import { createOutboxSmsProvider, type SmsProvider } from './sms-provider';

/**
 * Activities get their dependencies here, so tests and the worker hand in their own. Without a
 * mailer or SMS provider, messages are recorded in Postgres (email_outbox, sms_outbox).
 */
export function createActivities({ db, mailer, sms }: { db: Db; mailer?: Mailer; sms?: SmsProvider }) {
  return {
    applyScoringRules: createApplyScoringRules(db),
    recordScoreAdjustment: createRecordScoreAdjustment(db),
    modifyEngagementScore: createModifyEngagementScore(db),
    rescorePage: createRescorePage(db),
    expirePoints: createExpirePoints(db),
    wakeStrandedContacts: createWakeStrandedContacts(db),
    countAccountContacts: (accountId: string) => countContacts(db, accountId),
    ...createActionActivities({
      db,
      mailer: mailer ?? createOutboxMailer(db),
      sms: sms ?? createOutboxSmsProvider(db),
    }),
  };
}
