import type { Interaction } from '../domain/interaction';
import { withTransaction, type Db, type Queryable } from './pool';
import { queryRows } from './query';
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
 * (activities/score-at-ingest.ts).
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

/**
 * Stores interactions of any of an account's contacts in one transaction: the contacts are held
 * FOR KEY SHARE first (a claiming pass in progress is waited for, and none starts before this
 * commits: see db/wake-requests.ts), then one insert statement for every item, then the wake-up
 * marks. A repeat is not an error: the sender may be retrying after a lost response.
 */
export function storeInteractions(
  db: Db,
  accountId: string,
  items: readonly IngestItem[],
  opts: IngestOptions,
): Promise<StoredBatch> {
  return withTransaction(db, (tx) => storeInteractionsIn(tx, accountId, items, opts));
}

/** storeInteractions inside the caller's transaction (fault tests hold it open). */
export async function storeInteractionsIn(
  tx: Queryable,
  accountId: string,
  items: readonly IngestItem[],
  opts: IngestOptions,
): Promise<StoredBatch> {
  const contactIds = [...new Set(items.map((i) => i.contactId))].sort();
  const known = new Set(
    (
      await queryRows<{ id: string }>(
        tx,
        // Scoring here takes the lock a scoring pass takes; storing alone only keeps passes out.
        `SELECT id FROM contacts WHERE account_id = $1 AND id = ANY($2::text[]) ORDER BY id
         FOR ${opts.scorer ? 'UPDATE' : 'KEY SHARE'}`,
        [accountId, contactIds],
      )
    ).map((r) => r.id),
  );
  const storable = items.filter((i) => known.has(i.contactId));
  const inserted = new Set(
    storable.length === 0
      ? []
      : (
          await queryRows<{ contact_id: string; id: string }>(
            tx,
            `INSERT INTO interactions (account_id, contact_id, id, type, occurred_at, attributes)
             SELECT $1, i.contact_id, i.id, i.type, i.occurred_at, i.attributes
             FROM jsonb_to_recordset($2::jsonb)
               AS i(contact_id text, id text, type text, occurred_at timestamptz, attributes jsonb)
             ON CONFLICT (account_id, contact_id, id) DO NOTHING
             RETURNING contact_id, id`,
            [
              accountId,
              JSON.stringify(
                storable.map(({ contactId, interaction: i }) => ({
                  contact_id: contactId,
                  id: i.id,
                  type: i.type,
                  occurred_at: i.occurredAt,
                  attributes: i.attributes,
                })),
              ),
            ],
          )
        ).map((r) => JSON.stringify([r.contact_id, r.id])),
  );
  let toWake = [...known].sort();
  if (opts.scorer) toWake = await opts.scorer(tx, accountId, toWake);
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
