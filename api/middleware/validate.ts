import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from '../http-error';
import { findUnstorableText } from './storable-text';

type Schemas = {
  body?: z.ZodType | undefined;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
};

/**
 * Parses once and keeps the result in res.locals.parsed, so handlers use validated values and
 * never re-parse (api/route.ts `parsed`). The first failing part answers 400 with every problem's
 * path. Text Postgres cannot store is refused first, for every route and field alike, except the
 * items of a bulk body, which their handler checks one by one (`storableBody: false`).
 */
export function validate(schemas: Schemas, opts: { storableBody?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    const parsed: Record<string, unknown> = {};
    for (const location of ['params', 'query', 'body'] as const) {
      const schema = schemas[location];
      if (!schema) continue;
      const unstorable =
        location === 'body' && opts.storableBody === false
          ? undefined
          : findUnstorableText(req[location], location);
      if (unstorable) return next(HttpError.field(unstorable.path, unstorable.message));
      const result = schema.safeParse(req[location]);
      if (!result.success) return next(HttpError.validation(location, result.error));
      parsed[location] = result.data;
    }
    res.locals.parsed = parsed;
    next();
  };
}
