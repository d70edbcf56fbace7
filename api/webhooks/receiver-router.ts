import express, { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../../db/pool';
import { findWebhookEndpoint } from '../../db/webhook-endpoints';
import type { WebhookProvider } from '../../domain/webhooks/webhook-event';
import { HttpError } from '../http-error';
import { parsed, serve } from '../route';
import type { IngestPipeline } from '../interactions/ingest-service';
import { mapDelivery, receiveWebhook } from './receive-service';
import { webhookReceiverRoutes as routes } from './routes';
import { SIGNATURE_CHECKS, type SignedDelivery } from './signatures';

/** Twilio reads the answer as TwiML: an empty one sends no reply to the texter. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * POST /webhooks/<provider>/<endpointId>, mounted before API-key authentication: providers cannot
 * send a Pulse key. The endpoint id names the account, the provider's signature over the exact
 * bytes received proves the sender; only then is the body read as JSON or a form.
 */
export function webhookReceiverRouter(deps: { db: Db; ingest: IngestPipeline; logger: Logger }): Router {
  const router = Router();
  // The exact bytes, whatever the content type: signatures are over them.
  const rawBody = express.raw({ type: () => true, limit: '5mb' });

  for (const provider of Object.keys(routes) as WebhookProvider[]) {
    const route = routes[provider];
    serve(
      router,
      route,
      async (req, res) => {
        const { endpointId } = parsed(res, route).params;
        const endpoint = await findWebhookEndpoint(deps.db, provider, endpointId);
        if (!endpoint) throw HttpError.notFound(`${provider} webhook endpoint "${endpointId}"`);
        const delivery = signedDelivery(req);
        if (!SIGNATURE_CHECKS[provider](delivery, endpoint.secret)) {
          throw new HttpError(
            401,
            'Unauthorized',
            `the ${provider} signature does not hold: nothing was stored`,
          );
        }
        const receipt = await receiveWebhook(
          deps,
          endpoint.accountId,
          provider,
          mapDelivery(provider, delivery, new Date()),
        );
        if (provider === 'twilio') res.status(200).type('text/xml').send(EMPTY_TWIML);
        else res.status(200).json(receipt);
      },
      { before: [rawBody] },
    );
  }
  return router;
}

function signedDelivery(req: Request): SignedDelivery {
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const isForm = typeof req.is('application/x-www-form-urlencoded') === 'string';
  return {
    rawBody,
    header: (name) => req.get(name),
    url: calledUrl(req),
    form: isForm ? Object.fromEntries(new URLSearchParams(rawBody.toString('utf8'))) : {},
  };
}

/**
 * The URL as the provider called it (Twilio signs it). Behind a proxy, the proxy's
 * X-Forwarded-Proto and X-Forwarded-Host say what the provider saw. Trusting them is safe here: a
 * sender who changes them still needs the secret to make the signature hold.
 */
function calledUrl(req: Request): string {
  const proto = req.get('x-forwarded-proto')?.split(',')[0]?.trim() || req.protocol;
  const host = req.get('x-forwarded-host')?.split(',')[0]?.trim() || req.get('host');
  return `${proto}://${host}${req.originalUrl}`;
}
