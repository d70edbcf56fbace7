import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { installTemporalRuntime } from '../../config/temporal-runtime';
import pino from 'pino';
import { createApp, type AppDeps } from '../../api/app';
import { createTemporalGate } from '../../api/temporal-gate';
import { createApiKey, ensureAccount, type ApiKeyScope } from '../../db/accounts';
import { createPool, type Db } from '../../db/pool';
import { createWorker, workflowsPath, type PulseWorkerOptions } from '../../worker/create-worker';
import { uniqueId } from './builders';
import { quietBundlerLogger } from '../../worker/quiet-bundler-logger';
import { scoreAtIngestFromEnv } from './score-at-ingest-mode';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestAccount {
  accountId: string;
  keys: Record<ApiKeyScope, string>;
  /** Calls the API as this account with the admin key unless another is given. */
  call<T = any>(method: string, path: string, body?: unknown, key?: string | null): Promise<ApiResponse<T>>;
}

export interface Harness {
  db: Db;
  client: Client;
  taskQueue: string;
  baseUrl: string;
  /** Absent when the test runs its workers as separate processes (fault tests). */
  worker: Worker | undefined;
  newAccount(): Promise<TestAccount>;
  shutdown(): Promise<void>;
}

let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>> | undefined;

/**
 * The real stack for one test file: the servers from globalSetup, a worker on its own task
 * queue, and the API on an ephemeral port. Each test makes its own account, so tests never
 * see each other's data.
 */
export async function startHarness(
  opts: {
    inProcessWorker?: boolean;
    /** Options of the app under test, e.g. a low rate limit. */
    appOptions?: Pick<AppDeps, 'rateLimit' | 'operatorToken' | 'wakeStaleSeconds' | 'scoreAtIngest'>;
    /** For the in-process worker: activities in place of the real ones (fault injection). */
    overrideActivities?: PulseWorkerOptions['overrideActivities'];
    /** For the in-process worker: its outbound settings (webhook address policy, SMS provider). */
    workerOptions?: Pick<PulseWorkerOptions, 'webhook' | 'sms' | 'twilio'>;
  } = {},
): Promise<Harness> {
  installTemporalRuntime('ERROR');
  const address = process.env.TEMPORAL_ADDRESS!;
  const db = createPool(process.env.DATABASE_URL!);
  const taskQueue = `test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
  let worker: Worker | undefined;
  let running: Promise<void> = Promise.resolve();
  if (opts.inProcessWorker ?? true) {
    bundle ??= await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
    worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      db,
      workflowBundle: bundle,
      overrideActivities: opts.overrideActivities,
      ...opts.workerOptions,
    });
    running = worker.run();
  }
  const temporalGate = createTemporalGate(client);
  const app = createApp({
    db,
    temporal: client,
    temporalGate,
    taskQueue,
    logger: pino({ level: 'silent' }),
    scoreAtIngest: scoreAtIngestFromEnv(),
    ...opts.appOptions,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function newAccount(): Promise<TestAccount> {
    const accountId = uniqueId('acct');
    await ensureAccount(db, accountId, accountId);
    const keys = {} as Record<ApiKeyScope, string>;
    for (const scope of ['read', 'write', 'admin'] as const) {
      keys[scope] = (await createApiKey(db, { accountId, scopes: [scope], name: scope })).key;
    }
    return {
      accountId,
      keys,
      async call(method, path, body, key = keys.admin) {
        const headers: Record<string, string> = {};
        if (key !== null) headers.authorization = `Bearer ${key}`;
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(baseUrl + path, {
          method,
          headers,
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
      },
    };
  }

  return {
    db,
    client,
    taskQueue,
    baseUrl,
    worker,
    newAccount,
    async shutdown() {
      await new Promise((resolve) => server.close(resolve));
      worker?.shutdown();
      await running;
      await nativeConnection.close();
      await temporalGate.drain(10_000);
      await client.connection.close();
      await db.end();
    },
  };
}
