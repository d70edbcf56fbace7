import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { installedFromPypi } from '../../stack/pypi-install';

const EXAMPLE_DIR = path.resolve(__dirname, '..', '..', 'examples', 'python-automation');

/** The temporalio release the example pins: the test runs the example exactly as a user installs it. */
function pinnedTemporalio(): string {
  const requirements = readFileSync(path.join(EXAMPLE_DIR, 'requirements.txt'), 'utf8');
  const version = /^temporalio==(\S+)$/m.exec(requirements)?.[1];
  if (!version) throw new Error(`${EXAMPLE_DIR}/requirements.txt pins no temporalio==<version>`);
  return version;
}

export interface PythonWorker {
  stop(): Promise<void>;
  /** Everything it wrote (stdout and stderr), for failure messages. */
  output(): string;
}

/**
 * examples/python-automation/worker.py as a process of its own, with Temporal's Python SDK from
 * PyPI (installed into .tools/ on first use, like Schemathesis). Resolves once it polls `taskQueue`.
 */
export async function startPythonAutomationWorker(env: {
  temporalAddress: string;
  taskQueue: string;
  apiUrl: string;
  apiKey: string;
}): Promise<PythonWorker> {
  const version = pinnedTemporalio();
  const sdk = await installedFromPypi({
    name: 'temporalio',
    version,
    alternative: `pip install temporalio==${version} for python3 yourself and put it on PYTHONPATH`,
  });
  const child = spawn('python3', ['-u', 'worker.py'], {
    cwd: EXAMPLE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PYTHONPATH: sdk,
      PYTHONDONTWRITEBYTECODE: '1',
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      AUTOMATION_TASK_QUEUE: env.taskQueue,
      PULSE_API_URL: env.apiUrl,
      PULSE_API_KEY: env.apiKey,
    },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`python worker not ready in 60 s:\n${output}`)), 60_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker polling task queue')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`python worker exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
