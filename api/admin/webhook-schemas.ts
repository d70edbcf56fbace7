import { z } from 'zod';
import { webhookProviderSchema } from '../../domain/webhooks/webhook-event';
import { accountParamsSchema } from './schemas';

export const accountWebhookParamsSchema = z.strictObject({
  ...accountParamsSchema.shape,
  provider: webhookProviderSchema,
});
