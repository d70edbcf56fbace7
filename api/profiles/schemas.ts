import { z } from 'zod';
import { entityIdSchema } from '../../domain/ids';
import { ruleListSchema } from '../../domain/rule';

export const profileParamsSchema = z.strictObject({ profileId: entityIdSchema });

export const createProfileSchema = z.strictObject({
  id: entityIdSchema,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  rules: ruleListSchema.optional(),
});

export const draftRulesSchema = z.strictObject({ rules: ruleListSchema });
