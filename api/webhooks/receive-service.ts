import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../../db/pool';
import { storeWebhookEvents } from '../../db/provider-webhook-events';
import { mapCalendlyEvent } from '../../domain/webhooks/calendly';
import { mapSendGridEvents } from '../../domain/webhooks/sendgrid';
import { mapStripeEvent } from '../../domain/webhooks/stripe';
import { mapTwilioInboundSms } from '../../domain/webhooks/twilio';
import type { MappedWebhook, WebhookProvider } from '../../domain/webhooks/webhook-event';
import { HttpError } from '../http-error';
import { findUnstorableText } from '../middleware/storable-text';
import type { IngestPipeline } from '../interactions/ingest-service';

export interface WebhookReceipt {
  accepted: number;
  duplicates: number;
  unmatched: number;
  ignored: number;
}

/** What the provider sent, once its signature held: JSON for most, form fields for Twilio. */
export function mapDelivery(
  provider: WebhookProvider,
  delivery: { rawBody: Buffer; form: Record<string, string> },
  receivedAt: Date,
): MappedWebhook {
  if (provider === 'twilio') return withFieldErrors(() => mapTwilioInboundSms(delivery.form, receivedAt));
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch {
    throw HttpError.field('body', 'not valid JSON');
  }
  const map = { stripe: mapStripeEvent, sendgrid: mapSendGridEvents, calendly: mapCalendlyEvent }[provider];
  return withFieldErrors(() => map(payload));
}

function withFieldErrors(map: () => MappedWebhook): MappedWebhook {
  let mapped: MappedWebhook;
  try {
    mapped = map();
  } catch (err) {
    if (err instanceof z.ZodError) throw HttpError.validation('body', err);
    throw err;
  }
  const unstorable = findUnstorableText(mapped.events, 'body');
  if (unstorable) throw HttpError.field('body', unstorable.message);
  return mapped;
}

/**
 * The longest a provider waits on wake-ups (its timeout is a few seconds: Twilio 15 s, SendGrid
 * and Calendly less). Past it the answer goes out; the wake-ups still running finish on their own,
 * and any that fail are sent by the next delivery or the reconciler, as for ingest.
 */
export const WEBHOOK_WAKE_UP_BUDGET_MS = 2_000;

/**
 * Stores the delivery (all of it or nothing) the way the API's ingest stores interactions, with
 * the same wake-up marks, then wakes the contacts that were not already due to wake: stored is
 * accepted, and a wake-up that cannot be sent now is sent later.
 */
export async function receiveWebhook(
  deps: { db: Db; ingest: IngestPipeline; logger: Logger },
  accountId: string,
  provider: WebhookProvider,
  mapped: MappedWebhook,
  wakeUpBudgetMs = WEBHOOK_WAKE_UP_BUDGET_MS,
): Promise<WebhookReceipt> {
  const delivery = await storeWebhookEvents(
    deps.db,
    accountId,
    provider,
    mapped.events,
    deps.ingest.storeOptions,
  );
  const sending = deps.ingest.wakeStored(accountId, delivery.items, delivery.batch);
  // Whatever goes wrong after the answer left is logged; before, it fails the request as ingest does.
  void sending.catch((err: unknown) => deps.logger.error({ err, accountId, provider }, 'wake-ups failed'));
  let budget: NodeJS.Timeout | undefined;
  await Promise.race([
    sending,
    new Promise<void>((resolve) => {
      budget = setTimeout(resolve, wakeUpBudgetMs);
    }),
  ]).finally(() => clearTimeout(budget));
  return {
    accepted: delivery.accepted,
    duplicates: delivery.duplicates,
    unmatched: delivery.unmatched,
    ignored: mapped.ignored,
  };
}
