import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A package from PyPI that the project's own scripts install: a fresh clone needs only python3 with pip. */
export interface PypiPackage {
  name: string;
  version: string;
  /** What a person without Python can do instead. */
  alternative: string;
}

/**
 * The folder `pip install --target` filled with name==version and its dependencies, under the
 * git-ignored .tools/; installed on first use. Run a Python tool from it with PYTHONPATH=<folder>;
 * its scripts are in <folder>/bin.
 */
export async function installedFromPypi(spec: PypiPackage): Promise<string> {
  const target = path.join(findRepoRoot(), '.tools', `${spec.name}-${spec.version}`);
  if (!fs.existsSync(target)) await installAtomically(spec, target);
  return target;
}

/**
 * pip writes into a private staging folder that is renamed into place only when complete, so
 * a second process (jest next to `npm start`) either sees the whole install or none of it.
 */
async function installAtomically(spec: PypiPackage, target: string): Promise<void> {
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

async function pipInstall(spec: PypiPackage, targetDir: string): Promise<void> {
  const requirement = `${spec.name}==${spec.version}`;
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

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
