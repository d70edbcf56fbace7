import type { Queryable } from './pool';

/** What every recorded message has: its id (the idempotency key), who it goes to, and its text. */
interface OutboxMessage {
  messageId: string;
  to: string;
  text: string;
}

export interface EmailOutboxEntry extends OutboxMessage {
  from: string;
  subject: string;
}

export interface SmsOutboxEntry extends OutboxMessage {
  accountId: string;
  contactId: string;
}

/**
 * Where messages go when no provider is configured. A message already there under the same
 * Message-ID is the same message: kept once.
 */
const OUTBOXES = {
  email: {
    sql: `INSERT INTO email_outbox (message_id, from_address, to_address, subject, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (message_id) DO NOTHING`,
    values: (m: EmailOutboxEntry) => [m.messageId, m.from, m.to, m.subject, m.text],
  },
  sms: {
    sql: `INSERT INTO sms_outbox (account_id, message_id, contact_id, to_number, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account_id, message_id) DO NOTHING`,
    values: (m: SmsOutboxEntry) => [m.accountId, m.messageId, m.contactId, m.to, m.text],
  },
};

export async function insertEmailOutbox(db: Queryable, email: EmailOutboxEntry): Promise<void> {
  await db.query(OUTBOXES.email.sql, OUTBOXES.email.values(email));
}

export async function insertSmsOutbox(db: Queryable, sms: SmsOutboxEntry): Promise<void> {
  await db.query(OUTBOXES.sms.sql, OUTBOXES.sms.values(sms));
}
