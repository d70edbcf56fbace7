import type { z } from 'zod';
import type { ApiKeyScope } from '../../db/accounts';
import { contactBodySchema, contactParamsSchema, ledgerQuerySchema } from '../contacts/schemas';
import {
  contactListQuerySchema,
  contactPageQuerySchema,
  contactPageSchema,
  contactFilterSchema,
} from '../contacts/list-schemas';
import {
  createSmartListSchema,
  smartListCollectionSchema,
  smartListParamsSchema,
  smartListSchema,
  updateSmartListSchema,
} from '../lists/schemas';
import { adjustmentBodySchema } from '../contacts/score-adjustments';
import { pauseTriggerSchema, triggerParamsSchema } from '../triggers/router';
import { triggerSchema } from '../../domain/trigger';
import { PROFILE_ROUTES } from '../profiles/openapi';
import { ADMIN_ROUTES } from '../admin/openapi';
import { rescoreParamsSchema } from '../profiles/rescore-router';
import {
  contactSchema,
  contactScoreSchema,
  contactWithScoresSchema,
  ingestResultSchema,
  interactionBatchDocSchema,
  ledgerSchema,
  livenessSchema,
  notReadySchema,
  readinessSchema,
  rescoreProgressSchema,
  adjustmentResultSchema,
  triggerCollectionSchema,
  triggerRecordSchema,
} from './response-schemas';

/** A schema that becomes a named entry of components.schemas. */
export interface Named {
  name: string;
  schema: z.ZodType;
}

export interface ResponseDoc {
  description: string;
  body?: Named | undefined;
  /** Defaults to application/json. */
  contentType?: string | undefined;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax, as mounted: /contacts/:contactId */
  path: string;
  operationId: string;
  summary: string;
  description?: string | undefined;
  tag: string;
  /** The scope requireScope asks for; absent for routes mounted before authentication. */
  scope?: ApiKeyScope | undefined;
  /** Routes that take the operator token (PULSE_OPERATOR_TOKEN) instead of an API key. */
  auth?: 'operator' | undefined;
  params?: z.ZodObject | undefined;
  query?: z.ZodObject | undefined;
  body?: Named | undefined;
  responses: Record<number, ResponseDoc>;
}

const named = (name: string, schema: z.ZodType): Named => ({ name, schema });

const Contact = named('Contact', contactSchema);
const ContactPage = named('ContactPage', contactPageSchema);
const SmartList = named('SmartList', smartListSchema);

/** Both ingest routes share one token bucket per API key (api/middleware/rate-limit.ts). */
const RATE_LIMITED: ResponseDoc = {
  description:
    'this API key sent more than RATE_LIMIT_INGEST_PER_SECOND requests per second (bursts of RATE_LIMIT_INGEST_BURST) to interactions and score adjustments together; `Retry-After` says when to retry, `RateLimit-*` headers come with every answer',
};

/**
 * Every route the app serves, with the very schemas its router validates with. openapi.test.ts
 * checks this table against the routes Express actually has, both ways.
 */
export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process is up',
    tag: 'operations',
    responses: { 200: { description: 'up', body: named('Liveness', livenessSchema) } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Postgres and Temporal answer',
    description:
      "Runs `SELECT 1`, a Temporal `GetSystemInfo` and a check that the namespace has Pulse's search attributes, with a 2 s limit each. A namespace without them is `misconfigured`: the detail names the attributes; `pulse setup` adds them.",
    tag: 'operations',
    responses: {
      200: { description: 'both backing services answer', body: named('Readiness', readinessSchema) },
      503: {
        description: 'at least one is down or misconfigured; `checks` and `detail` say which',
        body: named('NotReady', notReadySchema),
        contentType: 'application/problem+json',
      },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tag: 'operations',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Browsable API documentation (Swagger UI)',
    tag: 'operations',
    responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics of this API process',
    description:
      '`http_requests_total` and `http_request_duration_seconds` by method, route template and status, and Node process metrics. Unauthenticated, like /healthz: expose it only where Prometheus scrapes.',
    tag: 'operations',
    responses: {
      200: { description: 'Prometheus text exposition format', contentType: 'text/plain; version=0.0.4' },
    },
  },

  // --- contacts
  {
    method: 'get',
    path: '/contacts',
    operationId: 'listContacts',
    summary: 'List contacts by score and tags',
    description: [
      "Filters the account's contacts by one profile's score and by tags, in keyset-paged order.",
      'Sorting by score puts empty scores last, then orders by contact id ascending.',
      'Each page holds only rows whose *current* sort key comes after the cursor: a contact whose',
      'score does not change while you page is returned exactly once, whatever else is inserted',
      'or rescored; one whose score changes may be returned again (it moved past the cursor) or',
      'not at all (it moved behind it). Sorting by `id` is fully stable.',
    ].join(' '),
    tag: 'contacts',
    scope: 'read',
    query: contactListQuerySchema,
    responses: { 200: { description: 'one page', body: ContactPage } },
  },
  {
    method: 'post',
    path: '/contacts',
    operationId: 'upsertContact',
    summary: 'Create or update a contact',
    description: 'Fields left out keep their stored value.',
    tag: 'contacts',
    scope: 'write',
    body: named('ContactInput', contactBodySchema),
    responses: {
      200: { description: 'updated', body: Contact },
      201: { description: 'created', body: Contact },
    },
  },
  {
    method: 'get',
    path: '/contacts/:contactId',
    operationId: 'getContact',
    summary: 'A contact with its score in every profile',
    tag: 'contacts',
    scope: 'read',
    params: contactParamsSchema,
    responses: {
      200: { description: 'the contact', body: named('ContactWithScores', contactWithScoresSchema) },
    },
  },
  {
    method: 'post',
    path: '/contacts/:contactId/interactions',
    operationId: 'ingestInteractions',
    summary: 'Record interactions (one or a batch)',
    description:
      'The interaction id is an idempotency key: a repeat is reported in `duplicates` and not counted again. Scoring happens asynchronously.',
    tag: 'contacts',
    scope: 'write',
    params: contactParamsSchema,
    body: named('InteractionBatch', interactionBatchDocSchema),
    responses: {
      202: { description: 'stored; scoring follows', body: named('IngestResult', ingestResultSchema) },
      429: RATE_LIMITED,
    },
  },
  {
    method: 'get',
    path: '/contacts/:contactId/score',
    operationId: 'getContactScore',
    summary: "A contact's score (default profile first)",
    tag: 'contacts',
    scope: 'read',
    params: contactParamsSchema,
    responses: { 200: { description: 'scores', body: named('ContactScore', contactScoreSchema) } },
  },
  {
    method: 'get',
    path: '/contacts/:contactId/ledger',
    operationId: 'getContactLedger',
    summary: 'Score changes, newest first',
    tag: 'contacts',
    scope: 'read',
    params: contactParamsSchema,
    query: ledgerQuerySchema,
    responses: { 200: { description: 'ledger entries', body: named('Ledger', ledgerSchema) } },
  },

  // --- profiles: documented next to their router
  ...PROFILE_ROUTES,
  {
    method: 'get',
    path: '/profiles/:profileId/versions/:version/rescore',
    operationId: 'getRescoreProgress',
    summary: 'Progress of the re-score a publish started',
    description:
      'done / total contacts, rate (contacts per second), ETA, and state: running, finished or superseded (a newer version took over).',
    tag: 'profiles',
    scope: 'read',
    params: rescoreParamsSchema,
    responses: { 200: { description: 'progress', body: named('RescoreProgress', rescoreProgressSchema) } },
  },

  // --- smart lists
  {
    method: 'get',
    path: '/lists',
    operationId: 'listSmartLists',
    summary: 'Smart lists',
    tag: 'lists',
    scope: 'read',
    responses: {
      200: {
        description: 'all lists, oldest first',
        body: named('SmartListCollection', smartListCollectionSchema),
      },
    },
  },
  {
    method: 'post',
    path: '/lists',
    operationId: 'createSmartList',
    summary: 'Save a contact filter as a smart list',
    description: `The filter has the fields of GET /contacts (without cursor and limit): ${Object.keys(contactFilterSchema.shape).join(', ')}.`,
    tag: 'lists',
    scope: 'write',
    body: named('SmartListInput', createSmartListSchema),
    responses: {
      201: { description: 'created', body: SmartList },
      409: { description: 'the name is taken' },
    },
  },
  {
    method: 'get',
    path: '/lists/:listId',
    operationId: 'getSmartList',
    summary: 'A smart list',
    tag: 'lists',
    scope: 'read',
    params: smartListParamsSchema,
    responses: { 200: { description: 'the list', body: SmartList } },
  },
  {
    method: 'patch',
    path: '/lists/:listId',
    operationId: 'updateSmartList',
    summary: 'Rename a smart list or replace its filter',
    tag: 'lists',
    scope: 'write',
    params: smartListParamsSchema,
    body: named('SmartListPatch', updateSmartListSchema),
    responses: {
      200: { description: 'the list', body: SmartList },
      409: { description: 'the name is taken' },
    },
  },
  {
    method: 'delete',
    path: '/lists/:listId',
    operationId: 'deleteSmartList',
    summary: 'Delete a smart list',
    tag: 'lists',
    scope: 'write',
    params: smartListParamsSchema,
    responses: { 204: { description: 'deleted' } },
  },
  {
    method: 'get',
    path: '/lists/:listId/contacts',
    operationId: 'listSmartListContacts',
    summary: "A smart list's members, as of now",
    description:
      'Evaluates the saved filter at each request, with the same order and paging guarantees as GET /contacts.',
    tag: 'lists',
    scope: 'read',
    params: smartListParamsSchema,
    query: contactPageQuerySchema,
    responses: { 200: { description: 'one page', body: ContactPage } },
  },

  // --- triggers
  {
    method: 'get',
    path: '/triggers',
    operationId: 'listTriggers',
    summary: 'Score triggers',
    tag: 'triggers',
    scope: 'read',
    responses: {
      200: { description: 'all triggers', body: named('TriggerCollection', triggerCollectionSchema) },
    },
  },
  {
    method: 'post',
    path: '/triggers',
    operationId: 'createTrigger',
    summary: 'Create a trigger that starts an automation when a score condition becomes true',
    tag: 'triggers',
    scope: 'admin',
    body: named('TriggerInput', triggerSchema),
    responses: {
      201: { description: 'created', body: named('TriggerRecord', triggerRecordSchema) },
      409: { description: 'the id is taken', body: undefined },
    },
  },
  {
    method: 'get',
    path: '/triggers/:triggerId',
    operationId: 'getTrigger',
    summary: 'A trigger',
    tag: 'triggers',
    scope: 'read',
    params: triggerParamsSchema,
    responses: { 200: { description: 'the trigger', body: named('TriggerRecord', triggerRecordSchema) } },
  },
  {
    method: 'put',
    path: '/triggers/:triggerId',
    operationId: 'replaceTrigger',
    summary: 'Create or replace a trigger',
    tag: 'triggers',
    scope: 'admin',
    params: triggerParamsSchema,
    body: named('TriggerInput', triggerSchema),
    responses: {
      200: { description: 'replaced', body: named('TriggerRecord', triggerRecordSchema) },
      201: { description: 'created', body: named('TriggerRecord', triggerRecordSchema) },
    },
  },
  {
    method: 'patch',
    path: '/triggers/:triggerId',
    operationId: 'pauseTrigger',
    summary: 'Pause or resume a trigger',
    tag: 'triggers',
    scope: 'admin',
    params: triggerParamsSchema,
    body: named('TriggerPause', pauseTriggerSchema),
    responses: { 200: { description: 'the trigger', body: named('TriggerRecord', triggerRecordSchema) } },
  },
  {
    method: 'delete',
    path: '/triggers/:triggerId',
    operationId: 'deleteTrigger',
    summary: 'Delete a trigger',
    tag: 'triggers',
    scope: 'admin',
    params: triggerParamsSchema,
    responses: { 204: { description: 'deleted' } },
  },

  // --- manual score changes
  {
    method: 'post',
    path: '/contacts/:contactId/score-adjustments',
    operationId: 'adjustScore',
    summary: 'Add or subtract points by hand; answers with the new score',
    description:
      "A Temporal Update on the contact's workflow: the change is applied, ledgered with the key that made it, and seen by triggers. Send the same `id` again to retry safely.",
    tag: 'contacts',
    scope: 'write',
    params: contactParamsSchema,
    body: named('ScoreAdjustment', adjustmentBodySchema),
    responses: {
      201: { description: 'applied', body: named('ScoreAdjustmentResult', adjustmentResultSchema) },
      409: { description: 'the profile is not published', body: undefined },
      429: RATE_LIMITED,
    },
  },

  // --- operators: accounts and keys
  ...ADMIN_ROUTES,
];
