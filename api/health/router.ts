import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { missingSearchAttributes } from '../../config/temporal';
import type { Db } from '../../db/pool';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { livenessSchema, notReadySchema, readinessSchema } from '../openapi/response-schemas';
import { defineRoute, named, serve } from '../route';

/** Each check's time limit. A Kubernetes readinessProbe should allow a little more (timeoutSeconds: 3). */
export const READINESS_TIMEOUT_MS = 2_000;

type CheckResult = 'ok' | 'down' | 'misconfigured';

export const healthRoutes = {
  liveness: defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process is up',
    tag: 'operations',
    responses: { 200: { description: 'up', body: named('Liveness', livenessSchema) } },
  }),
  readiness: defineRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Postgres and Temporal answer',
    description:
      "Runs `SELECT 1`, a Temporal `GetSystemInfo` and a check that the namespace has Pulse's search attributes, each with a 2 s limit. Without Temporal the API still " +
      'takes interactions (stored, applied once it is back), so that is 200 with `temporal: "down"` and `degraded`. A namespace without the search attributes is `misconfigured` (503): the detail names them; `pulse setup` adds them.',
    tag: 'operations',
    responses: {
      200: {
        description: 'Postgres answers; `temporal` says whether Temporal does',
        body: named('Readiness', readinessSchema),
      },
      503: {
        description:
          'Postgres is down, or the Temporal namespace is misconfigured; `checks` and `detail` say which',
        body: named('NotReady', notReadySchema),
        contentType: 'application/problem+json',
      },
    },
  }),
};

/**
 * GET /healthz: the process is up.
 * GET /readyz: can this process serve requests? 200 when Postgres answers within the timeout (with
 * `temporal: "down"` and `degraded` when Temporal does not), else 503 problem+json naming every
 * service that is down. Mounted before authentication, like /healthz (which only says the process is up).
 */
export function healthRouter({ db, temporal }: { db: Db; temporal: Client }): Router {
  const namespace = temporal.options.namespace;
  const router = Router();

  serve(router, healthRoutes.liveness, (_req, res) => {
    res.json({ status: 'ok' });
  });

  serve(router, healthRoutes.readiness, async (req, res) => {
    const [postgres, temporalStatus] = await Promise.all([
      check(() => db.query('SELECT 1'), READINESS_TIMEOUT_MS),
      // getSystemInfo is the call every SDK client makes first: it needs the frontend to answer. The
      // SDK's retry interceptor can carry a call past its deadline, hence the backstop timer as well.
      check(
        () =>
          temporal.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, async () => {
            await temporal.workflowService.getSystemInfo({});
            // Without them every new contact's workflow start is refused (INVALID_ARGUMENT).
            const missing = await missingSearchAttributes(temporal, namespace, SEARCH_ATTRIBUTES);
            if (missing.length > 0) throw new MisconfiguredError(namespace, missing);
          }),
        READINESS_TIMEOUT_MS + 500,
      ),
    ]);
    const checks = { postgres: postgres.status, temporal: temporalStatus.status };
    // Without Temporal this process still takes interactions (stored = accepted, the reconciler
    // delivers them later) and serves reads: still ready, but it says what is down.
    if (postgres.status === 'ok' && temporalStatus.status !== 'misconfigured') {
      res.set('Cache-Control', 'no-store').json(
        temporalStatus.status === 'ok'
          ? checks
          : {
              ...checks,
              degraded:
                `temporal (${temporalStatus.reason}) unavailable: interactions are stored and applied once it is ` +
                'back; score adjustments and publishing answer 503',
            },
      );
      return;
    }
    const down = Object.entries({ postgres, temporal: temporalStatus })
      .filter(([, result]) => result.status === 'down')
      .map(([name, result]) => `${name} (${result.reason})`);
    const problems = [
      ...(down.length > 0 ? [`${down.join(', ')} unavailable`] : []),
      ...(temporalStatus.status === 'misconfigured' ? [`temporal ${temporalStatus.reason}`] : []),
    ];
    res
      .status(503)
      .set('Retry-After', '5')
      .set('Cache-Control', 'no-store')
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: `not ready: ${problems.join('; ')}`,
        checks,
        instance: req.originalUrl,
        requestId: res.get('x-request-id'),
      });
  });

  return router;
}

/** Runs one probe with a time limit; a probe still running afterwards is left to finish on its own. */
async function check(
  probe: () => Promise<unknown>,
  limitMs: number,
): Promise<{ status: CheckResult; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'ok' };
  } catch (err) {
    if (err instanceof MisconfiguredError) return { status: 'misconfigured', reason: err.message };
    return { status: 'down', reason: reasonOf(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Enough to tell "refused" from "timed out" (ECONNREFUSED, UNAVAILABLE, ...), without echoing
 * addresses or stack traces on an unauthenticated route.
 */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && /^[A-Z0-9_]+$/.test(e.code)) return e.code;
  const message = typeof e?.message === 'string' ? e.message : '';
  if (message.startsWith('no answer within')) return message;
  // gRPC errors read "14 UNAVAILABLE: ..."
  return /^\d+ ([A-Z_]+):/.exec(message)?.[1] ?? 'error';
}

/** The namespace lacks what Pulse needs: no retry helps until an operator runs `pulse setup`. */
class MisconfiguredError extends Error {
  constructor(namespace: string, missing: string[]) {
    super(`namespace "${namespace}" lacks search attributes ${missing.join(', ')} (run pulse setup)`);
  }
}
