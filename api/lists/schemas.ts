import { z } from 'zod';
import { contactFilterSchema } from '../contacts/list-schemas';

export const smartListParamsSchema = z.strictObject({
  listId: z
    .string()
    .regex(/^list_[A-Za-z0-9_-]{1,64}$/, 'a list id such as list_3kT0cW9x')
    .describe('issued by POST /lists'),
});

const nameSchema = z.string().trim().min(1).max(200).describe('unique within the account');

export const createSmartListSchema = z.strictObject({
  name: nameSchema,
  filter: contactFilterSchema.default({ sort: 'score_desc' }),
});

/** Whatever is given replaces what was stored; a new filter replaces the old one whole. */
export const updateSmartListSchema = z
  .strictObject({ name: nameSchema.optional(), filter: contactFilterSchema.optional() })
  .refine((v) => v.name !== undefined || v.filter !== undefined, 'give name, filter or both');

export const smartListSchema = z.object({
  id: z.string(),
  name: z.string(),
  filter: contactFilterSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const smartListCollectionSchema = z.object({ lists: z.array(smartListSchema) });
