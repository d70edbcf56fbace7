import { EXPIRY_RULE_PREFIX, type ExpiringPoints } from '../domain/point-expiry';
import type { Queryable } from './pool';

/** Points of the contact's current versions whose time is up (`dueBy`) and that have not lapsed yet. */
export async function readDuePoints(
  db: Queryable,
  accountId: string,
  contactId: string,
  dueBy: Date,
): Promise<ExpiringPoints[]> {
  const { rows } = await db.query<ExpiringPoints>(
    `SELECT l.profile_id AS "profileId", l.profile_version AS "profileVersion", l.interaction_id AS "interactionId",
            l.rule_id AS "ruleId", l.delta
     FROM score_ledger l
     JOIN contact_scores s ON s.account_id = l.account_id AND s.contact_id = l.contact_id
                          AND s.profile_id = l.profile_id AND s.profile_version = l.profile_version
     WHERE l.account_id = $1 AND l.contact_id = $2 AND l.expires_at <= $3
       AND NOT EXISTS (SELECT 1 FROM score_ledger x
                       WHERE x.account_id = l.account_id AND x.contact_id = l.contact_id AND x.profile_id = l.profile_id
                         AND x.profile_version = l.profile_version AND x.interaction_id = l.interaction_id
                         AND x.rule_id = '${EXPIRY_RULE_PREFIX}' || l.rule_id)
     ORDER BY l.expires_at, l.id`,
    [accountId, contactId, dueBy],
  );
  return rows;
}

/** When the contact's next points lapse, if any are still to lapse. */
export async function readNextExpiry(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ next: Date | null }>(
    `SELECT min(l.expires_at) AS next
     FROM score_ledger l
     JOIN contact_scores s ON s.account_id = l.account_id AND s.contact_id = l.contact_id
                          AND s.profile_id = l.profile_id AND s.profile_version = l.profile_version
     WHERE l.account_id = $1 AND l.contact_id = $2 AND l.expires_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM score_ledger x
                       WHERE x.account_id = l.account_id AND x.contact_id = l.contact_id AND x.profile_id = l.profile_id
                         AND x.profile_version = l.profile_version AND x.interaction_id = l.interaction_id
                         AND x.rule_id = '${EXPIRY_RULE_PREFIX}' || l.rule_id)`,
    [accountId, contactId],
  );
  return rows[0]?.next ? new Date(rows[0].next).toISOString() : null;
}
