import { z } from 'zod';
import {
  attributeText,
  isoFromUnixSeconds,
  providerIdSchema,
  unixSecondsSchema,
  type MappedWebhook,
} from './webhook-event';

/**
 * Stripe events → `payment_succeeded`: `payment_intent.succeeded` and `invoice.paid`. Every other
 * event type is acknowledged and ignored. `amount` is in the currency's main unit (12.5 for
 * $12.50), `amountMinor` as Stripe sends it (1250); `currency` as Stripe writes it (`usd`).
 */
export const STRIPE_EVENT_TYPES = ['payment_intent.succeeded', 'invoice.paid'] as const;

const emailSchema = z.string().max(320).nullish();
const currencySchema = z.string().regex(/^[a-zA-Z]{3}$/, 'a three-letter ISO currency code');
const minorAmountSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** What Pulse reads of a payment, whichever Stripe object carries it. */
interface Payment {
  minor: number;
  currency: string;
  email: string | null;
  phone: string | null;
}

/** Each handled event type's `data.object`, read as the payment it reports. */
const PAYMENT_OF: Record<(typeof STRIPE_EVENT_TYPES)[number], z.ZodType<Payment>> = {
  'payment_intent.succeeded': z
    .looseObject({ amount_received: minorAmountSchema, currency: currencySchema, receipt_email: emailSchema })
    .transform((intent) => ({
      minor: intent.amount_received,
      currency: intent.currency,
      email: intent.receipt_email ?? null,
      phone: null,
    })),
  'invoice.paid': z
    .looseObject({
      amount_paid: minorAmountSchema,
      currency: currencySchema,
      customer_email: emailSchema,
      customer_phone: z.string().max(40).nullish(),
    })
    .transform((invoice) => ({
      minor: invoice.amount_paid,
      currency: invoice.currency,
      email: invoice.customer_email ?? null,
      phone: invoice.customer_phone ?? null,
    })),
};

const isHandled = (type: string): type is keyof typeof PAYMENT_OF => Object.hasOwn(PAYMENT_OF, type);

/** Stripe's currencies without a minor unit, and those with three decimals (its docs' lists). */
const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

export function majorAmount(minor: number, currency: string): number {
  const code = currency.toLowerCase();
  const decimals = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  return minor / 10 ** decimals;
}

const envelopeOf = <S extends z.ZodType>(object: S) =>
  z.looseObject({
    id: providerIdSchema,
    type: z.string(),
    created: unixSecondsSchema,
    data: z.looseObject({ object }),
  });

const typeSchema = z.looseObject({ type: z.string() });

/** `event` is what stripe.webhooks.constructEvent returned (signature already checked). */
export function mapStripeEvent(event: unknown): MappedWebhook {
  const { type } = typeSchema.parse(event);
  if (!isHandled(type)) return { events: [], ignored: 1 };
  const envelope = envelopeOf(PAYMENT_OF[type]).parse(event);
  const payment = envelope.data.object;
  return {
    ignored: 0,
    events: [
      {
        contact: { email: payment.email, phone: payment.phone },
        interaction: {
          id: `stripe:${envelope.id}`,
          type: 'payment_succeeded',
          occurredAt: isoFromUnixSeconds(envelope.created),
          attributes: {
            amount: majorAmount(payment.minor, payment.currency),
            amountMinor: payment.minor,
            currency: attributeText(payment.currency),
            stripeEventType: type,
          },
        },
      },
    ],
  };
}
