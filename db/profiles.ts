import type { LiveProfile } from '../domain/score-computation';
import type { Rule } from '../domain/rule';
import type { Queryable } from './pool';

export interface ProfileRecord {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
  draftRules: Rule[];
  liveVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

const columns = `id, name, description, is_default AS "isDefault", draft_rules AS "draftRules",
  live_version AS "liveVersion", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The first profile of an account becomes its default: the one EngagementScore shows. */
export async function createProfile(
  db: Queryable,
  accountId: string,
  input: { id: string; name: string; description?: string | undefined; rules?: Rule[] | undefined },
): Promise<ProfileRecord | undefined> {
  const { rows } = await db.query<ProfileRecord>(
    `INSERT INTO score_profiles (account_id, id, name, description, draft_rules, is_default)
     VALUES ($1, $2, $3, $4, $5, NOT EXISTS (SELECT 1 FROM score_profiles WHERE account_id = $1 AND is_default))
     ON CONFLICT (account_id, id) DO NOTHING
     RETURNING ${columns}`,
    [accountId, input.id, input.name, input.description ?? '', JSON.stringify(input.rules ?? [])],
  );
  return rows[0];
}

export async function getProfile(db: Queryable, accountId: string, id: string): Promise<ProfileRecord | undefined> {
  const { rows } = await db.query<ProfileRecord>(
    `SELECT ${columns} FROM score_profiles WHERE account_id = $1 AND id = $2`,
    [accountId, id],
  );
  return rows[0];
}

export async function listProfiles(db: Queryable, accountId: string): Promise<ProfileRecord[]> {
  const { rows } = await db.query<ProfileRecord>(
    `SELECT ${columns} FROM score_profiles WHERE account_id = $1 ORDER BY created_at, id`,
    [accountId],
  );
  return rows;
}

export async function setDraftRules(
  db: Queryable,
  accountId: string,
  id: string,
  rules: Rule[],
): Promise<ProfileRecord | undefined> {
  const { rows } = await db.query<ProfileRecord>(
    `UPDATE score_profiles SET draft_rules = $3, updated_at = now() WHERE account_id = $1 AND id = $2
     RETURNING ${columns}`,
    [accountId, id, JSON.stringify(rules)],
  );
  return rows[0];
}

/** Freezes the draft as the next version and makes it live, atomically. */
export async function publishProfile(
  db: Queryable,
  accountId: string,
  id: string,
  publishedBy: string,
): Promise<number | undefined> {
  const { rows } = await db.query<{ version: number }>(
    `WITH next AS (
       SELECT p.account_id, p.id, p.draft_rules,
              COALESCE((SELECT max(version) FROM profile_versions v WHERE v.account_id = p.account_id AND v.profile_id = p.id), 0) + 1 AS version
       FROM score_profiles p WHERE p.account_id = $1 AND p.id = $2 FOR UPDATE),
     saved AS (
       INSERT INTO profile_versions (account_id, profile_id, version, rules, published_by)
       SELECT account_id, id, version, draft_rules, $3 FROM next RETURNING version)
     UPDATE score_profiles p SET live_version = saved.version, updated_at = now()
     FROM saved WHERE p.account_id = $1 AND p.id = $2
     RETURNING saved.version`,
    [accountId, id, publishedBy],
  );
  return rows[0]?.version;
}

export async function listLiveProfiles(db: Queryable, accountId: string): Promise<LiveProfile[]> {
  const { rows } = await db.query<LiveProfile>(
    `SELECT p.id AS "profileId", p.is_default AS "isDefault", v.version, v.rules
     FROM score_profiles p
     JOIN profile_versions v ON v.account_id = p.account_id AND v.profile_id = p.id AND v.version = p.live_version
     WHERE p.account_id = $1
     ORDER BY p.is_default DESC, p.created_at, p.id`,
    [accountId],
  );
  return rows;
}
