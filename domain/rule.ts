import { z } from 'zod';
import { interactionTypeSchema } from './interaction';
import { SCORE_LIMIT } from './score-limit';

export const criterionOperators = [
  'equals',
  'not_equals',
  'contains',
  'contains_word',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
] as const;

export const criterionSchema = z
  .strictObject({
    attribute: z.string().min(1).max(64),
    op: z.enum(criterionOperators),
    value: z.union([z.string().min(1).max(500), z.number().finite(), z.boolean()]).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.op !== 'exists' && c.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `required for op "${c.op}"` });
    }
    if (['gt', 'gte', 'lt', 'lte'].includes(c.op) && typeof c.value !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number for op "${c.op}"` });
    }
    if ((c.op === 'contains' || c.op === 'contains_word') && typeof c.value !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a string for op "${c.op}"` });
    }
  });

/** The fields of a rule, without the checks across fields (see `ruleSchema`). */
export const ruleShape = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only'),
  description: z.string().max(500).optional(),
  interactionType: interactionTypeSchema,
  criteria: z.array(criterionSchema).max(10).default([]),
  points: z
    .number()
    .int()
    .min(-10_000)
    .max(10_000)
    .refine((p) => p !== 0, 'must not be 0'),
  /** How many times the rule counts per contact (per rolling window, with `windowDays`). */
  maxCount: z.number().int().min(1).max(1_000_000).optional(),
  /** With maxCount: the cap applies per rolling window of this many days of the interactions' occurredAt. */
  windowDays: z.number().positive().max(36_500).optional(),
  /** The points lapse this many days after the interaction's occurredAt (the ledger row's expiresAt). */
  expiresAfterDays: z.number().positive().max(36_500).optional(),
});

/** Checks across a rule's fields; shared by every schema built from `ruleShape`. */
export function checkRuleOptions(
  rule: { maxCount?: number | undefined; windowDays?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (rule.windowDays !== undefined && rule.maxCount === undefined) {
    ctx.addIssue({ code: 'custom', path: ['windowDays'], message: 'only allowed together with maxCount' });
  }
}

export const ruleSchema = ruleShape.superRefine(checkRuleOptions);

export const ruleListSchema = z
  .array(ruleSchema)
  .max(200)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
    });
  });

/**
 * Bounds of a profile's score (a draft's or a version's): after every change the score is
 * clamped into [floor, ceiling]. Integers, like scores. Either may be absent (or null: none).
 */
export const scoreBoundsSchema = z
  .strictObject({
    floor: z.number().int().min(-SCORE_LIMIT).max(SCORE_LIMIT).nullable().optional(),
    ceiling: z.number().int().min(-SCORE_LIMIT).max(SCORE_LIMIT).nullable().optional(),
  })
  .superRefine(checkScoreBounds);

export function checkScoreBounds(
  bounds: { floor?: number | null | undefined; ceiling?: number | null | undefined },
  ctx: z.RefinementCtx,
): void {
  const { floor, ceiling } = bounds;
  if (
    floor !== undefined &&
    floor !== null &&
    ceiling !== undefined &&
    ceiling !== null &&
    floor >= ceiling
  ) {
    ctx.addIssue({ code: 'custom', path: ['ceiling'], message: `must be greater than floor (${floor})` });
  }
}

export type ScoreBounds = z.infer<typeof scoreBoundsSchema>;
export type Criterion = z.infer<typeof criterionSchema>;
export type Rule = z.infer<typeof ruleSchema>;
