import { z } from 'zod';
import { externalAutomationSchema } from './automations/external';
import { entityIdSchema } from './ids';
import { uniqueIdListSchema } from './unique-id-list';

/** Operators that compare the score with a number; all of them are false on an empty score. */
export const numericTriggerOperators = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;
export const emptinessTriggerOperators = ['is_empty', 'is_not_empty'] as const;

/**
 * Operators a re-arm margin makes sense for: each has a threshold and a side of it where the
 * condition is false, so "false by at least the margin" has a meaning. `neq` has no such side
 * (it is false at exactly one point) and the emptiness operators have no threshold.
 */
export const rearmableTriggerOperators = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

/**
 * Chosen by `op` first, so a missing number is reported as `condition.value` rather than as
 * "matched no union member". A value given to is_empty/is_not_empty is refused, not ignored:
 * `{ op: 'is_empty', value: 0 }` is most likely someone who meant `eq 0`.
 */
export const triggerConditionSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.enum(numericTriggerOperators),
    // z.number() refuses NaN and ±Infinity in zod 4.
    value: z.number({ error: 'required: a finite number for this op' }),
  }),
  z.strictObject({
    op: z.enum(emptinessTriggerOperators),
    value: z.never({ error: 'not allowed for is_empty and is_not_empty' }).optional(),
  }),
]);

function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  return (
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.values(value).every(isJsonValue)
  );
}

/**
 * crossing: when the condition becomes true; every_change: on every change while it holds;
 * band_change: on a change while it holds that moves the score into another band of
 * `bandBoundaries` (a segmentation needs to run when the band changes, not on every point).
 */
export const triggerModes = ['crossing', 'every_change', 'band_change'] as const;

/**
 * Ascending band edges: a score is in band i when exactly i edges are <= it (an edge belongs to
 * the band above it, as a campaign_segmentation band's `min` is inclusive and `max` exclusive).
 */
export const bandBoundariesSchema = z
  .array(z.number())
  .min(1)
  .max(20)
  .refine((edges) => edges.every((edge, i) => i === 0 || edge > edges[i - 1]!), {
    message: 'must be strictly ascending',
  })
  .describe('band edges for mode band_change, strictly ascending; only with that mode');

export const reentrySchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('once') }),
  z.strictObject({ policy: z.literal('cooldown'), cooldownMs: z.number().int().positive() }),
  z.strictObject({ policy: z.literal('always') }),
]);

/**
 * A trigger watches one profile's score and starts an automation when its condition is met.
 * `reentry` has no default on purpose: whether a contact may get the same automation again is a
 * product decision each trigger's author has to make.
 */
export const triggerSchema = z
  .strictObject({
    id: entityIdSchema,
    profileId: entityIdSchema,
    condition: triggerConditionSchema,
    mode: z.enum(triggerModes).default('crossing'),
    reentry: reentrySchema,
    maxFires: z.number().int().min(1).optional(),
    rearmMargin: z.number().min(0).optional(),
    bandBoundaries: bandBoundariesSchema.optional(),
    paused: z.boolean().default(false),
    automation: z.union(
      [
        // The automation's workflow name, so the same rule as interaction types.
        z
          .string()
          .max(64)
          .regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case: a-z, 0-9 and _, starting with a letter')
          .describe('the name of a registered automation (an unknown one is a 400 that lists them)'),
        externalAutomationSchema,
      ],
      {
        error:
          'must be the name of an automation Pulse ships, or { workflowType, taskQueue } of one your own worker serves',
      },
    ),
    // Checked without z.json(): its recursive schema cannot be inlined into the OpenAPI document.
    input: z
      .record(z.string(), z.unknown().refine(isJsonValue, 'must be a JSON value'))
      .default({})
      .describe("the automation's parameters, checked against that automation's own schema"),
  })
  .superRefine((trigger, ctx) => {
    const op = trigger.condition.op;
    if (trigger.rearmMargin !== undefined && !(rearmableTriggerOperators as readonly string[]).includes(op)) {
      ctx.addIssue({ code: 'custom', path: ['rearmMargin'], message: `not allowed for op "${op}"` });
    }
    const banded = trigger.mode === 'band_change';
    if (banded !== (trigger.bandBoundaries !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['bandBoundaries'],
        message: banded ? 'required for mode band_change' : `not allowed for mode "${trigger.mode}"`,
      });
    }
  })
  // The same rule for the OpenAPI document: rearmMargin only with an operator that can re-arm.
  .meta({
    if: {
      required: ['condition'],
      properties: { condition: { properties: { op: { not: { enum: [...rearmableTriggerOperators] } } } } },
    },
    then: { not: { required: ['rearmMargin'] } },
  });

/** Trigger states are kept per trigger id, so two triggers with one id would share a state. */
export const triggerListSchema = uniqueIdListSchema(triggerSchema, 200, 'trigger');

export type TriggerCondition = z.infer<typeof triggerConditionSchema>;
export type TriggerReentry = z.infer<typeof reentrySchema>;
export type TriggerMode = (typeof triggerModes)[number];
export type Trigger = z.infer<typeof triggerSchema>;
/** What an API caller sends: `mode`, `paused` and `input` may be left out. */
export type TriggerInput = z.input<typeof triggerSchema>;
