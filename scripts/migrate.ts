import { loadEnv } from '../config/env';
import { migrate } from '../db/migrate';

/** One-shot migration run for production (docker compose's `migrate` service). */
async function main(): Promise<void> {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be set');
  await migrate(env.DATABASE_URL, (msg) => console.log(msg));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
