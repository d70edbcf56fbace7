import { z } from 'zod';
import { entityIdSchema } from '../../domain/ids';
import { MAX_RULES_PER_PROFILE } from '../../domain/draft-rules';
import {
  checkScoreBounds,
  ruleListSchema,
  ruleSchema,
  ruleShape,
  scoreBoundsSchema,
} from '../../domain/rule';
import { MAX_TOP } from '../../domain/simulation';
import { textInteger } from '../text-integer';

export const profileParamsSchema = z.strictObject({ profileId: entityIdSchema });

const nameSchema = z.string().min(1).max(200);
const descriptionSchema = z.string().max(2000);
const { floor: floorSchema, ceiling: ceilingSchema } = scoreBoundsSchema.shape;

export const createProfileSchema = z
  .strictObject({
    id: entityIdSchema,
    name: nameSchema,
    description: descriptionSchema.optional(),
    rules: ruleListSchema.optional(),
    floor: floorSchema,
    ceiling: ceilingSchema,
  })
  .superRefine(checkScoreBounds);

export const draftRulesSchema = z.strictObject({ rules: ruleListSchema });

/**
 * PATCH of the draft: what is given changes, what is left out stays; null clears a bound. Floor
 * below ceiling is checked here when both are given and against the draft's when one is.
 */
export const updateProfileSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    floor: floorSchema,
    ceiling: ceilingSchema,
  })
  .superRefine(checkScoreBounds)
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'nothing to change: give name, description, floor or ceiling',
  );

export const ruleParamsSchema = z.strictObject({ profileId: entityIdSchema, ruleId: ruleShape.shape.id });

export const ruleBodySchema = ruleSchema;

export const reorderRulesSchema = z.strictObject({
  ruleIds: z
    .array(ruleShape.shape.id)
    .max(MAX_RULES_PER_PROFILE)
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id))
          ctx.addIssue({ code: 'custom', path: [i], message: `rule id "${id}" is given more than once` });
        seen.add(id);
      });
    })
    .meta({
      uniqueItems: true,
      description: 'every rule id of the current draft, each once, in the new order (else a 400)',
    }),
});

export const versionParamsSchema = z.strictObject({
  profileId: entityIdSchema,
  version: textInteger(z.int().min(1).max(2_147_483_647)),
});

export const simulateQuerySchema = z.strictObject({
  binWidth: textInteger(z.int().min(1).max(1_000_000_000))
    .optional()
    .describe('histogram bin width; default: a round width giving at most 20 bins'),
  top: textInteger(z.int().min(0).max(MAX_TOP))
    .optional()
    .describe('how many of the contacts that would move most to list (default 10)'),
});

export const distributionQuerySchema = z.strictObject({
  binWidth: simulateQuerySchema.shape.binWidth,
});

export type UpdateProfileBody = z.infer<typeof updateProfileSchema>;
