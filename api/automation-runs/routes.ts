import { defineRoute, named } from '../route';
import { automationRunListSchema, fireCountsSchema, runListQuerySchema } from './schemas';

export const automationRunRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/automation-runs',
    operationId: 'listAutomationRuns',
    summary: 'Recent automation runs with their actions, newest first',
    description:
      "Runs come from Temporal's visibility (a run shows there a moment after it starts); actions (email, SMS, tag, …) from Pulse's action log.",
    tag: 'triggers',
    scope: 'read',
    query: runListQuerySchema,
    responses: {
      200: { description: 'the runs', body: named('AutomationRunList', automationRunListSchema) },
      503: { description: 'Temporal is not reachable' },
    },
  }),
  fireCounts: defineRoute({
    method: 'get',
    path: '/automation-runs/fire-counts',
    operationId: 'countTriggerFires',
    summary: 'How many automation runs each trigger has started',
    tag: 'triggers',
    scope: 'read',
    responses: {
      200: { description: 'one count per trigger', body: named('TriggerFireCounts', fireCountsSchema) },
      503: { description: 'Temporal is not reachable' },
    },
  }),
};
