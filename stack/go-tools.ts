import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Temporal's server, schema tool and Web UI, and Docker Compose, built from the Go module proxy
 * and cached outside the repository, so a machine without Docker (or Docker Hub) still runs the
 * production-shaped cluster and parses docker-compose.yml with the real parser.
 *
 * One Temporal version for everything: docker-compose.yml and deploy/kubernetes pin the same
 * one, and test/deploy checks that they do.
 */
export const TEMPORAL_SERVER_VERSION = '1.32.1';
/** ui-server v2.34.0 (what compose pinned before) is not on the module proxy; 2.55.0 builds with Go 1.26.8. */
export const TEMPORAL_UI_VERSION = '2.55.0';
export const COMPOSE_VERSION = '2.40.3';

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server module: `temporal/` and `visibility/`, each with `versioned/`. */
  postgresSchemaDir: string;
}

export type BuildLog = (line: string) => void;

/** Where built tools live: $PULSE_TOOLS_CACHE, else $XDG_CACHE_HOME/pulse/tools, else ~/.cache/pulse/tools. */
export function toolsCacheDir(): string {
  if (process.env.PULSE_TOOLS_CACHE) return path.resolve(process.env.PULSE_TOOLS_CACHE);
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'pulse', 'tools');
}

/** temporal-server, temporal-sql-tool and the PostgreSQL schema, at TEMPORAL_SERVER_VERSION. */
export async function temporalServerTools(log: BuildLog = defaultLog): Promise<TemporalServerTools> {
  const dir = await cached(`temporal-server-${TEMPORAL_SERVER_VERSION}`, log, async (staging) => {
    const module = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;
    const bin = path.join(staging, 'bin');
    await goInstall(`go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`, bin, log);
    await fs.promises.rename(path.join(bin, 'server'), path.join(bin, 'temporal-server'));
    await goInstall(`go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`, bin, log);
    await fs.promises.rename(path.join(bin, 'sql'), path.join(bin, 'temporal-sql-tool'));
    const source = await goModDownload(module);
    await copyTree(
      path.join(source, 'schema', 'postgresql', 'v12'),
      path.join(staging, 'schema', 'postgresql', 'v12'),
    );
  });
  return {
    server: path.join(dir, 'bin', 'temporal-server'),
    sqlTool: path.join(dir, 'bin', 'temporal-sql-tool'),
    postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/**
 * The Web UI server. `go install …@version` refuses the module (it has a replace directive), so
 * it is built inside a writable copy of the module, as its own Makefile does.
 */
export async function temporalUiServer(log: BuildLog = defaultLog): Promise<string> {
  const dir = await cached(`temporal-ui-server-${TEMPORAL_UI_VERSION}`, log, async (staging) => {
    await buildInModuleCopy(
      `github.com/temporalio/ui-server/v2@v${TEMPORAL_UI_VERSION}`,
      './cmd/server',
      path.join(staging, 'bin', 'temporal-ui-server'),
      log,
    );
  });
  return path.join(dir, 'bin', 'temporal-ui-server');
}

/** Docker Compose v2 (`docker-compose config` needs no engine). `go install` refuses it (exclude directives). */
export async function composeBinary(log: BuildLog = defaultLog): Promise<string> {
  const dir = await cached(`docker-compose-${COMPOSE_VERSION}`, log, async (staging) => {
    await buildInModuleCopy(
      `github.com/docker/compose/v2@v${COMPOSE_VERSION}`,
      './cmd',
      path.join(staging, 'bin', 'docker-compose'),
      log,
      // As its Makefile does, so `docker-compose version` names the version instead of "dev".
      [`-ldflags=-X github.com/docker/compose/v2/internal.Version=v${COMPOSE_VERSION}`],
    );
  });
  return path.join(dir, 'bin', 'docker-compose');
}

const buildRecord = z.object({ seconds: z.number(), go: z.string(), builtAt: z.string() });
export type BuildRecord = z.infer<typeof buildRecord>;

/** How long the cached build of `name` took when it was made (build.json beside the binaries). */
export function readBuildRecord(dir: string): BuildRecord | undefined {
  try {
    return buildRecord.parse(JSON.parse(fs.readFileSync(path.join(dir, 'build.json'), 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * `<cache>/<name>` when it is complete, else built into a staging folder that is renamed into
 * place only at the end: an interrupted build leaves nothing that looks finished, and of two
 * processes building at once the second rename loses and its copy is dropped.
 */
async function cached(
  name: string,
  log: BuildLog,
  build: (staging: string) => Promise<void>,
): Promise<string> {
  const target = path.join(toolsCacheDir(), name);
  if (fs.existsSync(path.join(target, 'build.json'))) return target;
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const staging = await fs.promises.mkdtemp(`${target}.partial-`);
  const started = Date.now();
  log(`building ${name} from the Go module proxy into ${target} (first time on this machine; minutes)`);
  try {
    await fs.promises.chmod(staging, 0o755);
    await build(staging);
    const record: BuildRecord = {
      seconds: Math.round((Date.now() - started) / 100) / 10,
      go: (await runGo(['env', 'GOVERSION'])).trim(),
      builtAt: new Date().toISOString(),
    };
    await fs.promises.writeFile(path.join(staging, 'build.json'), JSON.stringify(record, null, 2) + '\n');
    await fs.promises.rename(staging, target);
    log(`built ${name} in ${record.seconds} s`);
  } catch (err) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    const lostTheRace = isErrno(err, 'ENOTEMPTY') || isErrno(err, 'EEXIST');
    if (!(lostTheRace && fs.existsSync(path.join(target, 'build.json')))) throw err;
  }
  return target;
}

async function goInstall(pkgAtVersion: string, gobin: string, log: BuildLog): Promise<void> {
  log(`  go install ${pkgAtVersion}`);
  await runGo(['install', '-trimpath', pkgAtVersion], { cwd: os.tmpdir(), env: { GOBIN: gobin } });
}

async function buildInModuleCopy(
  moduleAtVersion: string,
  mainPackage: string,
  output: string,
  log: BuildLog,
  buildFlags: string[] = [],
): Promise<void> {
  const source = await goModDownload(moduleAtVersion);
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'pulse-go-build-'));
  try {
    // The module cache is read-only; building there would fail to write go.sum updates.
    await copyTree(source, work);
    log(`  go build ${mainPackage} in a copy of ${moduleAtVersion}`);
    await runGo(['build', '-trimpath', ...buildFlags, '-o', output, mainPackage], { cwd: work });
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

/** The module's folder in the module cache (downloaded from the proxy when missing). */
async function goModDownload(moduleAtVersion: string): Promise<string> {
  const out = await runGo(['mod', 'download', '-json', moduleAtVersion], { cwd: os.tmpdir() });
  const info = z.object({ Dir: z.string().optional(), Error: z.string().optional() }).parse(JSON.parse(out));
  if (!info.Dir)
    throw new Error(`go mod download ${moduleAtVersion}: ${info.Error ?? 'no Dir in its answer'}`);
  return info.Dir;
}

/** A writable copy (the module cache's files are read-only). */
async function copyTree(from: string, to: string): Promise<void> {
  await fs.promises.cp(from, to, { recursive: true });
  await makeWritable(to);
}

async function makeWritable(dir: string): Promise<void> {
  for (const entry of await fs.promises.readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const { mode } = await fs.promises.stat(file);
    await fs.promises.chmod(file, mode | 0o200);
    if (entry.isDirectory()) await makeWritable(file);
  }
  const { mode } = await fs.promises.stat(dir);
  await fs.promises.chmod(dir, mode | 0o200);
}

/** GOTOOLCHAIN=local: a module that wants a newer Go fails with its own message instead of fetching one. */
function runGo(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, {
      cwd: opts.cwd ?? os.tmpdir(),
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
    child.once('error', (err) =>
      reject(
        isErrno(err, 'ENOENT')
          ? new Error('`go` is not on PATH: install Go 1.26.8 or newer to build the Temporal cluster tools')
          : err,
      ),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      // `go mod download -json` reports its error inside the JSON on stdout, and exits 1.
      else if (args[0] === 'mod' && stdout.trim().startsWith('{')) resolve(stdout);
      else reject(new Error(`go ${args.join(' ')} failed (exit ${code}):\n${stderr}`));
    });
  });
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
