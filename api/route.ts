import type { RequestHandler, Router } from 'express';
import type { z } from 'zod';
import type { ApiKeyScope } from '../db/accounts';
import { requireScope } from './middleware/authenticate';
import { validate } from './middleware/validate';

/**
 * One declaration per route: Express mounts it (`serve`) and the OpenAPI document is generated
 * from it (api/openapi/document.ts), so the path, scope and schemas a client reads are the ones
 * the server enforces.
 */

/** A schema that becomes a named entry of components.schemas. */
export interface Named<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
}

export const named = <S extends z.ZodType>(name: string, schema: S): Named<S> => ({ name, schema });

export interface ResponseDoc {
  description: string;
  body?: Named | undefined;
  /** Defaults to application/json. */
  contentType?: string | undefined;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express syntax, as mounted: /contacts/:contactId */
  path: string;
  operationId: string;
  summary: string;
  description?: string | undefined;
  tag: string;
  /** The scope the route requires; absent for routes mounted before authentication. */
  scope?: ApiKeyScope | undefined;
  /** Routes that take the operator token (PULSE_OPERATOR_TOKEN) instead of an API key. */
  auth?: 'operator' | undefined;
  params?: z.ZodObject | undefined;
  query?: z.ZodObject | undefined;
  body?: Named | undefined;
  /** A body the handler reads as raw bytes (a signed webhook): documented, not validated by `serve`. */
  rawBody?: { contentType: string; description: string } | undefined;
  responses: Record<number, ResponseDoc>;
}

/** Keeps the literal schema types of a declaration, so `parsed(res, route)` is typed from it. */
export const defineRoute = <const R extends RouteDoc>(route: R): R => route;

export type ParsedRequest<R extends RouteDoc> = {
  params: R['params'] extends z.ZodType ? z.output<R['params']> : never;
  query: R['query'] extends z.ZodType ? z.output<R['query']> : never;
  body: R['body'] extends Named<infer S> ? z.output<S> : never;
};

/** What `validate` kept for this route's handler: values parsed once, by the declared schemas. */
export function parsed<R extends RouteDoc>(
  res: { locals: Record<string, unknown> },
  _route: R,
): ParsedRequest<R> {
  return res.locals.parsed as ParsedRequest<R>;
}

/**
 * Mounts a declared route: scope check, then `before` (e.g. a rate limit), then validation with
 * the declared schemas, then the handler.
 */
export function serve(
  router: Router,
  route: RouteDoc,
  handler: RequestHandler,
  options: {
    before?: RequestHandler[];
    /** The body's items are checked for storable text by the handler, one by one (bulk ingest). */
    bodyItemsCheckedByHandler?: boolean;
  } = {},
): void {
  const chain: RequestHandler[] = [
    ...(route.scope ? [requireScope(route.scope)] : []),
    ...(options.before ?? []),
  ];
  if (route.params || route.query || route.body) {
    chain.push(
      validate(
        { params: route.params, query: route.query, body: route.body?.schema },
        { storableBody: !options.bodyItemsCheckedByHandler },
      ),
    );
  }
  router[route.method](route.path, ...chain, handler);
}
