import { defineRoute, named } from '../route';
import { bulkIngestBodySchema, bulkIngestResultSchema, MAX_BULK_ITEMS } from './schemas';

export const interactionRoutes = {
  bulkIngest: defineRoute({
    method: 'post',
    path: '/interactions',
    operationId: 'bulkIngestInteractions',
    summary: 'Record interactions of many contacts at once (up to 1,000)',
    description: [
      `Up to ${MAX_BULK_ITEMS} items, each an interaction with the \`contactId\` it belongs to, stored in one`,
      'statement; each contact is woken once. Every item is answered in `items`, in order:',
      '`accepted`, `duplicate` (the interaction id is an idempotency key per contact), `unknown_contact`',
      'or `invalid` with `errors` naming the field (`items.3.occurredAt`). Only a malformed envelope',
      '(no `items`, not an array, empty, more than 1,000 items) fails the whole request.',
      'Scoring happens asynchronously.',
    ].join(' '),
    tag: 'contacts',
    scope: 'write',
    body: named('BulkInteractions', bulkIngestBodySchema),
    responses: {
      202: {
        description: 'every valid item of a known contact is stored; scoring follows',
        body: named('BulkIngestResult', bulkIngestResultSchema),
      },
      413: { description: 'the body is larger than 8 MB' },
      429: {
        description:
          'this API key sent more than RATE_LIMIT_INGEST_PER_SECOND ingest requests per second (shared with the other ingest routes); `Retry-After` says when to retry',
      },
    },
  }),
};
