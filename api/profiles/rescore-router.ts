import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { readRescoreProgress } from '../../clients/rescore-workflow';
import { HttpError } from '../http-error';
import type { TemporalGate } from '../temporal-gate';
import { principalOf, requireScope } from '../middleware/authenticate';
import { parsed, validate } from '../middleware/validate';
import { profileParamsSchema } from './schemas';

export const rescoreParamsSchema = profileParamsSchema.extend({ version: z.coerce.number().int().min(1) });

/** Watch the re-score a publish started: done / total, rate, ETA. */
export function rescoreRouter({
  temporal,
  temporalGate,
}: {
  temporal: Client;
  temporalGate: TemporalGate;
}): Router {
  const router = Router();
  const schemas = { params: rescoreParamsSchema };
  router.get(
    '/profiles/:profileId/versions/:version/rescore',
    requireScope('read'),
    validate(schemas),
    async (_req, res) => {
      const { profileId, version } = parsed(res, schemas).params;
      const progress = await temporalGate.call(() =>
        readRescoreProgress(temporal, principalOf(res).accountId, profileId, version),
      );
      if (!progress) throw HttpError.notFound(`re-score of profile "${profileId}" version ${version}`);
      res.json(progress);
    },
  );
  return router;
}
