import { z } from 'zod';
import { webhookEventSchema, webhookUrlSchema } from '../webhook-url';
import { declareAutomation } from './declare';

export const webhookNotify = declareAutomation({
  name: 'webhook_notify',
  workflowType: 'webhookNotifyWorkflow',
  summary: "POST a signed event about the contact to the account's webhook URL (or the trigger's own)",
  params: z.strictObject({
    /** Overrides the account's webhook URL (PUT /settings/webhook) for this trigger. */
    url: webhookUrlSchema.optional(),
    event: webhookEventSchema.default('score.threshold_crossed'),
  }),
});
