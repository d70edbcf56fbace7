import { createTransport, type NodemailerError } from 'nodemailer';
import { insertEmailOutbox } from '../db/outboxes';
import type { Queryable } from '../db/pool';
import { DeliveryError, type DeliveryFailure } from './delivery-error';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** The Message-ID header, angle brackets included. Stable per action, so a resend is recognisable. */
  messageId: string;
}

/**
 * Hands one email to whatever delivers it. Resolves once the message is accepted; throws
 * DeliveryError saying whether it may have been accepted when it cannot be sure (see DeliveryFailure).
 */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}

export const DEFAULT_SMTP_FROM = 'Pulse <pulse@localhost>';

export interface MailerOptions {
  /** smtp://host:port or smtps://user:pass@host:port; unset: record mail in Postgres (email_outbox). */
  smtpUrl?: string | undefined;
  from?: string | undefined;
  /** Needed when smtpUrl is unset. */
  db?: Queryable | undefined;
}

/** SMTP when a server is configured, otherwise the Postgres outbox, so `npm start` works without one. */
export function createMailer({ smtpUrl, from = DEFAULT_SMTP_FROM, db }: MailerOptions): Mailer {
  if (smtpUrl) return createSmtpMailer({ url: smtpUrl, from });
  if (!db) throw new Error('createMailer: without SMTP_URL the mailer records into Postgres and needs a db');
  return createOutboxMailer(db, { from });
}

/** Records each email in email_outbox, once per Message-ID. Stands in for a mail server locally. */
export function createOutboxMailer(db: Queryable, { from = DEFAULT_SMTP_FROM } = {}): Mailer {
  return {
    async send(email) {
      await insertEmailOutbox(db, { ...email, from });
    },
  };
}

export interface SmtpMailerOptions {
  url: string;
  from: string;
  /**
   * Upper bound on one send, connection included. Under the automations' activity
   * startToCloseTimeout (30 s) and well under the action's sending lease (2 min).
   */
  sendTimeoutMs?: number;
}

/** nodemailer over SMTP, one connection per message (add ?pool=true to the URL to pool them). */
export function createSmtpMailer({ url, from, sendTimeoutMs = 25_000 }: SmtpMailerOptions): Mailer {
  // Short connect and greeting waits: those fail before anything is sent, so they are safe to retry.
  // Settings in the URL's query take precedence over these.
  const transport = createTransport(
    { url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: sendTimeoutMs },
    { from },
  );
  return {
    async send({ to, subject, text, messageId }) {
      try {
        await transport.sendMail({
          to,
          subject,
          text,
          messageId,
          signal: AbortSignal.timeout(sendTimeoutMs),
        });
      } catch (err) {
        const failure = classifySmtpError(err as NodemailerError);
        throw new DeliveryError(`SMTP send failed (${failure}): ${(err as Error).message}`, failure, {
          cause: err,
        });
      }
    },
  };
}

/** Errors that end the attempt before the message can have been handed over. */
const FAILS_BEFORE_SENDING = new Set([
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
  'EPROXY',
]);
const REFUSED_BEFORE_SENDING = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const EARLY_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

/**
 * An SMTP reply is a definite answer: the server did not take the message (4xx: try later; 5xx:
 * never). Without a reply, only failures known to happen before the message goes out are 'not_sent';
 * a dropped connection or a timeout later on may have come after the server took it: 'unknown'.
 */
export function classifySmtpError(err: NodemailerError): DeliveryFailure {
  if (typeof err.responseCode === 'number') return err.permanent ? 'rejected' : 'not_sent';
  if (err.code === 'EENVELOPE' || err.code === 'EMAXRECIPIENTS') return 'rejected'; // refused locally: bad address
  if (err.code && FAILS_BEFORE_SENDING.has(err.code)) return 'not_sent';
  if (err.originalCode && REFUSED_BEFORE_SENDING.has(err.originalCode)) return 'not_sent';
  if (err.timeoutType && EARLY_TIMEOUTS.has(err.timeoutType)) return 'not_sent';
  return 'unknown';
}
