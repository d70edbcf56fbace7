import type { WebhookEndpointRecord } from '../../db/webhook-endpoints';

/** An endpoint as the API shows it: with the path to give the provider (after the API's base URL). */
export const withPath = (endpoint: WebhookEndpointRecord) => ({
  ...endpoint,
  path: `/webhooks/${endpoint.provider}/${endpoint.endpointId}`,
});
