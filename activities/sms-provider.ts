import { insertSmsOutbox } from '../db/outboxes';
import type { Queryable } from '../db/pool';

export interface OutgoingSms {
  accountId: string;
  contactId: string;
  to: string;
  text: string;
  /** Stable per action: a provider that supports idempotency keys should pass it on. */
  messageId: string;
}

/**
 * Hands one text message to whatever delivers it. Resolves once accepted; throws DeliveryError
 * (activities/delivery-error.ts) saying whether it may have been accepted when it cannot be sure.
 */
export interface SmsProvider {
  send(sms: OutgoingSms): Promise<void>;
}

/** The built-in provider: records each message in sms_outbox, once per message id. */
export function createOutboxSmsProvider(db: Queryable): SmsProvider {
  return {
    async send(sms) {
      await insertSmsOutbox(db, sms);
    },
  };
}
