import { z } from 'zod';
import { instantSchema } from './timestamp';

/** Interaction types the product knows out of the box; any other snake_case type is a custom one. */
export const BUILT_IN_INTERACTION_TYPES = [
  'email_opened',
  'email_clicked',
  'appointment_booked',
  'form_submitted',
  'tag_added',
  'payment_succeeded',
  'dnd_all_enabled',
  'reply_received',
] as const;

export const interactionTypeSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be snake_case: a-z, 0-9 and _, starting with a letter, at most 64 characters',
  );

const attributeValueSchema = z.union([z.string().max(4000), z.number().finite(), z.boolean(), z.null()]);

export const interactionAttributesSchema = z
  .record(z.string().min(1).max(64), attributeValueSchema)
  .refine((attrs) => Object.keys(attrs).length <= 50, 'at most 50 attributes');

export const interactionSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  type: interactionTypeSchema.refine(
    (t) => t !== 'score_adjustment',
    'reserved: use POST /contacts/:contactId/score-adjustments',
  ),
  occurredAt: instantSchema,
  attributes: interactionAttributesSchema.default({}),
});

export type Interaction = z.infer<typeof interactionSchema>;
export type AttributeValue = z.infer<typeof attributeValueSchema>;

export const MAX_INTERACTIONS_PER_REQUEST = 500;

/**
 * One interaction or a batch, as the ingest endpoint accepts them; the handler always gets a batch.
 * A failing body is reported against the branch its shape chose (api/http-error.ts), so an error
 * names the field (`occurredAt`, `3.type`) instead of "matched no union member".
 */
export const interactionBatchSchema = z
  .union([interactionSchema, z.array(interactionSchema).min(1).max(MAX_INTERACTIONS_PER_REQUEST)])
  .transform((value): Interaction[] => (Array.isArray(value) ? value : [value]));
