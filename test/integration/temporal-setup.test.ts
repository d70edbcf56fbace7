import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pino from 'pino';
import { createApp } from '../../api/app';
import { missingSearchAttributes } from '../../config/temporal';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { anInteraction } from '../support/builders';
import { eventually } from '../support/eventually';
import { startHarness, type Harness, type TestAccount } from '../support/harness';
import { pulse } from '../support/pulse-cli';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** A namespace created the way an operator would, without Pulse's search attributes. */
async function bareNamespace(): Promise<string> {
  const namespace = `bare-${randomUUID().slice(0, 8)}`;
  await h.client.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  // A new namespace takes a few seconds to reach the frontend's cache.
  await eventually(() => h.client.workflowService.describeNamespace({ namespace }), { timeoutMs: 30_000 });
  return namespace;
}

/** The app as an API process for `namespace` would run it, on the harness's worker task queue. */
async function appOn(namespace: string): Promise<{ url: string; close(): Promise<void> }> {
  const temporal = new Client({ connection: h.client.connection, namespace });
  const app = createApp({ db: h.db, temporal, taskQueue: h.taskQueue, logger: pino({ level: 'silent' }) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function ingest(url: string, account: TestAccount, id: string) {
  const res = await fetch(`${url}/contacts/c1/interactions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${account.keys.write}`, 'content-type': 'application/json' },
    body: JSON.stringify(anInteraction({ id })),
  });
  return { status: res.status, body: (await res.json()) as { detail?: string } };
}

const cliEnv = (namespace: string) => ({
  TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
  TEMPORAL_NAMESPACE: namespace,
});

describe('pulse setup, /readyz and ingest against a namespace without the search attributes', () => {
  it('when an attribute is missing, then /readyz fails naming it and ingest is a configuration error (not 503); after pulse setup both work, and setup again changes nothing', async () => {
    const namespace = await bareNamespace();
    const app = await appOn(namespace);
    try {
      const account = await h.newAccount();
      expect((await account.call('POST', '/contacts', { id: 'c1' })).status).toBe(201);

      const notReady = await fetch(`${app.url}/readyz`);
      expect(notReady.status).toBe(503);
      const readiness = (await notReady.json()) as { detail: string; checks: Record<string, string> };
      expect(readiness.checks).toEqual({ postgres: 'ok', temporal: 'misconfigured' });
      expect(readiness.detail).toContain(`namespace "${namespace}" lacks search attributes PulseAccount`);
      expect(readiness.detail).toContain('run pulse setup');

      const refused = await ingest(app.url, account, 'evt-1');
      expect(refused.status).toBe(500);
      expect(refused.body.detail).toMatch(/no search attribute \w+; an operator must run `pulse setup`/);

      const setup = await pulse(['setup'], cliEnv(namespace));
      expect(setup).toMatchObject({ code: 0, stderr: '' });
      expect(setup.stdout).toContain(`registered ${Object.keys(SEARCH_ATTRIBUTES).join(', ')}`);
      expect(await missingSearchAttributes(h.client, namespace, SEARCH_ATTRIBUTES)).toEqual([]);
      const again = await pulse(['setup'], cliEnv(namespace));
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('every search attribute is registered');

      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
      // The refused interaction was stored: the next signal to the contact delivers it too.
      expect((await ingest(app.url, account, 'evt-1')).status).toBe(202);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('when the namespace does not exist, then pulse setup exits 1 saying so and naming TEMPORAL_NAMESPACE', async () => {
    const res = await pulse(['setup'], cliEnv('no-such-namespace'));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Temporal namespace "no-such-namespace" does not exist');
    expect(res.stderr).toContain('TEMPORAL_NAMESPACE');
  });
});
