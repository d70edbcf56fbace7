import { z } from 'zod';
import { defineRoute, named } from '../route';

export const currentKeySchema = z.object({
  keyId: z.string(),
  accountId: z.string(),
  scopes: z.array(z.enum(['read', 'write', 'admin'])).describe('admin implies write implies read'),
});

export const sessionRoutes = {
  currentKey: defineRoute({
    method: 'get',
    path: '/me',
    operationId: 'getCurrentKey',
    summary: 'The API key this request was made with: its account and scopes',
    description: 'What a client (the console) reads to know what it may offer to change.',
    tag: 'operations',
    scope: 'read',
    responses: { 200: { description: 'the key', body: named('CurrentKey', currentKeySchema) } },
  }),
};
