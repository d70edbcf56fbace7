import { anInteraction } from '../support/builders';
import {
  aContact,
  allPages,
  aProfile,
  idsAndScores,
  seedContacts,
  setScore,
  withQuery,
  type ContactSeed,
  type QueryValue,
} from '../support/contact-seeds';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** An account with a published default profile "engagement" and these contacts scored in it. */
async function accountWith(contacts: ContactSeed[]): Promise<TestAccount> {
  const account = await h.newAccount();
  await aProfile(account);
  await seedContacts(h.db, account.accountId, 'engagement', contacts);
  return account;
}

async function list(account: TestAccount, query: Record<string, QueryValue> = {}) {
  const res = await account.call('GET', withQuery('/contacts', query));
  expect(res.status).toBe(200);
  return res.body as {
    items: Array<{ id: string; score: number | null; profileId: string | null; tags: string[] }>;
    nextCursor: string | null;
  };
}

async function listPairs(account: TestAccount, query: Record<string, QueryValue> = {}) {
  return idsAndScores((await allPages(account, '/contacts', query)).flat());
}

async function badRequest(account: TestAccount, query: Record<string, QueryValue>): Promise<string[]> {
  const res = await account.call('GET', withQuery('/contacts', query));
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  return res.body.errors.map((e: { path: string }) => e.path);
}

/** Scores chosen so ties, unscored contacts (0) and negatives all show up. */
const rankedContacts = () => [
  aContact('c01', { score: 10, tags: ['vip', 'customer'] }),
  aContact('c02', { score: 30, tags: ['vip'] }),
  aContact('c03', { score: 10, tags: ['customer'] }),
  aContact('c04', { tags: ['vip', 'customer', 'trial'] }),
  aContact('c05', { score: -5 }),
];

describe('GET /contacts', () => {
  it('when sorted by score, then the highest comes first, ties go by contact id, and a contact the profile never scored counts as 0', async () => {
    const account = await accountWith(rankedContacts());
    const page = await list(account);
    expect(idsAndScores(page.items)).toEqual([
      ['c02', 30],
      ['c01', 10],
      ['c03', 10],
      ['c04', 0],
      ['c05', -5],
    ]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toEqual({
      id: 'c02',
      name: 'Contact c02',
      email: 'c02@example.com',
      tags: ['vip'],
      score: 30,
      profileId: 'engagement',
    });
  });

  it('when sorted by score ascending or by id, then the order follows, with ties still by contact id ascending', async () => {
    const account = await accountWith(rankedContacts());
    expect(idsAndScores((await list(account, { sort: 'score_asc' })).items)).toEqual([
      ['c05', -5],
      ['c04', 0],
      ['c01', 10],
      ['c03', 10],
      ['c02', 30],
    ]);
    expect((await list(account, { sort: 'id' })).items.map((c) => c.id)).toEqual([
      'c01',
      'c02',
      'c03',
      'c04',
      'c05',
    ]);
  });

  it('when minScore and maxScore are given, then only scores inside the inclusive range are listed, unscored contacts as 0', async () => {
    const account = await accountWith(rankedContacts());
    expect(await listPairs(account, { minScore: 0, maxScore: 10 })).toEqual([
      ['c01', 10],
      ['c03', 10],
      ['c04', 0],
    ]);
    expect(await listPairs(account, { minScore: 11 })).toEqual([['c02', 30]]);
    expect(await listPairs(account, { maxScore: -1, sort: 'score_asc' })).toEqual([['c05', -5]]);
    expect(await listPairs(account, { minScore: 10, maxScore: 10, sort: 'id' })).toEqual([
      ['c01', 10],
      ['c03', 10],
    ]);
    expect(await listPairs(account, { minScore: 1, sort: 'id' })).toEqual([
      ['c01', 10],
      ['c02', 30],
      ['c03', 10],
    ]);
  });

  it('when tags are given, repeated or comma-separated, then a contact must carry all of them', async () => {
    const account = await accountWith(rankedContacts());
    const ids = async (query: Record<string, QueryValue>) =>
      (await listPairs(account, { sort: 'id', ...query })).map(([id]) => id);
    expect(await ids({ tag: 'vip' })).toEqual(['c01', 'c02', 'c04']);
    expect(await ids({ tag: 'vip,customer' })).toEqual(['c01', 'c04']);
    expect(await ids({ tag: ['vip', 'customer'] })).toEqual(['c01', 'c04']);
    expect(await ids({ tag: ['vip', 'customer,trial'] })).toEqual(['c04']);
    expect(await ids({ tag: 'nobody-has-this' })).toEqual([]);
    expect(await listPairs(account, { tag: 'customer', minScore: 1 })).toEqual([
      ['c01', 10],
      ['c03', 10],
    ]);
  });

  it('when empty=false or empty=true is given for a published profile, then every contact has a score and none is empty', async () => {
    const account = await accountWith(rankedContacts());
    expect(await listPairs(account, { empty: false, sort: 'id' })).toHaveLength(5);
    expect(await listPairs(account, { empty: true })).toEqual([]);
  });

  it('when the profile is not published, then every score is empty (null): empty=true lists everyone by id, empty=false and score ranges no one', async () => {
    const account = await h.newAccount();
    await aProfile(account, 'engagement');
    await aProfile(account, 'draft', { published: false });
    await seedContacts(h.db, account.accountId, 'engagement', rankedContacts());

    for (const sort of ['score_desc', 'score_asc', 'id']) {
      const page = await list(account, { profile: 'draft', sort });
      expect(idsAndScores(page.items)).toEqual([
        ['c01', null],
        ['c02', null],
        ['c03', null],
        ['c04', null],
        ['c05', null],
      ]);
      expect(page.items.every((c) => c.profileId === 'draft')).toBe(true);
    }
    expect(await listPairs(account, { profile: 'draft', empty: true, tag: 'vip' })).toEqual([
      ['c01', null],
      ['c02', null],
      ['c04', null],
    ]);
    expect(await listPairs(account, { profile: 'draft', empty: false })).toEqual([]);
    expect(await listPairs(account, { profile: 'draft', minScore: -100 })).toEqual([]);
    // The default profile is still the published one.
    expect((await list(account)).items[0]).toMatchObject({ id: 'c02', score: 30, profileId: 'engagement' });
  });

  it('when the account has no profile at all, then contacts are listed with empty scores and no profile', async () => {
    const account = await h.newAccount();
    await seedContacts(h.db, account.accountId, 'unused', [aContact('c01'), aContact('c02')]);
    const page = await list(account);
    expect(page.items.map(({ id, score, profileId }) => ({ id, score, profileId }))).toEqual([
      { id: 'c01', score: null, profileId: null },
      { id: 'c02', score: null, profileId: null },
    ]);
  });

  it('when paging with a limit in each sort, then the pages together are the whole ordered list, and the last page has no nextCursor', async () => {
    const contacts = Array.from({ length: 13 }, (_, i) =>
      aContact(`c${String(i + 1).padStart(2, '0')}`, i % 4 === 3 ? {} : { score: (i * 7) % 5 }),
    );
    const account = await accountWith(contacts);
    for (const sort of ['score_desc', 'score_asc', 'id']) {
      const whole = (await list(account, { sort, limit: 200 })).items.map((c) => c.id);
      expect(whole).toHaveLength(13);
      const pages = await allPages(account, '/contacts', { sort, limit: 3 });
      expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 3, 1]);
      expect(pages.flat().map((c) => c.id)).toEqual(whole);
    }
    const first = await list(account, { limit: 13 });
    expect(first.nextCursor).toBeNull();
  });

  it('when no limit is given, then a page holds 50 contacts', async () => {
    const account = await accountWith(
      Array.from({ length: 51 }, (_, i) => aContact(`c${String(i).padStart(3, '0')}`, { score: i })),
    );
    const page = await list(account);
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect((await list(account, { cursor: page.nextCursor! })).items.map((c) => c.id)).toEqual(['c000']);
  });

  describe('paging while the data changes', () => {
    /**
     * The guarantee: each page holds the rows whose *current* sort key comes after the last key of
     * the previous page. So a contact whose score does not change is listed exactly once, whatever
     * is inserted or rescored meanwhile; a new contact shows up if it sorts after the cursor; a
     * contact whose score changes is listed at every position it holds when a page reaches it:
     * again if it moved past the cursor, not at all if it moved behind it.
     */
    it('when contacts are inserted and rescored between pages (score_desc), then unchanged contacts are listed exactly once and keys only move forward', async () => {
      const scores: Array<[string, number | undefined]> = [
        ['c01', 100],
        ['c02', 90],
        ['c03', 80],
        ['c04', 70],
        ['c05', 60],
        ['c06', 50],
        ['c07', 40],
        ['c08', 30],
        ['c09', 20],
        ['c10', 10],
        ['c11', undefined],
        ['c12', -10],
      ];
      const account = await accountWith(
        scores.map(([id, score]) => aContact(id, score === undefined ? {} : { score })),
      );
      const { accountId } = account;

      const first = await list(account, { limit: 4 });
      expect(idsAndScores(first.items)).toEqual([
        ['c01', 100],
        ['c02', 90],
        ['c03', 80],
        ['c04', 70],
      ]);

      // Between pages: the cursor is at (70, c04).
      await seedContacts(h.db, accountId, 'engagement', [
        aContact('c20', { score: 95 }), // sorts before the cursor: never listed
        aContact('c03b', { score: 70 }), // same score as the cursor, lower id: before it
        aContact('c04b', { score: 70 }), // same score, higher id: after it
        aContact('c21', { score: 55 }),
        aContact('c22'), // no score row: 0
      ]);
      await setScore(h.db, accountId, 'c02', 'engagement', 35); // already listed, moves past the cursor: listed again
      await setScore(h.db, accountId, 'c09', 'engagement', 85); // not yet listed, moves behind the cursor: skipped
      await setScore(h.db, accountId, 'c06', 'engagement', 45); // moves, but stays ahead of the cursor: listed once

      const rest: Array<readonly [string, number | null]> = [];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await list(account, { limit: 4, cursor });
        rest.push(...idsAndScores(page.items));
        cursor = page.nextCursor;
      }
      expect(rest).toEqual([
        ['c04b', 70],
        ['c05', 60],
        ['c21', 55],
        ['c06', 45],
        ['c07', 40],
        ['c02', 35],
        ['c08', 30],
        ['c10', 10],
        ['c11', 0],
        ['c22', 0],
        ['c12', -10],
      ]);

      const seen = [...idsAndScores(first.items), ...rest];
      const unchanged = ['c01', 'c03', 'c04', 'c05', 'c07', 'c08', 'c10', 'c11', 'c12'];
      for (const id of unchanged) expect(seen.filter(([s]) => s === id)).toHaveLength(1);
      // Keys as listed are strictly decreasing in (score desc, id asc) order: no row is listed behind the cursor.
      for (let i = 1; i < seen.length; i++) {
        const [prevId, prevScore] = seen[i - 1]!;
        const [id, score] = seen[i]!;
        expect(score! < prevScore! || (score === prevScore && id > prevId)).toBe(true);
      }
    });

    it('when contacts are inserted and rescored between pages (sort=id), then every contact that existed is listed exactly once', async () => {
      const account = await accountWith(
        Array.from({ length: 9 }, (_, i) => aContact(`c${i + 1}0`, { score: i })),
      );
      const first = await list(account, { sort: 'id', limit: 3 });
      expect(first.items.map((c) => c.id)).toEqual(['c10', 'c20', 'c30']);

      await seedContacts(h.db, account.accountId, 'engagement', [
        aContact('c05', { score: 1 }),
        aContact('c55', { score: 1 }),
      ]);
      await setScore(h.db, account.accountId, 'c10', 'engagement', 99);
      await setScore(h.db, account.accountId, 'c80', 'engagement', -99);

      const rest = (
        await allPages(account, '/contacts', { sort: 'id', limit: 3, cursor: first.nextCursor! })
      ).flat();
      expect(idsAndScores(rest)).toEqual([
        ['c40', 3],
        ['c50', 4],
        ['c55', 1],
        ['c60', 5],
        ['c70', 6],
        ['c80', -99],
        ['c90', 8],
      ]);
    });

    it('when the profile is published between pages, then a cursor among the empty scores (which sort last) has nothing after it', async () => {
      const account = await h.newAccount();
      await aProfile(account, 'engagement', { published: false });
      await seedContacts(h.db, account.accountId, 'engagement', [
        aContact('c01'),
        aContact('c02'),
        aContact('c03'),
      ]);
      const first = await list(account, { limit: 2 });
      expect(idsAndScores(first.items)).toEqual([
        ['c01', null],
        ['c02', null],
      ]);

      expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
      // Every contact now has a score (0), and every score sorts before the empty tier the cursor is in.
      const next = await list(account, { limit: 2, cursor: first.nextCursor! });
      expect(next).toEqual({ items: [], nextCursor: null });
      expect(await listPairs(account)).toEqual([
        ['c01', 0],
        ['c02', 0],
        ['c03', 0],
      ]);
    });
  });

  it('when the cursor is garbled, forged, or from another sort, then it answers 400 naming query.cursor', async () => {
    const account = await accountWith(rankedContacts());
    const byId = await list(account, { sort: 'id', limit: 1 });
    const forged = Buffer.from(JSON.stringify({ sort: 'score_desc', score: 'ten', id: 'c01' })).toString(
      'base64url',
    );
    for (const cursor of [
      'not-a-cursor',
      forged,
      Buffer.from('[1,2]').toString('base64url'),
      byId.nextCursor!,
    ]) {
      expect(await badRequest(account, { cursor })).toEqual(['query.cursor']);
    }
  });

  it('when a query parameter is malformed or unknown, then it answers 400 naming it', async () => {
    const account = await accountWith(rankedContacts());
    const cases: Array<[Record<string, QueryValue>, string]> = [
      [{ limit: 0 }, 'query.limit'],
      [{ limit: 201 }, 'query.limit'],
      [{ limit: 'ten' }, 'query.limit'],
      [{ minScore: '' }, 'query.minScore'],
      [{ minScore: '1.5' }, 'query.minScore'],
      [{ minScore: 10, maxScore: 5 }, 'query.maxScore'],
      [{ empty: 'yes' }, 'query.empty'],
      [{ sort: 'name' }, 'query.sort'],
      [{ tag: 'vip,,customer' }, 'query.tag.1'],
      [{ profile: 'no such profile!' }, 'query.profile'],
      [{ profile: 'missing' }, 'query.profile'],
    ];
    for (const [query, path] of cases)
      expect([query, await badRequest(account, query)]).toEqual([query, [path]]);

    const unknown = await account.call('GET', '/contacts?colour=red');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('query');
    expect(unknown.body.errors[0].message).toContain('colour');
  });

  it("when another account's key lists contacts, then it sees none of this account's contacts and cannot use its profiles", async () => {
    const owner = await accountWith(rankedContacts());
    const other = await h.newAccount();
    expect(await listPairs(other)).toEqual([]);
    await aProfile(other, 'mine');
    await seedContacts(h.db, other.accountId, 'mine', [aContact('c99', { score: 1 })]);
    expect(await listPairs(other, { tag: 'vip' })).toEqual([]);
    expect(await listPairs(other)).toEqual([['c99', 1]]);
    expect(await badRequest(other, { profile: 'engagement' })).toEqual(['query.profile']);
    expect((await listPairs(owner)).map(([id]) => id)).not.toContain('c99');
  });

  it('when the key has the read scope, then it may list; without a key it may not', async () => {
    const account = await accountWith(rankedContacts());
    expect((await account.call('GET', '/contacts', undefined, account.keys.read)).status).toBe(200);
    expect((await account.call('GET', '/contacts', undefined, null)).status).toBe(401);
  });

  it('when real interactions are scored, then the list reflects the scores the workflow wrote', async () => {
    const account = await h.newAccount();
    await aProfile(account);
    for (const id of ['buyer', 'reader', 'quiet', 'unsubscribed']) {
      expect((await account.call('POST', '/contacts', { id, tags: ['lead'] })).status).toBe(201);
    }
    const send = async (id: string, ...types: string[]) =>
      expect(
        (
          await account.call(
            'POST',
            `/contacts/${id}/interactions`,
            types.map((type) => anInteraction({ type })),
          )
        ).status,
      ).toBe(202);
    await send('buyer', 'payment_succeeded', 'email_opened'); // 20 + 1
    await send('reader', 'email_opened', 'email_clicked'); // 1 + 3
    await send('unsubscribed', 'dnd_all_enabled'); // -25

    await eventually(async () =>
      expect(await listPairs(account)).toEqual([
        ['buyer', 21],
        ['reader', 4],
        ['quiet', 0],
        ['unsubscribed', -25],
      ]),
    );
    expect(await listPairs(account, { minScore: 1, tag: 'lead', sort: 'score_asc' })).toEqual([
      ['reader', 4],
      ['buyer', 21],
    ]);
  });
});
