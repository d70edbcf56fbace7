import { Router } from 'express';
import type { Db } from '../../db/pool';
import { createProfile, getProfile, listProfiles, publishProfile, setDraftRules } from '../../db/profiles';
import { HttpError } from '../http-error';
import { principalOf, requireScope } from '../middleware/authenticate';
import { parsed, validate } from '../middleware/validate';
import { createProfileSchema, draftRulesSchema, profileParamsSchema } from './schemas';

export function profilesRouter({ db }: { db: Db }): Router {
  const router = Router();

  router.get('/profiles', requireScope('read'), async (_req, res) => {
    res.json({ profiles: await listProfiles(db, principalOf(res).accountId) });
  });

  const create = { body: createProfileSchema };
  router.post('/profiles', requireScope('admin'), validate(create), async (_req, res) => {
    const { body } = parsed(res, create);
    const profile = await createProfile(db, principalOf(res).accountId, body);
    if (!profile) throw new HttpError(409, 'Conflict', `profile "${body.id}" already exists`);
    res.status(201).json(profile);
  });

  const one = { params: profileParamsSchema };
  router.get('/profiles/:profileId', requireScope('read'), validate(one), async (_req, res) => {
    const { profileId } = parsed(res, one).params;
    const profile = await getProfile(db, principalOf(res).accountId, profileId);
    if (!profile) throw HttpError.notFound(`profile "${profileId}"`);
    res.json(profile);
  });

  const draft = { params: profileParamsSchema, body: draftRulesSchema };
  router.put(
    '/profiles/:profileId/draft/rules',
    requireScope('admin'),
    validate(draft),
    async (_req, res) => {
      const { params, body } = parsed(res, draft);
      const profile = await setDraftRules(db, principalOf(res).accountId, params.profileId, body.rules);
      if (!profile) throw HttpError.notFound(`profile "${params.profileId}"`);
      res.json(profile);
    },
  );

  router.post('/profiles/:profileId/publish', requireScope('admin'), validate(one), async (_req, res) => {
    const { profileId } = parsed(res, one).params;
    const principal = principalOf(res);
    const version = await publishProfile(db, principal.accountId, profileId, principal.keyId);
    if (version === undefined) throw HttpError.notFound(`profile "${profileId}"`);
    res.status(201).json({ profileId, version });
  });

  return router;
}
