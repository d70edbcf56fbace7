import type { Db } from '../../db/pool';

/**
 * Many contacts with already-applied interactions, written straight to Postgres: fixture setup
 * for tests about re-scoring, whose subject is what happens to stored history (the path that
 * applies interactions has tests of its own).
 */
export async function seedAppliedHistory(
  db: Db,
  accountId: string,
  opts: { contacts: number; interactionsPerContact: number; types: readonly string[] },
): Promise<string[]> {
  const ids = Array.from({ length: opts.contacts }, (_, i) => `c${String(i).padStart(6, '0')}`);
  await db.query(`INSERT INTO contacts (account_id, id) SELECT $1, unnest($2::text[])`, [accountId, ids]);
  await db.query(
    `INSERT INTO interactions (account_id, contact_id, id, type, occurred_at, attributes, applied_at)
     SELECT $1, c, c || '-' || n, ($3::text[])[1 + ((n + length(c)) % array_length($3::text[], 1))],
            now() - (n || ' minutes')::interval, '{}', now()
     FROM unnest($2::text[]) AS c, generate_series(1, $4) AS n`,
    [accountId, ids, opts.types, opts.interactionsPerContact],
  );
  return ids;
}

/**
 * The expected score of every contact, computed by SQL from the interactions table with a
 * points-per-type table: independent of the TypeScript scoring code it checks.
 */
export async function expectedScoresBySql(
  db: Db,
  accountId: string,
  pointsByType: Record<string, number>,
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ contact_id: string; score: number }>(
    `SELECT c.id AS contact_id, COALESCE(sum(($2::jsonb ->> i.type)::int), 0)::int AS score
     FROM contacts c
     LEFT JOIN interactions i ON i.account_id = c.account_id AND i.contact_id = c.id AND i.applied_at IS NOT NULL
     WHERE c.account_id = $1
     GROUP BY c.id`,
    [accountId, JSON.stringify(pointsByType)],
  );
  return new Map(rows.map((r) => [r.contact_id, r.score]));
}

export async function storedScores(
  db: Db,
  accountId: string,
  profileId: string,
): Promise<Map<string, { score: number; version: number }>> {
  const { rows } = await db.query<{ contact_id: string; score: number; profile_version: number }>(
    'SELECT contact_id, score, profile_version FROM contact_scores WHERE account_id = $1 AND profile_id = $2',
    [accountId, profileId],
  );
  return new Map(rows.map((r) => [r.contact_id, { score: r.score, version: r.profile_version }]));
}
