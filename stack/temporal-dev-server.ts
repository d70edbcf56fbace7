import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { findFreePorts } from './free-port';
import { findTemporalCli } from './temporal-binaries';

export type SearchAttributeTypeName =
  'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** Absent when started headless. */
  uiUrl?: string;
  namespace: string;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** 0 or absent: a free port (start-dev's own default, gRPC port + 1000, may be taken). */
  uiPort?: number;
  headless?: boolean;
  namespace?: string;
  searchAttributes: Record<string, SearchAttributeTypeName>;
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Server output is appended here; without it only a tail is kept in memory for errors. */
  logFile?: string;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const POLL_INTERVAL_MS = 200;
const LOG_TAIL_BYTES = 4_000;

/** temporal.api.enums.v1.IndexedValueType: the operator service speaks these numbers, not the names. */
export const INDEXED_VALUE_TYPES: Record<SearchAttributeTypeName, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/**
 * Starts `temporal server start-dev` and resolves once it answers gRPC calls and every custom
 * search attribute is visible in the namespace (a workflow that upserts an unknown one fails).
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const cli = await findTemporalCli();
  const namespace = opts.namespace ?? 'default';
  const { port, uiPort } = await choosePorts(opts);
  if (opts.dbFile) await fs.promises.mkdir(path.dirname(opts.dbFile), { recursive: true });

  const output = openOutput(opts.logFile);
  // Its own process group: Ctrl-C reaches the whole foreground group at once, and the worker
  // must finish its last tasks against a live server; only stop() ends it.
  const child = spawn(cli, startDevArgs(opts, namespace, port, uiPort), {
    stdio: ['ignore', output.stdio, output.stdio],
    detached: true,
  });
  output.attach(child);
  const stop = stopOnce(child);
  killWithParent(child);

  const address = `${HOST}:${port}`;
  try {
    await waitUntilReady(address, child, namespace, opts.searchAttributes);
  } catch (err) {
    await stop();
    const reason = err instanceof Error ? err.message : String(err);
    const message = `Temporal dev server did not start: ${reason}`;
    throw new Error(`${message}\n--- server output (tail) ---\n${output.tail()}`, { cause: err });
  }
  return { address, uiUrl: uiPort === undefined ? undefined : `http://${HOST}:${uiPort}`, namespace, stop };
}

async function choosePorts(opts: TemporalDevServerOptions): Promise<{ port: number; uiPort?: number }> {
  const wantUi = !opts.headless;
  const free = await findFreePorts((opts.port ? 0 : 1) + (wantUi && !opts.uiPort ? 1 : 0), HOST);
  const port = opts.port || free.shift();
  if (port === undefined) throw new Error('no free port for the Temporal frontend');
  return { port, uiPort: wantUi ? opts.uiPort || free.shift() : undefined };
}

function startDevArgs(
  opts: TemporalDevServerOptions,
  namespace: string,
  port: number,
  uiPort?: number,
): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    ...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    '--namespace',
    namespace,
    ...Object.entries(opts.searchAttributes).flatMap(([name, type]) => [
      '--search-attribute',
      `${name}=${type}`,
    ]),
    // start-dev parses each value as JSON, so strings need their quotes.
    ...Object.entries(opts.dynamicConfig ?? {}).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${JSON.stringify(value)}`,
    ]),
    '--log-level',
    'warn',
  ];
}

interface ServerOutput {
  stdio: 'pipe' | number;
  attach(child: ChildProcess): void;
  tail(): string;
}

export function openOutput(logFile: string | undefined): ServerOutput {
  return logFile ? fileOutput(logFile) : memoryOutput();
}

/** The child writes to the file itself, so its last words land there even if this process dies first. */
function fileOutput(logFile: string): ServerOutput {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  return {
    stdio: fd,
    attach: () => fs.closeSync(fd),
    tail: () => readTail(logFile, LOG_TAIL_BYTES),
  };
}

function memoryOutput(): ServerOutput {
  let kept = '';
  const keep = (chunk: Buffer) => (kept = (kept + chunk.toString()).slice(-LOG_TAIL_BYTES));
  return {
    stdio: 'pipe',
    attach: (child) => {
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    },
    tail: () => kept,
  };
}

function readTail(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(bytes, size));
    fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString();
  } finally {
    fs.closeSync(fd);
  }
}

/** SIGTERM lets start-dev close SQLite cleanly; SIGKILL only if it hangs. Safe to call twice. */
export function stopOnce(child: ChildProcess): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= terminate(child));
}

async function terminate(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(killer);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** A parent that exits without calling stop() (crash, process.exit) must not leave the server behind. */
export function killWithParent(child: ChildProcess): void {
  const kill = () => child.kill('SIGTERM');
  process.on('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}

async function waitUntilReady(
  address: string,
  child: ChildProcess,
  namespace: string,
  searchAttributes: Record<string, SearchAttributeTypeName>,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const connection = await connectWhenUp(address, child, deadline);
  try {
    await ensureSearchAttributes(connection, namespace, searchAttributes, deadline);
  } finally {
    await connection.close();
  }
}

/**
 * Connection.connect() would leak the channel of every failed attempt, so each attempt is a lazy
 * connection closed on failure; ensureConnected() is what connect() runs (getSystemInfo).
 */
export async function connectWhenUp(
  address: string,
  child: ChildProcess,
  deadline: number,
): Promise<Connection> {
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  for (;;) {
    const connection = Connection.lazy({ address, connectTimeout: 1_000 });
    try {
      await connection.ensureConnected();
      return connection;
    } catch (err) {
      await connection.close();
      if (spawnError) throw spawnError;
      if (hasExited(child))
        throw new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode})`);
      if (Date.now() > deadline)
        throw new Error(`no answer on ${address} within ${START_TIMEOUT_MS} ms`, { cause: err });
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

/**
 * start-dev registers --search-attribute only while creating a namespace, so a database from an
 * earlier run silently lacks attributes added since: those are added here. The namespace cache
 * may show them some seconds later, hence the poll.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: Record<string, SearchAttributeTypeName>,
  deadline: number,
): Promise<void> {
  let added = false;
  for (;;) {
    const registered = await listCustomAttributes(connection, namespace, deadline);
    assertSameTypes(registered, wanted, namespace);
    const missing = Object.entries(wanted).filter(([name]) => registered[name] === undefined);
    if (missing.length === 0) return;
    if (!added) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          missing.map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]),
        ),
      });
      added = true;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `search attributes ${missing.map(([name]) => name).join(', ')} not visible in "${namespace}"`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

/** The type of a registered attribute cannot change; a mismatch would only surface as failed upserts. */
function assertSameTypes(
  registered: Record<string, number>,
  wanted: Record<string, SearchAttributeTypeName>,
  namespace: string,
): void {
  const typeNames = Object.fromEntries(
    Object.entries(INDEXED_VALUE_TYPES).map(([name, value]) => [value, name]),
  );
  const clashes = Object.entries(wanted)
    .filter(
      ([name, type]) => registered[name] !== undefined && registered[name] !== INDEXED_VALUE_TYPES[type],
    )
    .map(([name, type]) => `${name} is ${typeNames[registered[name] ?? 0] ?? 'unknown'}, wanted ${type}`);
  if (clashes.length > 0) {
    throw new Error(
      `search attribute types differ in "${namespace}" (${clashes.join('; ')}): ` +
        'delete the Temporal database file or rename the attribute',
    );
  }
}

/** Right after start the namespace can still be unknown to the frontend: retried until the deadline. */
async function listCustomAttributes(
  connection: Connection,
  namespace: string,
  deadline: number,
): Promise<Record<string, number>> {
  for (;;) {
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      return customAttributes ?? {};
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(POLL_INTERVAL_MS);
  }
}
