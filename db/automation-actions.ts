import type { Queryable } from './pool';

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

// ---------------------------------------------------------------------------------------------
// The action log: automation_actions

export type ActionState = 'done' | 'skipped' | 'sending' | 'pending';

export interface ActionRecord {
  accountId: string;
  actionKey: string;
  contactId: string;
  kind: string;
  state: ActionState;
  reason: string | null;
  detail: string | null;
  attempts: number;
  claimedAt: string | null;
  lastError: string | null;
  possibleDuplicate: boolean;
}

const actionColumns = `account_id AS "accountId", action_key AS "actionKey", contact_id AS "contactId", kind, state,
  reason, detail, attempts, claimed_at AS "claimedAt", last_error AS "lastError", possible_duplicate AS "possibleDuplicate"`;

export interface ActionKeyRef {
  accountId: string;
  actionKey: string;
}

export interface ActionIdentity extends ActionKeyRef {
  contactId: string;
  kind: string;
}

export async function readActionRecord(db: Queryable, ref: ActionKeyRef): Promise<ActionRecord | undefined> {
  const { rows } = await db.query<ActionRecord>(
    `SELECT ${actionColumns} FROM automation_actions WHERE account_id = $1 AND action_key = $2`,
    [ref.accountId, ref.actionKey],
  );
  return rows[0];
}

/** Records a final outcome of an action done inside the caller's transaction; a key already there is an error. */
export async function insertFinalOutcome(
  db: Queryable,
  action: ActionIdentity,
  outcome: { state: 'done' | 'skipped'; reason?: string | undefined; detail?: string | undefined },
): Promise<void> {
  await db.query(
    `INSERT INTO automation_actions (account_id, action_key, contact_id, kind, state, reason, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      action.accountId,
      action.actionKey,
      action.contactId,
      action.kind,
      outcome.state,
      outcome.reason ?? null,
      outcome.detail ?? null,
    ],
  );
}

/**
 * Claims the key for one delivery attempt, in a statement of its own (committed before anything is
 * sent). Succeeds for a new key, a 'pending' one (the last attempt failed for certain) and a
 * 'sending' one whose claim is older than `leaseMs` (its attempt died somewhere between sending and
 * recording). Returns the claim's token (its attempt number), or undefined when the key is taken:
 * then read the record to see by what.
 */
export async function claimDelivery(
  db: Queryable,
  action: ActionIdentity,
  leaseMs: number,
  detail: string,
): Promise<{ token: number; afterLostAttempt: boolean } | undefined> {
  const { rows } = await db.query<{ token: number; afterLostAttempt: boolean }>(
    `INSERT INTO automation_actions (account_id, action_key, contact_id, kind, state, detail, attempts, claimed_at)
     VALUES ($1, $2, $3, $4, 'sending', $5, 1, now())
     ON CONFLICT (account_id, action_key) DO UPDATE SET
       state = 'sending',
       detail = EXCLUDED.detail,
       attempts = automation_actions.attempts + 1,
       claimed_at = now(),
       possible_duplicate = automation_actions.possible_duplicate OR automation_actions.state = 'sending',
       updated_at = now()
     WHERE automation_actions.contact_id = EXCLUDED.contact_id AND automation_actions.kind = EXCLUDED.kind
       AND (automation_actions.state = 'pending'
            OR (automation_actions.state = 'sending'
                AND automation_actions.claimed_at < now() - make_interval(secs => $6::double precision / 1000)))
     RETURNING attempts AS token, possible_duplicate AS "afterLostAttempt"`,
    [action.accountId, action.actionKey, action.contactId, action.kind, detail, leaseMs],
  );
  return rows[0];
}

/**
 * The delivery happened. Whichever attempt reports it wins over a failure another attempt recorded:
 * something was delivered under this key, so it is done.
 */
export async function markDelivered(db: Queryable, ref: ActionKeyRef, detail: string): Promise<void> {
  await db.query(
    `UPDATE automation_actions SET state = 'done', detail = $3, last_error = NULL, updated_at = now()
     WHERE account_id = $1 AND action_key = $2 AND state IN ('sending', 'pending')`,
    [ref.accountId, ref.actionKey, detail],
  );
}

/** The attempt holding `token` failed for certain: nothing was accepted, the next attempt may send. */
export async function releaseDelivery(
  db: Queryable,
  ref: ActionKeyRef,
  token: number,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE automation_actions SET state = 'pending', last_error = $4, updated_at = now()
     WHERE account_id = $1 AND action_key = $2 AND state = 'sending' AND attempts = $3`,
    [ref.accountId, ref.actionKey, token, error],
  );
}

/** The attempt holding `token` keeps the claim but notes why it could not tell whether it delivered. */
export async function noteUncertainDelivery(
  db: Queryable,
  ref: ActionKeyRef,
  token: number,
  error: string,
): Promise<void> {
  await db.query(
    `UPDATE automation_actions SET last_error = $4, updated_at = now()
     WHERE account_id = $1 AND action_key = $2 AND state = 'sending' AND attempts = $3`,
    [ref.accountId, ref.actionKey, token, error],
  );
}

/**
 * Records a skip decided outside a transaction (DND, no address, a permanent rejection). It takes
 * the place of a 'pending' record, and of a 'sending' one only for the attempt holding `token`
 * (or, without a token, one whose lease ran out). Returns the record as it stands afterwards,
 * which is another attempt's outcome if that one got there first.
 */
export async function recordSkip(
  db: Queryable,
  action: ActionIdentity,
  skip: { reason: string; detail?: string | undefined; token?: number | undefined; leaseMs: number },
): Promise<ActionRecord> {
  const { rows } = await db.query<ActionRecord>(
    `INSERT INTO automation_actions AS a (account_id, action_key, contact_id, kind, state, reason, detail)
     VALUES ($1, $2, $3, $4, 'skipped', $5, $6)
     ON CONFLICT (account_id, action_key) DO UPDATE SET
       state = 'skipped', reason = EXCLUDED.reason, detail = EXCLUDED.detail, updated_at = now()
     WHERE a.contact_id = EXCLUDED.contact_id AND a.kind = EXCLUDED.kind
       AND (a.state = 'pending'
            OR (a.state = 'sending' AND ($7::integer IS NULL OR a.attempts = $7)
                AND ($7::integer IS NOT NULL OR a.claimed_at < now() - make_interval(secs => $8::double precision / 1000))))
     RETURNING ${actionColumns}`,
    [
      action.accountId,
      action.actionKey,
      action.contactId,
      action.kind,
      skip.reason,
      skip.detail ?? null,
      skip.token ?? null,
      skip.leaseMs,
    ],
  );
  return rows[0] ?? (await readActionRecord(db, action))!;
}

// ---------------------------------------------------------------------------------------------
// Effects

export interface EmailOutboxEntry {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** A message already there under the same Message-ID is the same message: kept once. */
export async function insertEmailOutbox(db: Queryable, email: EmailOutboxEntry): Promise<void> {
  await db.query(
    `INSERT INTO email_outbox (message_id, from_address, to_address, subject, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (message_id) DO NOTHING`,
    [email.messageId, email.from, email.to, email.subject, email.text],
  );
}

export interface SmsOutboxEntry {
  accountId: string;
  contactId: string;
  messageId: string;
  to: string;
  text: string;
}

export async function insertSmsOutbox(db: Queryable, sms: SmsOutboxEntry): Promise<void> {
  await db.query(
    `INSERT INTO sms_outbox (account_id, message_id, contact_id, to_number, body) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (account_id, message_id) DO NOTHING`,
    [sms.accountId, sms.messageId, sms.contactId, sms.to, sms.text],
  );
}

/** true when the tag was added, false when the contact already had it. */
export async function addContactTag(
  db: Queryable,
  accountId: string,
  contactId: string,
  tag: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE contacts SET tags = array_append(tags, $3), updated_at = now()
     WHERE account_id = $1 AND id = $2 AND NOT (tags @> ARRAY[$3::text])`,
    [accountId, contactId, tag],
  );
  return rowCount === 1;
}

/** true when the tag was removed, false when the contact did not have it. */
export async function removeContactTag(
  db: Queryable,
  accountId: string,
  contactId: string,
  tag: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE contacts SET tags = array_remove(tags, $3), updated_at = now()
     WHERE account_id = $1 AND id = $2 AND tags @> ARRAY[$3::text]`,
    [accountId, contactId, tag],
  );
  return rowCount === 1;
}

export interface ContactTask {
  id: string;
  contactId: string;
  title: string;
  dueAt: string | null;
  assignee: string | null;
  status: 'open' | 'done' | 'cancelled';
  actionKey: string | null;
  createdAt: string;
}

const taskColumns = `id, contact_id AS "contactId", title, due_at AS "dueAt", assignee, status,
  action_key AS "actionKey", created_at AS "createdAt"`;

/** The caller records the action in the same transaction; action_key is unique per account as a second guard. */
export async function insertContactTask(
  db: Queryable,
  accountId: string,
  task: {
    id: string;
    contactId: string;
    title: string;
    dueAt: string | null;
    assignee: string | null;
    actionKey: string;
  },
): Promise<ContactTask> {
  const { rows } = await db.query<ContactTask>(
    `INSERT INTO contact_tasks (account_id, id, contact_id, title, due_at, assignee, action_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${taskColumns}`,
    [accountId, task.id, task.contactId, task.title, task.dueAt, task.assignee, task.actionKey],
  );
  return rows[0]!;
}

export async function listContactTasks(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<ContactTask[]> {
  const { rows } = await db.query<ContactTask>(
    `SELECT ${taskColumns} FROM contact_tasks WHERE account_id = $1 AND contact_id = $2 ORDER BY created_at, id`,
    [accountId, contactId],
  );
  return rows;
}

/** true when the contact joined (or rejoined) the campaign, false when already a member. */
export async function addCampaignMember(
  db: Queryable,
  accountId: string,
  campaignId: string,
  contactId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO campaign_memberships AS m (account_id, campaign_id, contact_id) VALUES ($1, $2, $3)
     ON CONFLICT (account_id, campaign_id, contact_id) DO UPDATE SET added_at = now(), removed_at = NULL
     WHERE m.removed_at IS NOT NULL`,
    [accountId, campaignId, contactId],
  );
  return rowCount === 1;
}

/** true when the contact left the campaign, false when not a member. */
export async function removeCampaignMember(
  db: Queryable,
  accountId: string,
  campaignId: string,
  contactId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE campaign_memberships SET removed_at = now()
     WHERE account_id = $1 AND campaign_id = $2 AND contact_id = $3 AND removed_at IS NULL`,
    [accountId, campaignId, contactId],
  );
  return rowCount === 1;
}

export async function isCampaignMember(
  db: Queryable,
  accountId: string,
  campaignId: string,
  contactId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM campaign_memberships
     WHERE account_id = $1 AND campaign_id = $2 AND contact_id = $3 AND removed_at IS NULL`,
    [accountId, campaignId, contactId],
  );
  return rowCount === 1;
}
