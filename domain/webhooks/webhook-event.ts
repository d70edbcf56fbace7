import { z } from 'zod';
import type { AttributeValue, Interaction } from '../interaction';

/** The providers whose webhooks Pulse takes in: one mapping each in domain/webhooks/. */
export const WEBHOOK_PROVIDERS = ['stripe', 'sendgrid', 'calendly', 'twilio'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];
export const webhookProviderSchema = z.enum(WEBHOOK_PROVIDERS);

/** Who the event is about, as the provider knows them; the contact is looked up by these. */
export interface ContactIdentity {
  email: string | null;
  phone: string | null;
}

/** One provider event as Pulse records it: the interaction id is the provider's event id. */
export interface WebhookEvent {
  contact: ContactIdentity;
  interaction: Interaction;
}

/** What a delivery holds: the events Pulse scores and how many it ignores on purpose. */
export interface MappedWebhook {
  events: WebhookEvent[];
  ignored: number;
}

/**
 * A provider's own id, prefixed with the provider, becomes the interaction id: printable ASCII
 * without spaces, short enough for the interaction id (200) once prefixed.
 */
export const providerIdSchema = z
  .string()
  .min(1)
  .max(150)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** Provider text that becomes an attribute: cut to what an attribute holds. */
export const attributeText = (text: string): AttributeValue => text.slice(0, 4000);

export const isoFromUnixSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString();

/** Unix seconds that make a date Postgres stores (year 1 to 9999). */
export const unixSecondsSchema = z.number().int().min(-62_135_596_800).max(253_402_300_799);
