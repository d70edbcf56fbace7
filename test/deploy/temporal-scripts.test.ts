import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { temporalServerTools } from '../../stack/go-tools';
import { findTemporalCli } from '../../stack/temporal-binaries';
import { INDEXED_VALUE_TYPES } from '../../stack/temporal-dev-server';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * The shell scripts docker-compose.yml and the Kubernetes setup job run in Temporal's admin-tools
 * image, run here with the same tools (temporal-sql-tool at the pinned server version, the
 * Temporal CLI) against this run's Postgres and Temporal cluster, twice each: once to create,
 * once to find everything in place.
 */

const run = promisify(execFile);
const SCRIPTS = path.resolve(__dirname, '..', '..', 'deploy', 'temporal');

function sh(script: string, env: Record<string, string>) {
  return run('/bin/sh', [path.join(SCRIPTS, script)], {
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
}

describe('deploy/temporal/setup-schema.sh', () => {
  it('when run twice on an empty Postgres, then it creates both databases once and leaves them at the newest schema version', async () => {
    const tools = await temporalServerTools();
    const pg = new URL(process.env.DATABASE_URL!);
    const suffix = randomUUID().slice(0, 8);
    const databases = { persistence: `schema_check_${suffix}`, visibility: `schema_check_${suffix}_vis` };
    const env = {
      PATH: `${path.dirname(tools.sqlTool)}${path.delimiter}${process.env.PATH}`,
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: pg.hostname,
      SQL_PORT: pg.port,
      SQL_USER: decodeURIComponent(pg.username),
      SQL_PASSWORD: decodeURIComponent(pg.password),
      TEMPORAL_DB: databases.persistence,
      TEMPORAL_VISIBILITY_DB: databases.visibility,
      TEMPORAL_SCHEMA_DIR: tools.postgresSchemaDir,
    };
    const first = await sh('setup-schema.sh', env);
    expect(first.stdout).toContain(`creating database ${databases.persistence}`);
    expect(first.stdout).toContain(`creating database ${databases.visibility}`);
    const second = await sh('setup-schema.sh', env);
    expect(second.stdout).not.toContain('creating database');

    for (const [database, folder] of [
      [databases.persistence, 'temporal'],
      [databases.visibility, 'visibility'],
    ] as const) {
      const newest = fs
        .readdirSync(path.join(tools.postgresSchemaDir, folder, 'versioned'))
        .map((v) => v.replace(/^v/, ''))
        .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
        .at(-1);
      const url = new URL(pg);
      url.pathname = `/${database}`;
      const client = new PgClient({ connectionString: url.toString() });
      await client.connect();
      try {
        const { rows } = await client.query<{ curr_version: string }>(
          'SELECT curr_version FROM schema_version WHERE version_partition = 0 AND db_name = $1',
          [database],
        );
        expect([database, rows[0]?.curr_version]).toEqual([database, newest]);
      } finally {
        await client.end();
      }
    }
  }, 180_000);
});

describe('deploy/temporal/setup-namespace.sh', () => {
  it("when run twice against the cluster, then the namespace exists with exactly Pulse's search attributes and the second run changes nothing", async () => {
    const cli = await findTemporalCli();
    const namespace = `setup-check-${randomUUID().slice(0, 8)}`;
    const env = {
      PATH: `${path.dirname(cli)}${path.delimiter}${process.env.PATH}`,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
      TEMPORAL_NAMESPACE: namespace,
    };
    const first = await sh('setup-namespace.sh', env);
    expect(first.stdout).toContain(`namespace ${namespace} created`);
    for (const name of Object.keys(SEARCH_ATTRIBUTES))
      expect(first.stdout).toContain(`search attribute ${name} (`);
    const second = await sh('setup-namespace.sh', env);
    expect(second.stdout).toContain(`namespace ${namespace} exists`);
    for (const name of Object.keys(SEARCH_ATTRIBUTES))
      expect(second.stdout).toContain(`search attribute ${name} already registered`);

    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      expect(customAttributes).toEqual(
        Object.fromEntries(
          Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]]),
        ),
      );
    } finally {
      await connection.close();
    }
  }, 240_000);
});
