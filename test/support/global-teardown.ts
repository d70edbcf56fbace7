import type { LocalPostgres } from '../../stack/embedded-postgres';
import type { TestTemporal } from './test-temporal';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__pulseStack as
    { postgres: LocalPostgres; temporal: TestTemporal } | undefined;
  await stack?.temporal.stop();
  await stack?.postgres.stop();
}
