import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../api/app';
import { createPool, type Db } from '../../db/pool';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.shutdown();
});

/** Nothing listens on port 1: connections are refused at once. */
const UNREACHABLE = '127.0.0.1:1';

/** The app wired to the given Postgres and Temporal, listening on an ephemeral port. */
async function appWith(db: Db, temporal: Client): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({ db, temporal, taskQueue: 'unused', logger: pino({ level: 'silent' }) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Without the SDK's retry interceptor: it may schedule one more attempt after the deadline, which
 * would then hit a connection the test has already closed.
 */
const unreachableTemporal = () =>
  new Client({ connection: Connection.lazy({ address: UNREACHABLE, interceptors: [] }) });
const unreachablePostgres = () => createPool(`postgres://pulse:pulse@${UNREACHABLE}/pulse`);

describe('GET /readyz', () => {
  it('when Postgres and Temporal answer, then it is 200 without an API key', async () => {
    const res = await fetch(`${h.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ postgres: 'ok', temporal: 'ok' });
  });

  it('when Temporal cannot be reached, then it stays 200 (interactions are still taken) and names temporal as down', async () => {
    const temporal = unreachableTemporal();
    const app = await appWith(h.db, temporal);
    try {
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        postgres: 'ok',
        temporal: 'down',
        degraded:
          'temporal (UNAVAILABLE) unavailable: interactions are stored and applied once it is back; ' +
          'score adjustments and publishing answer 503',
      });
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
      await temporal.connection.close();
    }
  });

  it('when Postgres cannot be reached, then it is 503 problem+json naming postgres', async () => {
    const db = unreachablePostgres();
    const app = await appWith(db, h.client);
    try {
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.headers.get('retry-after')).toBe('5');
      const body = (await res.json()) as { detail: string; checks: Record<string, string> };
      expect(body).toMatchObject({ status: 503, checks: { postgres: 'down', temporal: 'ok' } });
      expect(body.detail).toBe('not ready: postgres (ECONNREFUSED) unavailable');
    } finally {
      await app.close();
      await db.end();
    }
  });

  it('when neither Postgres nor Temporal can be reached, then it is 503 naming both', async () => {
    const db = unreachablePostgres();
    const temporal = unreachableTemporal();
    const app = await appWith(db, temporal);
    try {
      const res = await fetch(`${app.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { detail: string; checks: Record<string, string> };
      expect(body.checks).toEqual({ postgres: 'down', temporal: 'down' });
      expect(body.detail).toBe('not ready: postgres (ECONNREFUSED), temporal (UNAVAILABLE) unavailable');
      expect(body.detail).not.toContain(UNREACHABLE);
    } finally {
      await app.close();
      await temporal.connection.close();
      await db.end();
    }
  });
});
