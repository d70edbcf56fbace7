import { API_KEY_SCOPES } from '../../db/accounts';
import { contactWorkflowId } from '../../domain/ids';
import { ROUTES, type RouteDoc } from '../../api/openapi/routes';
import { contactScoreQuery } from '../../workflows/definitions';
import { anInteraction, aRule, uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type ApiResponse, type Harness, type TestAccount } from '../support/harness';

/**
 * Tenancy, checked route by route from the documented route table (api/openapi/routes.ts), so a
 * new route is covered the day it is documented: account B's keys never reach account A's
 * contacts, profiles, lists or triggers, and nothing B does writes anything of A's.
 */

const key = (route: RouteDoc) => `${route.method} ${route.path}`;
const scoped = ROUTES.filter((r) => r.scope !== undefined);
/** Routes naming one resource in their path; the others are collections. */
const itemRoutes = scoped.filter((r) => r.params !== undefined);
/** Routes about the calling key itself, not the account's data: checked on their own below. */
const ABOUT_THE_CALLER = new Set(['get /me']);
const collectionRoutes = scoped.filter((r) => r.params === undefined && !ABOUT_THE_CALLER.has(key(r)));
/** PUT that creates when the id is free: with B's key it can only ever create B's own. */
const CREATE_OR_REPLACE = new Set(['put /triggers/:triggerId']);

interface Resources {
  contactId: string;
  profileId: string;
  listId: string;
  listName: string;
  triggerId: string;
  ruleId: string;
  version: string;
}

const triggerBody = (id: string, profileId: string) => ({
  id,
  profileId,
  condition: { op: 'gte', value: 1000 },
  reentry: { policy: 'once' },
  automation: 'reward_offer',
});

/**
 * A valid body for each route that takes one, so that an answer is about who may touch what, not
 * a 400. A route documented with a body but missing here fails the test: add it.
 */
function bodyFor(route: RouteDoc, ids: Resources): unknown {
  if (!route.body) return undefined;
  const bodies: Record<string, unknown> = {
    'post /contacts': { id: ids.contactId, name: 'Copy made by B' },
    'post /contacts/:contactId/interactions': anInteraction({ type: 'email_clicked' }),
    'post /contacts/:contactId/score-adjustments': { profileId: ids.profileId, points: 50, reason: 'by B' },
    'post /profiles': { id: ids.profileId, name: 'Copy made by B' },
    'patch /profiles/:profileId': { name: 'Renamed by B' },
    'put /profiles/:profileId/draft/rules': { rules: [aRule({ points: 99 })] },
    'post /profiles/:profileId/draft/rules': aRule({ points: 99 }),
    'post /profiles/:profileId/draft/rules/order': { ruleIds: [ids.ruleId] },
    'put /profiles/:profileId/draft/rules/:ruleId': aRule({ id: ids.ruleId, points: 99 }),
    'post /lists': { name: ids.listName },
    'patch /lists/:listId': { name: 'Renamed by B' },
    'post /triggers': triggerBody(ids.triggerId, ids.profileId),
    'put /triggers/:triggerId': triggerBody(ids.triggerId, ids.profileId),
    'patch /triggers/:triggerId': { paused: true },
  };
  if (!(key(route) in bodies))
    throw new Error(`access-control.test.ts has no request body for ${key(route)}: add one to bodyFor`);
  return bodies[key(route)];
}

function pathFor(route: RouteDoc, ids: Resources): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = (ids as unknown as Record<string, string | undefined>)[name];
    if (value === undefined)
      throw new Error(`access-control.test.ts knows no value for :${name} in ${route.path}`);
    return encodeURIComponent(value);
  });
}

const call = (account: TestAccount, route: RouteDoc, ids: Resources, apiKey: string | null) =>
  account.call(route.method.toUpperCase(), pathFor(route, ids), bodyFor(route, ids), apiKey);

/** An answer with the ids it echoes replaced, so answers about different ids can be compared. */
function shapeOf(res: ApiResponse, ids: Resources) {
  let text = JSON.stringify({ status: res.status, title: res.body?.title, detail: res.body?.detail });
  for (const [name, value] of Object.entries(ids))
    if (name !== 'version') text = text.split(value).join(`<${name}>`);
  return JSON.parse(text);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** Every row of every table with an account_id, and A's contact workflow's history length. */
async function snapshot(accountId: string, contactId: string) {
  const { rows: tables } = await h.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name = 'account_id' ORDER BY table_name`,
  );
  const data: Record<string, string[]> = {};
  for (const { table_name: table } of tables) {
    // A refused request still used its key: last_used_at is bookkeeping, not account data.
    const { rows } = await h.db.query(
      `SELECT (to_jsonb(t) - 'last_used_at')::text AS row FROM "${table}" t WHERE account_id = $1`,
      [accountId],
    );
    data[table] = rows.map((r) => r.row as string).sort();
  }
  const { historyLength } = await h.client.workflow
    .getHandle(contactWorkflowId(accountId, contactId))
    .describe();
  return { data, historyLength };
}

/** Account A with one of everything, scored and settled, so a snapshot of it stays still. */
async function populatedAccount(): Promise<{ account: TestAccount; ids: Resources }> {
  const account = await h.newAccount();
  const ids: Resources = {
    contactId: uniqueId('a-contact'),
    profileId: uniqueId('a-profile'),
    listId: '',
    listName: uniqueId('A list'),
    triggerId: uniqueId('a-trigger'),
    ruleId: uniqueId('a-rule'),
    version: '1',
  };
  const expectStatus = async (status: number, res: Promise<ApiResponse>) => {
    const answer = await res;
    expect(answer.status).toBe(status);
    return answer;
  };
  await expectStatus(
    201,
    account.call('POST', '/profiles', {
      id: ids.profileId,
      name: 'A',
      rules: [aRule({ id: ids.ruleId, interactionType: 'email_opened', points: 3 })],
    }),
  );
  await expectStatus(201, account.call('POST', `/profiles/${ids.profileId}/publish`));
  await expectStatus(
    201,
    account.call('POST', '/contacts', { id: ids.contactId, name: 'Ada of A', tags: ['vip'] }),
  );
  await expectStatus(202, account.call('POST', `/contacts/${ids.contactId}/interactions`, [anInteraction()]));
  ids.listId = (
    await expectStatus(201, account.call('POST', '/lists', { name: ids.listName, filter: { tag: ['vip'] } }))
  ).body.id;
  await expectStatus(201, account.call('POST', '/triggers', triggerBody(ids.triggerId, ids.profileId)));

  await eventually(async () => {
    const res = await account.call('GET', `/profiles/${ids.profileId}/versions/1/rescore`);
    expect(res.body.state).toBe('finished');
  });
  await eventually(async () => {
    expect((await account.call('GET', `/contacts/${ids.contactId}/score`)).body.score).toBe(3);
    const view = await h.client.workflow
      .getHandle(contactWorkflowId(account.accountId, ids.contactId))
      .query(contactScoreQuery);
    expect(view.pendingCount).toBe(0);
  });
  return { account, ids };
}

describe('access control across every documented route', () => {
  it('has routes to check', () => {
    expect(itemRoutes.length).toBeGreaterThan(10);
    expect(collectionRoutes.length).toBeGreaterThanOrEqual(6);
  });

  it("when account B names A's contacts, profiles, lists and triggers, then every route answers as if they did not exist, and nothing of A's changes", async () => {
    const { account: a, ids } = await populatedAccount();
    const b = await h.newAccount();
    const before = await snapshot(a.accountId, ids.contactId);
    const nowhere: Resources = {
      contactId: uniqueId('nowhere'),
      profileId: uniqueId('nowhere'),
      listId: `list_${uniqueId('nowhere').replace(/[^A-Za-z0-9_-]/g, '')}`.slice(0, 60),
      listName: uniqueId('nowhere'),
      triggerId: uniqueId('nowhere'),
      ruleId: uniqueId('nowhere'),
      version: '1',
    };

    // Item routes: 404, exactly as for ids that exist in no account (nothing to enumerate).
    for (const route of itemRoutes.filter((r) => !CREATE_OR_REPLACE.has(key(r)))) {
      const res = await call(b, route, ids, b.keys.admin);
      expect([key(route), res.status]).toEqual([key(route), 404]);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toContain(a.accountId);
      const unknown = await call(b, route, nowhere, b.keys.admin);
      expect([key(route), shapeOf(res, ids)]).toEqual([key(route), shapeOf(unknown, nowhere)]);
    }

    // Collections: empty for B, with nothing of A's in them.
    for (const route of collectionRoutes.filter((r) => r.method === 'get')) {
      const res = await call(b, route, ids, b.keys.admin);
      expect([key(route), res.status]).toEqual([key(route), 200]);
      const arrays = Object.values(res.body as object).filter(Array.isArray);
      expect([key(route), arrays.length > 0 && arrays.every((list) => list.length === 0)]).toEqual([
        key(route),
        true,
      ]);
      for (const marker of [a.accountId, ...Object.values(ids)])
        expect([key(route), JSON.stringify(res.body).includes(marker)]).toEqual([key(route), false]);
    }
    // The key's own description: B's account, never A's.
    const me = await b.call('GET', '/me', undefined, b.keys.read);
    expect(me.body).toEqual({ keyId: expect.any(String), accountId: b.accountId, scopes: ['read'] });
    // A's profile named in a filter: unknown to B, the same answer as a profile that exists nowhere.
    const filtered = await b.call('GET', `/contacts?profile=${ids.profileId}`);
    expect(filtered.status).toBe(400);
    expect(shapeOf(filtered, ids)).toEqual(
      shapeOf(await b.call('GET', `/contacts?profile=${nowhere.profileId}`), nowhere),
    );

    // Creating with A's ids makes B's own (201, not 200 "updated" or 409 "taken"); profiles first,
    // since B's trigger needs B's profile of that id.
    const creates = collectionRoutes
      .filter((r) => r.method === 'post')
      .sort((x, y) => Number(y.path === '/profiles') - Number(x.path === '/profiles'));
    for (const route of creates) {
      const res = await call(b, route, ids, b.keys.admin);
      expect([key(route), res.status]).toEqual([key(route), 201]);
    }
    // A create-or-replace PUT with A's id creates a new one (201), never replaces A's (200).
    for (const route of itemRoutes.filter((r) => CREATE_OR_REPLACE.has(key(r)))) {
      const c = await h.newAccount();
      expect((await c.call('POST', '/profiles', { id: ids.profileId, name: 'C' })).status).toBe(201);
      const res = await call(c, route, ids, c.keys.admin);
      expect([key(route), res.status]).toEqual([key(route), 201]);
    }
    expect((await b.call('GET', `/contacts/${ids.contactId}`)).body.name).toBe('Copy made by B');
    expect((await a.call('GET', `/contacts/${ids.contactId}`)).body.name).toBe('Ada of A');

    expect(await snapshot(a.accountId, ids.contactId)).toEqual(before);
  }, 120_000);

  it('when the API key is missing, then every scoped route answers 401; when its scope is lower than the route needs, 403; and nothing changes', async () => {
    const { account: a, ids } = await populatedAccount();
    const before = await snapshot(a.accountId, ids.contactId);

    for (const route of scoped) {
      const res = await call(a, route, ids, null);
      expect([key(route), res.status]).toEqual([key(route), 401]);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const unknownKey = await call(a, route, ids, 'pulse_no_such_key_0000000000000000');
      expect([key(route), unknownKey.status]).toEqual([key(route), 401]);
    }

    let checked = 0;
    for (const route of scoped) {
      const needed = API_KEY_SCOPES.indexOf(route.scope!);
      for (const lower of API_KEY_SCOPES.slice(0, needed)) {
        const res = await call(a, route, ids, a.keys[lower]);
        expect([key(route), lower, res.status]).toEqual([key(route), lower, 403]);
        expect(res.body.detail).toBe(`this API key lacks the "${route.scope}" scope`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);

    expect(await snapshot(a.accountId, ids.contactId)).toEqual(before);
  }, 120_000);
});
