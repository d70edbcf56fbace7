import { accountRecords } from './account-records';
import type { Queryable } from './pool';
import { queryFirst } from './query';

export interface ContactRecord {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ContactInput {
  id: string;
  name?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  tags?: string[] | undefined;
  attributes?: Record<string, unknown> | undefined;
}

const columns = `id, name, email, phone, tags, attributes, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Create or update: fields left out keep their stored value. */
export async function upsertContact(
  db: Queryable,
  accountId: string,
  input: ContactInput,
): Promise<{ contact: ContactRecord; created: boolean }> {
  const row = await queryFirst<ContactRecord & { created: boolean }>(
    db,
    `INSERT INTO contacts (account_id, id, name, email, phone, tags, attributes)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6, '{}'::text[]), COALESCE($7, '{}'::jsonb))
     ON CONFLICT (account_id, id) DO UPDATE SET
       name = CASE WHEN $8 THEN EXCLUDED.name ELSE contacts.name END,
       email = CASE WHEN $9 THEN EXCLUDED.email ELSE contacts.email END,
       phone = CASE WHEN $10 THEN EXCLUDED.phone ELSE contacts.phone END,
       tags = COALESCE($6, contacts.tags),
       attributes = COALESCE($7, contacts.attributes),
       updated_at = now()
     RETURNING ${columns}, (xmax = 0) AS created`,
    [
      accountId,
      input.id,
      input.name ?? null,
      input.email ?? null,
      input.phone ?? null,
      input.tags ?? null,
      input.attributes === undefined ? null : JSON.stringify(input.attributes),
      input.name !== undefined,
      input.email !== undefined,
      input.phone !== undefined,
    ],
  );
  const { created, ...contact } = row!;
  return { contact, created };
}

export const getContact = accountRecords<ContactRecord>('contacts', columns).get;

export async function markDndAll(db: Queryable, accountId: string, contactId: string): Promise<void> {
  await db.query(
    `UPDATE contacts SET dnd_channels = ARRAY['all'], updated_at = now()
     WHERE account_id = $1 AND id = $2 AND NOT ('all' = ANY (dnd_channels))`,
    [accountId, contactId],
  );
}
