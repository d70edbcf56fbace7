import { Pool } from 'pg';
import type { DraftEditResult } from '../domain/draft-rules';
import { diffRuleSets, type RuleSet, type RuleSetDiff } from '../domain/profile-diff';
import type { Rule } from '../domain/rule';
import type { LiveProfile } from '../domain/score-computation';
import { accountRecords } from './account-records';
import { withTransaction, type Queryable } from './pool';
import { firstByAccountAnd, queryFirst, rowsByAccountAnd } from './query';

export interface ProfileRecord {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
  draftRules: Rule[];
  /** The draft's score bounds (null: none); a version keeps the ones it was published with. */
  floor: number | null;
  ceiling: number | null;
  liveVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

const columns = `id, name, description, is_default AS "isDefault", draft_rules AS "draftRules", floor, ceiling,
  live_version AS "liveVersion", created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Runs `work` in a transaction: its own on a pool; on a client, the caller's (a client is only
 * handed in by code that already holds a transaction, such as an activity).
 */
async function atomically<T>(db: Queryable, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db instanceof Pool ? withTransaction(db, work) : work(db);
}

/** The first profile of an account becomes its default: the one EngagementScore shows. */
export async function createProfile(
  db: Queryable,
  accountId: string,
  input: {
    id: string;
    name: string;
    description?: string | undefined;
    rules?: Rule[] | undefined;
    floor?: number | null | undefined;
    ceiling?: number | null | undefined;
  },
): Promise<ProfileRecord | undefined> {
  return queryFirst<ProfileRecord>(
    db,
    `INSERT INTO score_profiles (account_id, id, name, description, draft_rules, floor, ceiling, is_default)
     VALUES ($1, $2, $3, $4, $5, $6, $7, NOT EXISTS (SELECT 1 FROM score_profiles WHERE account_id = $1 AND is_default))
     ON CONFLICT (account_id, id) DO NOTHING
     RETURNING ${columns}`,
    [
      accountId,
      input.id,
      input.name,
      input.description ?? '',
      JSON.stringify(input.rules ?? []),
      input.floor ?? null,
      input.ceiling ?? null,
    ],
  );
}

const records = accountRecords<ProfileRecord>('score_profiles', columns);
export const getProfile = records.get;
export const listProfiles = records.list;

export async function setDraftRules(
  db: Queryable,
  accountId: string,
  id: string,
  rules: Rule[],
): Promise<ProfileRecord | undefined> {
  return queryFirst<ProfileRecord>(
    db,
    `UPDATE score_profiles SET draft_rules = $3, updated_at = now() WHERE account_id = $1 AND id = $2
     RETURNING ${columns}`,
    [accountId, id, JSON.stringify(rules)],
  );
}

/** Fields of the draft a PATCH may set; absent: unchanged, null (floor, ceiling): no bound. */
export interface DraftPatch {
  name?: string | undefined;
  description?: string | undefined;
  floor?: number | null | undefined;
  ceiling?: number | null | undefined;
}

/**
 * Updates the draft's name, description and bounds. `bounds_invalid`: floor would not be below
 * ceiling once merged with what the draft has (checked by the database, so two concurrent
 * edits cannot together break it).
 */
export async function updateDraft(
  db: Queryable,
  accountId: string,
  id: string,
  patch: DraftPatch,
): Promise<ProfileRecord | 'bounds_invalid' | undefined> {
  try {
    return await queryFirst<ProfileRecord>(
      db,
      `UPDATE score_profiles SET
         name = CASE WHEN $3 THEN $4 ELSE name END,
         description = CASE WHEN $5 THEN $6 ELSE description END,
         floor = CASE WHEN $7 THEN $8::integer ELSE floor END,
         ceiling = CASE WHEN $9 THEN $10::integer ELSE ceiling END,
         updated_at = now()
       WHERE account_id = $1 AND id = $2
       RETURNING ${columns}`,
      [
        accountId,
        id,
        patch.name !== undefined,
        patch.name ?? null,
        patch.description !== undefined,
        patch.description ?? null,
        patch.floor !== undefined,
        patch.floor ?? null,
        patch.ceiling !== undefined,
        patch.ceiling ?? null,
      ],
    );
  } catch (err) {
    if ((err as { constraint?: unknown }).constraint === 'score_profiles_bounds') return 'bounds_invalid';
    throw err;
  }
}

/**
 * Applies one edit to the draft's rules under a row lock, so concurrent edits do not lose each
 * other. undefined: no such profile; a refused edit is returned as is and changes nothing.
 */
export async function editDraftRules(
  db: Queryable,
  accountId: string,
  id: string,
  edit: (rules: Rule[]) => DraftEditResult,
): Promise<{ ok: true; profile: ProfileRecord } | Extract<DraftEditResult, { ok: false }> | undefined> {
  return atomically(db, async (tx) => {
    const { rows } = await tx.query<{ draftRules: Rule[] }>(
      'SELECT draft_rules AS "draftRules" FROM score_profiles WHERE account_id = $1 AND id = $2 FOR NO KEY UPDATE',
      [accountId, id],
    );
    if (!rows[0]) return undefined;
    const result = edit(rows[0].draftRules);
    if (!result.ok) return result;
    const profile = await setDraftRules(tx, accountId, id, result.rules);
    return { ok: true as const, profile: profile! };
  });
}

/**
 * Deletes a profile that was never published (its triggers go with it); a published one has
 * scores, ledger rows and versions that refer to it, so it stays. When the default goes, the
 * oldest remaining profile becomes the default.
 */
export async function deleteProfile(
  db: Queryable,
  accountId: string,
  id: string,
): Promise<'deleted' | 'published' | 'not_found'> {
  return atomically(db, async (tx) => {
    const { rows } = await tx.query<{ published: boolean; isDefault: boolean }>(
      `SELECT live_version IS NOT NULL
              OR EXISTS (SELECT 1 FROM profile_versions v WHERE v.account_id = p.account_id AND v.profile_id = p.id) AS published,
              is_default AS "isDefault"
       FROM score_profiles p WHERE account_id = $1 AND id = $2 FOR NO KEY UPDATE`,
      [accountId, id],
    );
    const found = rows[0];
    if (!found) return 'not_found';
    if (found.published) return 'published';
    await tx.query('DELETE FROM score_profiles WHERE account_id = $1 AND id = $2', [accountId, id]);
    if (found.isDefault) {
      await tx.query(
        `UPDATE score_profiles SET is_default = true, updated_at = now()
         WHERE (account_id, id) = (SELECT account_id, id FROM score_profiles WHERE account_id = $1 ORDER BY created_at, id LIMIT 1)`,
        [accountId],
      );
    }
    return 'deleted';
  });
}

interface VersionRow {
  version: number;
  rules: Rule[];
  floor: number | null;
  ceiling: number | null;
}

const latestVersion = firstByAccountAnd<VersionRow>(
  `SELECT version, rules, floor, ceiling FROM profile_versions
     WHERE account_id = $1 AND profile_id = $2 ORDER BY version DESC LIMIT 1`,
);

/** Saves `content` as the version after the latest, with its diff, and makes it live. */
async function saveNextVersion(
  tx: Queryable,
  accountId: string,
  profileId: string,
  content: RuleSet,
  publishedBy: string,
  republishedFrom: number | null,
): Promise<number> {
  const previous = await latestVersion(tx, accountId, profileId);
  const version = (previous?.version ?? 0) + 1;
  const changes = diffRuleSets(previous, content);
  await tx.query(
    `INSERT INTO profile_versions (account_id, profile_id, version, rules, floor, ceiling, changes, published_by, republished_from)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      accountId,
      profileId,
      version,
      JSON.stringify(content.rules),
      content.floor ?? null,
      content.ceiling ?? null,
      JSON.stringify(changes),
      publishedBy,
      republishedFrom,
    ],
  );
  await tx.query(
    'UPDATE score_profiles SET live_version = $3, updated_at = now() WHERE account_id = $1 AND id = $2',
    [accountId, profileId, version],
  );
  return version;
}

/** One published version's content; undefined when there is no such version. */
function readVersion(tx: Queryable, accountId: string, profileId: string, version: number) {
  return queryFirst<VersionRow>(
    tx,
    'SELECT version, rules, floor, ceiling FROM profile_versions WHERE account_id = $1 AND profile_id = $2 AND version = $3',
    [accountId, profileId, version],
  );
}

/**
 * Publishing and republishing both lock the profile's row and save a content as the next version;
 * `choose` picks that content from the locked draft (undefined: nothing to publish).
 */
async function publishNext(
  db: Queryable,
  profile: { accountId: string; id: string; publishedBy: string },
  choose: (
    tx: Queryable,
    draft: RuleSet,
  ) => Promise<{ content: RuleSet; republishedFrom: number | null } | undefined>,
): Promise<number | undefined> {
  const { accountId, id, publishedBy } = profile;
  return atomically(db, async (tx) => {
    // The lock also serialises publishes of one profile, so version numbers never collide. NO KEY
    // UPDATE: the foreign-key checks of score writes (KEY SHARE) must not queue behind a publish.
    const draft = await queryFirst<{ rules: Rule[]; floor: number | null; ceiling: number | null }>(
      tx,
      'SELECT draft_rules AS rules, floor, ceiling FROM score_profiles WHERE account_id = $1 AND id = $2 FOR NO KEY UPDATE',
      [accountId, id],
    );
    if (!draft) return undefined;
    const chosen = await choose(tx, draft);
    if (!chosen) return undefined;
    return saveNextVersion(tx, accountId, id, chosen.content, publishedBy, chosen.republishedFrom);
  });
}

/**
 * Freezes the draft (rules, floor, ceiling) as the next version, with its diff against the
 * version before, and makes it live, atomically. undefined: no such profile.
 */
export function publishProfile(db: Queryable, accountId: string, id: string, publishedBy: string) {
  return publishNext(db, { accountId, id, publishedBy }, (_tx, draft) =>
    Promise.resolve({ content: draft, republishedFrom: null }),
  );
}

/**
 * Rollback: publishes a copy of an earlier version (rules, floor, ceiling) as the next version.
 * The draft is left as it is. undefined: no such profile or version.
 */
export function republishVersion(
  db: Queryable,
  accountId: string,
  profileId: string,
  version: number,
  publishedBy: string,
): Promise<number | undefined> {
  return publishNext(db, { accountId, id: profileId, publishedBy }, async (tx) => {
    const earlier = await readVersion(tx, accountId, profileId, version);
    return earlier && { content: earlier, republishedFrom: version };
  });
}

export interface ProfileVersionSummary {
  version: number;
  /** Whether this is the version scoring uses now. */
  live: boolean;
  publishedAt: string;
  publishedBy: string;
  /** Set when the version was made by a rollback: the version it copies. */
  republishedFrom: number | null;
  floor: number | null;
  ceiling: number | null;
  ruleCount: number;
}

export interface ProfileVersionRecord extends ProfileVersionSummary {
  rules: Rule[];
  /** Against the version before (the first version: every rule added). */
  changes: RuleSetDiff;
}

const versionColumns = `v.version, v.version = p.live_version AS live, v.published_at AS "publishedAt",
  v.published_by AS "publishedBy", v.republished_from AS "republishedFrom", v.floor, v.ceiling,
  jsonb_array_length(v.rules) AS "ruleCount"`;

/** Newest first. Empty for a profile that does not exist or was never published. */
export const listVersions = rowsByAccountAnd<ProfileVersionSummary>(
  `SELECT ${versionColumns}
     FROM profile_versions v JOIN score_profiles p ON p.account_id = v.account_id AND p.id = v.profile_id
     WHERE v.account_id = $1 AND v.profile_id = $2 ORDER BY v.version DESC`,
);

export async function getVersion(
  db: Queryable,
  accountId: string,
  profileId: string,
  version: number,
): Promise<ProfileVersionRecord | undefined> {
  const { rows } = await db.query<ProfileVersionRecord & { changes: RuleSetDiff | null }>(
    `SELECT ${versionColumns}, v.rules, v.changes
     FROM profile_versions v JOIN score_profiles p ON p.account_id = v.account_id AND p.id = v.profile_id
     WHERE v.account_id = $1 AND v.profile_id = $2 AND v.version = $3`,
    [accountId, profileId, version],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.changes !== null) return row;
  // Published before diffs were stored: work it out from the version before.
  const before = await readVersion(db, accountId, profileId, version - 1);
  return { ...row, changes: diffRuleSets(before, row) };
}

/** Each live profile with its published version, `$1` the account; LIVE_PROFILE_ORDER orders them. */
export const LIVE_PROFILES_SQL = `SELECT p.id AS "profileId", p.is_default AS "isDefault", v.version, v.rules, v.floor,
       v.ceiling, p.created_at AS "createdAt"
     FROM score_profiles p
     JOIN profile_versions v ON v.account_id = p.account_id AND v.profile_id = p.id AND v.version = p.live_version
     WHERE p.account_id = $1`;
/** The default profile first, then by creation: the order every scoring pass computes in. */
export const LIVE_PROFILE_ORDER = `"isDefault" DESC, "createdAt", "profileId"`;

export interface LiveProfileRow extends Omit<LiveProfile, 'floor' | 'ceiling'> {
  floor: number | null;
  ceiling: number | null;
}

export function toLiveProfile(row: LiveProfileRow): LiveProfile {
  return {
    profileId: row.profileId,
    isDefault: row.isDefault,
    version: row.version,
    rules: row.rules,
    ...(row.floor !== null && { floor: row.floor }),
    ...(row.ceiling !== null && { ceiling: row.ceiling }),
  };
}

export async function listLiveProfiles(db: Queryable, accountId: string): Promise<LiveProfile[]> {
  const { rows } = await db.query<LiveProfileRow>(`${LIVE_PROFILES_SQL} ORDER BY ${LIVE_PROFILE_ORDER}`, [
    accountId,
  ]);
  return rows.map(toLiveProfile);
}
