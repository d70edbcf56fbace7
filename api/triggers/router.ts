import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/pool';
import { getProfile } from '../../db/profiles';
import { deleteTrigger, getTrigger, listTriggers, saveTrigger } from '../../db/triggers';
import { entityIdSchema } from '../../domain/ids';
import { triggerSchema, type Trigger } from '../../domain/trigger';
import { HttpError } from '../http-error';
import { principalOf, requireScope } from '../middleware/authenticate';
import { parsed, validate } from '../middleware/validate';
import { validateAutomationReference } from './automation-reference';

export const triggerParamsSchema = z.strictObject({ triggerId: entityIdSchema });
export const pauseTriggerSchema = z.strictObject({ paused: z.boolean() });
const params = triggerParamsSchema;
const pauseBody = pauseTriggerSchema;

export function triggersRouter({ db }: { db: Db }): Router {
  const router = Router();

  async function checkReferences(accountId: string, trigger: Trigger): Promise<void> {
    if (!(await getProfile(db, accountId, trigger.profileId))) {
      throw new HttpError(
        400,
        'Invalid request',
        `body.profileId: profile "${trigger.profileId}" does not exist`,
        [{ path: 'body.profileId', message: `profile "${trigger.profileId}" does not exist` }],
      );
    }
    validateAutomationReference(trigger);
  }

  router.get('/triggers', requireScope('read'), async (_req, res) => {
    res.json({ triggers: await listTriggers(db, principalOf(res).accountId) });
  });

  const create = { body: triggerSchema };
  router.post('/triggers', requireScope('admin'), validate(create), async (_req, res) => {
    const { accountId } = principalOf(res);
    const { body } = parsed(res, create);
    await checkReferences(accountId, body);
    if (await getTrigger(db, accountId, body.id))
      throw new HttpError(409, 'Conflict', `trigger "${body.id}" already exists`);
    res.status(201).json((await saveTrigger(db, accountId, body)).record);
  });

  const one = { params };
  router.get('/triggers/:triggerId', requireScope('read'), validate(one), async (_req, res) => {
    const { triggerId } = parsed(res, one).params;
    const record = await getTrigger(db, principalOf(res).accountId, triggerId);
    if (!record) throw HttpError.notFound(`trigger "${triggerId}"`);
    res.json(record);
  });

  const replace = { params, body: triggerSchema };
  router.put('/triggers/:triggerId', requireScope('admin'), validate(replace), async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params: p, body } = parsed(res, replace);
    if (body.id !== p.triggerId) {
      throw new HttpError(400, 'Invalid request', 'body.id: must equal the id in the path', [
        { path: 'body.id', message: 'must equal the id in the path' },
      ]);
    }
    await checkReferences(accountId, body);
    const { record, created } = await saveTrigger(db, accountId, body);
    res.status(created ? 201 : 200).json(record);
  });

  const pause = { params, body: pauseBody };
  router.patch('/triggers/:triggerId', requireScope('admin'), validate(pause), async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params: p, body } = parsed(res, pause);
    const record = await getTrigger(db, accountId, p.triggerId);
    if (!record) throw HttpError.notFound(`trigger "${p.triggerId}"`);
    res.json(
      (await saveTrigger(db, accountId, { ...record.trigger, paused: body.paused }, record.source)).record,
    );
  });

  router.delete('/triggers/:triggerId', requireScope('admin'), validate(one), async (_req, res) => {
    const { triggerId } = parsed(res, one).params;
    if (!(await deleteTrigger(db, principalOf(res).accountId, triggerId)))
      throw HttpError.notFound(`trigger "${triggerId}"`);
    res.status(204).end();
  });

  return router;
}
