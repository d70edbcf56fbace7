import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { readRescoreProgress } from '../../clients/rescore-workflow';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { profileRoutes } from './routes';

/** Watch the re-score a publish started: done / total, rate, ETA. */
export function rescoreRouter({ temporal }: { temporal: Client }): Router {
  const router = Router();
  const route = profileRoutes.getRescoreProgress;
  serve(router, route, async (_req, res) => {
    const { profileId, version } = parsed(res, route).params;
    const progress = await readRescoreProgress(temporal, principalOf(res).accountId, profileId, version);
    if (!progress) throw HttpError.notFound(`re-score of profile "${profileId}" version ${version}`);
    res.json(progress);
  });
  return router;
}
