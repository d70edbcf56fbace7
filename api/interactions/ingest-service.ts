import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { storeInteractions, type IngestItem, type IngestOptions, type StoredBatch } from '../../db/ingest';
import { scoreAtIngest } from '../../activities/score-at-ingest';
import type { Db } from '../../db/pool';
import type { InteractionRef } from '../../domain/scoring-messages';
import type { TemporalGate } from '../temporal-gate';
import { createWakeUps } from './wake-ups';

/** How old a wake-up mark may grow before an ingest takes its signal for lost and signals again. */
export const DEFAULT_WAKE_STALE_SECONDS = 5;

export type Ingest = (accountId: string, items: readonly IngestItem[]) => Promise<StoredBatch>;

export interface IngestPipeline {
  ingest: Ingest;
  /** Wakes what another store (a provider webhook's transaction) stored with storeInteractionsIn. */
  wakeStored(accountId: string, items: readonly IngestItem[], stored: StoredBatch): Promise<void>;
  wakeStaleSeconds: number;
  /** How every store of this pipeline runs (provider webhooks store in their own transaction). */
  storeOptions: IngestOptions;
}

/** SCORE_AT_INGEST_REFRESH_SECONDS: how long a contact's workflow may trail scores made at ingest. */
export const DEFAULT_REFRESH_AFTER_SECONDS = 30;

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
  /** SCORE_AT_INGEST: score in the ingest's transaction, signal workflows only when they must act. */
  scoreAtIngest?: { refreshAfterSeconds?: number | undefined } | undefined;
}): IngestPipeline {
  const wakeUps = createWakeUps(deps);
  const wakeStaleSeconds = deps.wakeStaleSeconds ?? DEFAULT_WAKE_STALE_SECONDS;
  const refreshAfterSeconds = deps.scoreAtIngest?.refreshAfterSeconds ?? DEFAULT_REFRESH_AFTER_SECONDS;
  const storeOptions: IngestOptions = {
    wakeStaleSeconds,
    scorer: deps.scoreAtIngest
      ? (tx, accountId, contactIds) => scoreAtIngest(tx, accountId, contactIds, { refreshAfterSeconds })
      : undefined,
  };
  const wakeStored = async (accountId: string, items: readonly IngestItem[], stored: StoredBatch) => {
    if (stored.wakeUps.length === 0) return;
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
  };
  return {
    wakeStaleSeconds,
    storeOptions,
    wakeStored,
    ingest: async (accountId, items) => {
      const stored = await storeInteractions(deps.db, accountId, items, storeOptions);
      await wakeStored(accountId, items, stored);
      return stored;
    },
  };
}
