import { brotliCompressSync, gzipSync } from 'node:zlib';
import { anInteraction, aRule } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';

/** The answers at the API's edges: ordering, documented shapes, authentication first, bad encodings, echoes and numbers. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

async function publishedAccount(): Promise<TestAccount> {
  const account = await h.newAccount();
  await account.call('POST', '/profiles', {
    id: 'engagement',
    name: 'Engagement',
    rules: [aRule({ id: 'opened', interactionType: 'email_opened', points: 1 })],
  });
  expect((await account.call('POST', '/profiles/engagement/publish')).status).toBe(201);
  expect((await account.call('POST', '/contacts', { id: 'ada' })).status).toBe(201);
  return account;
}

async function raw(path: string, init: RequestInit & { headers?: Record<string, string> }) {
  const res = await fetch(h.baseUrl + path, init);
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
}

describe('GET /contacts/:contactId/ledger', () => {
  it('when ledger ids cross a power of ten, then the newest come first by number and limit keeps the newest', async () => {
    const account = await publishedAccount();
    // Make this contact's ledger ids straddle the next power of ten (…998, …999, 1…000, …).
    const { rows } = await h.db.query<{ next: string }>(
      `SELECT (10::numeric ^ (length(last_value::text)))::bigint AS next
       FROM score_ledger_id_seq`,
    );
    await h.db.query(`SELECT setval('score_ledger_id_seq', $1::bigint - 3)`, [rows[0]!.next]);
    for (let i = 0; i < 6; i++) {
      expect((await account.call('POST', '/contacts/ada/interactions', anInteraction())).status).toBe(202);
      await eventually(async () => {
        expect((await account.call('GET', '/contacts/ada/score')).body.score).toBe(i + 1);
      });
    }
    const all = (await account.call('GET', '/contacts/ada/ledger')).body.entries as Array<{ id: string }>;
    const ids = all.map((e) => BigInt(e.id));
    expect(ids).toHaveLength(6);
    expect(ids.some((id) => id.toString().length !== ids[0]!.toString().length)).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    const newest = (await account.call('GET', '/contacts/ada/ledger?limit=2')).body.entries;
    expect(newest.map((e: { id: string }) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(newest.map((e: { scoreAfter: number }) => e.scoreAfter)).toEqual([6, 5]);
  });
});

describe('publish answers', () => {
  it('when a profile is published or a version republished, then the answer has only properties its documented schema allows', async () => {
    const account = await publishedAccount();
    const doc: any = await (await fetch(`${h.baseUrl}/openapi.json`)).json();
    const answers = {
      Published: await account.call('POST', '/profiles/engagement/publish'),
      Republished: await account.call('POST', '/profiles/engagement/versions/1/republish'),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(res.status).toBe(201);
      const schema = doc.components.schemas[name];
      expect(schema.additionalProperties).toBe(false);
      const undocumented = Object.keys(res.body).filter((key) => !(key in schema.properties));
      expect({ name, undocumented }).toEqual({ name, undocumented: [] });
      expect(res.body.rescore.workflowId).toEqual(expect.any(String));
    }
  });
});

describe('authentication comes before the body', () => {
  it('when no key comes with a malformed body, then 401; with a key, 400 naming the body', async () => {
    const account = await h.newAccount();
    const malformed = { method: 'POST', body: '{"id": ', headers: { 'content-type': 'application/json' } };
    expect((await raw('/contacts', malformed)).status).toBe(401);
    const keyed = await raw('/contacts', {
      ...malformed,
      headers: { ...malformed.headers, authorization: `Bearer ${account.keys.write}` },
    });
    expect([keyed.status, keyed.body.errors?.[0]?.path]).toEqual([400, 'body']);
  });
});

describe('compressed bodies', () => {
  it('when a gzip or br body does not decode, then 400 names the body; one that decodes is taken', async () => {
    const account = await h.newAccount();
    const headers = (encoding: string) => ({
      authorization: `Bearer ${account.keys.write}`,
      'content-type': 'application/json',
      'content-encoding': encoding,
    });
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const res = await raw('/contacts', {
        method: 'POST',
        headers: headers(encoding),
        body: 'not compressed',
      });
      expect([encoding, res.status, res.body.errors?.map((e: { path: string }) => e.path)]).toEqual([
        encoding,
        400,
        ['body'],
      ]);
    }
    const json = JSON.stringify({ id: 'zipped' });
    expect(
      (await raw('/contacts', { method: 'POST', headers: headers('gzip'), body: gzipSync(json) })).status,
    ).toBe(201);
    expect(
      (await raw('/contacts', { method: 'POST', headers: headers('br'), body: brotliCompressSync(json) }))
        .status,
    ).toBe(200);
  });
});

describe('error bodies', () => {
  it('when a body has a huge key, then the error names the field without echoing the key', async () => {
    const account = await h.newAccount();
    const huge = 'k'.repeat(900_000);
    for (const body of [
      { id: 'x', attributes: { [huge]: 1 } },
      { id: 'x', [huge]: 1 },
    ]) {
      const res = await raw('/contacts', {
        method: 'POST',
        headers: { authorization: `Bearer ${account.keys.write}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      expect(res.text.length).toBeLessThan(2_000);
      expect(res.body.errors[0].path).toMatch(/^body/);
    }
  });
});

describe('numbers in paths and query strings', () => {
  it('when an integer is written as hex, with a sign or spaces, or as a float, then 400 names the parameter', async () => {
    const account = await publishedAccount();
    const read = account.keys.read;
    for (const bad of ['0x10', '+1', '%201', '1%20', '1e1', '1.0', '']) {
      const ledger = await account.call('GET', `/contacts/ada/ledger?limit=${bad}`, undefined, read);
      expect([bad, ledger.status, ledger.body.errors?.[0]?.path]).toEqual([bad, 400, 'query.limit']);
      const list = await account.call('GET', `/contacts?minScore=${bad}`, undefined, read);
      expect([bad, list.status, list.body.errors?.[0]?.path]).toEqual([bad, 400, 'query.minScore']);
      if (bad !== '') {
        const rescore = await account.call(
          'GET',
          `/profiles/engagement/versions/${bad}/rescore`,
          undefined,
          read,
        );
        expect([bad, rescore.status, rescore.body.errors?.[0]?.path]).toEqual([bad, 400, 'params.version']);
      }
    }
    expect((await account.call('GET', '/contacts/ada/ledger?limit=16', undefined, read)).status).toBe(200);
    expect(
      (await account.call('GET', '/profiles/engagement/versions/1/rescore', undefined, read)).status,
    ).toBe(200);
  });
});
