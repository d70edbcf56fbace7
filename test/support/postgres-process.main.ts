/**
 * Child-process entry of test/support/postgres-process.ts: starts an embedded Postgres, migrates
 * it, prints `READY <url>`, and stops it on SIGTERM/SIGINT or when the parent goes away.
 */
import { migrate } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../stack/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port, database] = process.argv.slice(2);
  if (!dataDir || !port || !database)
    throw new Error('usage: postgres-process.main.ts <dataDir> <port> <database>');
  const postgres = await startEmbeddedPostgres({ dataDir, port: Number(port), database });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    postgres.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The parent died without stopping us: its end of stdin closes.
  process.stdin.on('end', stop);
  process.stdin.resume();
  await migrate(postgres.url);
  process.stdout.write(`READY ${postgres.url}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
