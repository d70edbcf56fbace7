import { interactionBatchSchema } from '../../domain/interaction';
import {
  adjustmentResultSchema,
  contactSchema,
  contactScoreSchema,
  contactWithScoresSchema,
  ingestResultSchema,
  ledgerSchema,
  setAsideSchema,
} from '../openapi/response-schemas';
import { defineRoute, named, type ResponseDoc } from '../route';
import { contactListQuerySchema, contactPageSchema } from './list-schemas';
import { adjustmentBodySchema, contactBodySchema, contactParamsSchema, ledgerQuerySchema } from './schemas';

const Contact = named('Contact', contactSchema);
export const ContactPage = named('ContactPage', contactPageSchema);

/** Both ingest routes share one token bucket per API key (api/middleware/rate-limit.ts). */
const RATE_LIMITED: ResponseDoc = {
  description:
    'this API key sent more than RATE_LIMIT_INGEST_PER_SECOND requests per second (bursts of RATE_LIMIT_INGEST_BURST) to interactions and score adjustments together; `Retry-After` says when to retry, `RateLimit-*` headers come with every answer',
};

export const listContactsRoute = defineRoute({
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
});

export const contactRoutes = {
  upsert: defineRoute({
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
  }),
  get: defineRoute({
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
  }),
  ingest: defineRoute({
    method: 'post',
    path: '/contacts/:contactId/interactions',
    operationId: 'ingestInteractions',
    summary: 'Record interactions (one or a batch)',
    description:
      'The interaction id is an idempotency key: a repeat is reported in `duplicates` and not counted again. Scoring happens asynchronously.',
    tag: 'contacts',
    scope: 'write',
    params: contactParamsSchema,
    body: named('InteractionBatch', interactionBatchSchema),
    responses: {
      202: { description: 'stored; scoring follows', body: named('IngestResult', ingestResultSchema) },
      429: RATE_LIMITED,
    },
  }),
  score: defineRoute({
    method: 'get',
    path: '/contacts/:contactId/score',
    operationId: 'getContactScore',
    summary: "A contact's score (default profile first)",
    tag: 'contacts',
    scope: 'read',
    params: contactParamsSchema,
    responses: { 200: { description: 'scores', body: named('ContactScore', contactScoreSchema) } },
  }),
  setAside: defineRoute({
    method: 'get',
    path: '/contacts/:contactId/set-aside',
    operationId: 'getContactSetAside',
    summary: 'Interactions set aside because they could not be applied, newest first',
    description:
      'An interaction (or score adjustment) for which Postgres refused a value its scoring produced is taken out of the inbox with the reason, so the contact goes on scoring everything else. It is neither applied nor pending.',
    tag: 'contacts',
    scope: 'read',
    params: contactParamsSchema,
    responses: { 200: { description: 'set-aside interactions', body: named('SetAside', setAsideSchema) } },
  }),
  ledger: defineRoute({
    method: 'get',
    path: '/contacts/:contactId/ledger',
    operationId: 'getContactLedger',
    summary: 'Score changes, newest first',
    tag: 'contacts',
    scope: 'read',
    params: contactParamsSchema,
    query: ledgerQuerySchema,
    responses: { 200: { description: 'ledger entries', body: named('Ledger', ledgerSchema) } },
  }),
  adjustScore: defineRoute({
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
      422: {
        description:
          'Postgres refused a value the change produced: it was set aside, nothing was applied (see `GET /contacts/{contactId}/set-aside`)',
        body: undefined,
      },
      429: RATE_LIMITED,
    },
  }),
};
