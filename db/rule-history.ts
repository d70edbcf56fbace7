import type { LiveProfile, RuleHistory } from '../domain/score-computation';
import type { Queryable } from './pool';

/**
 * When each capped rule already counted for this contact under the profile's current version:
 * the occurredAt of the interactions behind its ledger rows. Only capped rules are read.
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
  const { rows } = await db.query<{ profile_id: string; rule_id: string; occurred_at: Date }>(
    `SELECT l.profile_id, l.rule_id, i.occurred_at
     FROM jsonb_to_recordset($3::jsonb) AS c(profile_id text, version integer, rule_id text)
     JOIN score_ledger l ON l.account_id = $1 AND l.contact_id = $2 AND l.profile_id = c.profile_id
                         AND l.profile_version = c.version AND l.rule_id = c.rule_id
     JOIN interactions i ON i.account_id = l.account_id AND i.contact_id = l.contact_id AND i.id = l.interaction_id`,
    [accountId, contactId, JSON.stringify(capped)],
  );
  for (const row of rows) {
    const byRule = history.get(row.profile_id) ?? new Map<string, string[]>();
    history.set(row.profile_id, byRule);
    byRule.set(row.rule_id, [...(byRule.get(row.rule_id) ?? []), new Date(row.occurred_at).toISOString()]);
  }
  return history;
}
