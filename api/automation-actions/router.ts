import { Router } from 'express';
import { listContactActions } from '../../db/action-log';
import { getContact } from '../../db/contacts';
import type { Db } from '../../db/pool';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { automationActionRoutes as routes } from './routes';

export function automationActionsRouter({ db }: { db: Db }): Router {
  const router = Router();
  serve(router, routes.list, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params, query } = parsed(res, routes.list);
    if (!(await getContact(db, accountId, params.contactId)))
      throw HttpError.notFound(`contact "${params.contactId}"`);
    const rows = await listContactActions(db, accountId, params.contactId, query.limit);
    res.json({
      items: rows.map(({ accountId: _a, contactId: _c, claimedAt: _at, ...row }) => ({
        ...row,
        createdAt: new Date(row.createdAt).toISOString(),
        updatedAt: new Date(row.updatedAt).toISOString(),
      })),
    });
  });
  return router;
}
