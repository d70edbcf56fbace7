import type { Queryable } from './pool';

export interface EmailOutboxEntry {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** A message already there under the same Message-ID is the same message: kept once. */
export async function insertEmailOutbox(db: Queryable, email: EmailOutboxEntry): Promise<void> {
  await db.query(
    `INSERT INTO email_outbox (message_id, from_address, to_address, subject, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (message_id) DO NOTHING`,
    [email.messageId, email.from, email.to, email.subject, email.text],
  );
}

export interface SmsOutboxEntry {
  accountId: string;
  contactId: string;
  messageId: string;
  to: string;
  text: string;
}

export async function insertSmsOutbox(db: Queryable, sms: SmsOutboxEntry): Promise<void> {
  await db.query(
    `INSERT INTO sms_outbox (account_id, message_id, contact_id, to_number, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account_id, message_id) DO NOTHING`,
    [sms.accountId, sms.messageId, sms.contactId, sms.to, sms.text],
  );
}
