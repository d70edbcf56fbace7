/**
 * Starts the real local servers, talks to each, stops them:
 *   npx tsx stack/demo-stack.check.ts [data dir]
 * Run it again with the printed data dir to check a restart on existing data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client as PgClient } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { findTemporalTestServer } from './temporal-binaries';
import { startTemporalDevServer } from './temporal-dev-server';

const CHECK_WORKFLOW_ID = 'demo-stack-check';

async function main(): Promise<void> {
  const root = process.argv[2]
    ? path.resolve(process.argv[2])
    : fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-stack-check-'));
  log(`data dir ${root}`);
  const stops: Array<() => Promise<void>> = [];
  try {
    const postgres = await timed('embedded postgres start', () =>
      startEmbeddedPostgres({ dataDir: path.join(root, 'postgres'), database: 'pulse_check' }),
    );
    stops.push(() => postgres.stop());
    const temporal = await timed('temporal dev server start', () =>
      startTemporalDevServer({
        dbFile: path.join(root, 'temporal.sqlite'),
        searchAttributes: { EngagementScore: 'Int' },
        dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 },
        logFile: path.join(root, 'temporal.log'),
      }),
    );
    stops.push(() => temporal.stop());
    log(`postgres ${postgres.url}, temporal ${temporal.address}, ui ${temporal.uiUrl ?? 'off'}`);

    await checkPostgres(postgres.url);
    await checkTemporal(temporal.address, temporal.namespace);
    await timed('time-skipping test server start + teardown', checkTimeSkippingServer);
  } finally {
    for (const stop of stops.reverse()) await timed('stop', stop);
  }
  log('OK');
}

/** select 1, plus a row per run so a restart on the same data dir shows the earlier rows. */
async function checkPostgres(url: string): Promise<void> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>('select 1 as one');
    await client.query(
      'create table if not exists stack_check_runs (ran_at timestamptz not null default now())',
    );
    await client.query('insert into stack_check_runs default values');
    const runs = await client.query<{ n: string }>('select count(*) as n from stack_check_runs');
    log(`postgres: select 1 -> ${rows[0]?.one}; runs recorded in this data dir: ${runs.rows[0]?.n}`);
  } finally {
    await client.end();
  }
}

/** getSystemInfo, plus a workflow (no worker needed) whose id survives a restart on the same db file. */
async function checkTemporal(address: string, namespace: string): Promise<void> {
  const client = new Client({ connection: await Connection.connect({ address }), namespace });
  try {
    const info = await client.connection.workflowService.getSystemInfo({});
    log(`temporal: getSystemInfo -> server ${info.serverVersion}`);
    const existed = await client.workflow
      .start('demoStackCheck', {
        taskQueue: 'demo-stack-check',
        workflowId: CHECK_WORKFLOW_ID,
        searchAttributes: { EngagementScore: [42] },
      })
      .then(
        () => false,
        (err: unknown) => {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return true;
          throw err;
        },
      );
    log(
      `temporal: workflow ${CHECK_WORKFLOW_ID} ${existed ? 'found from an earlier run' : 'started (first run)'}`,
    );
  } finally {
    await client.connection.close();
  }
}

async function checkTimeSkippingServer(): Promise<void> {
  const executable = await findTemporalTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: executable } },
  });
  try {
    await env.connection.workflowService.getSystemInfo({});
    log(`time-skipping server ${executable}: connected, supportsTimeSkipping=${env.supportsTimeSkipping}`);
  } finally {
    await env.teardown();
  }
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  log(`${label}: ${Date.now() - started} ms`);
  return result;
}

function log(message: string): void {
  process.stdout.write(`[${process.pid}] ${message}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
