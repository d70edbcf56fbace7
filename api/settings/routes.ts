import { defineRoute, named } from '../route';
import {
  smsSettingsInputSchema,
  smsSettingsSchema,
  webhookSettingsInputSchema,
  webhookSettingsSchema,
} from './schemas';

const WebhookSettings = named('WebhookSettings', webhookSettingsSchema);
const SmsSettings = named('SmsSettings', smsSettingsSchema);

/** An account's outbound integrations: where its webhooks go and how its SMS leave. Admin keys only. */
export const settingsRoutes = {
  getWebhook: defineRoute({
    method: 'get',
    path: '/settings/webhook',
    operationId: 'getWebhookSettings',
    summary: "The account's webhook URL and signing secret",
    description:
      'The secret is made on first read if the account has none; receivers verify Pulse-Signature with it.',
    tag: 'settings',
    scope: 'admin',
    responses: { 200: { description: 'the settings', body: WebhookSettings } },
  }),
  putWebhook: defineRoute({
    method: 'put',
    path: '/settings/webhook',
    operationId: 'putWebhookSettings',
    summary: "Set the account's default webhook URL, or rotate its signing secret",
    tag: 'settings',
    scope: 'admin',
    body: named('WebhookSettingsInput', webhookSettingsInputSchema),
    responses: { 200: { description: 'the settings as they are now', body: WebhookSettings } },
  }),
  getSms: defineRoute({
    method: 'get',
    path: '/settings/sms',
    operationId: 'getSmsSettings',
    summary: "How the account's automation SMS are sent (the auth token is never shown)",
    tag: 'settings',
    scope: 'admin',
    responses: { 200: { description: 'the settings', body: SmsSettings } },
  }),
  putSms: defineRoute({
    method: 'put',
    path: '/settings/sms',
    operationId: 'putSmsSettings',
    summary:
      'Send SMS through Twilio with the account\'s credentials, or record them in sms_outbox ("outbox")',
    tag: 'settings',
    scope: 'admin',
    body: named('SmsSettingsInput', smsSettingsInputSchema),
    responses: { 200: { description: 'the settings as they are now', body: SmsSettings } },
  }),
};
