import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { countSetAsideInteractions } from '../db/interactions';
import type { Db } from '../db/pool';
import { defineRoute, type RouteDoc } from './route';

/**
 * Prometheus metrics of the API: request counts and durations by method, route template and
 * status, plus Node's process metrics. Labels use the template (`/contacts/:contactId`), never
 * the concrete path, so the number of series stays bounded whatever ids clients send.
 */
export interface ApiMetrics {
  /** Mount first: times every request until its response is finished. */
  record: RequestHandler;
  /** GET /metrics, in the Prometheus text format. */
  expose: RequestHandler;
}

export const metricsRoute = defineRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'metrics',
  summary: 'Prometheus metrics of this API process',
  description:
    '`http_requests_total` and `http_request_duration_seconds` by method, route template and status, `pulse_set_aside_interactions`, and Node process metrics. Unauthenticated, like /healthz: expose it only where Prometheus scrapes.',
  tag: 'operations',
  responses: {
    200: { description: 'Prometheus text exposition format', contentType: 'text/plain; version=0.0.4' },
  },
});

let processRegistry: Registry | undefined;

/** CPU, memory, event loop lag, GC: one set per process, however many apps run in it (tests). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** `routes` name the templates of answers given before routing (see routeTemplate). */
export function createApiMetrics(routes: readonly RouteDoc[], db: Db): ApiMetrics {
  const documented = templatesOf(routes);
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by method, route template and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'pulse_set_aside_interactions',
    help: 'Interactions (score adjustments among them) set aside because Postgres refused a value their scoring produced; GET /contacts/{id}/set-aside lists them',
    registers: [registry],
    async collect() {
      this.set(await countSetAsideInteractions(db));
    },
  });
  const process = processMetrics();

  return {
    record: (req, res, next) => {
      const end = durations.startTimer();
      res.once('finish', () => {
        const labels = {
          method: req.method,
          route: routeTemplate(req, documented),
          status: String(res.statusCode),
        };
        end(labels);
        requests.inc(labels);
      });
      next();
    },
    expose: async (_req, res) => {
      const text = (await process.metrics()) + (await registry.metrics());
      res.type(registry.contentType).send(text);
    },
  };
}

const templatesOf = (routes: readonly RouteDoc[]) =>
  routes.map((route) => ({
    method: route.method.toUpperCase(),
    path: route.path,
    pattern: new RegExp(`^${route.path.replace(/[.+*?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`),
  }));
type Template = ReturnType<typeof templatesOf>[number];

/**
 * The template Express matched; for answers given before routing (401, 403 from middleware,
 * 404 for unknown paths) the documented route the path fits, else "unmatched".
 */
function routeTemplate(req: Request, documented: Template[]): string {
  const matched: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof matched === 'string') return matched;
  const path = req.originalUrl.split('?')[0] ?? '';
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  return documented.find((r) => r.method === method && r.pattern.test(path))?.path ?? 'unmatched';
}
