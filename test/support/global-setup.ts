import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../stack/embedded-postgres';
import { onCluster, startTestTemporal } from './test-temporal';

/**
 * One real Postgres and one real Temporal server for the whole run: the dev server, or under
 * `npm run test:cluster` the production-shaped cluster (its databases in the same Postgres, which
 * then allows more connections). History limits are lowered so that continue-as-new happens
 * within a test instead of after thousands of events.
 */
export default async function globalSetup(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pulse-test-'));
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(root, 'postgres'),
    database: 'pulse_test',
    settings: onCluster() ? { max_connections: 400 } : {},
  });
  await migrate(postgres.url);
  const temporal = await startTestTemporal({
    dir: root,
    name: 'main',
    postgresUrl: postgres.url,
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 },
  });
  process.env.PULSE_TEST_ROOT = root;
  process.env.DATABASE_URL = postgres.url;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  (globalThis as Record<string, unknown>).__pulseStack = { postgres, temporal };
}
