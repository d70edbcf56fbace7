import type { ScoreCount } from '../domain/score-distribution';
import type { Queryable } from './pool';
import { queryFirst, queryRows } from './query';

/** One row per distinct score of the profile (contact_scores_by_score covers it). */
export function readScoreCounts(db: Queryable, accountId: string, profileId: string): Promise<ScoreCount[]> {
  return queryRows<ScoreCount>(
    db,
    `SELECT score, count(*)::int AS contacts FROM contact_scores
      WHERE account_id = $1 AND profile_id = $2 GROUP BY score ORDER BY score`,
    [accountId, profileId],
  );
}

/** Contacts of the account without a score in the profile (empty: not yet published or scored). */
export async function countUnscoredContacts(
  db: Queryable,
  accountId: string,
  profileId: string,
): Promise<number> {
  const row = await queryFirst<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM contacts c
      WHERE c.account_id = $1 AND NOT EXISTS (
        SELECT 1 FROM contact_scores s
         WHERE s.account_id = c.account_id AND s.contact_id = c.id AND s.profile_id = $2)`,
    [accountId, profileId],
  );
  return row?.n ?? 0;
}
