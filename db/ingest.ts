import type { Interaction } from '../domain/interaction';
import { withTransaction, type Db, type Queryable } from './pool';
import { queryFirst } from './query';
import { requestWakeUps } from './wake-requests';

export interface IngestItem {
  contactId: string;
  interaction: Interaction;
}

/** What became of one item: stored now, stored before (its id was seen), or no such contact. */
export type ItemOutcome = 'accepted' | 'duplicate' | 'unknown_contact';

export interface StoredBatch {
  /** One per item, in the items' order. A repeat within the batch is a duplicate of the first. */
  outcomes: ItemOutcome[];
  /** The contacts this ingest marked as due to wake: the caller signals each (wake-requests.ts). */
  wakeUps: { contactId: string; mark: string }[];
}

/**
 * Scores what the contacts' inboxes hold inside the ingest's transaction (SCORE_AT_INGEST; the
 * contacts are held FOR UPDATE) and answers the contacts whose workflows to signal now
 * (activities/score-at-ingest.ts). Throws when it cannot score: the ingest then undoes the
 * scoring, keeps what it stored, and wakes every contact, whose workflow scores instead.
 */
export type IngestScorer = (
  tx: Queryable,
  accountId: string,
  contactIds: readonly string[],
) => Promise<string[]>;

export interface IngestOptions {
  wakeStaleSeconds: number;
  scorer?: IngestScorer | undefined;
}

/** The scorer threw: storeInteractions stores again without it. */
class ScoringFailed extends Error {}

/**
 * Stores interactions of any of an account's contacts in one transaction: the contacts are held
 * FOR KEY SHARE (a claiming pass in progress is waited for, and none starts before this commits:
 * see db/wake-requests.ts) by the statement that inserts every item, then the wake-up marks. A
 * repeat is not an error: the sender may be retrying after a lost response.
 */
export async function storeInteractions(
  db: Db,
  accountId: string,
  items: readonly IngestItem[],
  opts: IngestOptions,
): Promise<StoredBatch> {
  const store = (o: IngestOptions, undo: Undo) =>
    withTransaction(db, (tx) => storeInteractionsIn(tx, accountId, items, o, undo));
  if (!opts.scorer) return store(opts, 'savepoint');
  // Its own transaction: a failed scoring is undone with the whole of it, and the ingest stored
  // again without scoring, instead of a savepoint in every ingest (a round trip each).
  try {
    return await store(opts, 'transaction');
  } catch (err) {
    if (!(err instanceof ScoringFailed)) throw err;
    return store({ ...opts, scorer: undefined }, 'savepoint');
  }
}

/** How a failed scoring is undone: to a savepoint, or by the caller rolling the transaction back. */
type Undo = 'savepoint' | 'transaction';

/** storeInteractions inside the caller's transaction (provider webhooks; fault tests hold it open). */
export async function storeInteractionsIn(
  tx: Queryable,
  accountId: string,
  items: readonly IngestItem[],
  opts: IngestOptions,
  undo: Undo = 'savepoint',
): Promise<StoredBatch> {
  const contactIds = [...new Set(items.map((i) => i.contactId))].sort();
  // One round trip: the contacts' locks (scoring takes the lock a scoring pass takes; storing
  // alone only keeps passes out), in id order, each taken before any of its items is inserted (the
  // insert reads the locked rows), then the items of the contacts that exist.
  const row = await queryFirst<{ known: string[]; inserted: [string, string][] }>(
    tx,
    `WITH known AS (
       SELECT id FROM contacts WHERE account_id = $1 AND id = ANY($2::text[]) ORDER BY id
       FOR ${opts.scorer ? 'UPDATE' : 'KEY SHARE'}
     ), inserted AS (
       INSERT INTO interactions (account_id, contact_id, id, type, occurred_at, attributes)
       SELECT $1, i.contact_id, i.id, i.type, i.occurred_at, i.attributes
       FROM jsonb_to_recordset($3::jsonb)
         AS i(contact_id text, id text, type text, occurred_at timestamptz, attributes jsonb)
       WHERE i.contact_id IN (SELECT id FROM known)
       ON CONFLICT (account_id, contact_id, id) DO NOTHING
       RETURNING contact_id, id
     )
     SELECT (SELECT coalesce(json_agg(id), '[]') FROM known) AS known,
            (SELECT coalesce(json_agg(json_build_array(contact_id, id)), '[]') FROM inserted) AS inserted`,
    [
      accountId,
      contactIds,
      JSON.stringify(
        items.map(({ contactId, interaction: i }) => ({
          contact_id: contactId,
          id: i.id,
          type: i.type,
          occurred_at: i.occurredAt,
          attributes: i.attributes,
        })),
      ),
    ],
  );
  const known = new Set(row!.known);
  const inserted = new Set(row!.inserted.map((pair) => JSON.stringify(pair)));
  let toWake = [...known].sort();
  if (opts.scorer) toWake = await scoreOrLeave(tx, opts.scorer, accountId, toWake, undo);
  // A contact is woken for repeats too: a retry after a lost signal must still deliver.
  const wakeUps = await requestWakeUps(tx, accountId, toWake, opts.wakeStaleSeconds);
  const seen = new Set<string>();
  const outcomes = items.map(({ contactId, interaction }): ItemOutcome => {
    if (!known.has(contactId)) return 'unknown_contact';
    const key = JSON.stringify([contactId, interaction.id]);
    const first = !seen.has(key);
    seen.add(key);
    return first && inserted.has(key) ? 'accepted' : 'duplicate';
  });
  return { outcomes, wakeUps };
}

/** The contacts to wake after scoring; all of them when scoring failed and was undone. */
async function scoreOrLeave(
  tx: Queryable,
  scorer: IngestScorer,
  accountId: string,
  contactIds: string[],
  undo: Undo,
): Promise<string[]> {
  if (undo === 'transaction') {
    try {
      return await scorer(tx, accountId, contactIds);
    } catch (err) {
      throw new ScoringFailed('scoring at ingest failed', { cause: err });
    }
  }
  await tx.query('SAVEPOINT score_at_ingest');
  try {
    // Not released: the commit ends it, one round trip less (nothing after it needs it gone).
    return await scorer(tx, accountId, contactIds);
  } catch {
    // A broken connection fails this too, and the whole ingest with it: nothing is half-written.
    await tx.query('ROLLBACK TO SAVEPOINT score_at_ingest');
    return contactIds;
  }
}
