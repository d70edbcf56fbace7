import type { Queryable } from './pool';
import { queryFirst } from './query';

export const CONTACT_SORTS = ['score_desc', 'score_asc', 'id'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

export interface ContactFilter {
  /** Inclusive bounds; an empty score is in no range. */
  minScore?: number | undefined;
  maxScore?: number | undefined;
  /** true: only empty scores; false: only non-empty ones. */
  empty?: boolean | undefined;
  /** The contact must carry every one of these tags. */
  tags?: readonly string[] | undefined;
}

/** Where a page ends: the last row's sort key. `score` is null for an empty score. */
export type ContactSortKey =
  { sort: 'id'; id: string } | { sort: 'score_desc' | 'score_asc'; score: number | null; id: string };

/**
 * The profile that scores a list. `published: false` (no live version yet) makes every score
 * empty; `null` means the account has no profile at all, which reads the same way.
 */
export interface ScoringProfile {
  id: string;
  published: boolean;
}

export interface ListedContact {
  id: string;
  name: string | null;
  email: string | null;
  tags: string[];
  /** null is "empty": no published version to score with. A published profile without a row for the contact means 0. */
  score: number | null;
}

/** The named profile, or the account's default one when no name is given; undefined if there is no such profile. */
export async function findScoringProfile(
  db: Queryable,
  accountId: string,
  profileId: string | undefined,
): Promise<ScoringProfile | undefined> {
  return queryFirst<ScoringProfile>(
    db,
    `SELECT id, live_version IS NOT NULL AS published FROM score_profiles
     WHERE account_id = $1 AND CASE WHEN $2::text IS NULL THEN is_default ELSE id = $2 END`,
    [accountId, profileId ?? null],
  );
}

/**
 * One page of an account's contacts in the total order (empty scores last, then sort key, then
 * contact id ascending), strictly after `after`. Returns up to `limit` rows and whether more follow.
 *
 * A published profile stores rows only for contacts it has scored; the rest score 0. So a score
 * sort reads two index-ordered streams, each cut at the page size, and merges them:
 *  - scored contacts from contact_scores, through contact_scores_by_score (asc) or
 *    contact_scores_by_score_desc (desc), starting at the cursor with one row comparison;
 *  - unscored contacts (score 0) from the contacts primary key, anti-joined with contact_scores.
 * Both run in one statement, hence one snapshot: a contact is in exactly one of them.
 */
export async function listContactPage(
  db: Queryable,
  accountId: string,
  opts: {
    profile: ScoringProfile | null;
    filter: ContactFilter;
    sort: ContactSort;
    after?: ContactSortKey | undefined;
    limit: number;
  },
): Promise<{ rows: ListedContact[]; hasMore: boolean }> {
  const { profile, sort, limit } = opts;
  const page: PageQuery = { ...opts, accountId, profileId: profile?.id ?? '', fetch: limit + 1 };
  const query = profile?.published
    ? sort === 'id'
      ? publishedById(page)
      : publishedByScore({ ...page, sort })
    : allEmpty(page);
  if (!query) return { rows: [], hasMore: false };
  // Unnamed (db/prepared-statements.ts names only the (text, values) form): each page is planned
  // for its own score bounds and cursor, which a reused generic plan cannot see.
  const { rows } = await db.query<ListedContact>({ text: query.text, values: query.values });
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

interface Sql {
  text: string;
  values: unknown[];
}

/** One page's request, as each query shape reads it; `fetch` is one more than the page holds. */
interface PageQuery {
  accountId: string;
  profileId: string;
  filter: ContactFilter;
  after?: ContactSortKey | undefined;
  fetch: number;
}

/** Collects values and hands out their $n placeholders. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const contactColumns = 'c.id, c.name, c.email, c.tags';

function tagCondition(p: Params, filter: ContactFilter): string {
  return filter.tags?.length ? ` AND c.tags @> ${p.add(filter.tags)}::text[]` : '';
}

/** No published profile: every score is empty, so the order is the contact id in every sort. */
function allEmpty({ accountId, filter, after, fetch }: PageQuery): Sql | undefined {
  const wantsScores =
    filter.empty === false || filter.minScore !== undefined || filter.maxScore !== undefined;
  if (wantsScores) return undefined;
  // A cursor on a non-empty score sits before every empty one: the empty tier starts afresh.
  const afterId = after && (after.sort === 'id' || after.score === null) ? after.id : undefined;
  const p = new Params();
  const text = `SELECT ${contactColumns}, NULL::integer AS score FROM contacts c
    WHERE c.account_id = ${p.add(accountId)}${afterId === undefined ? '' : ` AND c.id > ${p.add(afterId)}`}${tagCondition(p, filter)}
    ORDER BY c.id LIMIT ${p.add(fetch)}`;
  return { text, values: p.values };
}

/** Published, ordered by contact id: the primary key drives; the score comes along (missing row = 0). */
function publishedById({ accountId, profileId, filter, after, fetch }: PageQuery): Sql | undefined {
  if (filter.empty === true) return undefined;
  const p = new Params();
  const conditions = [`c.account_id = ${p.add(accountId)}`];
  const profile = p.add(profileId);
  // Repeated on the joined side, where the planner does not infer it, so the merge join starts at the cursor.
  const afterId = after ? p.add(after.id) : undefined;
  if (afterId) conditions.push(`c.id > ${afterId}`);
  if (filter.minScore !== undefined) conditions.push(`COALESCE(s.score, 0) >= ${p.add(filter.minScore)}`);
  if (filter.maxScore !== undefined) conditions.push(`COALESCE(s.score, 0) <= ${p.add(filter.maxScore)}`);
  const text = `SELECT ${contactColumns}, COALESCE(s.score, 0) AS score
    FROM contacts c
    LEFT JOIN contact_scores s ON s.account_id = c.account_id AND s.contact_id = c.id AND s.profile_id = ${profile}${afterId ? ` AND s.contact_id > ${afterId}` : ''}
    WHERE ${conditions.join(' AND ')}${tagCondition(p, filter)}
    ORDER BY c.id LIMIT ${p.add(fetch)}`;
  return { text, values: p.values };
}

/**
 * Published, ordered by score. Works on the sort key k = score (asc) or -score (desc), so that both
 * orders are "k ascending, then contact id ascending" and a cursor is one row comparison.
 */
function publishedByScore({
  accountId,
  profileId,
  filter,
  sort,
  after,
  fetch,
}: PageQuery & { sort: 'score_desc' | 'score_asc' }): Sql | undefined {
  if (filter.empty === true) return undefined;
  const afterScore = after && after.sort !== 'id' ? after.score : undefined;
  // Every score is non-empty, so nothing follows a cursor in the empty tier.
  if (afterScore === null) return undefined;
  const desc = sort === 'score_desc';
  // Must match the indexed expressions exactly for the planner to use them.
  const key = desc ? '(- s.score::bigint)' : 's.score';
  const toKey = (score: number) => (desc ? -score : score);
  // In key terms the score range [min, max] becomes [lo, hi].
  const lo = desc ? (filter.maxScore === undefined ? undefined : -filter.maxScore) : filter.minScore;
  const hi = desc ? (filter.minScore === undefined ? undefined : -filter.minScore) : filter.maxScore;
  const afterKey = afterScore === undefined ? undefined : toKey(afterScore);

  const p = new Params();
  const account = p.add(accountId);
  const profile = p.add(profileId);
  const limit = p.add(fetch);
  const tags = tagCondition(p, filter);

  const scored = [`s.account_id = ${account}`, `s.profile_id = ${profile}`];
  if (afterKey !== undefined) {
    scored.push(`(${key}, s.contact_id) > (${p.add(afterKey)}::bigint, ${p.add(after!.id)}::text)`);
  }
  if (lo !== undefined) scored.push(`${key} >= ${p.add(lo)}::bigint`);
  if (hi !== undefined) scored.push(`${key} <= ${p.add(hi)}::bigint`);
  const branches = [
    `(SELECT ${contactColumns}, s.score, ${key} AS sort_key
      FROM contact_scores s JOIN contacts c ON c.account_id = s.account_id AND c.id = s.contact_id
      WHERE ${scored.join(' AND ')}${tags}
      ORDER BY ${key}, s.contact_id LIMIT ${limit})`,
  ];

  // Unscored contacts all have key 0: in range or not, before the cursor, at it, or after it.
  const zeroInRange = (lo === undefined || lo <= 0) && (hi === undefined || hi >= 0);
  const zeroAfterCursor = afterKey === undefined || afterKey <= 0;
  if (zeroInRange && zeroAfterCursor) {
    const afterId = afterKey === 0 ? p.add(after!.id) : undefined;
    branches.push(`(SELECT ${contactColumns}, 0 AS score, 0::bigint AS sort_key
      FROM contacts c
      WHERE c.account_id = ${account}${afterId ? ` AND c.id > ${afterId}` : ''}${tags}
        AND NOT EXISTS (SELECT 1 FROM contact_scores s
                        WHERE s.account_id = c.account_id AND s.contact_id = c.id AND s.profile_id = ${profile}${afterId ? ` AND s.contact_id > ${afterId}` : ''})
      ORDER BY c.id LIMIT ${limit})`);
  }
  const text = `SELECT id, name, email, tags, score FROM (${branches.join(' UNION ALL ')}) page
    ORDER BY sort_key, id LIMIT ${limit}`;
  return { text, values: p.values };
}
