import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { consoleRouter } from '../../api/console/router';
import { automationRunListSchema, fireCountsSchema } from '../../api/automation-runs/schemas';
import { distributionSchema } from '../../api/profiles/response-schemas';
import { buildConsole } from '../../scripts/build-console';
import { anInteraction } from '../support/builders';
import { aContact, aProfile, seedContacts } from '../support/contact-seeds';
import { eventually } from '../support/eventually';
import { startHarness, type Harness } from '../support/harness';

/** The routes the console reads besides the older ones, and the console's own page (issue 12). */

let h: Harness;
beforeAll(async () => {
  buildConsole();
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.shutdown();
});

describe('GET /me', () => {
  it('when each key asks, then it learns its own account and scopes', async () => {
    const account = await h.newAccount();
    for (const scope of ['read', 'write', 'admin'] as const) {
      const res = await account.call('GET', '/me', undefined, account.keys[scope]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ keyId: expect.any(String), accountId: account.accountId, scopes: [scope] });
    }
  });
});

describe('GET /profiles/:profileId/distribution', () => {
  it("when contacts are scored, then the histogram counts them per bin with the profile's trigger thresholds", async () => {
    const account = await h.newAccount();
    await aProfile(account);
    await seedContacts(h.db, account.accountId, 'engagement', [
      aContact('c1', { score: 3 }),
      aContact('c2', { score: 12 }),
      aContact('c3', { score: 14 }),
      aContact('c4', { score: 47 }),
      aContact('c5'),
    ]);
    const trigger = { profileId: 'engagement', reentry: { policy: 'once' }, automation: 'reward_offer' };
    expect(
      (
        await account.call('POST', '/triggers', {
          ...trigger,
          id: 'hot',
          condition: { op: 'gte', value: 40 },
        })
      ).status,
    ).toBe(201);
    expect(
      (await account.call('POST', '/triggers', { ...trigger, id: 'none', condition: { op: 'is_empty' } }))
        .status,
    ).toBe(201);

    const res = await account.call(
      'GET',
      '/profiles/engagement/distribution?binWidth=10',
      undefined,
      account.keys.read,
    );
    expect(res.status).toBe(200);
    const body = distributionSchema.parse(res.body);
    expect(body).toMatchObject({
      profileId: 'engagement',
      liveVersion: 1,
      scored: 4,
      empty: 1,
      binWidth: 10,
    });
    expect(body.bins).toEqual([
      { from: 0, to: 10, contacts: 1 },
      { from: 10, to: 20, contacts: 2 },
      { from: 20, to: 30, contacts: 0 },
      { from: 30, to: 40, contacts: 0 },
      { from: 40, to: 50, contacts: 1 },
    ]);
    // is_empty has no threshold to draw.
    expect(body.thresholds).toEqual([{ triggerId: 'hot', op: 'gte', value: 40, paused: false }]);
  });

  it('when the profile is unknown or the bin width is not a positive integer, then 404 / 400 naming the field', async () => {
    const account = await h.newAccount();
    await aProfile(account);
    expect((await account.call('GET', '/profiles/nope/distribution')).status).toBe(404);
    const bad = await account.call('GET', '/profiles/engagement/distribution?binWidth=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.binWidth']);
  });
});

describe('GET /automation-runs and /automation-runs/fire-counts', () => {
  it('when a trigger fires, then its run is listed with its actions and counted, and filters narrow the list', async () => {
    const account = await h.newAccount();
    await aProfile(account);
    const trigger = {
      id: 'hot',
      profileId: 'engagement',
      condition: { op: 'gte', value: 10 },
      reentry: { policy: 'once' },
      automation: 'reward_offer',
    };
    expect((await account.call('POST', '/triggers', trigger)).status).toBe(201);
    expect(
      (
        await account.call('POST', '/triggers', {
          ...trigger,
          id: 'cold',
          condition: { op: 'lt', value: -5 },
        })
      ).status,
    ).toBe(201);
    expect((await account.call('POST', '/contacts', { id: 'ada', email: 'ada@example.com' })).status).toBe(
      201,
    );
    const ingest = await account.call('POST', '/contacts/ada/interactions', [
      anInteraction({ type: 'appointment_booked' }),
    ]);
    expect(ingest.status).toBe(202);

    const { runs } = await eventually(
      async () => {
        const res = await account.call('GET', '/automation-runs', undefined, account.keys.read);
        expect(res.status).toBe(200);
        const list = automationRunListSchema.parse(res.body);
        expect(list.runs).toHaveLength(1);
        expect(list.runs[0]!.status).toBe('COMPLETED');
        return list;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(runs[0]).toMatchObject({ automation: 'reward_offer', triggerId: 'hot', contactId: 'ada' });
    expect(runs[0]!.actions.map((a) => [a.kind, a.state])).toEqual([
      ['send_email', 'done'],
      ['add_tag', 'done'],
    ]);

    expect((await account.call('GET', '/automation-runs?triggerId=cold')).body).toEqual({ runs: [] });
    expect((await account.call('GET', '/automation-runs?contactId=bob')).body).toEqual({ runs: [] });
    expect(
      (await account.call('GET', '/automation-runs?contactId=ada&triggerId=hot')).body.runs,
    ).toHaveLength(1);
    const counts = fireCountsSchema.parse((await account.call('GET', '/automation-runs/fire-counts')).body);
    expect(counts.triggers).toEqual([
      { triggerId: 'hot', fires: 1 },
      { triggerId: 'cold', fires: 0 },
    ]);
    const bad = await account.call('GET', '/automation-runs?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.limit']);
  }, 60_000);
});

describe('GET /console', () => {
  it('when anyone opens it, then the page and its assets load without a key; other methods are 405', async () => {
    const page = await fetch(`${h.baseUrl}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(h.baseUrl + script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    // Nothing in the bundle reaches beyond the API it is served by.
    expect(await asset.text()).not.toMatch(
      /https?:\/\/(?!localhost:8233)[a-z0-9.-]+\.[a-z]{2,}\/[\w/-]*\.(js|css|woff2?)/i,
    );
    expect((await fetch(`${h.baseUrl}/console/`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/console`, { method: 'POST' })).status).toBe(405);
  });

  it('when the console was not built, then /console says so with a 503 instead of a bare 404', async () => {
    const app = express().use(consoleRouter('/nonexistent/console/dist'));
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/console`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
