import { Router } from 'express';
import type { Db } from '../../db/pool';
import { principalOf, requireScope } from '../middleware/authenticate';
import { parsed, validate } from '../middleware/validate';
import { contactListQuerySchema } from './list-schemas';
import { invalidField, readContactPage } from './list-service';

/** GET /contacts: the account's contacts filtered by score and tags, in keyset-paged order. */
export function contactListRouter({ db }: { db: Db }): Router {
  const router = Router();

  const list = { query: contactListQuerySchema };
  router.get('/contacts', requireScope('read'), validate(list), async (_req, res) => {
    const { cursor, limit, ...filter } = parsed(res, list).query;
    const page = await readContactPage(
      db,
      principalOf(res).accountId,
      filter,
      { cursor, limit },
      (profileId) => invalidField('query.profile', `profile "${profileId}" does not exist`),
    );
    res.json(page);
  });

  return router;
}
