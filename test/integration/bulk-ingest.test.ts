import { contactWorkflowId } from '../../domain/ids';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { rulesFor } from '../support/fault-kit';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { signalsReceived } from '../support/workflow-signals';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** An account whose published profile gives 1 point per email_opened, with the given contacts. */
async function accountWith(contactIds: string[]): Promise<TestAccount> {
  const account = await h.newAccount();
  const profile = { id: 'engagement', name: 'E', rules: rulesFor({ email_opened: 1, email_clicked: 3 }) };
  expect((await account.call('POST', '/profiles', profile)).status).toBe(201);
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  for (const id of contactIds) expect((await account.call('POST', '/contacts', { id })).status).toBe(201);
  return account;
}

const anItem = (contactId: string, overrides: Record<string, unknown> = {}) => ({
  contactId,
  ...anInteraction(),
  ...overrides,
});

async function storedCount(account: TestAccount): Promise<number> {
  const { rows } = await h.db.query<{ n: string }>(
    'SELECT count(*) AS n FROM interactions WHERE account_id = $1',
    [account.accountId],
  );
  return Number(rows[0]!.n);
}

async function scoreOf(account: TestAccount, contactId: string): Promise<number | null> {
  return (await account.call('GET', `/contacts/${contactId}/score`)).body.score;
}

describe('POST /interactions', () => {
  it('when interactions of many contacts arrive in one request, then each is stored and applied, and each contact is signalled once', async () => {
    const contacts = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const account = await accountWith(contacts);
    const items = contacts.flatMap((c) => Array.from({ length: 10 }, () => anItem(c)));

    const res = await account.call('POST', '/interactions', { items });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 200, duplicates: 0, rejected: 0 });
    expect(res.body.items).toHaveLength(200);
    expect(res.body.items[7]).toEqual({
      index: 7,
      status: 'accepted',
      contactId: items[7]!.contactId,
      id: items[7]!.id,
    });

    await eventually(async () => {
      for (const c of contacts) expect(await scoreOf(account, c)).toBe(10);
    });
    for (const c of contacts.slice(0, 5)) {
      const { signals } = await signalsReceived(h.client, contactWorkflowId(account.accountId, c));
      expect(signals.filter((s) => s.name === 'interactionsReceived')).toHaveLength(1);
    }
  });

  it('when some items are repeats, of unknown contacts or invalid, then each is answered on its own, naming the field, and only the good ones are stored', async () => {
    const account = await accountWith(['known']);
    const before = anItem('known');
    expect((await account.call('POST', '/interactions', { items: [before] })).status).toBe(202);

    const fresh = anItem('known', { type: 'email_clicked' });
    const items = [
      fresh,
      before, // stored by the earlier request
      fresh, // earlier in this one
      anItem('nobody'),
      anItem('known', { occurredAt: '0000-01-01T00:00:00Z' }),
      anItem('known', { attributes: { note: 'a\u0000b' } }),
      anItem('known', { extra: true }),
      'not an object',
      anItem('bad id!'),
    ];
    const res = await account.call('POST', '/interactions', { items });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 2, rejected: 6 });
    const byIndex = res.body.items as { index: number; status: string; errors?: { path: string }[] }[];
    expect(byIndex.map((r) => r.status)).toEqual([
      'accepted',
      'duplicate',
      'duplicate',
      'unknown_contact',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
    ]);
    expect(byIndex.map((r) => r.errors?.[0]?.path)).toEqual([
      undefined,
      undefined,
      undefined,
      'items.3.contactId',
      'items.4.occurredAt',
      'items.5.attributes.note',
      'items.6',
      'items.7',
      'items.8.contactId',
    ]);
    expect(await storedCount(account)).toBe(2);
    await eventually(async () => expect(await scoreOf(account, 'known')).toBe(4));
  });

  it('when the envelope is malformed or too large, then the whole request is a 400 naming the field and nothing is stored', async () => {
    const account = await accountWith(['c1']);
    const cases: [unknown, string][] = [
      [{}, 'body.items'],
      [{ items: anItem('c1') }, 'body.items'],
      [{ items: [] }, 'body.items'],
      [{ items: Array.from({ length: 1_001 }, () => anItem('c1')) }, 'body.items'],
      [{ items: [anItem('c1')], more: 1 }, 'body'],
      [[anItem('c1')], 'body'],
    ];
    for (const [body, path] of cases) {
      const res = await account.call('POST', '/interactions', body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].path).toBe(path);
    }
    expect(await storedCount(account)).toBe(0);
  });

  it('when the key is missing or only reads, then it answers 401 or 403 and stores nothing', async () => {
    const account = await accountWith(['c1']);
    const body = { items: [anItem('c1')] };
    expect((await account.call('POST', '/interactions', body, null)).status).toBe(401);
    expect((await account.call('POST', '/interactions', body, account.keys.read)).status).toBe(403);
    expect(await storedCount(account)).toBe(0);
  });
});
