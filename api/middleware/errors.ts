import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../http-error';
import { isUnavailableError, temporalConfigurationProblem } from '../unavailable';

/** Every error leaves as problem+json; an unexpected one is logged and told as little as possible. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const httpError = toHttpError(err);
    if (httpError.status >= 500)
      logger.error({ err, requestId: req.get('x-request-id') ?? res.get('x-request-id') }, 'request failed');
    res
      .status(httpError.status)
      .set(httpError.headers)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: httpError.title,
        status: httpError.status,
        ...(httpError.detail && { detail: httpError.detail }),
        ...(httpError.errors && { errors: httpError.errors }),
        instance: req.originalUrl,
        requestId: res.get('x-request-id'),
      });
  };
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  // Errors thrown by body-parser carry the status they mean (400 bad JSON, 413 too large, 415 ...).
  const e = err as { status?: unknown; type?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const message = typeof e.message === 'string' ? e.message : 'invalid request';
    // Every 400 names where the problem is, like the ones validation raises.
    const where =
      e.type === 'entity.parse.failed'
        ? { path: 'body', message: 'not valid JSON (or not an object or array at the top level)' }
        : message.startsWith('Failed to decode param')
          ? { path: 'params', message: 'a path parameter is not valid percent-encoding' }
          : e.status === 400
            ? // e.g. a gzip or br body that does not decode (zlib's own words follow)
              { path: 'body', message: `could not be read: ${message}` }
            : undefined;
    return new HttpError(
      e.status,
      e.status === 413 ? 'Payload Too Large' : 'Invalid request',
      where ? `${where.path}: ${where.message}` : message,
      where && e.status === 400 ? [where] : undefined,
    );
  }
  const misconfigured = temporalConfigurationProblem(err);
  if (misconfigured) return new HttpError(500, 'Internal Server Error', misconfigured);
  if (isUnavailableError(err))
    return HttpError.unavailable('a backing service is unavailable; retry shortly');
  return new HttpError(500, 'Internal Server Error');
}
