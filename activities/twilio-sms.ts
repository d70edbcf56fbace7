import twilio from 'twilio';
import { DeliveryError, type DeliveryFailure } from './delivery-error';
import type { OutgoingSms } from './sms-provider';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or messaging service's number, as Twilio knows it. */
  fromNumber: string;
}

export interface TwilioOptions {
  /**
   * Where Twilio's REST API is: https://api.twilio.com unless set. Tests point it at a local
   * server that speaks the same REST shape; the twilio package reads it from its `api` domain.
   */
  apiBaseUrl?: string | undefined;
  /** One request's bound; under the activity's 30 s startToCloseTimeout. */
  timeoutMs?: number | undefined;
}

/**
 * Sends one SMS through Twilio's official client (POST /2010-04-01/Accounts/{sid}/Messages.json).
 * Twilio's Messages API takes no idempotency key, so a send is classified carefully
 * (classifyTwilioError) for activities/actions/delivery.ts to decide whether a retry may resend.
 */
export async function sendTwilioSms(
  credentials: TwilioCredentials,
  sms: OutgoingSms,
  { apiBaseUrl, timeoutMs = 20_000 }: TwilioOptions = {},
): Promise<string> {
  const client = twilio(credentials.accountSid, credentials.authToken, {
    timeout: timeoutMs,
    autoRetry: false,
  });
  if (apiBaseUrl) client.api.baseUrl = apiBaseUrl;
  try {
    const message = await client.messages.create({
      to: sms.to,
      from: credentials.fromNumber,
      body: sms.text,
    });
    return message.sid;
  } catch (err) {
    const failure = classifyTwilioError(err);
    throw new DeliveryError(`Twilio send failed (${failure}): ${describe(err)}`, failure, { cause: err });
  }
}

interface TwilioErrorLike {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Connection errors that happen before the request is written: nothing reached Twilio. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A Twilio 4xx is definite: Twilio refused this message (21211 invalid 'To' number, 21610
 * unsubscribed recipient, 20003 bad credentials) and will refuse it again — except 429 (too many
 * requests), which says try later. 503 (unavailable) means the request was not taken: try again.
 * Any other 5xx, or no reply at all (a timeout, a connection dropped after the request went
 * out), may have come after Twilio created the message: 'unknown', which delivery.ts resends only
 * after the claim's lease, flagged possible_duplicate.
 */
export function classifyTwilioError(err: unknown): DeliveryFailure {
  const { status, code } = (err ?? {}) as TwilioErrorLike;
  if (typeof status === 'number') {
    if (status === 429 || status === 503) return 'not_sent';
    if (status >= 400 && status < 500) return 'rejected';
  }
  if (typeof code === 'string' && NOT_CONNECTED.has(code)) return 'not_sent';
  return 'unknown';
}

function describe(err: unknown): string {
  const { status, code, message } = (err ?? {}) as TwilioErrorLike;
  const parts = [
    typeof status === 'number' ? `HTTP ${status}` : undefined,
    typeof code === 'string' || typeof code === 'number' ? `code ${code}` : undefined,
    typeof message === 'string' ? message : String(err),
  ];
  return parts.filter(Boolean).join(', ');
}
