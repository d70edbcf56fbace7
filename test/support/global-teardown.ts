import type { LocalPostgres } from '../../stack/embedded-postgres';
import type { TemporalDevServer } from '../../stack/temporal-dev-server';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__pulseStack as
    { postgres: LocalPostgres; temporal: TemporalDevServer } | undefined;
  await stack?.temporal.stop();
  await stack?.postgres.stop();
}
