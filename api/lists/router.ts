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
import {
  contactFilterSchema,
  contactPageQuerySchema,
  cursorSortProblem,
  type ContactListFilter,
} from '../contacts/list-schemas';
import { invalidField, readContactPage } from '../contacts/list-service';
import { HttpError } from '../http-error';
import { principalOf, requireScope } from '../middleware/authenticate';
import { parsed, validate } from '../middleware/validate';
import { createSmartListSchema, smartListParamsSchema, updateSmartListSchema } from './schemas';

/** Smart lists: named, saved contact filters whose members are computed when asked for. */
export function listsRouter({ db }: { db: Db }): Router {
  const router = Router();

  router.get('/lists', requireScope('read'), async (_req, res) => {
    const lists = await listSmartLists(db, principalOf(res).accountId);
    res.json({ lists: lists.map(present) });
  });

  const create = { body: createSmartListSchema };
  router.post('/lists', requireScope('write'), validate(create), async (_req, res) => {
    const { accountId } = principalOf(res);
    const { name, filter } = parsed(res, create).body;
    await requireProfile(db, accountId, filter);
    const list = await createSmartList(db, accountId, { name, filter });
    if (!list) throw nameTaken(name);
    res.status(201).location(`/lists/${list.id}`).json(present(list));
  });

  const one = { params: smartListParamsSchema };
  router.get('/lists/:listId', requireScope('read'), validate(one), async (_req, res) => {
    const { listId } = parsed(res, one).params;
    res.json(present(await findList(db, principalOf(res).accountId, listId)));
  });

  const update = { params: smartListParamsSchema, body: updateSmartListSchema };
  router.patch('/lists/:listId', requireScope('write'), validate(update), async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params, body } = parsed(res, update);
    if (body.filter) await requireProfile(db, accountId, body.filter);
    const list = await updateSmartList(db, accountId, params.listId, body);
    if (list === 'name-taken') throw nameTaken(body.name!);
    if (!list) throw HttpError.notFound(`list "${params.listId}"`);
    res.json(present(list));
  });

  router.delete('/lists/:listId', requireScope('write'), validate(one), async (_req, res) => {
    const { listId } = parsed(res, one).params;
    const deleted = await deleteSmartList(db, principalOf(res).accountId, listId);
    if (!deleted) throw HttpError.notFound(`list "${listId}"`);
    res.status(204).end();
  });

  const members = { params: smartListParamsSchema, query: contactPageQuerySchema };
  router.get('/lists/:listId/contacts', requireScope('read'), validate(members), async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params, query } = parsed(res, members);
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
