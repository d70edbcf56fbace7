import { z } from 'zod';
import { triggerSchema } from '../../domain/trigger';

/**
 * What the routes answer, as zod schemas (the profile routes' answers are in api/profiles/). The request side needs no twin: the document uses the
 * schemas the routes validate with. These describe the handlers' return values (db/*.ts records
 * after JSON), and openapi.test.ts parses real answers with them so they cannot drift unseen.
 */

const timestamp = z.iso.datetime();

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  errors: z
    .array(
      z.object({ path: z.string().describe('e.g. body.0.occurredAt or query.cursor'), message: z.string() }),
    )
    .optional()
    .describe('every invalid field, for 400s'),
  instance: z.string(),
  requestId: z.string().optional(),
});

export const contactSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  tags: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const profileScoreSchema = z.object({
  profileId: z.string(),
  profileName: z.string(),
  isDefault: z.boolean(),
  version: z.int().nullable().describe('live version; null until the profile is published'),
  score: z
    .int()
    .nullable()
    .describe('null (empty) until the profile is published; 0 if published and nothing scored yet'),
  breakdown: z.array(
    z.object({ ruleId: z.string(), description: z.string().nullable(), count: z.int(), points: z.int() }),
  ),
  updatedAt: timestamp.nullable(),
});

export const contactWithScoresSchema = contactSchema.extend({ scores: z.array(profileScoreSchema) });

export const contactScoreSchema = z.object({
  contactId: z.string(),
  score: z.int().nullable().describe('the default profile score'),
  profileId: z.string().nullable(),
  profiles: z.array(profileScoreSchema),
});

export const ledgerSchema = z.object({
  contactId: z.string(),
  entries: z.array(
    z.object({
      id: z.string(),
      profileId: z.string(),
      profileVersion: z.int(),
      interactionId: z.string(),
      ruleId: z.string(),
      delta: z.int(),
      scoreAfter: z.int(),
      rescore: z
        .boolean()
        .describe('true: points re-stated under a newly published version, not new engagement'),
      createdAt: timestamp,
    }),
  ),
});

export const ingestResultSchema = z.object({
  accepted: z.int().describe('interactions stored by this request'),
  duplicates: z.array(z.string()).describe('interaction ids already stored before: not counted again'),
});

export const livenessSchema = z.object({ status: z.literal('ok') });

const checkSchema = z.enum(['ok', 'down', 'misconfigured']);
export const readinessSchema = z.object({
  postgres: z.literal('ok'),
  temporal: z.enum(['ok', 'down']),
  /** Present when Temporal is down: what still works and what does not. */
  degraded: z.string().optional(),
});
export const notReadySchema = problemSchema.extend({
  checks: z.object({ postgres: checkSchema, temporal: checkSchema }),
});

export const triggerRecordSchema = z.object({
  trigger: triggerSchema,
  source: z.enum(['api', 'code']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const triggerCollectionSchema = z.object({ triggers: z.array(triggerRecordSchema) });
export const adjustmentResultSchema = z.object({
  adjustmentId: z.string(),
  profileId: z.string(),
  score: z.int().nullable(),
});

export const rescoreProgressSchema = z.object({
  accountId: z.string(),
  profileId: z.string(),
  version: z.int(),
  total: z.int(),
  done: z.int(),
  rescored: z.int(),
  startedAt: z.number(),
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  state: z.enum(['running', 'finished', 'superseded']),
});

export const setAsideSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      type: z.string(),
      occurredAt: z.string(),
      setAsideAt: z.string(),
      reason: z.string().meta({ description: 'the SQLSTATE and what Postgres said' }),
    }),
  ),
});
