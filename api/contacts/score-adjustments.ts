import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { Router, type RequestHandler } from 'express';
import { adjustScore } from '../../clients/contact-workflow';
import { getContact } from '../../db/contacts';
import type { Db } from '../../db/pool';
import { HttpError } from '../http-error';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { contactRoutes } from './routes';

/**
 * "See and update the score": a Temporal Update on the contact's workflow (started if needed),
 * so the change is serialised with interactions, ledgered with who made it, and seen by triggers.
 */
export function scoreAdjustmentsRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Per-key rate limit of the ingest routes (api/middleware/rate-limit.ts). */
  ingestLimit: RequestHandler;
}): Router {
  const router = Router();
  const route = contactRoutes.adjustScore;
  serve(
    router,
    route,
    async (_req, res) => {
      const principal = principalOf(res);
      const { params, body } = parsed(res, route);
      const { accountId } = principal;
      if (!(await getContact(deps.db, accountId, params.contactId)))
        throw HttpError.notFound(`contact "${params.contactId}"`);
      const adjustmentId = `adj:${body.id ?? randomUUID()}`;
      try {
        const result = await adjustScore(
          deps.temporal,
          deps.taskQueue,
          { accountId, contactId: params.contactId },
          {
            adjustmentId,
            profileId: body.profileId,
            points: body.points,
            reason: body.reason,
            actor: principal.keyId,
          },
        );
        res.status(201).json(result);
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const refusal = rootCause(err);
          if (refusal.type === 'ProfileNotFound') throw HttpError.notFound(`profile "${body.profileId}"`);
          // Postgres refused a value of it: no retry will change that, and nothing was applied.
          if (refusal.type === 'AdjustmentSetAside' || refusal.type === 'PermanentDataError')
            throw new HttpError(422, 'Unprocessable adjustment', refusal.message);
          throw new HttpError(409, 'Conflict', refusal.message);
        }
        throw err;
      }
    },
    { before: [deps.ingestLimit] },
  );
  return router;
}

/** The update fails with ActivityFailure → ApplicationFailure; the innermost one says why. */
function rootCause(err: Error): { type?: string; message: string } {
  let current: Error = err;
  while (current.cause instanceof Error) current = current.cause;
  return { type: (current as { type?: string }).type, message: current.message };
}
