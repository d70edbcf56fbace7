import path from 'node:path';
import { runner } from 'node-pg-migrate';

/** Versioned SQL migrations, applied in order; each runs once, recorded in pgmigrations. */
export async function migrate(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<void> {
  await runner({
    databaseUrl,
    dir: path.resolve(__dirname, '..', 'migrations'),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    log,
    verbose: false,
  });
}
