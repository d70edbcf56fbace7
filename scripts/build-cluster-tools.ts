import {
  composeBinary,
  readBuildRecord,
  temporalServerTools,
  temporalUiServer,
  toolsCacheDir,
} from '../stack/go-tools';
import path from 'node:path';

/**
 * `npm run tools:build`: builds (or finds in the cache) every Go-built tool the cluster tests and
 * the deployment checks use, and says where they are and how long each first build took.
 */
async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const server = await temporalServerTools(log);
  const ui = await temporalUiServer(log);
  const compose = await composeBinary(log);
  for (const binary of [server.server, server.sqlTool, ui, compose]) {
    const record = readBuildRecord(path.dirname(path.dirname(binary)));
    console.log(
      `${binary}${record ? `  (built in ${record.seconds} s with ${record.go}, ${record.builtAt})` : ''}`,
    );
  }
  console.log(`cache: ${toolsCacheDir()}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
