import type { Db } from '../db/pool';
import { withTransaction } from '../db/pool';
import type { PeerActivities } from './peer-workflow';

/**
 * The peer's tables, beside Pulse's in the same database: an interaction inbox keyed by id (the
 * textbook's idempotency for an activity that runs at least once) and a score per contact.
 * Benchmark-only, so created here rather than by a migration.
 */
export async function createPeerTables(db: Db): Promise<void> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS bench_peer_interactions (
      account_id text NOT NULL, contact_id text NOT NULL, id text NOT NULL, type text NOT NULL,
      occurred_at timestamptz NOT NULL, PRIMARY KEY (account_id, contact_id, id));
    CREATE TABLE IF NOT EXISTS bench_peer_scores (
      account_id text NOT NULL, contact_id text NOT NULL, score integer NOT NULL,
      PRIMARY KEY (account_id, contact_id))`);
}

/** +1 per email_opened, as the bench's rules give Pulse; a retried activity counts once. */
export function createPeerActivities(db: Db): PeerActivities {
  return {
    async applyPeerInteraction(i) {
      return withTransaction(db, async (tx) => {
        const inserted = await tx.query(
          `INSERT INTO bench_peer_interactions (account_id, contact_id, id, type, occurred_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [i.accountId, i.contactId, i.id, i.type, i.occurredAt],
        );
        if (inserted.rowCount === 0) return 0;
        const points = i.type === 'email_opened' ? 1 : 0;
        await tx.query(
          `INSERT INTO bench_peer_scores (account_id, contact_id, score) VALUES ($1, $2, $3)
           ON CONFLICT (account_id, contact_id) DO UPDATE SET score = bench_peer_scores.score + EXCLUDED.score`,
          [i.accountId, i.contactId, points],
        );
        return 1;
      });
    },
  };
}
