import { Router } from 'express';
import type { Db } from '../../db/pool';
import { getProfile } from '../../db/profiles';
import { countUnscoredContacts, readScoreCounts } from '../../db/score-distribution';
import { listTriggerDefinitions } from '../../db/triggers';
import { distributionOf } from '../../domain/score-distribution';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { profileRoutes } from './routes';

/** GET /profiles/:profileId/distribution: what the console draws as the profile's histogram. */
export function distributionRouter({ db }: { db: Db }): Router {
  const router = Router();
  const route = profileRoutes.getScoreDistribution;
  serve(router, route, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params, query } = parsed(res, route);
    const profile = await getProfile(db, accountId, params.profileId);
    if (!profile) throw HttpError.notFound(`profile "${params.profileId}"`);
    const [counts, empty, triggers] = await Promise.all([
      readScoreCounts(db, accountId, params.profileId),
      countUnscoredContacts(db, accountId, params.profileId),
      listTriggerDefinitions(db, accountId),
    ]);
    res.json({
      profileId: profile.id,
      liveVersion: profile.liveVersion,
      scored: counts.reduce((n, c) => n + c.contacts, 0),
      empty,
      ...distributionOf(counts, query.binWidth),
      thresholds: triggers.flatMap((t) =>
        t.profileId === params.profileId && t.condition.value !== undefined
          ? [{ triggerId: t.id, op: t.condition.op, value: t.condition.value, paused: t.paused }]
          : [],
      ),
    });
  });
  return router;
}
