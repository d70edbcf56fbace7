import { readSmsSettings } from '../db/sms-settings';
import type { Queryable } from '../db/pool';
import { createOutboxSmsProvider, type SmsProvider } from './sms-provider';
import { sendTwilioSms, type TwilioOptions } from './twilio-sms';

/**
 * Each account's SMS go the way its settings say (PUT /settings/sms): through Twilio with the
 * account's own credentials, or, by default, into sms_outbox. Read on every send, so a change of
 * settings applies to the next message, retries included.
 */
export function createAccountSmsProvider(db: Queryable, twilioOptions: TwilioOptions = {}): SmsProvider {
  const outbox = createOutboxSmsProvider(db);
  return {
    async send(sms) {
      const settings = await readSmsSettings(db, sms.accountId);
      if (settings.provider === 'outbox') return outbox.send(sms);
      await sendTwilioSms(settings, sms, twilioOptions);
    },
  };
}
