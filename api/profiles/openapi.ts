import { z } from 'zod';
import { ruleSchema } from '../../domain/rule';
import { triggerConditionSchema } from '../../domain/trigger';
import type { Named, RouteDoc } from '../openapi/routes';
import { profileSchema as profileBaseSchema, publishedSchema } from '../openapi/response-schemas';
import {
  createProfileSchema,
  draftRulesSchema,
  profileParamsSchema,
  reorderRulesSchema,
  ruleBodySchema,
  ruleParamsSchema,
  simulateQuerySchema,
  updateProfileSchema,
  versionParamsSchema,
} from './schemas';

/*
 * The profile routes' entries for the OpenAPI document, with the schemas this router validates
 * with and what it answers. api/openapi/routes.ts takes them as its profiles section
 * (`...PROFILE_ROUTES`), in place of the profile entries it had.
 */

const timestamp = z.iso.datetime();
const named = (name: string, schema: z.ZodType): Named => ({ name, schema });

export const profileSchema = profileBaseSchema.extend({
  floor: z.int().nullable().describe("the draft's score floor (null: none)"),
  ceiling: z.int().nullable().describe("the draft's score ceiling (null: none)"),
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

const Profile = named('Profile', profileSchema);
const Published = named('Published', publishedSchema);

export const PROFILE_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/profiles',
    operationId: 'listProfiles',
    summary: 'Score profiles',
    tag: 'profiles',
    scope: 'read',
    responses: {
      200: { description: 'all profiles', body: named('ProfileCollection', profileCollectionSchema) },
    },
  },
  {
    method: 'post',
    path: '/profiles',
    operationId: 'createProfile',
    summary: 'Create a score profile (draft)',
    description: "The account's first profile becomes its default.",
    tag: 'profiles',
    scope: 'admin',
    body: named('ProfileInput', createProfileSchema),
    responses: {
      201: { description: 'created', body: Profile },
      409: { description: 'the id is taken', body: undefined },
    },
  },
  {
    method: 'get',
    path: '/profiles/:profileId',
    operationId: 'getProfile',
    summary: 'A score profile',
    tag: 'profiles',
    scope: 'read',
    params: profileParamsSchema,
    responses: { 200: { description: 'the profile', body: Profile } },
  },
  {
    method: 'patch',
    path: '/profiles/:profileId',
    operationId: 'updateProfile',
    summary: "Change the draft's name, description, floor or ceiling",
    description: 'Live scores do not change until the draft is published. null clears floor or ceiling.',
    tag: 'profiles',
    scope: 'admin',
    params: profileParamsSchema,
    body: named('ProfilePatch', updateProfileSchema),
    responses: { 200: { description: 'the profile', body: Profile } },
  },
  {
    method: 'delete',
    path: '/profiles/:profileId',
    operationId: 'deleteProfile',
    summary: 'Delete a profile that was never published',
    tag: 'profiles',
    scope: 'admin',
    params: profileParamsSchema,
    responses: {
      204: { description: 'deleted, with its triggers' },
      409: { description: 'the profile has been published', body: undefined },
    },
  },
  {
    method: 'get',
    path: '/profiles/:profileId/draft/rules',
    operationId: 'listDraftRules',
    summary: "The draft's rules, in order",
    tag: 'profiles',
    scope: 'read',
    params: profileParamsSchema,
    responses: { 200: { description: 'the rules', body: named('DraftRuleList', draftRuleListSchema) } },
  },
  {
    method: 'put',
    path: '/profiles/:profileId/draft/rules',
    operationId: 'setDraftRules',
    summary: "Replace a profile's draft rules",
    tag: 'profiles',
    scope: 'admin',
    params: profileParamsSchema,
    body: named('DraftRules', draftRulesSchema),
    responses: { 200: { description: 'the profile', body: Profile } },
  },
  {
    method: 'post',
    path: '/profiles/:profileId/draft/rules',
    operationId: 'addDraftRule',
    summary: 'Add a rule to the draft (at the end)',
    tag: 'profiles',
    scope: 'admin',
    params: profileParamsSchema,
    body: named('Rule', ruleBodySchema),
    responses: {
      201: { description: 'the profile', body: Profile },
      409: { description: 'the rule id is taken, or the draft is full', body: undefined },
    },
  },
  {
    method: 'post',
    path: '/profiles/:profileId/draft/rules/order',
    operationId: 'reorderDraftRules',
    summary: "Put the draft's rules in a new order",
    description: '`ruleIds` must name every rule of the draft exactly once.',
    tag: 'profiles',
    scope: 'admin',
    params: profileParamsSchema,
    body: named('RuleOrder', reorderRulesSchema),
    responses: { 200: { description: 'the profile', body: Profile } },
  },
  {
    method: 'put',
    path: '/profiles/:profileId/draft/rules/:ruleId',
    operationId: 'replaceDraftRule',
    summary: 'Replace one rule of the draft, in place',
    description: '`id` in the body must equal the one in the path.',
    tag: 'profiles',
    scope: 'admin',
    params: ruleParamsSchema,
    body: named('Rule', ruleBodySchema),
    responses: { 200: { description: 'the profile', body: Profile } },
  },
  {
    method: 'delete',
    path: '/profiles/:profileId/draft/rules/:ruleId',
    operationId: 'deleteDraftRule',
    summary: 'Remove one rule from the draft',
    tag: 'profiles',
    scope: 'admin',
    params: ruleParamsSchema,
    responses: { 204: { description: 'removed' } },
  },
  {
    method: 'post',
    path: '/profiles/:profileId/publish',
    operationId: 'publishProfile',
    summary: 'Publish the draft as the next live version',
    description: 'The version keeps the rules, floor and ceiling, and its diff against the version before.',
    tag: 'profiles',
    scope: 'admin',
    params: profileParamsSchema,
    responses: { 201: { description: 'published', body: Published } },
  },
  {
    method: 'get',
    path: '/profiles/:profileId/versions',
    operationId: 'listProfileVersions',
    summary: 'Published versions, newest first',
    tag: 'profiles',
    scope: 'read',
    params: profileParamsSchema,
    responses: {
      200: { description: 'the versions', body: named('ProfileVersionCollection', versionCollectionSchema) },
    },
  },
  {
    method: 'get',
    path: '/profiles/:profileId/versions/:version',
    operationId: 'getProfileVersion',
    summary: 'One published version: rules, bounds, diff, who and when',
    tag: 'profiles',
    scope: 'read',
    params: versionParamsSchema,
    responses: { 200: { description: 'the version', body: named('ProfileVersion', versionSchema) } },
  },
  {
    method: 'post',
    path: '/profiles/:profileId/versions/:version/republish',
    operationId: 'republishProfileVersion',
    summary: 'Roll back: publish a copy of this version as the next one',
    description: 'The draft is left as it is.',
    tag: 'profiles',
    scope: 'admin',
    params: versionParamsSchema,
    responses: { 201: { description: 'published', body: named('Republished', republishedSchema) } },
  },
  {
    method: 'post',
    path: '/profiles/:profileId/simulate',
    operationId: 'simulateDraft',
    summary: 'What publishing the draft would do to the scores, without writing anything',
    description:
      "Scores every contact's applied interactions under the draft (rules, floor, ceiling) and compares with the live scores: distribution, triggers' conditions, the contacts that would move most.",
    tag: 'profiles',
    scope: 'admin',
    params: profileParamsSchema,
    query: simulateQuerySchema,
    responses: { 200: { description: 'the comparison', body: named('DraftSimulation', simulationSchema) } },
  },
];
