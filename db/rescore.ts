import { isoInstantSql, withIsoTimes, type StoredInteraction } from './interactions';
import type { Queryable } from './pool';

/** The ids of the next page of an account's contacts, in id order, not locked. */
export async function peekContactPage(
  db: Queryable,
  accountId: string,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM contacts WHERE account_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
    [accountId, afterId, limit],
  );
  return rows.map((r) => r.id);
}

/** The account's contacts with ids in (afterId, upTo], locked so no scoring runs on them meanwhile. */
export async function lockContactRange(
  db: Queryable,
  accountId: string,
  afterId: string | null,
  upTo: string,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM contacts WHERE account_id = $1 AND ($2::text IS NULL OR id > $2) AND id <= $3 ORDER BY id FOR UPDATE`,
    [accountId, afterId, upTo],
  );
  return rows.map((r) => r.id);
}

export async function countContacts(db: Queryable, accountId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM contacts WHERE account_id = $1',
    [accountId],
  );
  return rows[0]!.n;
}

/** The version each contact's stored score was computed under, for one profile. */
export async function readScoreVersions(
  db: Queryable,
  accountId: string,
  profileId: string,
  contactIds: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ contact_id: string; profile_version: number }>(
    `SELECT contact_id, profile_version FROM contact_scores WHERE account_id = $1 AND profile_id = $2 AND contact_id = ANY($3)`,
    [accountId, profileId, contactIds],
  );
  return new Map(rows.map((r) => [r.contact_id, r.profile_version]));
}

/** Every interaction already applied to these contacts, in the order scoring applies them. */
export async function readAppliedInteractions(
  db: Queryable,
  accountId: string,
  contactIds: readonly string[],
): Promise<Map<string, StoredInteraction[]>> {
  const { rows } = await db.query<StoredInteraction & { contactId: string }>(
    `SELECT contact_id AS "contactId", id, type, ${isoInstantSql('occurred_at')} AS "occurredAt", attributes
     FROM interactions
     WHERE account_id = $1 AND contact_id = ANY($2) AND applied_at IS NOT NULL
     ORDER BY contact_id, occurred_at, received_at, id`,
    [accountId, contactIds],
  );
  const byContact = new Map<string, StoredInteraction[]>(contactIds.map((id) => [id, []]));
  for (const { contactId, ...interaction } of withIsoTimes(rows)) byContact.get(contactId)!.push(interaction);
  return byContact;
}

/**
 * Waits for a publish of this profile still in flight: the publish starts its re-score before it
 * commits, so the re-score must not judge the live version until that transaction is over.
 */
export async function awaitProfilePublishes(
  db: Queryable,
  accountId: string,
  profileId: string,
): Promise<void> {
  await db.query('SELECT 1 FROM score_profiles WHERE account_id = $1 AND id = $2 FOR SHARE', [
    accountId,
    profileId,
  ]);
}
