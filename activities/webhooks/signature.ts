import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a webhook receiver knows a request came from Pulse and was not replayed much later:
 *   Pulse-Timestamp: <unix seconds when this attempt was sent>
 *   Pulse-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 * The receiver recomputes the HMAC over the raw body bytes it received, compares in constant
 * time and refuses timestamps older than a few minutes. The README shows it in full.
 */

export const SIGNATURE_HEADER = 'Pulse-Signature';
export const TIMESTAMP_HEADER = 'Pulse-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's side, as documented; Pulse's tests verify deliveries with it. */
export function verifySignature(
  secret: string,
  header: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): boolean {
  const timestamp = Number(header.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body));
  const given = Buffer.from(header.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A new account's signing secret: 32 random bytes, prefixed so it is recognisable in a config. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
