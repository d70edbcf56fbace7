import { z } from 'zod';
import { webhookUrlSchema } from '../../domain/webhook-url';

export const webhookSettingsInputSchema = z.strictObject({
  /** The default URL of the account's webhook actions; null: none (triggers must name one). */
  url: webhookUrlSchema.nullable(),
  /** true: a new signing secret replaces the old one at once. */
  rotateSecret: z.boolean().default(false),
});

export const webhookSettingsSchema = z.object({
  url: webhookUrlSchema.nullable(),
  secret: z
    .string()
    .describe('HMAC-SHA256 key of the Pulse-Signature header (see README: verifying webhooks)'),
  updatedAt: z.string(),
});

const e164 = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'an E.164 phone number such as +15551234567');

export const smsSettingsInputSchema = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('outbox') }),
  z.strictObject({
    provider: z.literal('twilio'),
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "a Twilio Account SID ('AC' and 32 hex digits)"),
    authToken: z.string().min(16).max(128),
    fromNumber: e164,
  }),
]);

/** What the account sees of its SMS settings: never the auth token. */
export const smsSettingsSchema = z.object({
  provider: z.enum(['outbox', 'twilio']),
  accountSid: z.string().optional(),
  fromNumber: z.string().optional(),
});
