import type { LedgerChange, ProfileScore } from '../domain/score-computation';
import type { Write } from './combined-writes';
import type { Queryable } from './pool';
import { changedOne, groupByContact, queryFirst, queryRows, rowsByAccountAnd } from './query';

/**
 * lockContact for a scoring pass: null when the contact does not exist, else its applied count.
 * FOR UPDATE, not FOR NO KEY UPDATE: it must conflict with the FOR KEY SHARE an ingest holds, so
 * no ingest is half-way while the pass reads the inbox (db/wake-requests.ts).
 */
export async function lockContactForScoring(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<number | null> {
  const row = await queryFirst<{ applied_count: string }>(
    db,
    'SELECT applied_count FROM contacts WHERE account_id = $1 AND id = $2 FOR UPDATE',
    [accountId, contactId],
  );
  return row ? Number(row.applied_count) : null;
}

/** Counts interactions a pass claimed; the caller holds the contact's lock. */
export async function addAppliedCount(db: Queryable, accountId: string, contactId: string, n: number) {
  if (n === 0) return;
  await db.query('UPDATE contacts SET applied_count = applied_count + $3 WHERE account_id = $1 AND id = $2', [
    accountId,
    contactId,
    n,
  ]);
}

/** Serialises every score write of one contact, whichever workflow or activity does it. */
export async function lockContact(db: Queryable, accountId: string, contactId: string): Promise<boolean> {
  return changedOne(db, 'SELECT 1 FROM contacts WHERE account_id = $1 AND id = $2 FOR UPDATE', [
    accountId,
    contactId,
  ]);
}

export interface ScoreRow {
  profileId: string;
  version: number;
  score: number;
}

/** The contact's score rows: score and the profile version it is of. */
export async function readScoreRows(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<ScoreRow[]> {
  return (await readScoreRowsOf(db, accountId, [contactId])).get(contactId) ?? [];
}

export async function readCurrentScores(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ profile_id: string; score: number }>(
    'SELECT profile_id, score FROM contact_scores WHERE account_id = $1 AND contact_id = $2',
    [accountId, contactId],
  );
  return new Map(rows.map((r) => [r.profile_id, r.score]));
}

export interface RuleBreakdown {
  ruleId: string;
  description: string | null;
  count: number;
  points: number;
}

export interface ContactProfileScore {
  profileId: string;
  profileName: string;
  isDefault: boolean;
  version: number | null;
  /** null until the profile is published: "empty", which is not the same as 0. */
  score: number | null;
  breakdown: RuleBreakdown[];
  updatedAt: string | null;
}

export const readContactProfileScores = rowsByAccountAnd<ContactProfileScore>(
  `SELECT p.id AS "profileId", p.name AS "profileName", p.is_default AS "isDefault", p.live_version AS version,
       CASE WHEN p.live_version IS NULL THEN NULL ELSE COALESCE(s.score, 0) END AS score,
       s.updated_at AS "updatedAt",
       COALESCE((
         SELECT jsonb_agg(jsonb_build_object('ruleId', l.rule_id, 'description', r.rule->>'description',
                                             'count', l.n, 'points', l.points) ORDER BY l.rule_id)
         FROM (SELECT rule_id, count(*) AS n, sum(delta) AS points FROM score_ledger
               WHERE account_id = p.account_id AND contact_id = $2 AND profile_id = p.id
                 AND profile_version = COALESCE(s.profile_version, p.live_version)
               GROUP BY rule_id) l
         LEFT JOIN profile_versions v ON v.account_id = p.account_id AND v.profile_id = p.id
                                     AND v.version = COALESCE(s.profile_version, p.live_version)
         LEFT JOIN LATERAL (SELECT rule FROM jsonb_array_elements(v.rules) rule WHERE rule->>'id' = l.rule_id) r ON true
       ), '[]'::jsonb) AS breakdown
     FROM score_profiles p
     LEFT JOIN contact_scores s ON s.account_id = p.account_id AND s.profile_id = p.id AND s.contact_id = $2
     WHERE p.account_id = $1
     ORDER BY p.is_default DESC, p.created_at, p.id`,
);

export interface LedgerEntry extends LedgerChange {
  id: string;
  /** The row re-states points under a newly published version: no new engagement. */
  rescore: boolean;
  createdAt: string;
}

export async function readLedger(
  db: Queryable,
  accountId: string,
  contactId: string,
  opts: { profileId?: string | undefined; limit: number },
): Promise<LedgerEntry[]> {
  return queryRows<LedgerEntry>(
    db,
    `SELECT id::text, profile_id AS "profileId", profile_version AS "profileVersion", interaction_id AS "interactionId",
       rule_id AS "ruleId", delta, score_after AS "scoreAfter", rescore, created_at AS "createdAt"
     FROM score_ledger WHERE account_id = $1 AND contact_id = $2 AND ($3::text IS NULL OR profile_id = $3)
     ORDER BY score_ledger.id DESC LIMIT $4`,
    [accountId, contactId, opts.profileId ?? null, opts.limit],
  );
}

/** One contact's ledger rows, for ledgerWrite. */
export interface ContactLedgerChanges {
  contactId: string;
  changes: readonly LedgerChange[];
}

/**
 * Ledger rows for any number of contacts in one statement (a re-score page writes a page
 * of contacts at once); a row that is already there (a retried write) is skipped, never doubled.
 * `rescore`: the rows re-state applied interactions under a new profile version (no engagement).
 * `unseen`: the caller knows, under the contacts' locks, that none of these rows can be there (a
 * re-score page checked that no contact has a row of the version), so the per-row conflict check
 * is left out: with it a 5,000-row page took a third longer.
 *
 * Columns go as arrays (unnest), not as a JSON document: jsonb_to_recordset made the same insert
 * take a third longer in Postgres, and the JSON text cost this process more to write.
 * A Write for db/combined-writes.ts; undefined when there is nothing to append.
 */
export function ledgerWrite(
  entries: readonly ContactLedgerChanges[],
  opts: { rescore?: boolean; unseen?: boolean } = {},
): Write | undefined {
  const rows = entries.flatMap((e) => e.changes.map((change) => ({ contactId: e.contactId, change })));
  if (rows.length === 0) return undefined;
  return {
    text: `INSERT INTO score_ledger (account_id, contact_id, profile_id, profile_version, interaction_id, rule_id, delta, score_after, expires_at, rescore)
     SELECT $1, c.contact_id, c.profile_id, c.profile_version, c.interaction_id, c.rule_id, c.delta, c.score_after, c.expires_at, $10
     FROM unnest($2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::integer[], $8::integer[], $9::timestamptz[])
       AS c(contact_id, profile_id, profile_version, interaction_id, rule_id, delta, score_after, expires_at)
     ${opts.unseen ? '' : 'ON CONFLICT (account_id, contact_id, profile_id, profile_version, interaction_id, rule_id) DO NOTHING'}`,
    values: [
      rows.map((r) => r.contactId),
      rows.map((r) => r.change.profileId),
      rows.map((r) => r.change.profileVersion),
      rows.map((r) => r.change.interactionId),
      rows.map((r) => r.change.ruleId),
      rows.map((r) => r.change.delta),
      rows.map((r) => r.change.scoreAfter),
      rows.map((r) => r.change.expiresAt ?? null),
      opts.rescore ?? false,
    ],
  };
}

/** Whether any of these contacts has ledger rows of this profile version (the unique key's prefix). */
export async function hasLedgerRowsOfVersion(
  db: Queryable,
  accountId: string,
  profile: { profileId: string; version: number },
  contactIds: readonly string[],
): Promise<boolean> {
  const row = await queryFirst<{ found: boolean }>(
    db,
    `SELECT EXISTS (SELECT 1 FROM score_ledger WHERE account_id = $1 AND contact_id = ANY($2::text[])
                      AND profile_id = $3 AND profile_version = $4) AS found`,
    [accountId, contactIds, profile.profileId, profile.version],
  );
  return row!.found;
}

/** One contact's scores, for scoresWrite. */
export interface ContactScores {
  contactId: string;
  scores: readonly ProfileScore[];
}

/**
 * The contacts' scores in one statement (a re-score page); unchanged rows are not rewritten.
 * A Write for db/combined-writes.ts; undefined when there is nothing to save.
 */
export function scoresWrite(entries: readonly ContactScores[]): Write | undefined {
  const rows = entries.flatMap((e) => e.scores.map((score) => ({ contactId: e.contactId, score })));
  if (rows.length === 0) return undefined;
  return {
    text: `INSERT INTO contact_scores (account_id, contact_id, profile_id, score, profile_version)
     SELECT $1, s.contact_id, s.profile_id, s.score, s.version
     FROM unnest($2::text[], $3::text[], $4::integer[], $5::integer[]) AS s(contact_id, profile_id, score, version)
     ON CONFLICT (account_id, contact_id, profile_id) DO UPDATE
       SET score = EXCLUDED.score, profile_version = EXCLUDED.profile_version, updated_at = now()
       WHERE (contact_scores.score, contact_scores.profile_version) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.profile_version)`,
    values: [
      rows.map((r) => r.contactId),
      rows.map((r) => r.score.profileId),
      rows.map((r) => r.score.score),
      rows.map((r) => r.score.version),
    ],
  };
}

/** The score rows of the contacts $2 of account $1, one row per contact and profile. */
export const SCORE_ROWS_OF_SQL = `SELECT contact_id AS "contactId", profile_id AS "profileId", profile_version AS version, score
     FROM contact_scores WHERE account_id = $1 AND contact_id = ANY($2::text[])`;

/** readScoreRows for many contacts at once: contact id → its rows (absent: no rows). */
export async function readScoreRowsOf(
  db: Queryable,
  accountId: string,
  contactIds: readonly string[],
): Promise<Map<string, ScoreRow[]>> {
  return groupByContact(
    await queryRows<ScoreRow & { contactId: string }>(db, SCORE_ROWS_OF_SQL, [accountId, contactIds]),
  );
}

/**
 * Scoring at ingest's bookkeeping, one statement for the request's contacts: the interactions
 * each had applied, and for those whose workflow was not woken, a refresh due `refreshAfterSeconds`
 * from now (an earlier due time stays; db/wake-requests.ts). The caller holds their locks.
 * `id = ANY` as well as the join: planned on a young table's statistics (one contact per account),
 * the join alone walked every contact of the account on the primary key's account prefix.
 * A Write for db/combined-writes.ts; undefined for no contacts.
 */
export function scoredAtIngestWrite(
  contacts: readonly { contactId: string; applied: number; refresh: boolean }[],
  refreshAfterSeconds: number,
): Write | undefined {
  if (contacts.length === 0) return undefined;
  return {
    text: `UPDATE contacts c SET applied_count = c.applied_count + n.applied,
       refresh_due_at = CASE WHEN n.refresh AND c.refresh_due_at IS NULL
                             THEN now() + make_interval(secs => $5) ELSE c.refresh_due_at END
     FROM unnest($2::text[], $3::int[], $4::bool[]) AS n(id, applied, refresh)
     WHERE c.account_id = $1 AND c.id = ANY($2::text[]) AND c.id = n.id`,
    values: [
      contacts.map((c) => c.contactId),
      contacts.map((c) => c.applied),
      contacts.map((c) => c.refresh),
      refreshAfterSeconds,
    ],
  };
}
