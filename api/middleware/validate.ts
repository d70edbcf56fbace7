import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from '../http-error';

type Schemas = { body?: z.ZodType; params?: z.ZodType; query?: z.ZodType };

export type Parsed<S extends Schemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

/**
 * Parses once and keeps the result in res.locals.parsed, so handlers use validated values and
 * never re-parse. The first failing part answers 400 with every problem's path.
 */
export function validate<S extends Schemas>(schemas: S): RequestHandler {
  return (req, res, next) => {
    const parsed: Record<string, unknown> = {};
    for (const location of ['params', 'query', 'body'] as const) {
      const schema = schemas[location];
      if (!schema) continue;
      const result = schema.safeParse(req[location]);
      if (!result.success) return next(HttpError.validation(location, result.error));
      parsed[location] = result.data;
    }
    res.locals.parsed = parsed;
    next();
  };
}

export function parsed<S extends Schemas>(res: { locals: Record<string, unknown> }, _schemas: S): Parsed<S> {
  return res.locals.parsed as Parsed<S>;
}
