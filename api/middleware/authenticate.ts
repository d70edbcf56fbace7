import type { RequestHandler } from 'express';
import { findApiKey, type ApiKeyPrincipal, type ApiKeyScope } from '../../db/accounts';
import type { Db } from '../../db/pool';
import { HttpError } from '../http-error';

/** admin implies write implies read. */
const SCOPE_RANK: Record<ApiKeyScope, number> = { read: 1, write: 2, admin: 3 };

export function principalOf(res: { locals: Record<string, unknown> }): ApiKeyPrincipal {
  return res.locals.principal as ApiKeyPrincipal;
}

/** The key decides the account: no route takes an account id from the caller. */
export function authenticate(db: Db): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const raw = match?.[1] ?? req.get('x-api-key');
    if (!raw) {
      throw new HttpError(
        401,
        'Unauthorized',
        'send an API key as "Authorization: Bearer <key>"',
        undefined,
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
    }
    const principal = await findApiKey(db, raw);
    if (!principal)
      throw new HttpError(401, 'Unauthorized', 'unknown or revoked API key', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    res.locals.principal = principal;
    next();
  };
}

export function requireScope(scope: ApiKeyScope): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (!principal.scopes.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[scope])) {
      throw new HttpError(403, 'Forbidden', `this API key lacks the "${scope}" scope`);
    }
    next();
  };
}
