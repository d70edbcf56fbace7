import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { storeInteractions, type IngestItem, type StoredBatch } from '../../db/ingest';
import type { Db } from '../../db/pool';
import type { InteractionRef } from '../../domain/scoring-messages';
import type { TemporalGate } from '../temporal-gate';
import { createWakeUps } from './wake-ups';

/** How old a wake-up mark may grow before an ingest takes its signal for lost and signals again. */
export const DEFAULT_WAKE_STALE_SECONDS = 5;

export type Ingest = (accountId: string, items: readonly IngestItem[]) => Promise<StoredBatch>;

/**
 * Ingest, for the single-contact and the bulk route alike: store every item in one transaction,
 * then wake only the contacts that were not already due to wake (db/wake-requests.ts), each once,
 * with the interactions it stored for them.
 */
export function createIngest(deps: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  temporalGate: TemporalGate;
  logger: Logger;
  wakeStaleSeconds?: number | undefined;
}): Ingest {
  const wakeUps = createWakeUps(deps);
  const wakeStaleSeconds = deps.wakeStaleSeconds ?? DEFAULT_WAKE_STALE_SECONDS;
  return async (accountId, items) => {
    const stored = await storeInteractions(deps.db, accountId, items, { wakeStaleSeconds });
    if (stored.wakeUps.length === 0) return stored;
    const refs = new Map<string, InteractionRef[]>();
    items.forEach(({ contactId, interaction: { id, type, occurredAt } }, i) => {
      if (stored.outcomes[i] !== 'accepted') return;
      const list = refs.get(contactId) ?? [];
      list.push({ id, type, occurredAt });
      refs.set(contactId, list);
    });
    await wakeUps.wake(
      accountId,
      stored.wakeUps.map((w) => ({ ...w, refs: refs.get(w.contactId) ?? [] })),
    );
    return stored;
  };
}
