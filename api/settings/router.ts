import { Router } from 'express';
import { newWebhookSecret } from '../../activities/webhooks/signature';
import type { Db } from '../../db/pool';
import { readSmsSettings, saveSmsSettings, type SmsSettings } from '../../db/sms-settings';
import { ensureWebhookSettings, saveWebhookSettings, type WebhookSettings } from '../../db/webhook-settings';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { settingsRoutes as routes } from './routes';

export function settingsRouter({ db }: { db: Db }): Router {
  const router = Router();

  serve(router, routes.getWebhook, async (_req, res) => {
    res.json(presentWebhook(await ensureWebhookSettings(db, principalOf(res).accountId, newWebhookSecret())));
  });

  serve(router, routes.putWebhook, async (_req, res) => {
    const { url, rotateSecret } = parsed(res, routes.putWebhook).body;
    const settings = await saveWebhookSettings(db, principalOf(res).accountId, {
      url,
      rotateTo: rotateSecret ? newWebhookSecret() : undefined,
      newSecret: newWebhookSecret(),
    });
    res.json(presentWebhook(settings));
  });

  serve(router, routes.getSms, async (_req, res) => {
    res.json(presentSms(await readSmsSettings(db, principalOf(res).accountId)));
  });

  serve(router, routes.putSms, async (_req, res) => {
    const settings = parsed(res, routes.putSms).body;
    await saveSmsSettings(db, principalOf(res).accountId, settings);
    res.json(presentSms(settings));
  });

  return router;
}

function presentWebhook({ url, secret, updatedAt }: WebhookSettings) {
  return { url, secret, updatedAt: new Date(updatedAt).toISOString() };
}

function presentSms(settings: SmsSettings) {
  return settings.provider === 'twilio'
    ? { provider: settings.provider, accountSid: settings.accountSid, fromNumber: settings.fromNumber }
    : { provider: settings.provider };
}
