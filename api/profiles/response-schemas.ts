import { z } from 'zod';
import { ruleSchema } from '../../domain/rule';
import { triggerConditionSchema } from '../../domain/trigger';

/** What the profile routes answer (api/profiles/routes.ts documents them; openapi.test.ts checks real answers). */

const timestamp = z.iso.datetime();
export const profileSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  isDefault: z.boolean(),
  draftRules: z.array(ruleSchema),
  liveVersion: z.int().nullable(),
  floor: z.int().nullable().describe("the draft's score floor (null: none)"),
  ceiling: z.int().nullable().describe("the draft's score ceiling (null: none)"),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const profileCollectionSchema = z.object({ profiles: z.array(profileSchema) });
export const draftRuleListSchema = z.object({ rules: z.array(ruleSchema) });

const boundChangeSchema = z.object({ before: z.int().nullable(), after: z.int().nullable() });
export const ruleSetDiffSchema = z.object({
  added: z.array(ruleSchema),
  removed: z.array(ruleSchema),
  changed: z.array(
    z.object({ ruleId: z.string(), fields: z.array(z.string()), before: ruleSchema, after: ruleSchema }),
  ),
  reordered: z.boolean(),
  floor: boundChangeSchema.optional(),
  ceiling: boundChangeSchema.optional(),
});

export const versionSummarySchema = z.object({
  version: z.int(),
  live: z.boolean(),
  publishedAt: timestamp,
  publishedBy: z.string().describe('the API key id that published it'),
  republishedFrom: z.int().nullable().describe('for a rollback: the version it copies'),
  floor: z.int().nullable(),
  ceiling: z.int().nullable(),
  ruleCount: z.int(),
});
export const versionCollectionSchema = z.object({ versions: z.array(versionSummarySchema) });
export const versionSchema = versionSummarySchema.extend({
  rules: z.array(ruleSchema),
  changes: ruleSetDiffSchema.describe('against the version before; the first version adds every rule'),
});
export const publishedSchema = z.object({
  profileId: z.string(),
  version: z.int(),
  rescore: z
    .object({ workflowId: z.string() })
    .optional()
    .describe(
      'the re-score of every contact this version started; GET …/versions/{version}/rescore follows it',
    ),
});
export const republishedSchema = publishedSchema.extend({ republishedFrom: z.int() });

const statsSchema = z.object({
  count: z.int(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
});
export const simulationSchema = z.object({
  profileId: z.string(),
  liveVersion: z.int().nullable(),
  contacts: z.int(),
  changed: z.int().describe('contacts whose score would change'),
  draft: statsSchema,
  current: statsSchema.extend({ empty: z.int().describe('contacts without a live score (never published)') }),
  histogram: z.object({
    binWidth: z.int(),
    requestedBinWidth: z
      .int()
      .optional()
      .describe('set when the requested width needed too many bins and was widened'),
    bins: z.array(z.object({ from: z.int(), to: z.int(), draft: z.int(), current: z.int() })),
  }),
  triggers: z.array(
    z.object({
      triggerId: z.string(),
      condition: triggerConditionSchema,
      paused: z.boolean(),
      current: z.int(),
      simulated: z.int(),
      entering: z.int().describe('contacts that would newly satisfy the condition'),
      leaving: z.int(),
    }),
  ),
  movers: z.array(
    z.object({ contactId: z.string(), current: z.int().nullable(), simulated: z.int(), delta: z.int() }),
  ),
});

export const distributionSchema = z.object({
  profileId: z.string(),
  liveVersion: z.int().nullable(),
  scored: z.int().describe('contacts with a score in this profile'),
  empty: z.int().describe('contacts without one (the profile was not published when they were last scored)'),
  binWidth: z.int(),
  requestedBinWidth: z
    .int()
    .optional()
    .describe('set when the requested width needed too many bins and was widened'),
  bins: z.array(
    z.object({ from: z.int().describe('inclusive'), to: z.int().describe('exclusive'), contacts: z.int() }),
  ),
  thresholds: z
    .array(
      z.object({
        triggerId: z.string(),
        op: z.string(),
        value: z.number(),
        paused: z.boolean(),
      }),
    )
    .describe("the numeric conditions of this profile's triggers, to draw on the histogram"),
});
