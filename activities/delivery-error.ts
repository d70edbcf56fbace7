/**
 * How a delivery failed, as far as the provider can tell:
 *  - 'not_sent': nothing was accepted (refused connection, a 4xx reply): sending again is safe.
 *  - 'rejected': the provider refused this message for good (a 5xx reply, a malformed address):
 *    sending again would be refused again.
 *  - 'unknown': the provider may have accepted it (the connection dropped after the message went
 *    out, a timeout while waiting for the reply).
 * A Mailer or SmsProvider throws DeliveryError when it knows which; any other error counts as 'unknown'.
 */
export type DeliveryFailure = 'not_sent' | 'rejected' | 'unknown';

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly failure: DeliveryFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function deliveryFailureOf(err: unknown): DeliveryFailure {
  return err instanceof DeliveryError ? err.failure : 'unknown';
}
