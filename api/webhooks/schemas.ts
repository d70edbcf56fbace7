import { z } from 'zod';
import { interactionSchema } from '../../domain/interaction';
import { webhookProviderSchema } from '../../domain/webhooks/webhook-event';
import { STORABLE_TEXT_PATTERN } from '../middleware/storable-text';
import { textInteger } from '../text-integer';

export const endpointParamsSchema = z.strictObject({
  endpointId: z
    .string()
    .min(1)
    .max(100)
    .describe('The unguessable id Pulse gave the account for this provider (`whk_…`)'),
});

export const providerParamsSchema = z.strictObject({ provider: webhookProviderSchema });

export const webhookSecretBodySchema = z.strictObject({
  secret: z
    .string()
    .min(8)
    .max(4000)
    .regex(new RegExp(STORABLE_TEXT_PATTERN))
    .describe(
      "Stripe: the endpoint's signing secret (`whsec_…`); SendGrid: the Signed Event Webhook's verification key (public key, base64 or PEM); Calendly: the webhook subscription's signing key; Twilio: the account's Auth Token",
    ),
});

export const webhookEndpointSchema = z.object({
  provider: webhookProviderSchema,
  endpointId: z.string(),
  path: z.string().describe('Where the provider must send its webhooks, below the API base URL'),
  secretHint: z.string().describe('The last four characters of the secret; the secret is never shown'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const webhookEndpointCollectionSchema = z.object({ endpoints: z.array(webhookEndpointSchema) });

export const webhookReceiptSchema = z.object({
  accepted: z.number().int().describe('events stored as new interactions'),
  duplicates: z.number().int().describe('events already stored (a provider retry): not counted again'),
  unmatched: z
    .number()
    .int()
    .describe('events whose email or phone names no contact: kept, see GET /webhooks/unmatched'),
  ignored: z.number().int().describe('events of a kind Pulse does not score: acknowledged, not stored'),
});

export const unmatchedQuerySchema = z.strictObject({
  limit: textInteger(z.int().min(1).max(500)).default(100),
});

export const unmatchedEventsSchema = z.object({
  items: z.array(
    z.object({
      provider: webhookProviderSchema,
      eventId: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      interaction: interactionSchema,
      receivedAt: z.iso.datetime(),
    }),
  ),
});
