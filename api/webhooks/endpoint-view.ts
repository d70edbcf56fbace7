import type { Queryable } from '../../db/pool';
import { setWebhookSecret, type WebhookEndpointRecord } from '../../db/webhook-endpoints';
import type { WebhookProvider } from '../../domain/webhooks/webhook-event';
import { HttpError } from '../http-error';
import { unusableSecret } from './signatures';

/** An endpoint as the API shows it: with the path to give the provider (after the API's base URL). */
export const withPath = (endpoint: WebhookEndpointRecord) => ({
  ...endpoint,
  path: `/webhooks/${endpoint.provider}/${endpoint.endpointId}`,
});

/** Sets a provider's secret once it is usable (a SendGrid key must parse): the account admin's and the operator's way alike. */
export async function setProviderSecret(
  db: Queryable,
  accountId: string,
  provider: WebhookProvider,
  secret: string,
) {
  const problem = unusableSecret(provider, secret);
  if (problem) throw HttpError.field('body.secret', problem);
  return withPath(await setWebhookSecret(db, accountId, provider, secret));
}
