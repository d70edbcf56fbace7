import { findScoringProfile, listContactPage, type ContactSortKey } from '../../db/contact-queries';
import type { Queryable } from '../../db/pool';
import { HttpError } from '../http-error';
import { encodeCursor, type ContactListFilter, type ContactPage } from './list-schemas';

/** A 400 naming one field, shaped like the ones validation produces. */
export function invalidField(path: string, message: string): HttpError {
  return HttpError.field(path, message);
}

/**
 * Evaluates a filter now and returns one page of it. Shared by GET /contacts and smart lists, so
 * a list shows exactly what the same query would. `unknownProfile` says how to report a filter
 * naming a profile the account does not have (a bad query field, a stale saved list, ...).
 */
export async function readContactPage(
  db: Queryable,
  accountId: string,
  filter: ContactListFilter,
  page: { cursor?: ContactSortKey | undefined; limit: number },
  unknownProfile: (profileId: string) => HttpError,
): Promise<ContactPage> {
  const profile = await findScoringProfile(db, accountId, filter.profile);
  if (!profile && filter.profile !== undefined) throw unknownProfile(filter.profile);
  const { rows, hasMore } = await listContactPage(db, accountId, {
    profile: profile ?? null,
    filter: { minScore: filter.minScore, maxScore: filter.maxScore, empty: filter.empty, tags: filter.tag },
    sort: filter.sort,
    after: page.cursor,
    limit: page.limit,
  });
  const last = rows.at(-1);
  const nextKey: ContactSortKey | undefined =
    hasMore && last
      ? filter.sort === 'id'
        ? { sort: 'id', id: last.id }
        : { sort: filter.sort, score: last.score, id: last.id }
      : undefined;
  return {
    items: rows.map((row) => ({ ...row, profileId: profile?.id ?? null })),
    nextCursor: nextKey ? encodeCursor(nextKey) : null,
  };
}
