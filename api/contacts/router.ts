import { Router, type RequestHandler } from 'express';
import { getContact, upsertContact } from '../../db/contacts';
import { listSetAsideInteractions } from '../../db/interactions';
import type { Db } from '../../db/pool';
import { readContactProfileScores, readLedger } from '../../db/scores';
import { principalOf } from '../middleware/authenticate';
import { parsed, serve } from '../route';
import { HttpError } from '../http-error';
import type { Ingest } from '../interactions/ingest-service';
import { contactRoutes as routes } from './routes';

export function contactsRouter(deps: {
  db: Db;
  /** Stores and wakes (api/interactions/ingest-service.ts), shared with POST /interactions. */
  ingest: Ingest;
  /** Per-key rate limit of the ingest routes (api/middleware/rate-limit.ts). */
  ingestLimit: RequestHandler;
}): Router {
  const { db } = deps;
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
      const { contactId } = params;
      // Stored is accepted: the contact's workflow is woken only if it is not already due to wake,
      // and the answer does not wait for Temporal (api/interactions/wake-ups.ts).
      const { outcomes } = await deps.ingest(
        accountId,
        interactions.map((interaction) => ({ contactId, interaction })),
      );
      if (outcomes.includes('unknown_contact')) throw HttpError.notFound(`contact "${contactId}"`);
      const accepted = new Set(interactions.filter((_, i) => outcomes[i] === 'accepted').map((i) => i.id));
      const duplicates = [...new Set(interactions.map((i) => i.id))].filter((id) => !accepted.has(id));
      res.status(202).json({ accepted: accepted.size, duplicates });
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
