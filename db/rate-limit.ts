import type { Take, TokenBucketOptions } from '../domain/token-bucket';
import type { Queryable } from './pool';

/** domain/token-bucket.ts's refill, in SQL: tokens since the last request, never above the burst. */
const REFILLED = `least($3::float8,
  b.tokens + greatest(0, extract(epoch FROM statement_timestamp() - b.at)) * $2::float8)`;

/**
 * Takes one token from the key's bucket in Postgres, shared by every API process: one statement,
 * one row per key, locked only while it is updated. A request that waited for the row lock may
 * carry a timestamp older than the row's: it refills nothing (never a negative refill) and the
 * row keeps the later time, so the bucket errs on the strict side by at most that wait.
 */
export async function takeSharedToken(
  db: Queryable,
  keyId: string,
  { perSecond, burst }: TokenBucketOptions,
): Promise<Take> {
  const { rows } = await db.query<{ tokens: number; allowed: boolean }>(
    `INSERT INTO rate_limit_buckets AS b (key_id, tokens, at, allowed)
     VALUES ($1, $3::float8 - 1, statement_timestamp(), true)
     ON CONFLICT (key_id) DO UPDATE SET
       tokens = CASE WHEN ${REFILLED} >= 1 THEN ${REFILLED} - 1 ELSE ${REFILLED} END,
       allowed = ${REFILLED} >= 1,
       at = greatest(b.at, statement_timestamp())
     RETURNING tokens, allowed`,
    [keyId, perSecond, burst],
  );
  const row = rows[0]!;
  return { allowed: row.allowed, tokens: row.tokens };
}
