import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { readRescoreProgress } from '../../clients/rescore-workflow';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { profileRoutes } from './routes';
import type { TemporalGate } from '../temporal-gate';

/** Watch the re-score a publish started: done / total, rate, ETA. */
export function rescoreRouter({
  temporal,
  temporalGate,
}: {
  temporal: Client;
  temporalGate: TemporalGate;
}): Router {
  const router = Router();
  const route = profileRoutes.getRescoreProgress;
  serve(router, route, async (_req, res) => {
    const { profileId, version } = parsed(res, route).params;
    const progress = await temporalGate.call(() =>
      readRescoreProgress(temporal, principalOf(res).accountId, profileId, version),
    );
    if (!progress) throw HttpError.notFound(`re-score of profile "${profileId}" version ${version}`);
    res.json(progress);
  });
  return router;
}
