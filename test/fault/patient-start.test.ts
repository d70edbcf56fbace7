import net from 'node:net';
import { findFreePort } from '../../stack/free-port';
import { eventually } from '../support/eventually';
import { startApiProcess, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * In a deployment Pulse often starts before Postgres or Temporal answer: the worker waits with
 * backoff and says which variable to check, instead of exiting with a bare "Connection refused".
 */

const running: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of running) await w.kill();
});

/** A TCP relay to the real Temporal frontend, opened only when the test says so. */
function lateTemporal(port: number): { open(): Promise<void>; close(): Promise<void> } {
  const [host, targetPort] = process.env.TEMPORAL_ADDRESS!.split(':') as [string, string];
  return lateRelay(port, host, Number(targetPort));
}

/** A TCP relay to host:targetPort, listening on `port` only once the test opens it. */
function lateRelay(
  port: number,
  host: string,
  targetPort: number,
): { open(): Promise<void>; close(): Promise<void> } {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  return {
    open: () => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once the process has written `text`. */
function logged(worker: WorkerProcess, text: string): Promise<void> {
  return eventually(
    () => {
      expect(worker.output()).toContain(text);
      return Promise.resolve();
    },
    { timeoutMs: 30_000 },
  );
}

describe('worker start-up while its backing services are away', () => {
  it('when Temporal is not up yet, then the worker retries naming TEMPORAL_ADDRESS and starts once Temporal answers', async () => {
    const port = await findFreePort();
    const relay = lateTemporal(port);
    const worker = startWorkerProcess(`patient-${port}`, { TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    running.push(worker);
    try {
      await logged(worker, 'check TEMPORAL_ADDRESS if this persists');
      expect(worker.child.exitCode).toBeNull();
      await relay.open();
      await worker.ready;
      await worker.kill('SIGTERM');
      expect(worker.child.exitCode).toBe(0);
    } finally {
      await relay.close();
    }
  }, 90_000);

  it('when Postgres is not up, then the worker retries naming DATABASE_URL, and SIGTERM ends the waiting at once', async () => {
    const port = await findFreePort();
    const worker = startWorkerProcess(`patient-pg-${port}`, {
      DATABASE_URL: `postgres://pulse:secret@127.0.0.1:${port}/pulse`,
    });
    running.push(worker);
    await logged(worker, 'check DATABASE_URL if this persists');
    expect(worker.output()).not.toContain('secret');
    expect(worker.child.exitCode).toBeNull();
    const asked = Date.now();
    await worker.kill('SIGTERM');
    expect(Date.now() - asked).toBeLessThan(3_000);
  }, 60_000);
});

describe('API start-up while its backing services are away', () => {
  it('when Postgres is not up yet, then the API retries naming DATABASE_URL and listens once Postgres answers', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const relayPort = await findFreePort();
    const relay = lateRelay(relayPort, url.hostname, Number(url.port));
    const late = new URL(url);
    late.port = String(relayPort);
    const port = await findFreePort();
    const api = startApiProcess(`patient-api-${port}`, port, { DATABASE_URL: late.toString() });
    running.push(api);
    try {
      await logged(api, 'check DATABASE_URL if this persists');
      expect(api.child.exitCode).toBeNull();
      await relay.open();
      await api.ready;
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      await api.kill('SIGTERM');
      expect(api.child.exitCode).toBe(0);
    } finally {
      await relay.close();
    }
  }, 90_000);

  it('when Temporal is away, then the API listens anyway and /readyz says temporal is down (stored interactions are delivered later)', async () => {
    const port = await findFreePort();
    const api = startApiProcess(`patient-api-t-${port}`, port, {
      TEMPORAL_ADDRESS: `127.0.0.1:${await findFreePort()}`,
    });
    running.push(api);
    await api.ready;
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ postgres: 'ok', temporal: 'down' });
    await api.kill('SIGTERM');
    expect(api.child.exitCode).toBe(0);
  }, 60_000);
});
