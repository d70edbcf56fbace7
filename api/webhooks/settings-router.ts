import { Router } from 'express';
import type { Db } from '../../db/pool';
import { listUnmatchedWebhookEvents } from '../../db/provider-webhook-events';
import { deleteWebhookEndpoint, listWebhookEndpoints } from '../../db/webhook-endpoints';
import { principalOf } from '../middleware/authenticate';
import { HttpError } from '../http-error';
import { parsed, serve } from '../route';
import { webhookSettingsRoutes as routes } from './routes';
import { setProviderSecret, withPath } from './endpoint-view';

/** An account's own provider webhook settings (admin key), and the events that matched no contact. */
export function webhookSettingsRouter({ db }: { db: Db }): Router {
  const router = Router();

  serve(router, routes.listEndpoints, async (_req, res) => {
    res.json({ endpoints: (await listWebhookEndpoints(db, principalOf(res).accountId)).map(withPath) });
  });

  serve(router, routes.setSecret, async (_req, res) => {
    const { params, body } = parsed(res, routes.setSecret);
    res.json(await setProviderSecret(db, principalOf(res).accountId, params.provider, body.secret));
  });

  serve(router, routes.deleteEndpoint, async (_req, res) => {
    const { provider } = parsed(res, routes.deleteEndpoint).params;
    if (!(await deleteWebhookEndpoint(db, principalOf(res).accountId, provider)))
      throw HttpError.notFound(`${provider} webhook endpoint`);
    res.status(204).end();
  });

  serve(router, routes.unmatched, async (_req, res) => {
    const { limit } = parsed(res, routes.unmatched).query;
    res.json({ items: await listUnmatchedWebhookEvents(db, principalOf(res).accountId, limit) });
  });

  return router;
}
