import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../db/pool';
import { takeSharedToken } from '../db/rate-limit';
import { adminRouter } from './admin/router';
import { contactListRouter } from './contacts/list-router';
import { contactsRouter } from './contacts/router';
import { healthRouter } from './health/router';
import { createIngest } from './interactions/ingest-service';
import { interactionsRouter } from './interactions/router';
import { HttpError } from './http-error';
import { authenticate } from './middleware/authenticate';
import { listsRouter } from './lists/router';
import { errorHandler } from './middleware/errors';
import { limitJsonDepth } from './middleware/json-depth';
import { allowDocumentedMethods } from './middleware/method-not-allowed';
import { openapiRouter } from './openapi/router';
import { profilesRouter } from './profiles/router';
import { rescoreRouter } from './profiles/rescore-router';
import { startRescore } from '../clients/rescore-workflow';
import { triggersRouter } from './triggers/router';
import { schemasRouter } from './schemas/router';
import { scoreAdjustmentsRouter } from './contacts/score-adjustments';
import { consoleRouter } from './console/router';
import { sessionRouter } from './session/router';
import { distributionRouter } from './profiles/distribution-router';
import { automationRunsRouter } from './automation-runs/router';
import { settingsRouter } from './settings/router';
import { automationActionsRouter } from './automation-actions/router';
import { webhookReceiverRouter } from './webhooks/receiver-router';
import { webhookSettingsRouter } from './webhooks/settings-router';
import { createApiMetrics, metricsRoute } from './metrics';
import { ROUTES } from './openapi/routes';
import { serve } from './route';
import { createTemporalGate, TEMPORAL_CALL_TIMEOUT_MS, type TemporalGate } from './temporal-gate';
import {
  DEFAULT_INGEST_RATE_LIMIT,
  memoryBuckets,
  tokenBucketRateLimit,
  type RateLimitOptions,
} from './middleware/rate-limit';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Per API key on interaction ingest and score adjustments; default 200/s, bursts of 400. */
  rateLimit?: RateLimitOptions | undefined;
  /** Where the buckets live: Postgres, shared by every API process (default), or this process. */
  rateLimitStore?: 'postgres' | 'memory' | undefined;
  /** PULSE_OPERATOR_TOKEN: turns on the /admin routes; unset, they answer 404. */
  operatorToken?: string | undefined;
  /** WAKE_MARK_STALE_SECONDS: a wake-up mark older than this is re-signalled (default 5). */
  wakeStaleSeconds?: number | undefined;
  /** SCORE_AT_INGEST=on: score in the ingest's transaction (api/interactions/ingest-service.ts). */
  scoreAtIngest?: { refreshAfterSeconds?: number | undefined } | undefined;
  /** The app's way to Temporal; pass one to drain its calls before closing the client. */
  temporalGate?: TemporalGate;
}

/** Builds the app without listening, so tests and the server share one definition. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const metrics = createApiMetrics(ROUTES, deps.db);
  const temporalGate = deps.temporalGate ?? createTemporalGate(deps.temporal);
  // One per process: interactions and provider webhooks share its wake-up marks and back-pressure.
  const ingestPipeline = createIngest({ ...deps, temporalGate });
  const { ingest } = ingestPipeline;
  app.use(metrics.record);

  app.use((req, res, next) => {
    const requestId = /^[\w-]{1,100}$/.test(req.get('x-request-id') ?? '')
      ? req.get('x-request-id')!
      : randomUUID();
    res.set('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      deps.logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });

  app.use(allowDocumentedMethods(ROUTES));
  app.use(healthRouter(deps));
  app.use(openapiRouter(ROUTES));
  app.use(schemasRouter());
  serve(app.router, metricsRoute, metrics.expose);
  // The console's page and assets are public; its API calls carry the key.
  app.use(consoleRouter());

  // Operators send their token, not an API key: the admin routes come before authenticate (and
  // check the token before they read a body).
  app.use(adminRouter({ db: deps.db, operatorToken: deps.operatorToken }));
  // Providers sign their webhooks instead of sending an API key: also before authenticate.
  app.use(webhookReceiverRouter({ ...deps, ingest: ingestPipeline }));
  // The key first: a caller without one learns that, whatever its body holds.
  app.use(authenticate(deps.db));
  // A bulk ingest carries up to 1,000 interactions: a larger body than any other route.
  app.use('/interactions', express.json({ limit: '8mb', type: ['application/json', 'application/*+json'] }));
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use(limitJsonDepth());
  // One bucket per key across both ingest routes.
  const ingestLimit = tokenBucketRateLimit(
    deps.rateLimit ?? DEFAULT_INGEST_RATE_LIMIT,
    deps.rateLimitStore === 'memory'
      ? memoryBuckets()
      : (keyId, options) => takeSharedToken(deps.db, keyId, options),
  );
  app.use(contactsRouter({ ...deps, ingest, ingestLimit }));
  app.use(interactionsRouter({ ingest, ingestLimit }));
  app.use(
    profilesRouter({
      db: deps.db,
      // Every contact must reflect the new version: a durable re-score walks them all. Probed
      // afresh: the version commits only if the start succeeds, and that should not wait long.
      onPublished: async (accountId, profileId, version) => ({
        rescore: await temporalGate.call(
          () => startRescore(deps.temporal, deps.taskQueue, accountId, profileId, version),
          { timeoutMs: TEMPORAL_CALL_TIMEOUT_MS, fresh: true },
        ),
      }),
    }),
  );
  app.use(rescoreRouter({ ...deps, temporalGate }));
  app.use(contactListRouter(deps));
  app.use(listsRouter(deps));
  app.use(triggersRouter(deps));
  app.use(scoreAdjustmentsRouter({ ...deps, temporalGate, ingestLimit }));
  app.use(sessionRouter());
  app.use(distributionRouter(deps));
  app.use(automationRunsRouter({ ...deps, temporalGate }));
  app.use(settingsRouter(deps));
  app.use(automationActionsRouter(deps));
  app.use(webhookSettingsRouter(deps));
  app.use((req) => {
    throw HttpError.notFound(`route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
