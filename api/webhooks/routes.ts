import type { WebhookProvider } from '../../domain/webhooks/webhook-event';
import { defineRoute, named } from '../route';
import {
  endpointParamsSchema,
  providerParamsSchema,
  unmatchedEventsSchema,
  unmatchedQuerySchema,
  webhookEndpointCollectionSchema,
  webhookEndpointSchema,
  webhookReceiptSchema,
  webhookSecretBodySchema,
} from './schemas';

const Receipt = named('WebhookReceipt', webhookReceiptSchema);
export const Endpoint = named('WebhookEndpoint', webhookEndpointSchema);
export const EndpointCollection = named('WebhookEndpointCollection', webhookEndpointCollectionSchema);
export const WebhookSecret = named('WebhookSecret', webhookSecretBodySchema);

const RECEIVER_ANSWERS = {
  401: {
    description:
      'the signature does not hold (wrong secret, forged or altered body, stale timestamp): nothing is stored',
  },
  404: { description: 'no endpoint with this id for this provider (or its account is disabled)' },
  413: { description: 'the body is larger than 5 MB' },
};

/** One receiver per provider: the same path shape, each with its own signature and body. */
const receiver = (
  provider: WebhookProvider,
  doc: { summary: string; signature: string; body: string; contentType: string; twiml?: boolean },
) =>
  defineRoute({
    method: 'post',
    path: `/webhooks/${provider}/:endpointId`,
    operationId: `receive${provider[0]!.toUpperCase()}${provider.slice(1)}Webhook`,
    summary: doc.summary,
    description: [
      `Called by ${provider}, not with an API key: the endpoint id names the account and the ${doc.signature} proves the sender.`,
      doc.body,
      "The provider's event id is the interaction id, so a retried delivery is counted once. Events whose email or phone names no contact are kept as unmatched (`GET /webhooks/unmatched`); events Pulse does not score are acknowledged with a 2xx so that the provider does not retry them, and not stored.",
    ].join(' '),
    tag: 'webhooks',
    params: endpointParamsSchema,
    rawBody: { contentType: doc.contentType, description: `the ${provider} webhook body, exactly as sent` },
    responses: doc.twiml
      ? {
          200: {
            description:
              'stored (or a duplicate, or unmatched); an empty TwiML response, so Twilio sends no reply',
            contentType: 'text/xml',
          },
          ...RECEIVER_ANSWERS,
        }
      : { 200: { description: 'stored: what became of the delivery', body: Receipt }, ...RECEIVER_ANSWERS },
  });

export const webhookReceiverRoutes = {
  stripe: receiver('stripe', {
    summary: 'Stripe events: payment_intent.succeeded and invoice.paid → payment_succeeded',
    signature: '`Stripe-Signature` header (checked with the `stripe` package)',
    body: 'A Stripe event (JSON). The contact is found by `receipt_email` (payment intent) or `customer_email` / `customer_phone` (invoice); `amount` (main unit), `amountMinor` and `currency` become attributes.',
    contentType: 'application/json',
  }),
  sendgrid: receiver('sendgrid', {
    summary: 'SendGrid event webhook: open, click, bounce, unsubscribe',
    signature:
      '`X-Twilio-Email-Event-Webhook-Signature` and `-Timestamp` headers (checked with `@sendgrid/eventwebhook`)',
    body: 'A JSON array of SendGrid events: `open` → `email_opened`, `click` → `email_clicked` (`url`), `bounce` → `email_bounced` (`reason`, `bounceType`), `unsubscribe` / `group_unsubscribe` → `email_unsubscribed`. The contact is found by `email`; one bad event refuses the whole delivery.',
    contentType: 'application/json',
  }),
  calendly: receiver('calendly', {
    summary: 'Calendly invitee.created → appointment_booked',
    signature: '`Calendly-Webhook-Signature` header (`t=…,v1=…`, HMAC-SHA256 of `t.body`)',
    body: 'A Calendly webhook (JSON). The contact is found by `payload.email`, else `payload.text_reminder_number`; `eventName`, `startTime`, `inviteeName` become attributes.',
    contentType: 'application/json',
  }),
  twilio: receiver('twilio', {
    summary: 'Twilio inbound SMS → reply_received',
    signature:
      '`X-Twilio-Signature` header (checked with the `twilio` package against the URL Twilio called)',
    body: 'The form-encoded inbound message. The contact is found by `From`; `Body` becomes the `text` attribute, so keyword rules match it.',
    contentType: 'application/x-www-form-urlencoded',
    twiml: true,
  }),
};

export const webhookSettingsRoutes = {
  listEndpoints: defineRoute({
    method: 'get',
    path: '/webhook-endpoints',
    operationId: 'listWebhookEndpoints',
    summary: "The account's provider webhook endpoints (never their secrets)",
    tag: 'webhooks',
    scope: 'admin',
    responses: {
      200: {
        description: 'one per configured provider',
        body: EndpointCollection,
      },
    },
  }),
  setSecret: defineRoute({
    method: 'put',
    path: '/webhook-endpoints/:provider',
    operationId: 'setWebhookSecret',
    summary: "Set a provider's webhook secret; answers the path the provider must call",
    description:
      'The first call makes the endpoint and its unguessable id; later calls replace the secret and keep the id, so the URL set at the provider stays valid.',
    tag: 'webhooks',
    scope: 'admin',
    params: providerParamsSchema,
    body: WebhookSecret,
    responses: { 200: { description: 'the endpoint', body: Endpoint } },
  }),
  deleteEndpoint: defineRoute({
    method: 'delete',
    path: '/webhook-endpoints/:provider',
    operationId: 'deleteWebhookEndpoint',
    summary: "Remove a provider's endpoint: its deliveries are refused (404) from then on",
    tag: 'webhooks',
    scope: 'admin',
    params: providerParamsSchema,
    responses: { 204: { description: 'removed' } },
  }),
  unmatched: defineRoute({
    method: 'get',
    path: '/webhooks/unmatched',
    operationId: 'listUnmatchedWebhookEvents',
    summary: 'Provider events whose email or phone named no contact, newest first',
    description:
      'They are kept, not scored. A later delivery of the same event (a provider retry) once the contact exists is scored and leaves this list.',
    tag: 'webhooks',
    scope: 'read',
    query: unmatchedQuerySchema,
    responses: {
      200: { description: 'unmatched events', body: named('UnmatchedWebhookEvents', unmatchedEventsSchema) },
    },
  }),
};
