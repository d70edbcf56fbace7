import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import Stripe from 'stripe';
import twilio from 'twilio';
import type { WebhookProvider } from '../../domain/webhooks/webhook-event';

/**
 * How each provider proves a delivery came from it, checked with the provider's own library where
 * there is one (Stripe, SendGrid, Twilio) and with Calendly's documented HMAC otherwise. Each
 * answers whether the signature holds; none throws on a forged or malformed one.
 */
export interface SignedDelivery {
  rawBody: Buffer;
  header(name: string): string | undefined;
  /** The URL the provider called, as it called it (Twilio signs it). */
  url: string;
  /** The form fields, for form-encoded deliveries (Twilio signs them). */
  form: Record<string, string>;
}

/** Stripe's and Calendly's tolerance for a signature's timestamp: replays older than this fail. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const verifyStripe = (delivery: SignedDelivery, secret: string): boolean => {
  try {
    Stripe.webhooks.constructEvent(
      delivery.rawBody,
      delivery.header('stripe-signature') ?? '',
      secret,
      SIGNATURE_TOLERANCE_SECONDS,
    );
    return true;
  } catch (err) {
    // A signature that holds over a body that is not JSON is a bad payload, not a forgery.
    if (err instanceof SyntaxError) return true;
    return false;
  }
};

const sendGrid = new EventWebhook();
const verifySendGrid = (delivery: SignedDelivery, publicKey: string): boolean => {
  const signature = delivery.header(EventWebhookHeader.SIGNATURE());
  const timestamp = delivery.header(EventWebhookHeader.TIMESTAMP());
  if (!signature || !timestamp) return false;
  try {
    return sendGrid.verifySignature(
      sendGrid.convertPublicKeyToECDSA(publicKey),
      delivery.rawBody,
      signature,
      timestamp,
    );
  } catch {
    return false;
  }
};

/** Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
const verifyCalendly = (delivery: SignedDelivery, signingKey: string, now = Date.now()): boolean => {
  const parts = new Map(
    (delivery.header('calendly-webhook-signature') ?? '').split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !v1 || !/^\d+$/.test(t) || !/^[0-9a-f]{64}$/i.test(v1)) return false;
  if (Math.abs(now / 1000 - Number(t)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', signingKey).update(`${t}.`).update(delivery.rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
};

const verifyTwilio = (delivery: SignedDelivery, authToken: string): boolean =>
  twilio.validateRequest(authToken, delivery.header('x-twilio-signature') ?? '', delivery.url, delivery.form);

export const SIGNATURE_CHECKS: Record<
  WebhookProvider,
  (delivery: SignedDelivery, secret: string) => boolean
> = {
  stripe: verifyStripe,
  sendgrid: verifySendGrid,
  calendly: (delivery, secret) => verifyCalendly(delivery, secret),
  twilio: verifyTwilio,
};

/** A SendGrid verification key must be an ECDSA public key; the others are opaque secrets. */
export function unusableSecret(provider: WebhookProvider, secret: string): string | undefined {
  if (provider !== 'sendgrid') return undefined;
  try {
    sendGrid.convertPublicKeyToECDSA(secret);
    return undefined;
  } catch {
    return "not an ECDSA public key: paste the Signed Event Webhook's verification key (base64 or PEM)";
  }
}
