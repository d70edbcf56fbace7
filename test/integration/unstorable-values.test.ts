import { anInteraction, aRule } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type ApiResponse, type Harness, type TestAccount } from '../support/harness';

/**
 * Values every schema accepts but Postgres cannot store (NUL, unpaired UTF-16 surrogates, an
 * instant with year 0000 or an offset past ±15:59) are refused at the edge with a 400 naming the
 * field, whatever the route, field or place in the request; nothing is written, and the contact
 * goes on scoring.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

const NUL = '\u0000';
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udfff';

async function publishedAccount(): Promise<TestAccount> {
  const account = await h.newAccount();
  await account.call('POST', '/profiles', {
    id: 'engagement',
    name: 'Engagement',
    rules: [aRule({ id: 'opened', interactionType: 'email_opened', points: 2 })],
  });
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  expect((await account.call('POST', '/contacts', { id: 'ada' })).status).toBe(201);
  return account;
}

/** A bounded wait: a request that hangs fails the test instead of stalling it. */
async function callWithin(
  account: TestAccount,
  method: string,
  path: string,
  body: unknown,
  key: string = account.keys.admin,
): Promise<ApiResponse> {
  const res = await fetch(h.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

function expectRefused(res: ApiResponse, path: string): void {
  expect([res.status, res.body?.errors?.map((e: { path: string }) => e.path)]).toEqual([400, [path]]);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
}

describe('values Postgres cannot store', () => {
  it('when any string of a body holds a NUL or an unpaired surrogate, then 400 names that field and nothing is written', async () => {
    const account = await publishedAccount();
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/contacts', { id: 'bob', name: `Bo${NUL}b` }, 'body.name'],
      ['POST', '/contacts', { id: 'bob', tags: ['ok', `v${LONE_HIGH}ip`] }, 'body.tags.1'],
      [
        'POST',
        '/contacts',
        { id: 'bob', attributes: { note: { deep: `x${LONE_LOW}` } } },
        'body.attributes.note.deep',
      ],
      ['POST', '/contacts', { id: 'bob', attributes: { [`k${NUL}`]: 1 } }, `body.attributes.k\\u0000`],
      [
        'POST',
        '/contacts/ada/interactions',
        anInteraction({ attributes: { url: `https://example.com/${NUL}` } }),
        'body.attributes.url',
      ],
      [
        'POST',
        '/contacts/ada/interactions',
        [anInteraction(), anInteraction({ attributes: { subject: `Hi ${LONE_HIGH}` } })],
        'body.1.attributes.subject',
      ],
      ['POST', '/lists', { name: `VIP${NUL}s` }, 'body.name'],
      ['PATCH', '/profiles/engagement', { description: `d${NUL}` }, 'body.description'],
      [
        'POST',
        '/profiles/engagement/draft/rules',
        aRule({ criteria: [{ attribute: 'url', op: 'contains', value: `p${NUL}` }] }),
        'body.criteria.0.value',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      expectRefused(await callWithin(account, method, path, body), field);
    }
    const { rows } = await h.db.query(
      `SELECT (SELECT count(*)::int FROM interactions WHERE account_id = $1) AS interactions,
              (SELECT count(*)::int FROM contacts WHERE account_id = $1) AS contacts,
              (SELECT count(*)::int FROM smart_lists WHERE account_id = $1) AS lists`,
      [account.accountId],
    );
    expect(rows[0]).toEqual({ interactions: 0, contacts: 1, lists: 0 });
  });

  it('when a query or path value holds a NUL, then 400 names it (GET /contacts?tag=a%00b with a read key)', async () => {
    const account = await publishedAccount();
    for (const [url, field] of [
      ['/contacts?tag=a%00b', 'query.tag'],
      ['/contacts/ada/ledger?profile=engagement%00', 'query.profile'],
      ['/contacts/a%00da', 'params.contactId'],
    ] as const) {
      const res = await callWithin(account, 'GET', url, undefined, account.keys.read);
      expect([url, res.status]).toEqual([url, 400]);
      expect(res.body.errors.map((e: { path: string }) => e.path)[0]).toMatch(new RegExp(`^${field}`));
    }
  });

  it('when a score adjustment has a NUL in its reason, then it is refused at once with 400, and the contact still takes adjustments and interactions', async () => {
    const account = await publishedAccount();
    const started = Date.now();
    const refused = await callWithin(account, 'POST', '/contacts/ada/score-adjustments', {
      profileId: 'engagement',
      points: 5,
      reason: `bad${NUL}reason`,
    });
    expectRefused(refused, 'body.reason');
    expect(Date.now() - started).toBeLessThan(5_000);

    const ok = await callWithin(account, 'POST', '/contacts/ada/score-adjustments', {
      profileId: 'engagement',
      points: 5,
      reason: 'a fine reason',
    });
    expect([ok.status, ok.body.score]).toEqual([201, 5]);
    expect((await account.call('POST', '/contacts/ada/interactions', anInteraction())).status).toBe(202);
    await eventually(async () => {
      expect((await account.call('GET', '/contacts/ada/score')).body.score).toBe(7);
    });
  });

  it('when occurredAt has year 0000 or an offset beyond ±15:59, then 400 names it; ±15:59 and year 0001 are stored', async () => {
    const account = await publishedAccount();
    for (const occurredAt of [
      '0000-06-01T00:00:00Z',
      '2026-01-01T00:00:00+16:00',
      '2026-01-01T00:00:00-23:59',
    ]) {
      expectRefused(
        await callWithin(account, 'POST', '/contacts/ada/interactions', anInteraction({ occurredAt })),
        'body.occurredAt',
      );
    }
    for (const occurredAt of [
      '2026-01-01T00:00:00+15:59',
      '2026-01-01T00:00:00-15:59',
      '0001-01-01T12:00:00Z',
    ]) {
      const res = await callWithin(
        account,
        'POST',
        '/contacts/ada/interactions',
        anInteraction({ occurredAt }),
      );
      expect([occurredAt, res.status]).toEqual([occurredAt, 202]);
    }
    await eventually(async () => {
      expect((await account.call('GET', '/contacts/ada/score')).body.score).toBe(6);
    });
  });
});
