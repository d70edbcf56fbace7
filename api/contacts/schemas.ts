import { z } from 'zod';
import { entityIdSchema } from '../../domain/ids';
import { textInteger } from '../text-integer';

export const contactParamsSchema = z.strictObject({ contactId: entityIdSchema });

export const contactBodySchema = z.strictObject({
  id: entityIdSchema,
  name: z.string().max(200).nullable().optional(),
  email: z.email().max(320).nullable().optional(),
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
  points: z
    .number()
    .int()
    .min(-10_000)
    .max(10_000)
    .refine((p) => p !== 0, 'must not be 0'),
  reason: z.string().min(1).max(500),
});
