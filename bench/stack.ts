import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../api/app';
import { connectTemporalClient } from '../config/temporal';
import { temporalSettingsAt } from '../config/temporal-connection';
import { installTemporalRuntime } from '../config/temporal-runtime';
import { migrate } from '../db/migrate';
import { createPool, type Db } from '../db/pool';
import { startEmbeddedPostgres } from '../stack/embedded-postgres';
import { startTemporalCluster } from '../stack/temporal-cluster';
import { startTemporalDevServer } from '../stack/temporal-dev-server';
import { createWorker, workflowsPath } from '../worker/create-worker';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import type { TemporalKind, WorkerMode } from './options';
import { quietBundlerLogger } from '../worker/quiet-bundler-logger';

export const REPO_ROOT = path.resolve(__dirname, '..');
const NAMESPACE = 'default';

type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowCode>>;

/** A scoring worker and an API in front of it, on a task queue of their own. */
export interface Deployment {
  mode: WorkerMode;
  taskQueue: string;
  baseUrl: string;
  /** The API's pool; in-process it is the worker's too, as with `npm start`. */
  db: Db;
  /** The worker's process: a child's pid, or this process when in-process. */
  workerPid: number;
  stop(): Promise<void>;
}

export interface Stack {
  root: string;
  /** The dev server (`npm start`'s), or the production-shaped cluster (stack/temporal-cluster.ts). */
  temporalKind: TemporalKind;
  databaseUrl: string;
  temporalAddress: string;
  /** For the benchmark's own setup and polling, apart from the pools under test. */
  db: Db;
  /** The Temporal client the APIs use (one connection, as in `npm start`). */
  temporal: Client;
  connection: NativeConnection;
  deploy(mode: WorkerMode, opts?: DeployOptions): Promise<Deployment>;
  /** A worker for benchmark-only workflows (the noop ceiling, ...), with its own bundle and task queue. */
  startBenchWorker(
    name: string,
    workflowsFile: string,
    activities?: object,
  ): Promise<{ taskQueue: string; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * The servers `npm start` runs, in a temporary data directory: embedded Postgres, a Temporal dev
 * server (SQLite file, no lowered limits), migrations. With `temporal: 'cluster'`, Temporal is
 * instead the real server on the same Postgres (4 history shards, production defaults).
 * Everything started is stopped by stop(), in reverse order, whatever happened before.
 */
export async function startStack(
  root: string,
  log: (line: string) => void,
  temporalKind: TemporalKind = 'dev',
): Promise<Stack> {
  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  let stopped = false;
  const stopAll = async () => {
    if (stopped) return;
    stopped = true;
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((err: unknown) => log(`stopping ${name} failed: ${String(err)}`));
    }
  };
  try {
    installTemporalRuntime('WARN');
    let started = Date.now();
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(root, 'postgres'),
      database: 'pulse',
      // The cluster's own pools (20 + 10) beside the benchmark's.
      settings: temporalKind === 'cluster' ? { max_connections: 300 } : {},
    });
    stops.push({ name: 'postgres', stop: () => postgres.stop() });
    log(`embedded Postgres up in ${Date.now() - started} ms`);

    started = Date.now();
    const server =
      temporalKind === 'cluster'
        ? await startTemporalCluster({
            dir: path.join(root, 'temporal-cluster'),
            postgresUrl: postgres.url,
            historyShards: 4,
            namespace: NAMESPACE,
            searchAttributes: SEARCH_ATTRIBUTES,
            log,
          })
        : await startTemporalDevServer({
            dbFile: path.join(root, 'temporal.sqlite'),
            headless: true,
            namespace: NAMESPACE,
            searchAttributes: SEARCH_ATTRIBUTES,
            logFile: path.join(root, 'temporal.log'),
          });
    stops.push({ name: 'temporal', stop: () => server.stop() });
    log(
      `Temporal ${temporalKind === 'cluster' ? 'cluster' : 'dev server'} up in ${Date.now() - started} ms (${server.address})`,
    );

    await migrate(postgres.url);
    const db = createPool(postgres.url, 4);
    stops.push({ name: 'bench pool', stop: () => db.end() });
    const temporal = await connectTemporalClient(temporalSettingsAt(server.address, NAMESPACE));
    stops.push({ name: 'temporal client', stop: () => temporal.connection.close() });
    const connection = await NativeConnection.connect({ address: server.address });
    stops.push({ name: 'native connection', stop: () => connection.close() });

    let bundle: Promise<WorkflowBundle> | undefined;
    const scoringBundle = () =>
      (bundle ??= timed(log, 'scoring workflow bundle', () =>
        bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger }),
      ));

    const deploy = async (mode: WorkerMode, opts: DeployOptions = {}): Promise<Deployment> => {
      const taskQueue = `bench-${mode}-${randomUUID().slice(0, 8)}`;
      const ownStops: Array<() => Promise<unknown>> = [];
      const stopDeployment = async () => {
        for (const stop of ownStops.reverse()) await stop().catch(() => undefined);
      };
      // Registered first: stopAll() runs it even if this deployment is never stopped on its own.
      stops.push({ name: `deployment ${taskQueue}`, stop: stopDeployment });
      const apiDb = createPool(postgres.url);
      ownStops.push(() => apiDb.end());
      let workerPid = process.pid;
      if (mode === 'inprocess') {
        // Its own pool, as in a worker process: a scoring pass holds a connection for its whole
        // transaction, and sharing the API's ten let passes and requests queue behind each other.
        const workerDb = createPool(postgres.url);
        ownStops.push(() => workerDb.end());
        const worker = await createWorker({
          connection,
          namespace: NAMESPACE,
          taskQueue,
          db: workerDb,
          workflowBundle: await scoringBundle(),
        });
        const running = worker.run();
        running.catch(() => undefined); // observed by stop(); a failure must not crash the run first
        ownStops.push(async () => {
          shutdownQuietly(worker);
          await running;
        });
      } else {
        const child = await timed(log, `child worker (${taskQueue}) start`, () =>
          startWorkerChild({
            DATABASE_URL: postgres.url,
            TEMPORAL_ADDRESS: server.address,
            TEMPORAL_TASK_QUEUE: taskQueue,
          }),
        );
        ownStops.push(() => child.stop());
        workerPid = child.pid;
      }
      const logger =
        opts.apiLogLevel && opts.apiLogLevel !== 'silent'
          ? pino({ level: opts.apiLogLevel }, pino.destination(path.join(root, `api-${taskQueue}.log`)))
          : pino({ level: 'silent' });
      // The bench measures ingest, not the per-key limiter: at the default 200/s an ingest run with
      // coalesced wake-ups was refused (429) past the retries, and its score check failed.
      const unlimited = { perSecond: 1_000_000, burst: 1_000_000 };
      const app = createApp({
        db: apiDb,
        temporal,
        taskQueue,
        logger,
        rateLimit: unlimited,
        // Refreshes are the reconciler's, which the bench does not run: they are owed, not measured.
        scoreAtIngest: opts.scoreAtIngest ? {} : undefined,
      });
      const http: Server = await new Promise((resolve, reject) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s)).once('error', reject);
      });
      http.keepAliveTimeout = 60_000;
      ownStops.push(
        () =>
          new Promise((resolve) => {
            http.closeAllConnections();
            http.close(resolve);
          }),
      );
      const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      return { mode, taskQueue, baseUrl, db: apiDb, workerPid, stop: stopDeployment };
    };

    const startBenchWorker = async (name: string, workflowsFile: string, activities?: object) => {
      const taskQueue = `bench-${name}-${randomUUID().slice(0, 8)}`;
      const workflowBundle = await timed(log, `${name} workflow bundle`, () =>
        bundleWorkflowCode({ workflowsPath: require.resolve(workflowsFile), logger: quietBundlerLogger }),
      );
      const worker = await Worker.create({
        connection,
        namespace: NAMESPACE,
        taskQueue,
        workflowBundle,
        ...(activities && { activities }),
      });
      const running = worker.run();
      running.catch(() => undefined); // observed by stop(); a failure must not crash the run first
      let done = false;
      const stop = async () => {
        if (done) return;
        done = true;
        shutdownQuietly(worker);
        await running;
      };
      stops.push({ name: `${name} worker`, stop });
      return { taskQueue, stop };
    };

    return {
      root,
      temporalKind,
      databaseUrl: postgres.url,
      temporalAddress: server.address,
      db,
      temporal,
      connection,
      deploy,
      startBenchWorker,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export interface DeployOptions {
  apiLogLevel?: string;
  scoreAtIngest?: boolean;
}

export interface WorkerChild {
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Throws, with the end of its output, if the worker has exited: a wait on it would never end. */
  assertAlive(): void;
}

/**
 * The production entry point, `worker/main.ts` under tsx, as a process of its own. Started as
 * `node --import tsx` rather than through the tsx CLI, so the pid is the worker's own (the CLI
 * would run it as a grandchild) and /proc/<pid>/status is the worker's memory.
 */
export async function startWorkerChild(env: Record<string, string>): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'worker', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let tail = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      if (tail.includes('worker started')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`worker exited (${code ?? signal}) before it was ready:\n${tail}`)),
    );
  });
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  const assertAlive = () => {
    if (child.exitCode === null && child.signalCode === null) return;
    throw new Error(`the worker process exited (${child.exitCode ?? child.signalCode}):\n${tail}`);
  };
  return { pid: child.pid!, child, stop, assertAlive };
}

/** The SDK shuts a worker down by itself on SIGINT/SIGTERM; a second shutdown() would throw. */
function shutdownQuietly(worker: Worker): void {
  if (worker.getState() === 'RUNNING') worker.shutdown();
}

async function timed<T>(log: (line: string) => void, what: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  log(`${what}: ${Date.now() - started} ms`);
  return result;
}

export function makeTempRoot(): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'pulse-bench-'));
}
