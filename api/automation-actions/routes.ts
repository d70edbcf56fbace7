import { z } from 'zod';
import { contactParamsSchema } from '../contacts/schemas';
import { defineRoute, named } from '../route';
import { textInteger } from '../text-integer';

export const automationActionSchema = z.object({
  actionKey: z.string().describe('the idempotency key: the automation workflow id and the step'),
  kind: z.string().describe('send_email, send_sms, webhook, add_tag, ...'),
  state: z.enum(['done', 'skipped', 'sending', 'pending', 'failed']),
  reason: z.string().nullable().describe('why it was skipped'),
  detail: z.string().nullable(),
  attempts: z.int().describe('delivery attempts made (email, SMS, webhooks)'),
  responseStatus: z.int().nullable().describe("webhooks: the receiver's last HTTP status"),
  lastError: z.string().nullable(),
  possibleDuplicate: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const automationActionsQuerySchema = z.strictObject({
  limit: textInteger(z.int().min(1).max(500)).default(100),
});

export const automationActionRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/contacts/:contactId/automation-actions',
    operationId: 'listAutomationActions',
    summary: "What the contact's automations did: each action's outcome, newest first",
    description:
      'One entry per action key. A webhook shows its delivery: attempts, the last HTTP status and error; state `failed` is final (a 4xx, or an address refused).',
    tag: 'contacts',
    scope: 'read',
    params: contactParamsSchema,
    query: automationActionsQuerySchema,
    responses: {
      200: {
        description: 'the actions',
        body: named('AutomationActions', z.object({ items: z.array(automationActionSchema) })),
      },
    },
  }),
};
