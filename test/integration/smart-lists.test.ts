import {
  aContact,
  allPages,
  aProfile,
  idsAndScores,
  seedContacts,
  setScore,
  withQuery,
} from '../support/contact-seeds';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** An account with a published profile and a few scored, tagged contacts. */
async function accountWithContacts(): Promise<TestAccount> {
  const account = await h.newAccount();
  await aProfile(account);
  await seedContacts(h.db, account.accountId, 'engagement', [
    aContact('c01', { score: 40, tags: ['vip'] }),
    aContact('c02', { score: 25, tags: ['vip', 'trial'] }),
    aContact('c03', { score: 25, tags: ['trial'] }),
    aContact('c04', { score: 5, tags: ['vip'] }),
    aContact('c05', { tags: ['vip'] }),
  ]);
  return account;
}

async function aList(account: TestAccount, body: Record<string, unknown>) {
  const res = await account.call('POST', '/lists', body);
  expect(res.status).toBe(201);
  return res.body as {
    id: string;
    name: string;
    filter: Record<string, unknown>;
    createdAt: string;
    updatedAt: string;
  };
}

const members = async (account: TestAccount, listId: string, query = {}) =>
  idsAndScores((await allPages(account, `/lists/${listId}/contacts`, query)).flat());

describe('POST /lists', () => {
  it('when a named filter is saved, then it gets a server-side id and the filter comes back normalised', async () => {
    const account = await accountWithContacts();
    const res = await account.call('POST', '/lists', {
      name: 'Hot VIPs',
      filter: { minScore: 20, tag: 'vip,trial' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^list_[A-Za-z0-9_-]+$/),
      name: 'Hot VIPs',
      filter: { minScore: 20, tag: ['vip', 'trial'], sort: 'score_desc' },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.headers.get('location')).toBe(`/lists/${res.body.id}`);
    const other = await aList(account, { name: 'Everyone' });
    expect(other.filter).toEqual({ sort: 'score_desc' });
    expect(other.id).not.toBe(res.body.id);
  });

  it('when the body is invalid, then it answers 400 naming the field and saves nothing', async () => {
    const account = await accountWithContacts();
    const cases: Array<[unknown, string]> = [
      [{ filter: {} }, 'body.name'],
      [{ name: '   ' }, 'body.name'],
      [{ name: 'x', filter: { minScore: 'ten' } }, 'body.filter.minScore'],
      [{ name: 'x', filter: { minScore: 10, maxScore: 1 } }, 'body.filter.maxScore'],
      [{ name: 'x', filter: { sort: 'random' } }, 'body.filter.sort'],
      [{ name: 'x', filter: { cursor: 'abc' } }, 'body.filter'],
      [{ name: 'x', filter: { profile: 'missing' } }, 'body.filter.profile'],
      [{ name: 'x', owner: 'me' }, 'body'],
    ];
    for (const [body, path] of cases) {
      const res = await account.call('POST', '/lists', body);
      expect([body, res.status, res.body.errors?.map((e: { path: string }) => e.path)]).toEqual([
        body,
        400,
        [path],
      ]);
    }
    expect((await account.call('GET', '/lists')).body).toEqual({ lists: [] });
  });

  it('when the name is already used in the account, then it answers 409', async () => {
    const account = await accountWithContacts();
    await aList(account, { name: 'VIPs' });
    expect((await account.call('POST', '/lists', { name: 'VIPs', filter: { tag: 'vip' } })).status).toBe(409);
    // Names are per account: another account may use it.
    await aList(await accountWithContacts(), { name: 'VIPs' });
  });
});

describe('GET, PATCH and DELETE /lists/:listId', () => {
  it('when a list is read, renamed, refiltered and deleted, then each answer shows the current state', async () => {
    const account = await accountWithContacts();
    const first = await aList(account, { name: 'VIPs', filter: { tag: 'vip' } });
    const second = await aList(account, { name: 'Trials', filter: { tag: 'trial', sort: 'id' } });

    expect((await account.call('GET', '/lists')).body.lists.map((l: { id: string }) => l.id)).toEqual([
      first.id,
      second.id,
    ]);
    expect((await account.call('GET', `/lists/${first.id}`)).body).toEqual(first);

    const renamed = await account.call('PATCH', `/lists/${first.id}`, { name: 'Very important' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: first.id, name: 'Very important', filter: first.filter });

    // A new filter replaces the old one whole.
    const refiltered = await account.call('PATCH', `/lists/${first.id}`, { filter: { minScore: 25 } });
    expect(refiltered.body).toMatchObject({
      name: 'Very important',
      filter: { minScore: 25, sort: 'score_desc' },
    });
    expect(refiltered.body.filter.tag).toBeUndefined();
    expect(Date.parse(refiltered.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.updatedAt));

    expect((await account.call('PATCH', `/lists/${first.id}`, { name: 'Trials' })).status).toBe(409);
    expect((await account.call('PATCH', `/lists/${first.id}`, {})).status).toBe(400);
    expect(
      (await account.call('PATCH', `/lists/${first.id}`, { filter: { profile: 'missing' } })).body.errors[0]
        .path,
    ).toBe('body.filter.profile');

    expect((await account.call('DELETE', `/lists/${first.id}`)).status).toBe(204);
    expect((await account.call('GET', `/lists/${first.id}`)).status).toBe(404);
    expect((await account.call('DELETE', `/lists/${first.id}`)).status).toBe(404);
    expect((await account.call('PATCH', `/lists/${first.id}`, { name: 'Back' })).status).toBe(404);
    expect((await account.call('GET', '/lists')).body.lists.map((l: { id: string }) => l.id)).toEqual([
      second.id,
    ]);
  });

  it('when the list id is malformed or unknown, then it answers 400 or 404', async () => {
    const account = await accountWithContacts();
    expect((await account.call('GET', '/lists/not-a-list')).body.errors[0].path).toBe('params.listId');
    expect((await account.call('GET', '/lists/list_doesNotExist')).status).toBe(404);
  });

  it('when the key has only the read scope, then it can read lists but not change them', async () => {
    const account = await accountWithContacts();
    const list = await aList(account, { name: 'VIPs', filter: { tag: 'vip' } });
    const read = account.keys.read;
    expect((await account.call('GET', '/lists', undefined, read)).status).toBe(200);
    expect((await account.call('GET', `/lists/${list.id}/contacts`, undefined, read)).status).toBe(200);
    expect((await account.call('POST', '/lists', { name: 'Mine' }, read)).status).toBe(403);
    expect((await account.call('PATCH', `/lists/${list.id}`, { name: 'Mine' }, read)).status).toBe(403);
    expect((await account.call('DELETE', `/lists/${list.id}`, undefined, read)).status).toBe(403);
    expect((await account.call('POST', '/lists', { name: 'Mine' }, account.keys.write)).status).toBe(201);
  });
});

describe('GET /lists/:listId/contacts', () => {
  it('when members are read, then they are whoever matches the filter now, in the same order GET /contacts gives', async () => {
    const account = await accountWithContacts();
    const list = await aList(account, { name: 'Warm VIPs', filter: { tag: 'vip', minScore: 5 } });
    expect(await members(account, list.id)).toEqual([
      ['c01', 40],
      ['c02', 25],
      ['c04', 5],
    ]);
    const direct = await account.call('GET', withQuery('/contacts', { tag: 'vip', minScore: 5 }));
    expect((await account.call('GET', `/lists/${list.id}/contacts`)).body).toEqual(direct.body);

    // Scores and contacts change: the list follows, nothing to refresh.
    await setScore(h.db, account.accountId, 'c04', 'engagement', 2);
    await setScore(h.db, account.accountId, 'c05', 'engagement', 30);
    await seedContacts(h.db, account.accountId, 'engagement', [
      aContact('c06', { score: 99, tags: ['vip', 'new'] }),
    ]);
    expect(await members(account, list.id)).toEqual([
      ['c06', 99],
      ['c01', 40],
      ['c05', 30],
      ['c02', 25],
    ]);
  });

  it("when paging, then the pages follow the list's sort and together hold every member once", async () => {
    const account = await accountWithContacts();
    const list = await aList(account, { name: 'Everyone by id', filter: { sort: 'id' } });
    const pages = await allPages(account, `/lists/${list.id}/contacts`, { limit: 2 });
    expect(pages.map((p) => p.map((c) => c.id))).toEqual([['c01', 'c02'], ['c03', 'c04'], ['c05']]);
  });

  it("when a cursor is bad or was issued before the list's sort changed, then it answers 400 naming query.cursor", async () => {
    const account = await accountWithContacts();
    const list = await aList(account, { name: 'Top', filter: {} });
    const first = await account.call('GET', `/lists/${list.id}/contacts?limit=2`);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await account.call('GET', `/lists/${list.id}/contacts?cursor=garbage`)).body.errors[0].path).toBe(
      'query.cursor',
    );

    await account.call('PATCH', `/lists/${list.id}`, { filter: { sort: 'id' } });
    const stale = await account.call(
      'GET',
      withQuery(`/lists/${list.id}/contacts`, { cursor: first.body.nextCursor }),
    );
    expect(stale.status).toBe(400);
    expect(stale.body.errors[0].path).toBe('query.cursor');
    expect((await account.call('GET', `/lists/${list.id}/contacts?sort=id`)).body.errors[0].path).toBe(
      'query',
    );
  });

  it('when the list names a profile that is not published, then its members have empty scores', async () => {
    const account = await accountWithContacts();
    await aProfile(account, 'next-quarter', { published: false });
    const empty = await aList(account, {
      name: 'Unscored VIPs',
      filter: { profile: 'next-quarter', empty: true, tag: 'vip' },
    });
    expect(await members(account, empty.id)).toEqual([
      ['c01', null],
      ['c02', null],
      ['c04', null],
      ['c05', null],
    ]);
  });
});

describe("another account's key", () => {
  it('when it reaches for these lists, then they do not exist for it and stay untouched', async () => {
    const owner = await accountWithContacts();
    const list = await aList(owner, { name: 'VIPs', filter: { tag: 'vip' } });
    const other = await h.newAccount();

    expect((await other.call('GET', '/lists')).body).toEqual({ lists: [] });
    expect((await other.call('GET', `/lists/${list.id}`)).status).toBe(404);
    expect((await other.call('GET', `/lists/${list.id}/contacts`)).status).toBe(404);
    expect((await other.call('PATCH', `/lists/${list.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await other.call('DELETE', `/lists/${list.id}`)).status).toBe(404);

    // Its own list with the same filter sees its own (no) contacts.
    const own = await aList(other, { name: 'VIPs', filter: { tag: 'vip' } });
    expect(await members(other, own.id)).toEqual([]);

    expect((await owner.call('GET', `/lists/${list.id}`)).body).toMatchObject({ name: 'VIPs' });
    expect(await members(owner, list.id)).toHaveLength(4);
  });
});
