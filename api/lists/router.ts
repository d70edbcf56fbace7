import { Router } from 'express';
import type { Db, Queryable } from '../../db/pool';
import { findScoringProfile } from '../../db/contact-queries';
import {
  createSmartList,
  deleteSmartList,
  getSmartList,
  listSmartLists,
  updateSmartList,
  type SmartListRecord,
} from '../../db/smart-lists';
import { contactFilterSchema, cursorSortProblem, type ContactListFilter } from '../contacts/list-schemas';
import { invalidField, readContactPage } from '../contacts/list-service';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { listRoutes as routes } from './routes';

/** Smart lists: named, saved contact filters whose members are computed when asked for. */
export function listsRouter({ db }: { db: Db }): Router {
  const router = Router();

  serve(router, routes.list, async (_req, res) => {
    const lists = await listSmartLists(db, principalOf(res).accountId);
    res.json({ lists: lists.map(present) });
  });

  serve(router, routes.create, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { name, filter } = parsed(res, routes.create).body;
    await requireProfile(db, accountId, filter);
    const list = await createSmartList(db, accountId, { name, filter });
    if (!list) throw nameTaken(name);
    res.status(201).location(`/lists/${list.id}`).json(present(list));
  });

  serve(router, routes.get, async (_req, res) => {
    const { listId } = parsed(res, routes.get).params;
    res.json(present(await findList(db, principalOf(res).accountId, listId)));
  });

  serve(router, routes.update, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params, body } = parsed(res, routes.update);
    if (body.filter) await requireProfile(db, accountId, body.filter);
    const list = await updateSmartList(db, accountId, params.listId, body);
    if (list === 'name-taken') throw nameTaken(body.name!);
    if (!list) throw HttpError.notFound(`list "${params.listId}"`);
    res.json(present(list));
  });

  serve(router, routes.delete, async (_req, res) => {
    const { listId } = parsed(res, routes.delete).params;
    const deleted = await deleteSmartList(db, principalOf(res).accountId, listId);
    if (!deleted) throw HttpError.notFound(`list "${listId}"`);
    res.status(204).end();
  });

  serve(router, routes.members, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params, query } = parsed(res, routes.members);
    const { filter } = present(await findList(db, accountId, params.listId));
    // The list's sort may have been changed since the cursor was issued.
    const problem = cursorSortProblem(query.cursor, filter.sort);
    if (problem) throw invalidField('query.cursor', problem);
    const page = await readContactPage(
      db,
      accountId,
      filter,
      query,
      (profileId) =>
        new HttpError(
          409,
          'Conflict',
          `list "${params.listId}" filters on profile "${profileId}", which no longer exists`,
        ),
    );
    res.json(page);
  });

  return router;
}

async function findList(db: Queryable, accountId: string, listId: string): Promise<SmartListRecord> {
  const list = await getSmartList(db, accountId, listId);
  if (!list) throw HttpError.notFound(`list "${listId}"`);
  return list;
}

/** Stored filters went through contactFilterSchema on the way in; parsing again fills defaults added since. */
function present(list: SmartListRecord): SmartListRecord<ContactListFilter> {
  return { ...list, filter: contactFilterSchema.parse(list.filter) };
}

async function requireProfile(db: Queryable, accountId: string, filter: ContactListFilter): Promise<void> {
  if (filter.profile !== undefined && !(await findScoringProfile(db, accountId, filter.profile))) {
    throw invalidField('body.filter.profile', `profile "${filter.profile}" does not exist`);
  }
}

const nameTaken = (name: string) => new HttpError(409, 'Conflict', `a list named "${name}" already exists`);
