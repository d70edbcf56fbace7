import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { countAutomationRuns, listAutomationRuns } from '../../clients/automation-runs';
import { readRunActions, type RunAction } from '../../db/automation-actions';
import type { Db } from '../../db/pool';
import { listTriggerDefinitions } from '../../db/triggers';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import type { TemporalGate } from '../temporal-gate';
import { automationRunRoutes as routes } from './routes';

export function automationRunsRouter({
  db,
  temporal,
  temporalGate,
}: {
  db: Db;
  temporal: Client;
  temporalGate: TemporalGate;
}): Router {
  const router = Router();

  serve(router, routes.list, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { triggerId, contactId, limit } = parsed(res, routes.list).query;
    const runs = await temporalGate.call(() =>
      listAutomationRuns(temporal, { accountId, triggerId, contactId }, limit),
    );
    const actions = await readRunActions(
      db,
      accountId,
      runs.flatMap((r) => (r.contactId ? [{ workflowId: r.workflowId, contactId: r.contactId }] : [])),
    );
    const byRun = new Map<string, RunAction[]>();
    for (const a of actions) byRun.set(a.workflowId, [...(byRun.get(a.workflowId) ?? []), a]);
    res.json({
      runs: runs.map((run) => ({
        ...run,
        actions: (byRun.get(run.workflowId) ?? []).map(({ workflowId: _, ...action }) => action),
      })),
    });
  });

  serve(router, routes.fireCounts, async (_req, res) => {
    const { accountId } = principalOf(res);
    const triggers = await listTriggerDefinitions(db, accountId);
    const counts = await temporalGate.call(() =>
      Promise.all(
        triggers.map(async (t) => ({
          triggerId: t.id,
          fires: await countAutomationRuns(temporal, { accountId, triggerId: t.id }),
        })),
      ),
    );
    res.json({ triggers: counts });
  });

  return router;
}
