import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../stack/embedded-postgres';
import { startTemporalDevServer } from '../../stack/temporal-dev-server';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * One real Postgres and one real Temporal dev server for the whole run. History limits are
 * lowered so that continue-as-new happens within a test instead of after thousands of events.
 */
export default async function globalSetup(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pulse-test-'));
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(root, 'postgres'),
    database: 'pulse_test',
  });
  await migrate(postgres.url);
  const temporal = await startTemporalDevServer({
    dbFile: path.join(root, 'temporal.sqlite'),
    headless: true,
    searchAttributes: SEARCH_ATTRIBUTES,
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 },
    logFile: path.join(root, 'temporal.log'),
  });
  process.env.PULSE_TEST_ROOT = root;
  process.env.DATABASE_URL = postgres.url;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  (globalThis as Record<string, unknown>).__pulseStack = { postgres, temporal };
}
