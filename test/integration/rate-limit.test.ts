import { DEFAULT_RULES } from '../../domain/default-rules';
import { anInteraction } from '../support/builders';
import { startApiReplica, type ApiReplica } from '../support/api-replica';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

const BURST = 3;
/** One token every 2 s: slow enough that refills during a test's few requests never add up to one. */
const PER_SECOND = 0.5;

const RATE_LIMIT = { perSecond: PER_SECOND, burst: BURST };

let h: Harness;
let replica: ApiReplica;
beforeAll(async () => {
  h = await startHarness({ appOptions: { rateLimit: RATE_LIMIT } });
  replica = await startApiReplica(h, { rateLimit: RATE_LIMIT });
});
afterAll(async () => {
  await replica?.close();
  await h?.shutdown();
});

async function accountWithContact(): Promise<TestAccount> {
  const account = await h.newAccount();
  expect(
    (await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES })).status,
  ).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  expect((await account.call('POST', '/contacts', { id: 'c1' })).status).toBe(201);
  return account;
}

const ingest = (account: TestAccount, key: string, id = anInteraction().id) =>
  account.call('POST', '/contacts/c1/interactions', anInteraction({ id }), key);

/** Spends the whole bucket at once, so that no token is refilled in between. */
async function exhaust(account: TestAccount, key: string): Promise<void> {
  const answers = await Promise.all(Array.from({ length: BURST }, () => ingest(account, key)));
  expect(answers.map((a) => a.status)).toEqual(Array(BURST).fill(202));
}

async function storedIds(account: TestAccount): Promise<string[]> {
  const { rows } = await h.db.query<{ id: string }>(
    'SELECT id FROM interactions WHERE account_id = $1 ORDER BY id',
    [account.accountId],
  );
  return rows.map((r) => r.id);
}

describe('rate limit on POST /contacts/:contactId/interactions and /score-adjustments', () => {
  it('when a key sends more than its burst at once, then the rest are refused with 429, Retry-After and RateLimit headers, and not stored', async () => {
    const account = await accountWithContact();
    const ids = Array.from({ length: BURST + 2 }, (_, i) => `evt-${i}`);
    const answers = await Promise.all(ids.map((id) => ingest(account, account.keys.write, id)));

    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 429);
    expect([accepted.length, refused.length]).toEqual([BURST, 2]);
    for (const res of refused) {
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
      expect(res.body.detail).toContain(`${PER_SECOND} requests per second, bursts of ${BURST}`);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get('ratelimit-limit')).toBe(String(BURST));
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get('ratelimit-policy')).toBe(`${BURST};w=${Math.ceil(BURST / PER_SECOND)}`);
    }
    expect(accepted.map((a) => a.headers.get('ratelimit-remaining')).sort()).toEqual(['0', '1', '2']);
    // Only what was accepted is stored: a refusal happens before anything is written.
    expect(await storedIds(account)).toHaveLength(BURST);
  });

  it('when the Retry-After time has passed, then the key is accepted again', async () => {
    const account = await accountWithContact();
    await exhaust(account, account.keys.write);
    const refused = await ingest(account, account.keys.write);
    expect(refused.status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers.get('retry-after')) * 1000));
    expect((await ingest(account, account.keys.write)).status).toBe(202);
  });

  it('when one key is exhausted, then another key of the same account is not, and reads are never limited', async () => {
    const account = await accountWithContact();
    await exhaust(account, account.keys.write);
    expect((await ingest(account, account.keys.write)).status).toBe(429);

    expect((await ingest(account, account.keys.admin)).status).toBe(202);
    for (let i = 0; i < BURST + 2; i++) {
      const read = await account.call('GET', '/contacts/c1/score', undefined, account.keys.write);
      expect(read.status).toBe(200);
      expect(read.headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('when score adjustments and interactions come from one key, then they draw on the same bucket', async () => {
    const account = await accountWithContact();
    const adjust = () =>
      account.call(
        'POST',
        '/contacts/c1/score-adjustments',
        { profileId: 'engagement', points: 1, reason: 'test' },
        account.keys.write,
      );
    expect((await adjust()).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, (1 / PER_SECOND) * 1000));
    await exhaust(account, account.keys.write);
    const refused = await adjust();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect((await account.call('GET', '/contacts/c1/score')).body.score).toBe(1);
  });

  it('when the request lacks a key or scope, then it is refused before it costs a token', async () => {
    const account = await accountWithContact();
    for (let i = 0; i < BURST + 1; i++) {
      expect((await ingest(account, account.keys.read)).status).toBe(403);
      expect((await account.call('POST', '/contacts/c1/interactions', anInteraction(), null)).status).toBe(
        401,
      );
    }
    expect((await ingest(account, account.keys.write)).status).toBe(202);
  });

  it('when one key sends through two API instances on the same database, then the burst holds across both, not per instance', async () => {
    const account = await accountWithContact();
    const viaReplica = (id: string) =>
      fetch(`${replica.baseUrl}/contacts/c1/interactions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${account.keys.write}`, 'content-type': 'application/json' },
        body: JSON.stringify(anInteraction({ id })),
      }).then((res) => res.status);
    const statuses = await Promise.all(
      Array.from({ length: 2 * BURST }, (_, i) =>
        i % 2 === 0
          ? ingest(account, account.keys.write, `evt-${i}`).then((a) => a.status)
          : viaReplica(`evt-${i}`),
      ),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(BURST);
    expect(statuses.filter((s) => s === 429)).toHaveLength(BURST);
    expect(await storedIds(account)).toHaveLength(BURST);
  });
});
