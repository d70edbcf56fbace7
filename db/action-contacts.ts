import type { Queryable } from './pool';

/* A contact as automations' actions see it, and its do-not-disturb channels. */

/** The channels a contact can block; 'all' blocks every outbound channel. */
export const DND_CHANNELS = ['email', 'sms', 'all'] as const;
export type DndChannel = (typeof DND_CHANNELS)[number];

/** What an action needs to know about its contact. */
export interface ActionContact {
  id: string;
  email: string | null;
  phone: string | null;
  tags: string[];
  dndChannels: DndChannel[];
  attributes: Record<string, unknown>;
}

const contactColumns = `id, email, phone, tags, dnd_channels AS "dndChannels", attributes`;

/** The contact, or undefined. `forUpdate` locks its row: every action on a contact then runs in turn. */
export async function readActionContact(
  db: Queryable,
  accountId: string,
  contactId: string,
  { forUpdate = false } = {},
): Promise<ActionContact | undefined> {
  const { rows } = await db.query<ActionContact>(
    `SELECT ${contactColumns} FROM contacts WHERE account_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [accountId, contactId],
  );
  return rows[0];
}

export async function setDndChannels(
  db: Queryable,
  accountId: string,
  contactId: string,
  channels: readonly DndChannel[],
): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE contacts SET dnd_channels = $3, updated_at = now() WHERE account_id = $1 AND id = $2',
    [accountId, contactId, [...new Set(channels)]],
  );
  return rowCount === 1;
}

export interface ContactSnapshot {
  email: string | null;
  phone: string | null;
  tags: string[];
  dndChannels: DndChannel[];
  /** Per profile: null while the profile is unpublished, 0 when published and the contact has no row. */
  scores: Record<string, number | null>;
}

/** The contact and its score under every profile of the account, read in one snapshot. */
export async function readContactForAutomation(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<ContactSnapshot | undefined> {
  const { rows } = await db.query<ContactSnapshot>(
    `SELECT c.email, c.phone, c.tags, c.dnd_channels AS "dndChannels",
       COALESCE((
         SELECT jsonb_object_agg(p.id, CASE WHEN p.live_version IS NULL THEN NULL ELSE COALESCE(s.score, 0) END)
         FROM score_profiles p
         LEFT JOIN contact_scores s ON s.account_id = p.account_id AND s.profile_id = p.id AND s.contact_id = c.id
         WHERE p.account_id = c.account_id
       ), '{}'::jsonb) AS scores
     FROM contacts c WHERE c.account_id = $1 AND c.id = $2`,
    [accountId, contactId],
  );
  return rows[0];
}
