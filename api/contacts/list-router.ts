import { Router } from 'express';
import type { Db } from '../../db/pool';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { invalidField, readContactPage } from './list-service';
import { listContactsRoute } from './routes';

/** GET /contacts: the account's contacts filtered by score and tags, in keyset-paged order. */
export function contactListRouter({ db }: { db: Db }): Router {
  const router = Router();

  serve(router, listContactsRoute, async (_req, res) => {
    const { cursor, limit, ...filter } = parsed(res, listContactsRoute).query;
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
