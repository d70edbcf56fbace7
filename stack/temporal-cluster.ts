import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { findFreePorts, findFreePortsInRange } from './free-port';
import { namedServerPorts, postgresDatastore, temporalServerConfigYaml } from './temporal-server-config';
import { temporalServerTools, temporalUiServer, type BuildLog } from './go-tools';
import {
  connectWhenUp,
  ensureSearchAttributes,
  killWithParent,
  openOutput,
  stopOnce,
  type SearchAttributeTypeName,
} from './temporal-dev-server';

const execFileAsync = promisify(execFile);

export interface TemporalClusterOptions {
  /** Config, dynamic config and logs; kept between runs (a restart reuses it). */
  dir: string;
  /** A PostgreSQL role that may create databases, e.g. postgres://postgres:pw@127.0.0.1:5432/postgres. */
  postgresUrl: string;
  /** Persistence and visibility databases, created and migrated when missing. */
  databases?: { persistence: string; visibility: string };
  /** Fixed when the persistence database is first set up; ≥ 4 spreads workflows over several shard owners. */
  historyShards?: number;
  /** Frontend gRPC port; 0 or absent: a free port. */
  port?: number;
  namespace?: string;
  searchAttributes: Record<string, SearchAttributeTypeName>;
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Start the Web UI server too (on this port, or a free one when 0). */
  uiPort?: number;
  log?: BuildLog;
}

export interface TemporalCluster {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  uiUrl?: string;
  historyShards: number;
  /** The server process's pid (changes on restart). */
  pid(): number | undefined;
  /** SIGTERM (SIGKILL if asked), then the same server on the same database and ports, ready again. */
  restart(opts?: { signal?: NodeJS.Signals; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 250;
const RETENTION = '3 days';
/** gRPC status ALREADY_EXISTS. */
const ALREADY_EXISTS = 6;

/**
 * A production-shaped Temporal: the real server binary (built by go-tools.ts at the pinned
 * version) with PostgreSQL persistence and SQL visibility (postgres12 plugin, schema applied with
 * temporal-sql-tool from the module's schema/postgresql/v12), several history shards, all
 * services in one process, a namespace with Pulse's search attributes, and optionally the Web UI.
 */
export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalCluster> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const tools = await temporalServerTools(log);
  const namespace = opts.namespace ?? 'default';
  const historyShards = opts.historyShards ?? 4;
  const databases = opts.databases ?? { persistence: 'temporal', visibility: 'temporal_visibility' };
  const pg = new URL(opts.postgresUrl);
  fs.mkdirSync(path.join(opts.dir, 'config', 'dynamicconfig'), { recursive: true });

  await setupDatabase(
    tools.sqlTool,
    pg,
    databases.persistence,
    path.join(tools.postgresSchemaDir, 'temporal'),
  );
  await setupDatabase(
    tools.sqlTool,
    pg,
    databases.visibility,
    path.join(tools.postgresSchemaDir, 'visibility'),
  );

  const { port, ports } = await choosePorts(opts.dir, opts.port);
  fs.writeFileSync(
    path.join(opts.dir, 'config', 'cluster.yaml'),
    serverConfig({
      pg,
      databases,
      historyShards,
      port,
      ports,
      dynamicConfigFile: path.resolve(opts.dir, 'config', 'dynamicconfig', 'cluster.yaml'),
    }),
  );
  fs.writeFileSync(
    path.join(opts.dir, 'config', 'dynamicconfig', 'cluster.yaml'),
    dynamicConfig(opts.dynamicConfig ?? {}),
  );

  const address = `${HOST}:${port}`;
  const logFile = path.join(opts.dir, 'temporal-server.log');
  let child: ChildProcess | undefined;
  let stopChild: (() => Promise<void>) | undefined;

  const startServer = async () => {
    const output = openOutput(logFile);
    // Its own process group: a Ctrl-C meant for the caller does not reach it before the caller stops it.
    child = spawn(
      tools.server,
      ['--root', opts.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
      {
        stdio: ['ignore', output.stdio, output.stdio],
        detached: true,
      },
    );
    output.attach(child);
    killWithParent(child);
    stopChild = stopOnce(child);
    try {
      await waitUntilServing(address, child, namespace, opts.searchAttributes);
    } catch (err) {
      await stopChild();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(
        `Temporal server did not start: ${reason}\n--- server output (tail) ---\n${output.tail()}`,
        {
          cause: err,
        },
      );
    }
  };

  let ui: { url: string; stop(): Promise<void> } | undefined;
  try {
    await startServer();
    if (opts.uiPort !== undefined) ui = await startUi(address, namespace, opts.uiPort, opts.dir, log);
  } catch (err) {
    await stopChild?.();
    throw err;
  }

  return {
    address,
    namespace,
    uiUrl: ui?.url,
    historyShards,
    pid: () => child?.pid,
    async restart({ signal = 'SIGTERM', downMs = 0 } = {}) {
      if (signal === 'SIGKILL') child?.kill('SIGKILL');
      await stopChild?.();
      if (downMs > 0) await sleep(downMs);
      await startServer();
    },
    async stop() {
      await ui?.stop();
      await stopChild?.();
    },
  };
}

/**
 * Free ports for the frontend and the services' gRPC and membership listeners, kept in the
 * directory: a restarted server must come back where its clients and its own membership records
 * (in the persistence database) expect it.
 */
async function choosePorts(
  dir: string,
  wanted: number | undefined,
): Promise<{ port: number; ports: number[] }> {
  const file = path.join(dir, 'ports.json');
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { port: number; ports: number[] };
    if (!wanted || wanted === saved.port) return saved;
  }
  const [frontend, http, history, matching, worker] = await findFreePorts(5, HOST);
  // Membership ports are stored in a smallint column: below the ephemeral range.
  const [frontendRing, historyRing, matchingRing, workerRing] = await findFreePortsInRange(
    4,
    20_000,
    32_767,
    HOST,
  );
  const ports = [
    http,
    frontendRing,
    history,
    historyRing,
    matching,
    matchingRing,
    worker,
    workerRing,
  ] as number[];
  const chosen = { port: wanted || frontend!, ports };
  fs.writeFileSync(file, JSON.stringify(chosen) + '\n');
  return chosen;
}

/**
 * Idempotent, as Temporal's own auto-setup does it: create the database when missing, version
 * tables (`setup-schema -v 0.0` skips when a newer version is recorded), then every versioned
 * step not yet applied.
 */
async function setupDatabase(sqlTool: string, pg: URL, database: string, schemaDir: string): Promise<void> {
  const common = [
    '--plugin',
    'postgres12',
    '--ep',
    pg.hostname,
    '-p',
    pg.port || '5432',
    '-u',
    decodeURIComponent(pg.username),
    '--pw',
    decodeURIComponent(pg.password),
    '--db',
    database,
  ];
  const run = async (args: string[]) => {
    try {
      await execFileAsync(sqlTool, [...common, ...args], { maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const { stderr, stdout } = err as { stderr?: string; stdout?: string };
      throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed:\n${stderr ?? ''}${stdout ?? ''}`, {
        cause: err,
      });
    }
  };
  if (!(await databaseExists(pg, database))) await run(['create-database']);
  await run(['setup-schema', '-v', '0.0']);
  await run(['update-schema', '-d', path.join(schemaDir, 'versioned')]);
}

async function databaseExists(pg: URL, database: string): Promise<boolean> {
  const admin = new URL(pg);
  admin.pathname = '/postgres';
  const client = new PgClient({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    return (rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

function serverConfig(c: {
  pg: URL;
  databases: { persistence: string; visibility: string };
  historyShards: number;
  port: number;
  ports: number[];
  dynamicConfigFile: string;
}): string {
  return temporalServerConfigYaml({
    comment:
      'Written by stack/temporal-cluster.ts: PostgreSQL persistence and visibility, all services in one process.',
    host: HOST,
    ports: namedServerPorts(c.port, c.ports),
    historyShards: c.historyShards,
    datastores: {
      default: { name: 'postgres-default', sql: postgresDatastore(c.pg, c.databases.persistence, 20) },
      visibility: { name: 'postgres-visibility', sql: postgresDatastore(c.pg, c.databases.visibility, 10) },
    },
    dynamicConfigFile: c.dynamicConfigFile,
  });
}

function dynamicConfig(values: Record<string, string | number | boolean>): string {
  const entries = Object.entries(values);
  if (entries.length === 0) return '{}\n';
  return entries
    .map(([key, value]) => `${key}:\n  - value: ${JSON.stringify(value)}\n    constraints: {}\n`)
    .join('');
}

/** Frontend up, namespace registered and visible (the namespace cache lags ~10 s), attributes registered. */
async function waitUntilServing(
  address: string,
  child: ChildProcess,
  namespace: string,
  searchAttributes: Record<string, SearchAttributeTypeName>,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const connection = await connectWhenUp(address, child, deadline);
  try {
    await ensureNamespace(connection, namespace, deadline);
    await ensureSearchAttributes(connection, namespace, searchAttributes, deadline);
  } finally {
    await connection.close();
  }
}

async function ensureNamespace(connection: Connection, namespace: string, deadline: number): Promise<void> {
  let registered = false;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      if (!registered) {
        registered = await registerNamespace(connection, namespace).catch(() => false);
      }
      if (Date.now() > deadline) throw new Error(`namespace "${namespace}" not visible`, { cause: err });
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

async function registerNamespace(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(RETENTION),
    });
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  return true;
}

async function startUi(
  temporalAddress: string,
  namespace: string,
  uiPort: number,
  dir: string,
  log: BuildLog,
): Promise<{ url: string; stop(): Promise<void> }> {
  const uiServer = await temporalUiServer(log);
  const port = uiPort || (await findFreePorts(1, HOST))[0]!;
  const configDir = path.join(dir, 'ui', 'config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(
    path.join(configDir, 'cluster.yaml'),
    [
      `temporalGrpcAddress: ${temporalAddress}`,
      `host: ${HOST}`,
      `port: ${port}`,
      'enableUi: true',
      `defaultNamespace: ${JSON.stringify(namespace)}`,
      'disableNewsFetch: true',
      'notifyOnNewVersion: false',
      '',
    ].join('\n'),
  );
  const output = openOutput(path.join(dir, 'temporal-ui.log'));
  const child = spawn(
    uiServer,
    ['--root', path.join(dir, 'ui'), '--config', 'config', '--env', 'cluster', 'start'],
    {
      stdio: ['ignore', output.stdio, output.stdio],
      detached: true,
    },
  );
  output.attach(child);
  killWithParent(child);
  const stop = stopOnce(child);
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answered = await fetch(`${url}/api/v1/settings`).then(
      (res) => res.ok,
      () => false,
    );
    if (answered) return { url, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Temporal UI did not answer on ${url}:\n${output.tail()}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
