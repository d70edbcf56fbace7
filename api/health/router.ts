import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from '../../db/pool';

export const READINESS_TIMEOUT_MS = 2_000;

type CheckResult = 'ok' | 'down';

/**
 * GET /readyz: can this process serve requests that need its backing services? 200 when both
 * answer within the timeout, else 503 problem+json naming what is down. Mounted before
 * authentication, like /healthz (which only says the process is up).
 */
export function healthRouter({ db, temporal }: { db: Db; temporal: Client }): Router {
  const router = Router();

  router.get('/readyz', async (req, res) => {
    const [postgres, temporalStatus] = await Promise.all([
      check(() => db.query('SELECT 1')),
      // getSystemInfo is the call every SDK client makes first: it needs the frontend to answer.
      check(() => temporal.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({}))),
    ]);
    const checks = { postgres: postgres.status, temporal: temporalStatus.status };
    if (postgres.status === 'ok' && temporalStatus.status === 'ok') {
      res.json(checks);
      return;
    }
    const down = Object.entries({ postgres, temporal: temporalStatus })
      .filter(([, result]) => result.status === 'down')
      .map(([name, result]) => `${name} (${result.reason})`);
    res
      .status(503)
      .set('Retry-After', '5')
      .set('Cache-Control', 'no-store')
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: `not ready: ${down.join(', ')} unavailable`,
        checks,
        instance: req.originalUrl,
        requestId: res.get('x-request-id'),
      });
  });

  return router;
}

/** Runs one probe with a time limit; a probe still running afterwards is left to finish on its own. */
async function check(probe: () => Promise<unknown>): Promise<{ status: CheckResult; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'ok' };
  } catch (err) {
    return { status: 'down', reason: reasonOf(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Enough to tell "refused" from "timed out" without echoing connection strings or stack traces. */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string') return e.code;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return message.split('\n')[0]!.slice(0, 120);
}
