import { z } from 'zod';
import type { AttributeValue } from '../interaction';
import {
  attributeText,
  isoFromUnixSeconds,
  providerIdSchema,
  unixSecondsSchema,
  type MappedWebhook,
  type WebhookEvent,
} from './webhook-event';

/**
 * SendGrid's event webhook posts a JSON array of events. `open` → `email_opened`, `click` →
 * `email_clicked` (url), `bounce` → `email_bounced` (reason, bounceType), `unsubscribe` and
 * `group_unsubscribe` → `email_unsubscribed` (groupId); the rest (processed, delivered, deferred,
 * dropped, spamreport, group_resubscribe) is acknowledged and ignored.
 */
const TYPES: Record<string, string> = {
  open: 'email_opened',
  click: 'email_clicked',
  bounce: 'email_bounced',
  unsubscribe: 'email_unsubscribed',
  group_unsubscribe: 'email_unsubscribed',
};

const anyEventSchema = z.looseObject({ event: z.string() });

const knownEventSchema = z.looseObject({
  event: z.string(),
  sg_event_id: providerIdSchema,
  email: z.string().min(1).max(320),
  timestamp: unixSecondsSchema,
  url: z.string().optional(),
  reason: z.string().optional(),
  type: z.string().optional(),
  asm_group_id: z.number().int().optional(),
});

/** Every event is checked before any is taken, so a bad one refuses the whole delivery. */
const payloadSchema = z
  .array(anyEventSchema)
  .min(1)
  .max(5_000)
  .superRefine((events, ctx) => {
    events.forEach((event, index) => {
      if (!(event.event in TYPES)) return;
      const result = knownEventSchema.safeParse(event);
      if (result.success) return;
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: [index, ...issue.path] });
      }
    });
  });

export function mapSendGridEvents(payload: unknown): MappedWebhook {
  const events = payloadSchema.parse(payload);
  const mapped: WebhookEvent[] = [];
  for (const raw of events) {
    const type = TYPES[raw.event];
    if (!type) continue;
    const event = knownEventSchema.parse(raw);
    const attributes: Record<string, AttributeValue> = {};
    if (event.url !== undefined) attributes.url = attributeText(event.url);
    if (event.reason !== undefined) attributes.reason = attributeText(event.reason);
    if (event.event === 'bounce' && event.type !== undefined)
      attributes.bounceType = attributeText(event.type);
    if (event.asm_group_id !== undefined) attributes.groupId = event.asm_group_id;
    mapped.push({
      contact: { email: event.email, phone: null },
      interaction: {
        id: `sendgrid:${event.sg_event_id}`,
        type,
        occurredAt: isoFromUnixSeconds(event.timestamp),
        attributes,
      },
    });
  }
  return { events: mapped, ignored: events.length - mapped.length };
}
