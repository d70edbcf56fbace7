/**
 * Postgres errors that no retry can cure: the statement itself carries a value Postgres refuses
 * (class 22, data exception: out of range, untranslatable character, bad datetime, ...) or breaks
 * a constraint that waiting does not change (not-null, check). Unique and foreign-key violations
 * are left out: a concurrent writer can cause them, and a retry sees the new state.
 */
export function isPermanentDataError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code.length !== 5) return false;
  return code.startsWith('22') || code === '23502' || code === '23514';
}

/** A short reason for the record: the SQLSTATE and Postgres's message, bounded. */
export function permanentErrorReason(err: Error & { code: string }): string {
  return `${err.code}: ${err.message}`.slice(0, 500);
}
