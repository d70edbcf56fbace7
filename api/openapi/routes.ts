import { adminRoutes } from '../admin/routes';
import { contactRoutes, listContactsRoute } from '../contacts/routes';
import { healthRoutes } from '../health/router';
import { interactionRoutes } from '../interactions/routes';
import { listRoutes } from '../lists/routes';
import { metricsRoute } from '../metrics';
import { profileRoutes } from '../profiles/routes';
import type { RouteDoc } from '../route';
import { triggerRoutes } from '../triggers/routes';
import { schemaRoutes } from '../schemas/router';
import { openapiRoutes } from './router';
import { consoleRoutes } from '../console/router';
import { sessionRoutes } from '../session/routes';
import { automationRunRoutes } from '../automation-runs/routes';
import { settingsRoutes } from '../settings/routes';
import { automationActionRoutes } from '../automation-actions/routes';
import { webhookReceiverRoutes, webhookSettingsRoutes } from '../webhooks/routes';

export type { Named, ResponseDoc, RouteDoc } from '../route';

/**
 * Every route the app serves: the declarations its routers mount (api/route.ts `serve`), in the
 * document's order. openapi.test.ts checks this list against the routes Express actually has,
 * both ways.
 */
export const ROUTES: readonly RouteDoc[] = [
  healthRoutes.liveness,
  healthRoutes.readiness,
  openapiRoutes.document,
  openapiRoutes.docs,
  metricsRoute,
  listContactsRoute,
  ...Object.values(contactRoutes).filter((route) => route !== contactRoutes.adjustScore),
  ...Object.values(profileRoutes),
  ...Object.values(listRoutes),
  ...Object.values(triggerRoutes),
  contactRoutes.adjustScore,
  ...Object.values(adminRoutes),
  ...Object.values(interactionRoutes),
  ...Object.values(consoleRoutes),
  ...Object.values(sessionRoutes),
  ...Object.values(automationRunRoutes),
  ...Object.values(settingsRoutes),
  ...Object.values(automationActionRoutes),
  ...Object.values(webhookReceiverRoutes),
  ...Object.values(webhookSettingsRoutes),
  ...Object.values(schemaRoutes),
];
