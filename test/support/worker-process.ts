import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker logged that it polls its task queue. */
  ready: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The last 20,000 characters it wrote (stdout and stderr). */
  output(): string;
}

/**
 * The production worker (worker/main.ts) as ONE process, so a test can SIGKILL it the way an OOM
 * killer or a lost machine would, mid-activity and without any shutdown code running.
 */
export function startWorkerProcess(
  taskQueue: string,
  env: Record<string, string> = {},
  /** The script to run; the production worker unless a test brings its own (a faulty one). */
  entry = path.join('worker', 'main.ts'),
): WorkerProcess {
  return startPulseProcess(entry, 'worker started', {
    TEMPORAL_TASK_QUEUE: taskQueue,
    ...env,
  });
}

/** The production API (api/server.ts) as a process of its own, listening on `port`. */
export function startApiProcess(
  taskQueue: string,
  port: number,
  env: Record<string, string> = {},
): WorkerProcess {
  return startPulseProcess(path.join('api', 'server.ts'), 'api listening', {
    TEMPORAL_TASK_QUEUE: taskQueue,
    HOST: '127.0.0.1',
    PORT: String(port),
    ...env,
  });
}

/**
 * A production entry point under tsx, ready once its log says `readyText`.
 *
 * Not through the tsx CLI: that runs the script in a child process of its own, so SIGKILL would
 * reach only the CLI while the real worker (its grandchild) kept polling the task queue and held
 * the test's pipes open. Here node loads tsx the way the CLI's child does (--require preflight,
 * --import loader), in the same process.
 */
function startPulseProcess(entry: string, readyText: string, env: Record<string, string>): WorkerProcess {
  const root = path.resolve(__dirname, '..', '..');
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist');
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(tsx, 'preflight.cjs'),
      '--import',
      `file://${path.join(tsx, 'loader.mjs')}`,
      path.join(root, entry),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: process.env.DATABASE_URL!,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // A test that dies without cleaning up must not leave a worker polling behind it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes(readyText)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`${entry} exited (${code ?? signal}) before it was ready:\n${output.slice(-2000)}`)),
    );
  });
  ready.catch(() => undefined); // observed by whoever awaits it
  return {
    child,
    ready,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
