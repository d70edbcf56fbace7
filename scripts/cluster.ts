import { loadTemporalSettings } from '../config/temporal-connection';
import path from 'node:path';
import { loadEnv } from '../config/env';
import { startEmbeddedPostgres } from '../stack/embedded-postgres';
import { startTemporalCluster } from '../stack/temporal-cluster';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/**
 * `npm run cluster`: the production-shaped Temporal the cluster tests use, on this machine and
 * in the foreground: embedded Postgres (PULSE_DATA_DIR/cluster/postgres), the real server at the
 * pinned version with PostgreSQL persistence and visibility and 4 history shards, and its Web UI.
 * Then point Pulse at it: TEMPORAL_ADDRESS=127.0.0.1:<TEMPORAL_PORT> npm start (or the processes
 * of the README's production section). Ctrl-C stops UI, server and Postgres; data is kept.
 */
async function main(): Promise<void> {
  const env = loadEnv();
  const dir = path.resolve(env.PULSE_DATA_DIR, 'cluster');
  const log = (line: string) => console.log(line);
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'postgres'),
    port: env.EMBEDDED_POSTGRES_PORT + 1,
    settings: { max_connections: 300 },
  });
  const cluster = await startTemporalCluster({
    dir: path.join(dir, 'temporal'),
    postgresUrl: postgres.url,
    port: env.TEMPORAL_PORT,
    uiPort: env.TEMPORAL_UI_PORT,
    namespace: loadTemporalSettings().namespace,
    searchAttributes: SEARCH_ATTRIBUTES,
    log,
  }).catch(async (err: unknown) => {
    await postgres.stop();
    throw err;
  });
  console.log(
    [
      'Temporal cluster is running (Ctrl-C stops it).',
      `  Temporal     ${cluster.address}   namespace ${cluster.namespace}, ${cluster.historyShards} history shards`,
      `  UI           ${cluster.uiUrl}`,
      `  Postgres     ${postgres.url}   (databases temporal, temporal_visibility)`,
      `  Config       ${path.join(dir, 'temporal', 'config', 'cluster.yaml')}`,
    ].join('\n'),
  );
  const stop = async () => {
    await cluster.stop();
    await postgres.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
