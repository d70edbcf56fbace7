import type { Interaction } from '../domain/interaction';
import type { ContactIdentity, WebhookEvent, WebhookProvider } from '../domain/webhooks/webhook-event';
import { storeInteractionsIn, type IngestItem, type IngestOptions, type StoredBatch } from './ingest';
import { withTransaction, type Db, type Queryable } from './pool';
import { queryRows } from './query';

export interface UnmatchedWebhookEvent {
  provider: WebhookProvider;
  eventId: string;
  email: string | null;
  phone: string | null;
  interaction: Interaction;
  receivedAt: string;
}

export interface StoredDelivery {
  /** The matched events as ingest items, and what ingest made of them (outcomes, wake-up marks). */
  items: IngestItem[];
  batch: StoredBatch;
  accepted: number;
  duplicates: number;
  unmatched: number;
}

/**
 * Stores one provider delivery in one transaction: each event either as an interaction of the
 * contact its email or phone names (the provider's event id is the interaction id, so a retry is
 * a duplicate) or, when none does, as an unmatched event. All of it or nothing.
 */
export async function storeWebhookEvents(
  db: Db,
  accountId: string,
  provider: WebhookProvider,
  events: readonly WebhookEvent[],
  opts: IngestOptions,
): Promise<StoredDelivery> {
  return withTransaction(db, async (tx) => {
    const items: IngestItem[] = [];
    const unmatched: WebhookEvent[] = [];
    // A SendGrid batch names the same address many times: one lookup each.
    const found = new Map<string, string | undefined>();
    for (const event of events) {
      const identity = `${event.contact.email ?? ''}\n${event.contact.phone ?? ''}`;
      if (!found.has(identity)) found.set(identity, await findContactId(tx, accountId, event.contact));
      const contactId = found.get(identity);
      if (contactId === undefined) unmatched.push(event);
      else items.push({ contactId, interaction: event.interaction });
    }
    // The same store as the API's ingest: one insert, and the contacts' wake-up marks (db/ingest.ts).
    const batch = await storeInteractionsIn(tx, accountId, items, opts);
    const result: StoredDelivery = { items, batch, accepted: 0, duplicates: 0, unmatched: 0 };
    for (const outcome of batch.outcomes) {
      if (outcome === 'accepted') result.accepted += 1;
      else result.duplicates += 1;
    }
    if (items.length > 0) {
      // Matched now (the contact came after an earlier delivery): no longer unmatched.
      await tx.query(
        'DELETE FROM webhook_unmatched_events WHERE account_id = $1 AND provider = $2 AND event_id = ANY($3)',
        [accountId, provider, items.map((i) => i.interaction.id)],
      );
    }
    for (const { contact, interaction } of unmatched) {
      const { rowCount } = await tx.query(
        `INSERT INTO webhook_unmatched_events (account_id, provider, event_id, email, phone, interaction)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [accountId, provider, interaction.id, contact.email, contact.phone, JSON.stringify(interaction)],
      );
      if (rowCount === 1) result.unmatched += 1;
      else result.duplicates += 1;
    }
    return result;
  });
}

/**
 * The contact an email (any case) or phone (digits and +, whatever the spacing) names; with
 * several, the oldest. Email first: it is what most providers know.
 */
async function findContactId(
  db: Queryable,
  accountId: string,
  { email, phone }: ContactIdentity,
): Promise<string | undefined> {
  if (email) {
    const rows = await queryRows<{ id: string }>(
      db,
      `SELECT id FROM contacts WHERE account_id = $1 AND lower(email) = lower($2)
       ORDER BY created_at, id LIMIT 1`,
      [accountId, email],
    );
    if (rows[0]) return rows[0].id;
  }
  const digits = phone?.replace(/[^0-9+]/g, '');
  if (digits) {
    const rows = await queryRows<{ id: string }>(
      db,
      `SELECT id FROM contacts WHERE account_id = $1 AND regexp_replace(phone, '[^0-9+]', '', 'g') = $2
       ORDER BY created_at, id LIMIT 1`,
      [accountId, digits],
    );
    if (rows[0]) return rows[0].id;
  }
  return undefined;
}

export async function listUnmatchedWebhookEvents(
  db: Queryable,
  accountId: string,
  limit: number,
): Promise<UnmatchedWebhookEvent[]> {
  const rows = await queryRows<Omit<UnmatchedWebhookEvent, 'receivedAt'> & { receivedAt: Date }>(
    db,
    `SELECT provider, event_id AS "eventId", email, phone, interaction, received_at AS "receivedAt"
     FROM webhook_unmatched_events WHERE account_id = $1 ORDER BY received_at DESC, event_id LIMIT $2`,
    [accountId, limit],
  );
  return rows.map((row) => ({ ...row, receivedAt: row.receivedAt.toISOString() }));
}
