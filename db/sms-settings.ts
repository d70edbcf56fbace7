import type { Queryable } from './pool';
import { queryFirst } from './query';

/* account_sms_settings: which provider an account's automation SMS go through, with its credentials. */

export type SmsSettings =
  { provider: 'outbox' } | { provider: 'twilio'; accountSid: string; authToken: string; fromNumber: string };

interface Row {
  provider: 'outbox' | 'twilio';
  accountSid: string | null;
  authToken: string | null;
  fromNumber: string | null;
  updatedAt: string;
}

/** No row: the outbox (sms_outbox), the default for local runs. */
export async function readSmsSettings(db: Queryable, accountId: string): Promise<SmsSettings> {
  const row = await queryFirst<Row>(
    db,
    `SELECT provider, twilio_account_sid AS "accountSid", twilio_auth_token AS "authToken",
            from_number AS "fromNumber", updated_at AS "updatedAt"
       FROM account_sms_settings WHERE account_id = $1`,
    [accountId],
  );
  if (!row || row.provider === 'outbox') return { provider: 'outbox' };
  return {
    provider: 'twilio',
    accountSid: row.accountSid!,
    authToken: row.authToken!,
    fromNumber: row.fromNumber!,
  };
}

export async function saveSmsSettings(
  db: Queryable,
  accountId: string,
  settings: SmsSettings,
): Promise<void> {
  const twilio = settings.provider === 'twilio' ? settings : undefined;
  await db.query(
    `INSERT INTO account_sms_settings (account_id, provider, twilio_account_sid, twilio_auth_token, from_number)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account_id) DO UPDATE SET provider = EXCLUDED.provider,
       twilio_account_sid = EXCLUDED.twilio_account_sid, twilio_auth_token = EXCLUDED.twilio_auth_token,
       from_number = EXCLUDED.from_number, updated_at = now()`,
    [
      accountId,
      settings.provider,
      twilio?.accountSid ?? null,
      twilio?.authToken ?? null,
      twilio?.fromNumber ?? null,
    ],
  );
}
