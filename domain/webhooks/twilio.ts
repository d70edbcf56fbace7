import { z } from 'zod';
import { attributeText, providerIdSchema, type MappedWebhook } from './webhook-event';

/**
 * An inbound SMS (Twilio's form-encoded messaging webhook) → `reply_received` with the message in
 * `text`, so keyword rules ("reply contains pricing") score it. Twilio sends no time: it happened
 * when it arrived. The message SID is the event id.
 */
const inboundSmsSchema = z.looseObject({
  MessageSid: providerIdSchema,
  From: z.string().min(1).max(40),
  To: z.string().max(40).optional(),
  Body: z.string().max(4000),
});

export function mapTwilioInboundSms(form: unknown, receivedAt: Date): MappedWebhook {
  const sms = inboundSmsSchema.parse(form);
  return {
    ignored: 0,
    events: [
      {
        contact: { email: null, phone: sms.From },
        interaction: {
          id: `twilio:${sms.MessageSid}`,
          type: 'reply_received',
          occurredAt: receivedAt.toISOString(),
          attributes: {
            text: attributeText(sms.Body),
            channel: 'sms',
            from: sms.From,
            ...(sms.To !== undefined && { to: sms.To }),
          },
        },
      },
    ],
  };
}
