import type { StrandedContact, StrandedContactCursor } from '../domain/inbox-reconciliation';
import type { Queryable } from './pool';

/**
 * Contacts with interactions stored at least `olderThanSeconds` ago and still waiting (neither
 * applied nor set aside as unappliable), in (account, contact) order after `after`, with the
 * oldest such interaction of each. A range scan of the partial index interactions_unapplied,
 * which holds only waiting rows: cheap however long the applied history is.
 */
export async function findStrandedContacts(
  db: Queryable,
  opts: {
    olderThanSeconds: number;
    limit: number;
    after?: StrandedContactCursor | undefined;
    accountId?: string | undefined;
  },
): Promise<StrandedContact[]> {
  const { rows } = await db.query<{
    account_id: string;
    contact_id: string;
    id: string;
    type: string;
    occurred_at: Date;
  }>(
    `SELECT DISTINCT ON (account_id, contact_id) account_id, contact_id, id, type, occurred_at
     FROM interactions
     WHERE applied_at IS NULL AND set_aside_at IS NULL
       AND received_at < now() - make_interval(secs => $1)
       AND (account_id, contact_id) > ($2, $3)
       AND ($4::text IS NULL OR account_id = $4)
     ORDER BY account_id, contact_id, received_at
     LIMIT $5`,
    [
      opts.olderThanSeconds,
      // Ids are never empty, so ('', '') sorts before every contact.
      opts.after?.accountId ?? '',
      opts.after?.contactId ?? '',
      opts.accountId ?? null,
      opts.limit,
    ],
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    contactId: r.contact_id,
    oldest: { id: r.id, type: r.type, occurredAt: new Date(r.occurred_at).toISOString() },
  }));
}
