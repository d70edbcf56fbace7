import { uniqueId } from '../support/builders';
import { startHarness, type Harness } from '../support/harness';
import { pulse } from '../support/pulse-cli';
import { startApiReplica, type ApiReplica } from '../support/api-replica';

const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';

let h: Harness;
/** A second API instance on the same database, without the operator token: its admin routes are off. */
let replica: ApiReplica;
beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false, appOptions: { operatorToken: OPERATOR_TOKEN } });
  replica = await startApiReplica(h);
});
afterAll(async () => {
  await replica?.close();
  await h?.shutdown();
});

async function call(
  baseUrl: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const operator = (method: string, path: string, body?: unknown) =>
  call(h.baseUrl, method, path, OPERATOR_TOKEN, body);

/** What a caller with this key gets from a write route, on the harness app and on the replica. */
async function statusesWith(key: string): Promise<[number, number]> {
  const contact = { id: uniqueId('c') };
  const [a, b] = await Promise.all([
    call(h.baseUrl, 'POST', '/contacts', key, contact),
    call(replica.baseUrl, 'POST', '/contacts', key, { id: uniqueId('c') }),
  ]);
  return [a.status, b.status];
}

async function anAccount(): Promise<string> {
  const id = uniqueId('acct').toLowerCase();
  expect((await operator('POST', '/admin/accounts', { id, name: `Account ${id}` })).status).toBe(201);
  return id;
}

describe('/admin: operator credential', () => {
  it('when no token or a wrong one is sent, then 401; when the app has no token, then the admin routes are off (404)', async () => {
    expect((await call(h.baseUrl, 'GET', '/admin/accounts', null)).status).toBe(401);
    expect((await call(h.baseUrl, 'GET', '/admin/accounts', 'not-the-operator-token')).status).toBe(401);
    const account = await h.newAccount();
    // An API key, even an admin one, is no operator token.
    expect((await call(h.baseUrl, 'GET', '/admin/accounts', account.keys.admin)).status).toBe(401);
    const off = await call(replica.baseUrl, 'GET', '/admin/accounts', OPERATOR_TOKEN);
    expect(off.status).toBe(404);
    expect(off.body.detail).toContain('PULSE_OPERATOR_TOKEN');
  });

  it('when an account id is malformed or taken, then 400 naming the field and 409', async () => {
    const bad = await operator('POST', '/admin/accounts', { id: 'Not An Id', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.id']);
    const id = await anAccount();
    expect((await operator('POST', '/admin/accounts', { id, name: 'again' })).status).toBe(409);
    const scopes = await operator('POST', `/admin/accounts/${id}/keys`, { name: 'k', scopes: ['owner'] });
    expect(scopes.status).toBe(400);
    expect(scopes.body.errors[0].path).toBe('body.scopes.0');
  });
});

describe('API key lifecycle through the admin routes', () => {
  it('when a key is created, used, rotated with an overlap and revoked, then each step holds at once on both API instances', async () => {
    const accountId = await anAccount();
    const created = await operator('POST', `/admin/accounts/${accountId}/keys`, {
      name: 'crm sync',
      scopes: ['write'],
    });
    expect(created.status).toBe(201);
    const first: string = created.body.key;
    expect(first).toMatch(/^pulse_/);
    expect(created.body).toMatchObject({ accountId, name: 'crm sync', scopes: ['write'], lastUsedAt: null });

    // use
    expect(await statusesWith(first)).toEqual([201, 201]);
    const listed = await operator('GET', `/admin/accounts/${accountId}/keys`);
    expect(listed.status).toBe(200);
    expect(listed.body.keys).toHaveLength(1);
    expect(listed.body.keys[0].lastUsedAt).not.toBeNull();
    // The secret is shown once: no listing carries it, in any field.
    expect(JSON.stringify(listed.body)).not.toContain(first);
    expect(listed.body.keys[0]).not.toHaveProperty('key');

    // rotate: the old key keeps working within the overlap, not after
    const rotated = await operator('POST', `/admin/accounts/${accountId}/keys/${created.body.id}/rotate`, {
      overlapSeconds: 3,
    });
    expect(rotated.status).toBe(201);
    const second: string = rotated.body.key.key;
    expect(rotated.body.key).toMatchObject({ name: 'crm sync', scopes: ['write'], expiresAt: null });
    expect(rotated.body.previous).toMatchObject({ id: created.body.id, replacedBy: rotated.body.key.id });
    const overlapEnds = Date.parse(rotated.body.previous.expiresAt);
    expect(await statusesWith(second)).toEqual([201, 201]);
    expect(await statusesWith(first)).toEqual([201, 201]);
    expect(Date.now()).toBeLessThan(overlapEnds);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, overlapEnds - Date.now() + 100)));
    expect(await statusesWith(first)).toEqual([401, 401]);
    expect(await statusesWith(second)).toEqual([201, 201]);
    const again = await operator('POST', `/admin/accounts/${accountId}/keys/${created.body.id}/rotate`, {});
    expect(again.status).toBe(409);

    // revoke: refused on the very next request, through either instance
    const revoked = await operator('DELETE', `/admin/accounts/${accountId}/keys/${rotated.body.key.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect(await statusesWith(second)).toEqual([401, 401]);
  });

  it('when accounts are listed or read one by one, then each shows its state, and an unknown one is 404 naming it', async () => {
    const accountId = await anAccount();
    await operator('PATCH', `/admin/accounts/${accountId}`, { disabled: true });
    const list = await operator('GET', '/admin/accounts');
    expect(list.status).toBe(200);
    expect(list.body.accounts.find((a: { id: string }) => a.id === accountId)).toMatchObject({
      name: `Account ${accountId}`,
      disabledAt: expect.any(String),
    });
    const one = await operator('GET', `/admin/accounts/${accountId}`);
    expect(one).toMatchObject({ status: 200, body: { id: accountId, disabledAt: expect.any(String) } });
    const missing = await operator('GET', '/admin/accounts/no-such-account');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain('no-such-account');
  });

  it('when an account is disabled, then its keys are refused on both instances at once; enabled again, they work', async () => {
    const accountId = await anAccount();
    const { body } = await operator('POST', `/admin/accounts/${accountId}/keys`, {
      name: 'k',
      scopes: ['read', 'write'],
    });
    expect(await statusesWith(body.key)).toEqual([201, 201]);
    const disabled = await operator('PATCH', `/admin/accounts/${accountId}`, { disabled: true });
    expect(disabled.body.disabledAt).not.toBeNull();
    expect(await statusesWith(body.key)).toEqual([401, 401]);
    await operator('PATCH', `/admin/accounts/${accountId}`, { disabled: false });
    expect(await statusesWith(body.key)).toEqual([201, 201]);
  });
});

describe('pulse admin (straight on DATABASE_URL)', () => {
  it('when an operator creates an account and a key, then the key works on the API; listed without its secret; revoked, it is refused', async () => {
    const env = { DATABASE_URL: process.env.DATABASE_URL! };
    const accountId = uniqueId('cli').toLowerCase();
    const account = await pulse(['admin', 'accounts', 'create', accountId, '--name', 'From the CLI'], env);
    expect(account).toMatchObject({ code: 0, stderr: '' });
    expect(account.stdout).toContain(`Created account ${accountId}`);
    const dup = await pulse(['admin', 'accounts', 'create', accountId, '--name', 'again'], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');

    const issued = await pulse(
      ['--json', 'admin', 'keys', 'create', accountId, '--name', 'ops', '--scopes', 'read,write'],
      env,
    );
    expect(issued.code).toBe(0);
    const { id, key } = JSON.parse(issued.stdout) as { id: string; key: string };
    expect(await statusesWith(key)).toEqual([201, 201]);

    const list = await pulse(['admin', 'keys', 'list', accountId], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id} +ops +read,write +\\S+ \\S+ +\\S+ \\S+ +live`));
    expect(list.stdout).not.toContain(key);

    const revoke = await pulse(['admin', 'keys', 'revoke', accountId, id], env);
    expect(revoke).toMatchObject({ code: 0, stderr: '' });
    expect(await statusesWith(key)).toEqual([401, 401]);

    const badScope = await pulse(
      ['admin', 'keys', 'create', accountId, '--name', 'x', '--scopes', 'root'],
      env,
    );
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toContain('unknown scope root');
  });

  it('when an operator lists, disables and enables accounts and rotates a key, then the API follows each step at once', async () => {
    const env = { DATABASE_URL: process.env.DATABASE_URL! };
    const accountId = uniqueId('cli').toLowerCase();
    expect((await pulse(['admin', 'accounts', 'create', accountId, '--name', 'Rotating'], env)).code).toBe(0);
    const issued = await pulse(
      ['--json', 'admin', 'keys', 'create', accountId, '--name', 'crm', '--scopes', 'write'],
      env,
    );
    const first = JSON.parse(issued.stdout) as { id: string; key: string };

    const disable = await pulse(['admin', 'accounts', 'disable', accountId], env);
    expect(disable).toMatchObject({ code: 0, stderr: '' });
    expect(disable.stdout).toContain(`Account ${accountId} is disabled since`);
    expect(await statusesWith(first.key)).toEqual([401, 401]);
    const listed = await pulse(['admin', 'accounts', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${accountId} +Rotating +\\S+ \\S+ +disabled since`));
    expect((await pulse(['admin', 'accounts', 'enable', accountId], env)).stdout).toContain('is enabled');
    expect(await statusesWith(first.key)).toEqual([201, 201]);

    const rotate = await pulse(
      ['--json', 'admin', 'keys', 'rotate', accountId, first.id, '--overlap', '0'],
      env,
    );
    expect(rotate).toMatchObject({ code: 0, stderr: '' });
    const rotation = JSON.parse(rotate.stdout) as {
      key: { id: string; key: string; scopes: string[] };
      previous: { id: string; replacedBy: string; expiresAt: string };
    };
    expect(rotation.key.scopes).toEqual(['write']);
    expect(rotation.previous).toMatchObject({ id: first.id, replacedBy: rotation.key.id });
    // --overlap 0 ends the old key at once; the new one works on both instances.
    expect(await statusesWith(first.key)).toEqual([401, 401]);
    expect(await statusesWith(rotation.key.key)).toEqual([201, 201]);
    const keys = await pulse(['admin', 'keys', 'list', accountId], env);
    expect(keys.stdout).toMatch(new RegExp(`${first.id} .* expired `));
    expect(keys.stdout).toMatch(new RegExp(`${rotation.key.id} .* live\\n`));
    expect(keys.stdout).not.toContain(rotation.key.key);

    const again = await pulse(['admin', 'keys', 'rotate', accountId, first.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('revoked or expired');
    const unknown = await pulse(['admin', 'accounts', 'disable', 'no-such-account'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no-such-account');
  });
});
