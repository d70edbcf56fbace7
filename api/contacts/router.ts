import type { Client } from '@temporalio/client';
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { getContact, upsertContact } from '../../db/contacts';
import { insertInteractions, listSetAsideInteractions } from '../../db/interactions';
import type { Db } from '../../db/pool';
import { readContactProfileScores, readLedger } from '../../db/scores';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { HttpError } from '../http-error';
import { WAKE_UP_TIMEOUT_MS, type TemporalGate } from '../temporal-gate';
import { deliverInteractions } from '../../clients/contact-workflow';
import { temporalConfigurationProblem } from '../unavailable';
import { contactRoutes as routes } from './routes';

export function contactsRouter(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  temporalGate: TemporalGate;
  logger: Logger;
  /** Per-key rate limit of the ingest routes (api/middleware/rate-limit.ts). */
  ingestLimit: RequestHandler;
}): Router {
  const { db, temporal, taskQueue } = deps;
  const router = Router();

  serve(router, routes.upsert, async (_req, res) => {
    const { body } = parsed(res, routes.upsert);
    const { contact, created } = await upsertContact(db, principalOf(res).accountId, body);
    res.status(created ? 201 : 200).json(contact);
  });

  serve(router, routes.get, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { contactId } = parsed(res, routes.get).params;
    const contact = await getContact(db, accountId, contactId);
    if (!contact) throw HttpError.notFound(`contact "${contactId}"`);
    res.json({ ...contact, scores: await readContactProfileScores(db, accountId, contactId) });
  });

  serve(router, routes.setAside, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { contactId } = parsed(res, routes.setAside).params;
    if (!(await getContact(db, accountId, contactId))) throw HttpError.notFound(`contact "${contactId}"`);
    res.json({ items: await listSetAsideInteractions(db, accountId, contactId, 100) });
  });

  serve(
    router,
    routes.ingest,
    async (_req, res) => {
      const { accountId } = principalOf(res);
      const { params, body: interactions } = parsed(res, routes.ingest);
      // Stored before the signal: the workflow reads interactions from Postgres, and a crash
      // between the two leaves them for the next delivery or sweep instead of losing them. The
      // foreign key answers "does the contact exist" in the same statement (one round trip less).
      const { inserted, duplicates } = await insertInteractions(
        db,
        accountId,
        params.contactId,
        interactions,
      ).catch((err: unknown) => {
        if (isForeignKeyViolation(err)) throw HttpError.notFound(`contact "${params.contactId}"`);
        throw err;
      });
      const refs = interactions.map(({ id, type, occurredAt }) => ({ id, type, occurredAt }));
      // Stored is accepted: a wake-up that cannot be sent now (Temporal away, or too slow) is sent
      // by the reconciler within seconds (workflows/reconcile-inbox.ts): it never fails the request.
      await deps.temporalGate
        .call(() => deliverInteractions(temporal, taskQueue, accountId, params.contactId, refs), {
          timeoutMs: WAKE_UP_TIMEOUT_MS,
        })
        .catch((err: unknown) => {
          // A refusal no retry cures (the namespace lacks Pulse's search attributes, bad
          // credentials) is the operator's to fix: say so (500) rather than pretend all is well.
          // What was stored stays stored and is delivered once it is fixed.
          if (temporalConfigurationProblem(err)) throw err;
          deps.logger.warn(
            { err, accountId, contactId: params.contactId },
            'wake-up not sent; the reconciler will deliver',
          );
        });
      res.status(202).json({ accepted: inserted.length, duplicates });
    },
    { before: [deps.ingestLimit] },
  );

  serve(router, routes.score, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { contactId } = parsed(res, routes.score).params;
    if (!(await getContact(db, accountId, contactId))) throw HttpError.notFound(`contact "${contactId}"`);
    const profiles = await readContactProfileScores(db, accountId, contactId);
    const primary = profiles.find((p) => p.isDefault) ?? profiles[0];
    res.json({ contactId, score: primary?.score ?? null, profileId: primary?.profileId ?? null, profiles });
  });

  serve(router, routes.ledger, async (_req, res) => {
    const { accountId } = principalOf(res);
    const { params, query } = parsed(res, routes.ledger);
    if (!(await getContact(db, accountId, params.contactId)))
      throw HttpError.notFound(`contact "${params.contactId}"`);
    res.json({
      contactId: params.contactId,
      entries: await readLedger(db, accountId, params.contactId, {
        profileId: query.profile,
        limit: query.limit,
      }),
    });
  });

  return router;
}

function isForeignKeyViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23503';
}
