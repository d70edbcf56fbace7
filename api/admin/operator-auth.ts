import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../http-error';

/**
 * Guards the /admin routes with the operator token (PULSE_OPERATOR_TOKEN), which is no API key:
 * it administers every account. Without a token configured the routes are off (404), so a
 * deployment opts in. Digests are compared so the comparison's time says nothing about the token.
 */
export function requireOperator(token: string | undefined): RequestHandler {
  const expected = token && digest(token);
  return (req, _res, next) => {
    const raw = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    // Credentials first, as on every route: a request without any is 401 whether or not the
    // routes are on; one with credentials learns that they are off.
    if (raw && !expected)
      throw new HttpError(404, 'Not Found', 'admin routes are off: set PULSE_OPERATOR_TOKEN to turn them on');
    if (!raw || !expected || !timingSafeEqual(digest(raw), expected))
      throw new HttpError(
        401,
        'Unauthorized',
        'admin routes take the operator token: "Authorization: Bearer <PULSE_OPERATOR_TOKEN>"',
        undefined,
        {
          'WWW-Authenticate': 'Bearer realm="operator"',
        },
      );
    next();
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();
