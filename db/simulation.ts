import type { PoolClient } from 'pg';
import { SCORE_ADJUSTMENT_TYPE } from '../domain/score-computation';
import { isoInstantSql, withIsoTimes, type StoredInteraction } from './interactions';
import { withTransaction, type Db } from './pool';

export interface SimulationContact {
  contactId: string;
  /** The stored live score; null when there is no row (0 once published, empty before). */
  storedScore: number | null;
  /** Applied interactions in the order scoring applies them; adjustments only for this profile. */
  interactions: StoredInteraction[];
}

export const SIMULATION_PAGE_SIZE = 500;

/**
 * Hands every contact of the account to `visit`, a page at a time (by contact id), with its stored
 * score under `profileId` and its applied interactions. Everything is read in one READ ONLY,
 * REPEATABLE READ transaction: one consistent snapshot, and Postgres itself refuses any write.
 */
export async function forEachSimulationPage(
  db: Db,
  accountId: string,
  profileId: string,
  visit: (contacts: SimulationContact[]) => void | Promise<void>,
  pageSize = SIMULATION_PAGE_SIZE,
): Promise<void> {
  await withTransaction(
    db,
    async (client) => {
      let after: string | null = null;
      for (;;) {
        const page = await readPage(client, accountId, profileId, after, pageSize);
        if (page.length === 0) break;
        await visit(page);
        if (page.length < pageSize) break;
        after = page[page.length - 1]!.contactId;
      }
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}

async function readPage(
  client: PoolClient,
  accountId: string,
  profileId: string,
  after: string | null,
  limit: number,
): Promise<SimulationContact[]> {
  const { rows: contacts } = await client.query<{ contactId: string; storedScore: number | null }>(
    `SELECT c.id AS "contactId", s.score AS "storedScore"
     FROM contacts c
     LEFT JOIN contact_scores s ON s.account_id = c.account_id AND s.contact_id = c.id AND s.profile_id = $2
     WHERE c.account_id = $1 AND ($3::text IS NULL OR c.id > $3)
     ORDER BY c.id LIMIT $4`,
    [accountId, profileId, after, limit],
  );
  if (contacts.length === 0) return [];
  // Adjustments of other profiles would be skipped by the computation anyway; not reading them is cheaper.
  const { rows } = await client.query<StoredInteraction & { contactId: string }>(
    `SELECT contact_id AS "contactId", id, type, ${isoInstantSql('occurred_at')} AS "occurredAt", attributes
     FROM interactions
     WHERE account_id = $1 AND contact_id = ANY($2) AND applied_at IS NOT NULL
       AND (type <> $3 OR attributes->>'profileId' = $4)
     ORDER BY contact_id, occurred_at, received_at, id`,
    [accountId, contacts.map((c) => c.contactId), SCORE_ADJUSTMENT_TYPE, profileId],
  );
  const byContact = new Map<string, SimulationContact>(
    contacts.map((c) => [
      c.contactId,
      { contactId: c.contactId, storedScore: c.storedScore, interactions: [] },
    ]),
  );
  for (const { contactId, ...interaction } of withIsoTimes(rows)) {
    byContact.get(contactId)!.interactions.push(interaction);
  }
  return [...byContact.values()];
}
