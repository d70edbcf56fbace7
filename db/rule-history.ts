import type { LiveProfile, RuleHistory } from '../domain/score-computation';
import type { Queryable } from './pool';

/**
 * The `history` computeScoreChanges needs for capped rules (maxCount): for each profile's live
 * version, when each of its capped rules counted for this contact, read from the ledger (a
 * counted hit is a ledger row) with the interaction's occurredAt. Rules without a cap are left
 * out, and so are profiles without capped rules: no query at all when there are none.
 */
export async function readRuleHistory(
  db: Queryable,
  accountId: string,
  contactId: string,
  profiles: readonly LiveProfile[],
): Promise<RuleHistory> {
  const capped = profiles.flatMap((p) =>
    p.rules
      .filter((r) => r.maxCount !== undefined)
      .map((r) => ({ profile_id: p.profileId, version: p.version, rule_id: r.id })),
  );
  const history = new Map<string, Map<string, string[]>>();
  if (capped.length === 0) return history;
  const { rows } = await db.query<{ profileId: string; ruleId: string; occurredAt: Date }>(
    `SELECT l.profile_id AS "profileId", l.rule_id AS "ruleId", i.occurred_at AS "occurredAt"
     FROM jsonb_to_recordset($3::jsonb) AS c(profile_id text, version integer, rule_id text)
     JOIN score_ledger l ON l.account_id = $1 AND l.contact_id = $2 AND l.profile_id = c.profile_id
                        AND l.profile_version = c.version AND l.rule_id = c.rule_id
     JOIN interactions i ON i.account_id = l.account_id AND i.contact_id = l.contact_id AND i.id = l.interaction_id
     ORDER BY i.occurred_at`,
    [accountId, contactId, JSON.stringify(capped)],
  );
  for (const row of rows) {
    let byRule = history.get(row.profileId);
    if (!byRule) history.set(row.profileId, (byRule = new Map<string, string[]>()));
    let times = byRule.get(row.ruleId);
    if (!times) byRule.set(row.ruleId, (times = []));
    times.push(new Date(row.occurredAt).toISOString());
  }
  return history;
}
