import type { LedgerChange } from '../domain/score-computation';
import { SCORE_LIMIT } from '../domain/score-limit';
import type { Queryable } from './pool';

export const EXPIRY_RULE_PREFIX = 'expiry:';

export interface ExpiringPoints {
  profileId: string;
  profileVersion: number;
  interactionId: string;
  ruleId: string;
  delta: number;
}

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

/**
 * The ledger rows that take lapsed points back, starting from (and updating) the current scores.
 * The profile's floor and ceiling (and ±SCORE_LIMIT) still hold; a lapse the bounds cut to nothing is recorded with
 * delta 0, because the row is also the mark that these points have lapsed.
 */
export function lapseChanges(
  due: readonly ExpiringPoints[],
  current: Map<string, number>,
  bounds: ReadonlyMap<string, { floor?: number | undefined; ceiling?: number | undefined }>,
): LedgerChange[] {
  return due.map((points) => {
    const before = current.get(points.profileId) ?? 0;
    const profileBounds = bounds.get(points.profileId) ?? {};
    const floor = Math.max(profileBounds.floor ?? -SCORE_LIMIT, -SCORE_LIMIT);
    const ceiling = Math.min(profileBounds.ceiling ?? SCORE_LIMIT, SCORE_LIMIT);
    let scoreAfter = before - points.delta;
    if (scoreAfter > ceiling) scoreAfter = Math.max(ceiling, Math.min(before, scoreAfter));
    if (scoreAfter < floor) scoreAfter = Math.min(floor, Math.max(before, scoreAfter));
    current.set(points.profileId, scoreAfter);
    return {
      profileId: points.profileId,
      profileVersion: points.profileVersion,
      interactionId: points.interactionId,
      ruleId: EXPIRY_RULE_PREFIX + points.ruleId,
      delta: scoreAfter - before,
      scoreAfter,
    };
  });
}
