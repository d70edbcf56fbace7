import { temporalSettingsAt } from '../../config/temporal-connection';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from '../../api/app';
import { lazyApiTemporalClient } from '../../config/temporal';
import { READINESS_TIMEOUT_MS } from '../../api/health/router';
import { createAccount, rulesFor, type FaultAccount } from '../support/fault-kit';
import { anInteraction } from '../support/builders';
import { startHarness, type Harness } from '../support/harness';

/**
 * The API with a Temporal that cannot be reached, two ways: nothing listens (connections refused at
 * once), or something accepts connections and never answers (a hung server, a black-holed route).
 * Either way: interactions are accepted, what needs Temporal is 503 + Retry-After within 2 s.
 */

const BOUND_MS = 2_000;

let h: Harness;
let silent: net.Server;
const sockets = new Set<net.Socket>();
beforeAll(async () => {
  h = await startHarness({ inProcessWorker: false });
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await h?.shutdown();
});

async function apiWithTemporalAt(address: string) {
  const temporal = lazyApiTemporalClient(temporalSettingsAt(address));
  const app = createApp({ db: h.db, temporal, taskQueue: 'nobody', logger: pino({ level: 'silent' }) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await temporal.connection.close().catch(() => undefined);
    },
  };
}

async function timed<T>(call: Promise<T>): Promise<{ res: T; ms: number }> {
  const started = Date.now();
  const res = await call;
  return { res, ms: Date.now() - started };
}

describe.each([
  ['refuses connections', () => '127.0.0.1:1'],
  ['accepts connections and never answers', () => `127.0.0.1:${(silent.address() as AddressInfo).port}`],
])('when Temporal %s', (_how, address) => {
  let api: Awaited<ReturnType<typeof apiWithTemporalAt>>;
  let account: FaultAccount;
  beforeAll(async () => {
    api = await apiWithTemporalAt(address());
    account = await createAccount(h.db, api.baseUrl);
    // Profiles and contacts are Postgres only.
    expect(
      (await account.call('POST', '/profiles', { id: 'engagement', name: 'E', rules: rulesFor({ a: 1 }) }))
        .status,
    ).toBe(201);
    expect((await account.call('POST', '/contacts', { id: 'c1' })).status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('then interactions are stored and accepted (202) within 2 s', async () => {
    const batch = [anInteraction(), anInteraction()];
    for (let i = 0; i < 3; i++) {
      const { res, ms } = await timed(
        account.call('POST', '/contacts/c1/interactions', i === 0 ? batch : [anInteraction()]),
      );
      expect([res.status, ms < BOUND_MS]).toEqual([202, true]);
    }
    const { rows } = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM interactions WHERE account_id = $1 AND applied_at IS NULL',
      [account.accountId],
    );
    expect(rows[0]!.n).toBe(4);
  });

  it('then score adjustments, publishing, re-score progress and automation runs answer 503 + Retry-After within 2 s, and nothing is published', async () => {
    const calls = [
      () =>
        account.call('POST', '/contacts/c1/score-adjustments', {
          profileId: 'engagement',
          points: 1,
          reason: 'r',
        }),
      () => account.call('POST', '/profiles/engagement/publish'),
      () => account.call('GET', '/profiles/engagement/versions/1/rescore'),
      () => account.call('GET', '/automation-runs'),
      () => account.call('GET', '/automation-runs/fire-counts'),
    ];
    for (const call of calls) {
      const { res, ms } = await timed(call());
      expect(ms).toBeLessThan(BOUND_MS);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body.detail).toBe('Temporal is unavailable; retry shortly');
    }
    const profile = await account.call('GET', '/profiles/engagement');
    expect(profile.body.liveVersion).toBeNull();
  });

  it('then /readyz is 200 within its 2 s check deadline (and the backstop’s 0.5 s) and names temporal as down', async () => {
    const { res, ms } = await timed(fetch(`${api.baseUrl}/readyz`));
    expect(ms).toBeLessThan(READINESS_TIMEOUT_MS + 600);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ postgres: 'ok', temporal: 'down' });
  });
});
