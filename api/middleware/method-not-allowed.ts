import type { RequestHandler } from 'express';
import { HttpError } from '../http-error';
import type { RouteDoc } from '../route';

interface Template {
  pattern: RegExp;
  /** Literal segments: by OpenAPI's rule a concrete path (`/rules/order`) wins over a templated one (`/rules/{ruleId}`). */
  literals: number;
  methods: Set<string>;
}

/**
 * The methods a URL has are the ones the document lists for its path. OPTIONS answers them in
 * `Allow`; any other method answers 405 with `Allow`, before authentication (the document is
 * public). Express on its own would route `PUT …/draft/rules/order` to `/rules/:ruleId` and answer
 * OPTIONS from every route that matches.
 */
export function allowDocumentedMethods(routes: readonly RouteDoc[]): RequestHandler {
  const templates = new Map<string, Template>();
  for (const route of routes) {
    const template = templates.get(route.path) ?? {
      pattern: new RegExp(
        `^${route.path.replace(/[.+*?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`,
      ),
      literals: route.path.split('/').filter((s) => s && !s.startsWith(':')).length,
      methods: new Set<string>(),
    };
    template.methods.add(route.method.toUpperCase());
    if (route.method === 'get') template.methods.add('HEAD');
    templates.set(route.path, template);
  }
  const byPrecedence = [...templates.values()].sort((a, b) => b.literals - a.literals);

  return (req, res, next) => {
    const template = byPrecedence.find((t) => t.pattern.test(req.path));
    // Not a documented path (Swagger UI's assets, or nothing at all): routing decides.
    if (!template) return next();
    if (template.methods.has(req.method)) return next();
    const allow = [...template.methods, 'OPTIONS'].join(', ');
    if (req.method === 'OPTIONS') {
      res.set('Allow', allow).status(204).end();
      return;
    }
    next(
      new HttpError(405, 'Method Not Allowed', `${req.method} is not one of ${allow}`, undefined, {
        Allow: allow,
      }),
    );
  };
}
