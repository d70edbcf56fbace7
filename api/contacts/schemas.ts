import { z } from 'zod';
import { entityIdSchema } from '../../domain/ids';
import { pointsSchema } from '../../domain/rule';
import { textInteger } from '../text-integer';

export const contactParamsSchema = z.strictObject({ contactId: entityIdSchema });

export const contactBodySchema = z.strictObject({
  id: entityIdSchema,
  name: z.string().max(200).nullable().optional(),
  // zod's email pattern, stated as the pattern alone: with `format: email` as well, a client's
  // validator would judge addresses by its own, different rules (labels ending in '-', ...).
  email: z.string().max(320).regex(z.regexes.email, 'an email address').nullable().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{3,32}$/, 'a phone number such as +15551234567')
    .nullable()
    .optional(),
  tags: z.array(z.string().min(1).max(64)).max(100).optional(),
  attributes: z.record(z.string().min(1).max(64), z.unknown()).optional(),
});

export const ledgerQuerySchema = z.strictObject({
  profile: entityIdSchema.optional(),
  limit: textInteger(z.int().min(1).max(500)).default(50),
});

export const adjustmentBodySchema = z.strictObject({
  /** Optional idempotency key: a retried request with the same id changes the score once. */
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
  profileId: entityIdSchema,
  points: pointsSchema,
  reason: z.string().min(1).max(500),
});
