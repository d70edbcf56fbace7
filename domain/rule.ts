import { z } from 'zod';
import { interactionTypeSchema } from './interaction';

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

export const ruleSchema = z.strictObject({
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
});

export const ruleListSchema = z.array(ruleSchema).max(200).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
  });
});

export type Criterion = z.infer<typeof criterionSchema>;
export type Rule = z.infer<typeof ruleSchema>;
