import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import Stripe from 'stripe';
import twilio from 'twilio';

/**
 * Signs webhook deliveries as the providers do: with their own libraries where they can sign
 * (Stripe, Twilio), with SendGrid's documented algorithm (ECDSA P-256 / SHA-256 over timestamp +
 * body, DER signature in base64; its helper only verifies), and Calendly's (HMAC-SHA256 of
 * `t.body`, hex).
 */

export function stripeHeaders(payload: string, secret: string, timestamp?: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      ...(timestamp && { timestamp }),
    }),
  };
}

export interface SendGridKeys {
  /** What the account pastes into Pulse: the verification key SendGrid shows (base64 DER). */
  publicKey: string;
  privateKey: KeyObject;
}

export function sendGridKeys(): SendGridKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey };
}

export function sendGridHeaders(
  payload: string,
  privateKey: KeyObject,
  timestamp = Date.now(),
): Record<string, string> {
  const ts = String(Math.floor(timestamp / 1000));
  return {
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-timestamp': ts,
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(ts + payload), privateKey).toString(
      'base64',
    ),
  };
}

export function calendlyHeaders(
  payload: string,
  signingKey: string,
  timestamp = Date.now(),
): Record<string, string> {
  const t = Math.floor(timestamp / 1000);
  const v1 = createHmac('sha256', signingKey).update(`${t}.${payload}`).digest('hex');
  return { 'content-type': 'application/json', 'calendly-webhook-signature': `t=${t},v1=${v1}` };
}

export function twilioHeaders(
  url: string,
  form: Record<string, string>,
  authToken: string,
): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, form),
  };
}
