import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePorts } from '../../stack/free-port';

/**
 * `npm start` stopped with Ctrl-C, as a terminal does it: SIGINT to the whole foreground process
 * group (npm, its shell, the start script). The embedded servers run in process groups of their
 * own, so the script stops API → worker (drained) → Temporal → Postgres itself, quickly and quietly.
 */
const STOP_LIMIT_MS = 10_000;
const root = path.resolve(__dirname, '..', '..');

interface LogLine {
  level: number;
  msg: string;
  time: number;
}

interface NpmStart {
  child: ReturnType<typeof spawn>;
  dataDir: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The process group: npm, its shell and the start script. */
  group: number;
}

/** `npm start` on a data dir and ports of its own, running ("Pulse is running."). */
async function startNpm(): Promise<NpmStart> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-npm-start-'));
  const [api, temporal, ui, postgres, metrics] = await findFreePorts(5);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULSE_DATA_DIR: dataDir,
    PORT: String(api),
    TEMPORAL_PORT: String(temporal),
    TEMPORAL_UI_PORT: String(ui),
    EMBEDDED_POSTGRES_PORT: String(postgres),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${metrics}`,
    LOG_LEVEL: 'info',
  };
  // The test run's own servers are not for this stack: it starts its own.
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const child = spawn('npm', ['start'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = { child, dataDir, output: () => output, exited, group: -child.pid! };
  const deadline = Date.now() + 240_000;
  while (!output.includes('Pulse is running.')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      cleanUp(started);
      throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return started;
}

function cleanUp({ child, group, dataDir }: NpmStart): void {
  if (child.exitCode === null && child.signalCode === null) process.kill(group, 'SIGKILL');
  spawnSync('pkill', ['-KILL', '-f', dataDir]);
}

/** Nothing that ran on this data dir (postgres -D, temporal --db-filename) is left. */
function leftRunning(dataDir: string): string {
  return spawnSync('pgrep', ['-af', dataDir], { encoding: 'utf8' }).stdout.trim();
}

it('when the npm start process group gets SIGINT, then API, worker, Temporal and Postgres stop in that order within seconds, with no warning and nothing left running', async () => {
  const npm = await startNpm();
  const { dataDir, exited, group } = npm;
  try {
    const asked = Date.now();
    process.kill(group, 'SIGINT');
    const { code, signal } = await exited;
    const tookMs = Date.now() - asked;
    const output = npm.output();
    fs.writeFileSync(path.join(dataDir, 'npm-start.out'), output); // for a failing run

    const lines: LogLine[] = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
    const fromStop = lines.slice(lines.findIndex((l) => l.msg === 'stopping'));
    expect(fromStop.map((l) => l.msg).filter((m) => m.startsWith('stopped '))).toEqual([
      'stopped api',
      'stopped worker',
      'stopped worker database pool',
      'stopped temporal client',
      'stopped api database pool',
      'stopped temporal',
      'stopped postgres',
    ]);
    expect(fromStop.filter((l) => l.level >= 40)).toEqual([]);
    expect(output).not.toMatch(/retried \d+ times|did not report its exit|WARN/);
    // npm itself got the SIGINT and dies of it; the script under it reported no failure.
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(output).not.toContain('start failed');
    expect(tookMs).toBeLessThan(STOP_LIMIT_MS);
    process.stdout.write(`npm start stopped in ${tookMs} ms after SIGINT to its process group\n`);
    expect(leftRunning(dataDir)).toBe('');
  } finally {
    cleanUp(npm);
  }
}, 300_000);

it('when SIGTERM comes again and again while it stops, then it still ends with nothing left running (no embedded Postgres, no Temporal)', async () => {
  const npm = await startNpm();
  try {
    // A supervisor that repeats itself: the second SIGTERM arrives mid-stop, the third makes the
    // start script exit at once; the servers it started must not outlive it either way.
    for (let i = 0; i < 3; i++) {
      process.kill(npm.group, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await npm.exited;
    const deadline = Date.now() + STOP_LIMIT_MS;
    while (leftRunning(npm.dataDir) !== '' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    fs.writeFileSync(path.join(npm.dataDir, 'npm-start.out'), npm.output()); // for a failing run
    expect(leftRunning(npm.dataDir)).toBe('');
  } finally {
    cleanUp(npm);
  }
}, 300_000);

/**
 * The launcher in package.json is part of the orderly stop: the tsx CLI runs a script as its child
 * and, when that child has not acknowledged a Ctrl-C within 30 ms, sends it a second SIGINT and
 * then SIGKILL; a start script busy for longer (load, GC) died before its handler ran and left
 * Postgres and Temporal running in their own process groups. `node --import tsx` runs the script
 * in the process the terminal signals, with nothing in between.
 */
it.each(['start', 'cluster'])(
  'when npm run %s gets Ctrl-C while its script is busy, then the script’s own SIGINT handler runs, once, and nothing kills it first',
  async (name) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const launch = pkg.scripts[name]!.split('&&')
      .map((part) => part.trim())
      .find((part) => part.includes(`scripts/${name}.ts`));
    expect(launch).toBeDefined();
    const command = launch!.replace(`scripts/${name}.ts`, 'test/support/busy-on-sigint.main.ts');
    const child = spawn('sh', ['-c', command], {
      cwd: root,
      env: { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}:${process.env.PATH}` },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const ready = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    try {
      await ready;
      process.kill(-child.pid!, 'SIGINT');
      await exited;
      expect(output).toContain('handled SIGINT; received 1');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  },
  30_000,
);
