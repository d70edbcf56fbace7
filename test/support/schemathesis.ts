import { spawn } from 'node:child_process';
import { installedFromPypi } from '../../stack/pypi-install';

/** Pinned: a new release may add checks, which is an upgrade to make on purpose. */
const SCHEMATHESIS = {
  name: 'schemathesis',
  version: '4.32.5',
  alternative: 'install schemathesis==4.32.5 for python3 yourself and put it on PYTHONPATH',
};

export interface SchemathesisRun {
  /** The process's exit code: 0 when every check passed for every operation. */
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs `schemathesis run <args>` from the copy in .tools/ (installed on first use) and collects its output. */
export async function runSchemathesis(
  configFile: string,
  args: string[],
  timeoutMs: number,
  /** Where it keeps its cache (.schemathesis/); somewhere git ignores. */
  workDir: string,
): Promise<SchemathesisRun> {
  const target = await installedFromPypi(SCHEMATHESIS);
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-m', 'schemathesis.cli', '--config-file', configFile, 'run', ...args], {
      cwd: workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONPATH: target, NO_COLOR: '1', COLUMNS: '160' },
    });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}
