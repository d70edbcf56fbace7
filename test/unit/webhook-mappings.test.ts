import { z } from 'zod';
import { interactionSchema } from '../../domain/interaction';
import { mapCalendlyEvent } from '../../domain/webhooks/calendly';
import { mapSendGridEvents } from '../../domain/webhooks/sendgrid';
import { majorAmount, mapStripeEvent } from '../../domain/webhooks/stripe';
import { mapTwilioInboundSms } from '../../domain/webhooks/twilio';

const pathsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof z.ZodError) return err.issues.map((i) => i.path.join('.'));
    throw err;
  }
  throw new Error('expected a ZodError');
};

describe('provider event mappings', () => {
  it('when Stripe amounts come in minor units, then amount is in the main unit of the currency', () => {
    expect(majorAmount(12550, 'usd')).toBe(125.5);
    expect(majorAmount(500, 'JPY')).toBe(500);
    expect(majorAmount(1234, 'kwd')).toBe(1.234);
  });

  it('when an invoice is paid, then one payment_succeeded keyed by the event id, found by email and phone', () => {
    const mapped = mapStripeEvent({
      id: 'evt_9',
      type: 'invoice.paid',
      created: 1_800_000_000,
      data: {
        object: { amount_paid: 999, currency: 'eur', customer_email: 'a@b.c', customer_phone: '+331' },
      },
    });
    expect(mapped).toEqual({
      ignored: 0,
      events: [
        {
          contact: { email: 'a@b.c', phone: '+331' },
          interaction: {
            id: 'stripe:evt_9',
            type: 'payment_succeeded',
            occurredAt: '2027-01-15T08:00:00.000Z',
            attributes: { amount: 9.99, amountMinor: 999, currency: 'eur', stripeEventType: 'invoice.paid' },
          },
        },
      ],
    });
    expect(interactionSchema.safeParse(mapped.events[0]!.interaction).success).toBe(true);
  });

  it('when Stripe sends another event type, then it is ignored without reading its object', () => {
    expect(mapStripeEvent({ type: 'charge.refunded' })).toEqual({ events: [], ignored: 1 });
  });

  it('when a handled Stripe event lacks a field, then the error names its full path', () => {
    const event = {
      id: 'evt_1',
      type: 'payment_intent.succeeded',
      created: 1,
      data: { object: { currency: 'usd' } },
    };
    expect(pathsOf(() => mapStripeEvent(event))).toEqual(['data.object.amount_received']);
  });

  it('when a SendGrid batch mixes kinds, then scored kinds map, the rest are ignored, and a bad event is named by index', () => {
    const at = 1_800_000_000;
    const mapped = mapSendGridEvents([
      { event: 'processed' },
      { event: 'group_unsubscribe', email: 'a@b.c', timestamp: at, sg_event_id: 'u1', asm_group_id: 7 },
      { event: 'bounce', email: 'a@b.c', timestamp: at, sg_event_id: 'b1', reason: 'full', type: 'blocked' },
    ]);
    expect(mapped.ignored).toBe(1);
    expect(
      mapped.events.map((e) => [e.interaction.id, e.interaction.type, e.interaction.attributes]),
    ).toEqual([
      ['sendgrid:u1', 'email_unsubscribed', { groupId: 7 }],
      ['sendgrid:b1', 'email_bounced', { reason: 'full', bounceType: 'blocked' }],
    ]);
    expect(pathsOf(() => mapSendGridEvents([{ event: 'open', email: 'a@b.c', sg_event_id: 'x' }]))).toEqual([
      '0.timestamp',
    ]);
    expect(pathsOf(() => mapSendGridEvents({ event: 'open' }))).toEqual(['']);
  });

  it('when Calendly books an invitee, then the invitee uuid is the event id', () => {
    const mapped = mapCalendlyEvent({
      event: 'invitee.created',
      created_at: '2030-01-01T10:00:00.123456Z',
      payload: { uri: 'https://api.calendly.com/scheduled_events/E/invitees/abc-123', email: 'a@b.c' },
    });
    expect(mapped.events[0]!.interaction).toMatchObject({
      id: 'calendly:abc-123',
      type: 'appointment_booked',
      occurredAt: '2030-01-01T10:00:00.123Z',
    });
    expect(mapCalendlyEvent({ event: 'invitee.canceled' })).toEqual({ events: [], ignored: 1 });
  });

  it('when a text arrives, then reply_received carries the message and happened when it arrived', () => {
    const receivedAt = new Date('2030-05-05T05:05:05Z');
    const mapped = mapTwilioInboundSms({ MessageSid: 'SM1', From: '+1555', Body: 'pricing?' }, receivedAt);
    expect(mapped.events[0]).toEqual({
      contact: { email: null, phone: '+1555' },
      interaction: {
        id: 'twilio:SM1',
        type: 'reply_received',
        occurredAt: '2030-05-05T05:05:05.000Z',
        attributes: { text: 'pricing?', channel: 'sms', from: '+1555' },
      },
    });
  });
});
