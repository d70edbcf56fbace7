import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pino from 'pino';
import { createApp } from '../../api/app';
import { connectTemporalClient, missingSearchAttributes } from '../../config/temporal';
import { loadTemporalSettings, type TemporalSettings } from '../../config/temporal-connection';
import { createApiKey, ensureAccount } from '../../db/accounts';
import { createPool, type Db } from '../../db/pool';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { anInteraction, uniqueId } from '../support/builders';
import { eventually } from '../support/eventually';
import { serverLog, startTlsTemporalServer, type TlsTemporalServer } from '../support/tls-temporal-server';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const NAMESPACE = 'pulse-mtls';

let root: string;
let server: TlsTemporalServer;
/** What an operator would set for the worker and the API: envconfig's variables, nothing else. */
let temporalEnv: Record<string, string>;
let settings: TemporalSettings;
let db: Db;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-mtls-'));
  server = await startTlsTemporalServer(root);
  temporalEnv = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TLS_CLIENT_CERT_PATH: server.certs.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: server.certs.clientKey,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: server.certs.ca,
    TEMPORAL_TLS_SERVER_NAME: server.serverName,
  };
  settings = loadTemporalSettings({ ...temporalEnv, HOME: root });
  expect(settings.summary).toBe(`${server.address} namespace ${NAMESPACE}, mTLS`);
  db = createPool(process.env.DATABASE_URL!);
  // The namespace an operator creates before deploying Pulse, through the same mTLS settings.
  await eventually(
    async () => {
      const client = await connectTemporalClient(settings);
      try {
        await client.workflowService.registerNamespace({
          namespace: NAMESPACE,
          workflowExecutionRetentionPeriod: msToTs('1 day'),
        });
      } catch (err) {
        if (!/already/i.test(String(err))) throw err;
      } finally {
        await client.connection.close();
      }
    },
    { timeoutMs: 90_000, intervalMs: 1_000 },
  ).catch((err: unknown) => {
    throw new Error(`TLS Temporal server did not serve: ${String(err)}\n${serverLog(root)}`);
  });
}, 180_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

/** getSystemInfo with a deadline, so a refused handshake is not retried for long. */
async function systemInfoWith(options: Parameters<typeof Connection.lazy>[0]): Promise<string> {
  const connection = Connection.lazy({ ...options, address: server.address });
  try {
    const info = await connection.withDeadline(Date.now() + 5_000, () =>
      connection.workflowService.getSystemInfo({}),
    );
    return `server ${info.serverVersion}`;
  } finally {
    await connection.close();
  }
}

describe('Temporal over mTLS (TLS required by the server, certificates made by the test)', () => {
  it('when a client brings no certificate, a certificate of another CA, or no TLS at all, then it is refused; with the certificate it is served', async () => {
    const ca = fs.readFileSync(server.certs.ca);
    await expect(
      systemInfoWith({ tls: { serverRootCACertificate: ca, serverNameOverride: server.serverName } }),
    ).rejects.toThrow();
    await expect(
      systemInfoWith({
        tls: {
          serverRootCACertificate: ca,
          serverNameOverride: server.serverName,
          clientCertPair: {
            crt: fs.readFileSync(server.certs.strangerCert),
            key: fs.readFileSync(server.certs.strangerKey),
          },
        },
      }),
    ).rejects.toThrow();
    await expect(systemInfoWith({})).rejects.toThrow();
    await expect(systemInfoWith(settings.connection)).resolves.toMatch(/^server 1\./);
  });

  it("when Pulse's worker and API are configured with envconfig's TEMPORAL_TLS_* variables, then the worker sets the namespace up and an interaction is scored", async () => {
    const taskQueue = `mtls-${randomUUID()}`;
    const worker: WorkerProcess = startWorkerProcess(taskQueue, temporalEnv);
    const client: Client = await connectTemporalClient(loadTemporalSettings({ ...temporalEnv, HOME: root }));
    let http: Server | undefined;
    try {
      await worker.ready;
      // The worker ran `pulse setup` at start, over mTLS.
      expect(await missingSearchAttributes(client, NAMESPACE, SEARCH_ATTRIBUTES)).toEqual([]);

      const app = createApp({ db, temporal: client, taskQueue, logger: pino({ level: 'silent' }) });
      http = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const accountId = uniqueId('mtls');
      await ensureAccount(db, accountId, accountId);
      const { key } = await createApiKey(db, { accountId, scopes: ['admin'], name: 'mtls' });
      const call = async (method: string, route: string, body?: unknown) => {
        const res = await fetch(baseUrl + route, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      expect(
        (await call('POST', '/profiles', { id: 'engagement', name: 'E', rules: DEFAULT_RULES })).status,
      ).toBe(201);
      expect((await call('POST', '/profiles/engagement/publish')).status).toBe(201);
      expect((await call('POST', '/contacts', { id: 'ada' })).status).toBe(201);
      expect(
        (await call('POST', '/contacts/ada/interactions', anInteraction({ type: 'form_submitted' }))).status,
      ).toBe(202);
      await eventually(async () => expect((await call('GET', '/contacts/ada/score')).body.score).toBe(5), {
        timeoutMs: 30_000,
      });
    } finally {
      await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
      await worker.kill('SIGTERM');
      await client.connection.close();
    }
  }, 120_000);
});
