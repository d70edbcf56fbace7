import { ServiceError } from '@temporalio/client';

const PG_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Postgres or Temporal being away is a 503 the caller can retry, not a bug worth a 500. */
export function isUnavailableError(err: unknown): boolean {
  if (err instanceof ServiceError) return true;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e?.code === 'string' && PG_UNAVAILABLE_CODES.has(e.code)) return true;
  if (
    typeof e?.message === 'string' &&
    /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(e.message)
  )
    return true;
  return e?.cause !== undefined && e.cause !== err && isUnavailableError(e.cause);
}
