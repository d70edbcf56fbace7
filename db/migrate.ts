import { existsSync } from 'node:fs';
import path from 'node:path';
import { runner } from 'node-pg-migrate';

/** Versioned SQL migrations, applied in order; each runs once, recorded in pgmigrations. */
export async function migrate(
  databaseUrl: string,
  log: (msg: string) => void = () => undefined,
): Promise<void> {
  await runner({
    databaseUrl,
    dir: migrationsDir(),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    singleTransaction: true,
    log,
    verbose: false,
  });
}

/** The SQL files sit at the repo root, whether this runs from source (db/) or compiled (dist/db/). */
function migrationsDir(): string {
  const candidates = [
    path.resolve(__dirname, '..', 'migrations'),
    path.resolve(__dirname, '..', '..', 'migrations'),
  ];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`migrations folder not found (looked in ${candidates.join(', ')})`);
  return found;
}
