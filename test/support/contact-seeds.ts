import { DEFAULT_RULES } from '../../domain/default-rules';
import { withTransaction, type Db } from '../../db/pool';
import type { TestAccount } from './harness';

/**
 * Fixture setup for list tests: contacts and contact_scores rows written straight to Postgres,
 * as the scoring activity would leave them. Scoring itself has its own tests (and one list test
 * goes through real interactions).
 */

export interface ContactSeed {
  id: string;
  name?: string;
  tags?: string[];
  /** Stored score for the profile; leave out for "no row" (0 once the profile is published). */
  score?: number;
}

export const aContact = (id: string, overrides: Omit<ContactSeed, 'id'> = {}): ContactSeed => ({
  id,
  name: `Contact ${id}`,
  ...overrides,
});

export async function seedContacts(
  db: Db,
  accountId: string,
  profileId: string,
  contacts: ContactSeed[],
): Promise<void> {
  for (const c of contacts) {
    await db.query('INSERT INTO contacts (account_id, id, name, email, tags) VALUES ($1, $2, $3, $4, $5)', [
      accountId,
      c.id,
      c.name ?? null,
      `${c.id}@example.com`,
      c.tags ?? [],
    ]);
    if (c.score !== undefined) await setScore(db, accountId, c.id, profileId, c.score);
  }
}

/**
 * What the scoring activity does when a contact's score changes, locks included: the contact row
 * first, as every score writer does, so this never deadlocks with the re-score a publish starts.
 */
export async function setScore(
  db: Db,
  accountId: string,
  contactId: string,
  profileId: string,
  score: number,
): Promise<void> {
  await withTransaction(db, async (tx) => {
    await tx.query('SELECT 1 FROM contacts WHERE account_id = $1 AND id = $2 FOR UPDATE', [
      accountId,
      contactId,
    ]);
    await tx.query(
      `INSERT INTO contact_scores (account_id, contact_id, profile_id, score, profile_version) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (account_id, contact_id, profile_id) DO UPDATE SET score = EXCLUDED.score, updated_at = now()`,
      [accountId, contactId, profileId, score],
    );
  });
}

/** A profile through the API, published unless asked not to; the account's first becomes its default. */
export async function aProfile(
  account: TestAccount,
  id = 'engagement',
  { published = true } = {},
): Promise<string> {
  const created = await account.call('POST', '/profiles', { id, name: id, rules: DEFAULT_RULES });
  if (created.status !== 201) {
    throw new Error(`creating profile ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  }
  if (published) {
    const publish = await account.call('POST', `/profiles/${id}/publish`);
    if (publish.status !== 201) throw new Error(`publishing profile ${id}: ${publish.status}`);
  }
  return id;
}

export type QueryValue = string | number | boolean | string[] | undefined;

export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export interface ListedContact {
  id: string;
  name: string | null;
  email: string | null;
  tags: string[];
  score: number | null;
  profileId: string | null;
}

/** Follows nextCursor (from query.cursor, if given) to the end and returns each page's items, failing on anything but 200. */
export async function allPages(
  account: TestAccount,
  path: string,
  query: Record<string, QueryValue> = {},
  key?: string,
): Promise<ListedContact[][]> {
  const pages: ListedContact[][] = [];
  let cursor = typeof query.cursor === 'string' ? query.cursor : undefined;
  do {
    const res = await account.call('GET', withQuery(path, { ...query, cursor }), undefined, key);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    pages.push(res.body.items);
    cursor = res.body.nextCursor ?? undefined;
    if (pages.length > 1000) throw new Error('paging does not end');
  } while (cursor);
  return pages;
}

/** [id, score] pairs: what most list assertions are about. */
export const idsAndScores = (items: ReadonlyArray<Pick<ListedContact, 'id' | 'score'>>) =>
  items.map((c) => [c.id, c.score] as const);
