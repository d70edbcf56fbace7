import path from 'node:path';
import { startTemporalCluster } from '../../stack/temporal-cluster';
import { startTemporalDevServer } from '../../stack/temporal-dev-server';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export interface TestTemporal {
  address: string;
  stop(): Promise<void>;
}

/** `npm run test:cluster` (jest.cluster.config.js) runs the suites against the production-shaped cluster. */
export function onCluster(): boolean {
  return process.env.PULSE_TEST_TEMPORAL === 'cluster';
}

/**
 * The Temporal server a test run (or a test file that stops it) uses: a dev server on a SQLite
 * file in `dir`, or, under test:cluster, the real server with its own databases (`temporal_<name>`
 * and `temporal_<name>_visibility`) in the given Postgres and 4 history shards. Either way,
 * starting again with the same `dir` and `port` brings back the same server with its data.
 */
export function startTestTemporal(opts: {
  dir: string;
  name: string;
  postgresUrl: string;
  port?: number;
  dynamicConfig?: Record<string, string | number | boolean>;
}): Promise<TestTemporal> {
  if (!onCluster()) {
    return startTemporalDevServer({
      dbFile: path.join(opts.dir, 'temporal.sqlite'),
      port: opts.port,
      headless: true,
      searchAttributes: SEARCH_ATTRIBUTES,
      dynamicConfig: opts.dynamicConfig,
      logFile: path.join(opts.dir, 'temporal.log'),
    });
  }
  return startTemporalCluster({
    dir: path.join(opts.dir, 'cluster'),
    postgresUrl: opts.postgresUrl,
    databases: { persistence: `temporal_${opts.name}`, visibility: `temporal_${opts.name}_visibility` },
    historyShards: 4,
    port: opts.port,
    searchAttributes: SEARCH_ATTRIBUTES,
    dynamicConfig: opts.dynamicConfig,
  });
}
