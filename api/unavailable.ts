import { ServiceError } from '@temporalio/client';
import { GRPC_STATUS, grpcCodeOf } from '../config/temporal';

/** Temporal answers that a retry can cure; the others (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED ...) it cannot. */
const TRANSIENT_GRPC_CODES = new Set<number>([
  GRPC_STATUS.CANCELLED,
  GRPC_STATUS.UNKNOWN,
  GRPC_STATUS.DEADLINE_EXCEEDED,
  GRPC_STATUS.RESOURCE_EXHAUSTED,
  GRPC_STATUS.ABORTED,
  GRPC_STATUS.INTERNAL,
  GRPC_STATUS.UNAVAILABLE,
]);

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
  if (err instanceof ServiceError) {
    const code = grpcCodeOf(err);
    return code === undefined || TRANSIENT_GRPC_CODES.has(code);
  }
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e?.code === 'string' && PG_UNAVAILABLE_CODES.has(e.code)) return true;
  if (
    typeof e?.message === 'string' &&
    /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(e.message)
  )
    return true;
  return e?.cause !== undefined && e.cause !== err && isUnavailableError(e.cause);
}

/**
 * A Temporal refusal that comes from how Pulse or its namespace is set up, in words an operator
 * can act on: it is a 500 (our fault, not the caller's), not a 503 "retry shortly" that no retry
 * would cure. undefined for anything else.
 */
export function temporalConfigurationProblem(err: unknown): string | undefined {
  if (!(err instanceof ServiceError)) return undefined;
  const code = grpcCodeOf(err);
  const message = err.cause?.message ?? err.message;
  const attribute = /search attribute (\w+)/i.exec(message)?.[1];
  if (code === GRPC_STATUS.INVALID_ARGUMENT && attribute)
    return `Temporal configuration error: the namespace has no search attribute ${attribute}; an operator must run \`pulse setup\` (what was stored is delivered once it is fixed and the contact is signalled again)`;
  if (code === GRPC_STATUS.NOT_FOUND && /namespace/i.test(message))
    return 'Temporal configuration error: the namespace does not exist (check TEMPORAL_NAMESPACE)';
  if (code === GRPC_STATUS.UNAUTHENTICATED || code === GRPC_STATUS.PERMISSION_DENIED)
    return "Temporal configuration error: Temporal refused this API process's credentials (check TEMPORAL_API_KEY or TEMPORAL_TLS_*)";
  return undefined;
}
