import { z } from 'zod';
import { instantSchema } from '../timestamp';
import type { AttributeValue } from '../interaction';
import { attributeText, type MappedWebhook } from './webhook-event';

/**
 * Calendly's `invitee.created` → `appointment_booked` (eventName, startTime, inviteeName). Other
 * events (invitee.canceled, routing_form_submission.created, ...) are acknowledged and ignored.
 * The invitee's URI ends with its UUID, unique per booking: it is the event id.
 */
const typeSchema = z.looseObject({ event: z.string() });

const inviteeCreatedSchema = z.looseObject({
  event: z.literal('invitee.created'),
  created_at: instantSchema,
  payload: z.looseObject({
    uri: z
      .string()
      .max(500)
      .regex(/\/invitees\/[\x21-\x2e\x30-\x7e]{1,150}$/, 'the invitee URI (…/invitees/<uuid>)'),
    email: z.string().min(1).max(320),
    name: z.string().nullish(),
    text_reminder_number: z.string().max(40).nullish(),
    scheduled_event: z
      .looseObject({ name: z.string().nullish(), start_time: z.string().nullish() })
      .nullish(),
  }),
});

export function mapCalendlyEvent(payload: unknown): MappedWebhook {
  const { event } = typeSchema.parse(payload);
  if (event !== 'invitee.created') return { events: [], ignored: 1 };
  const parsed = inviteeCreatedSchema.parse(payload);
  const invitee = parsed.payload;
  const inviteeId = invitee.uri.slice(invitee.uri.lastIndexOf('/') + 1);
  const attributes: Record<string, AttributeValue> = {};
  if (invitee.scheduled_event?.name) attributes.eventName = attributeText(invitee.scheduled_event.name);
  if (invitee.scheduled_event?.start_time)
    attributes.startTime = attributeText(invitee.scheduled_event.start_time);
  if (invitee.name) attributes.inviteeName = attributeText(invitee.name);
  return {
    ignored: 0,
    events: [
      {
        contact: { email: invitee.email, phone: invitee.text_reminder_number ?? null },
        interaction: {
          id: `calendly:${inviteeId}`,
          type: 'appointment_booked',
          occurredAt: new Date(parsed.created_at).toISOString(),
          attributes,
        },
      },
    ],
  };
}
