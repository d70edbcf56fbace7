import { Router } from 'express';
import type { Db } from '../../db/pool';
import { getProfile } from '../../db/profiles';
import { deleteTrigger, getTrigger, listTriggers, saveTrigger } from '../../db/triggers';
import type { Trigger } from '../../domain/trigger';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { validateAutomationReference } from './automation-reference';
import { triggerRoutes as routes } from './routes';

export function triggersRouter({ db, taskQueue }: { db: Db; taskQueue: string }): Router {
  const router = Router();

  async function checkReferences(accountId: string, trigger: Trigger): Promise<void> {
    if (!(await getProfile(db, accountId, trigger.profileId))) {
      throw HttpError.field('body.profileId', `profile "${trigger.profileId}" does not exist`);
    }
    validateAutomationReference(trigger, taskQueue);
  }

  serve(router, routes.list, async (_req, res) => {
    res.json({ triggers: await listTriggers(db, principalOf(res).accountId) });
  });

  serve(router, routes.create, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { body } = parsed(res, routes.create);
    await checkReferences(accountId, body);
    if (await getTrigger(db, accountId, body.id))
      throw new HttpError(409, 'Conflict', `trigger "${body.id}" already exists`);
    res.status(201).json((await saveTrigger(db, accountId, body)).record);
  });

  serve(router, routes.get, async (_req, res) => {
    const { triggerId } = parsed(res, routes.get).params;
    const record = await getTrigger(db, principalOf(res).accountId, triggerId);
    if (!record) throw HttpError.notFound(`trigger "${triggerId}"`);
    res.json(record);
  });

  serve(router, routes.replace, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params: p, body } = parsed(res, routes.replace);
    if (body.id !== p.triggerId) {
      throw HttpError.field('body.id', 'must equal the id in the path');
    }
    await checkReferences(accountId, body);
    const { record, created } = await saveTrigger(db, accountId, body);
    res.status(created ? 201 : 200).json(record);
  });

  serve(router, routes.pause, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params: p, body } = parsed(res, routes.pause);
    const record = await getTrigger(db, accountId, p.triggerId);
    if (!record) throw HttpError.notFound(`trigger "${p.triggerId}"`);
    res.json(
      (await saveTrigger(db, accountId, { ...record.trigger, paused: body.paused }, record.source)).record,
    );
  });

  serve(router, routes.delete, async (_req, res) => {
    const { triggerId } = parsed(res, routes.delete).params;
    if (!(await deleteTrigger(db, principalOf(res).accountId, triggerId)))
      throw HttpError.notFound(`trigger "${triggerId}"`);
    res.status(204).end();
  });

  return router;
}
