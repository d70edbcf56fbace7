import { createHash, randomBytes } from 'node:crypto';
import { withTransaction, type Db, type Queryable } from './pool';
import { queryFirst } from './query';

export const API_KEY_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyPrincipal {
  keyId: string;
  accountId: string;
  scopes: ApiKeyScope[];
}

export interface AccountRecord {
  id: string;
  name: string;
  createdAt: string;
  disabledAt: string | null;
}

/** What an operator may see of a key: never the secret, which only its creator saw once. */
export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
}

export interface IssuedApiKey {
  id: string;
  /** The secret: shown once, stored only as its SHA-256. */
  key: string;
}

/** How stale last_used_at may get: refreshing it on every request would add a write to each. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

const hashKey = (raw: string) => createHash('sha256').update(raw).digest();
const keyIdOf = (raw: string) => `key_${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;

export async function ensureAccount(db: Queryable, id: string, name: string): Promise<void> {
  await db.query('INSERT INTO accounts (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
}

export async function accountExists(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM accounts WHERE id = $1', [id]);
  return rowCount === 1;
}

/** undefined when the id is taken. */
export async function createAccount(
  db: Queryable,
  opts: { id: string; name: string },
): Promise<AccountRecord | undefined> {
  const { rows } = await db.query<AccountRow>(
    `INSERT INTO accounts (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
    [opts.id, opts.name],
  );
  return rows[0] && toAccount(rows[0]);
}

export async function listAccounts(db: Queryable): Promise<AccountRecord[]> {
  const { rows } = await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY id`);
  return rows.map(toAccount);
}

export async function getAccount(db: Queryable, id: string): Promise<AccountRecord | undefined> {
  const { rows } = await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]);
  return rows[0] && toAccount(rows[0]);
}

/** Disabling stops every key of the account on the next request; enabling brings them back. */
export async function setAccountDisabled(
  db: Queryable,
  id: string,
  disabled: boolean,
): Promise<AccountRecord | undefined> {
  const row = await queryFirst<AccountRow>(
    db,
    `UPDATE accounts SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END
     WHERE id = $1 RETURNING ${ACCOUNT_COLUMNS}`,
    [id, disabled],
  );
  return row && toAccount(row);
}

/** Returns the raw key once; only its hash is kept. Pass `raw` to install a known key (local demo). */
export async function createApiKey(
  db: Queryable,
  opts: { accountId: string; scopes: ApiKeyScope[]; name: string; raw?: string },
): Promise<IssuedApiKey> {
  const key = opts.raw ?? newSecret();
  const id = keyIdOf(key);
  await db.query(
    `INSERT INTO api_keys (id, account_id, key_hash, scopes, name) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_hash) DO NOTHING`,
    [id, opts.accountId, hashKey(key), opts.scopes, opts.name],
  );
  return { id, key };
}

/**
 * The key's principal if it is live: not revoked, not past its expiry, its account enabled.
 * Read from Postgres on every request, so a revocation made through any API replica or the CLI
 * holds on the next request everywhere. The same statement refreshes last_used_at when it is
 * older than LAST_USED_RESOLUTION_SECONDS.
 */
export async function findApiKey(db: Queryable, raw: string): Promise<ApiKeyPrincipal | undefined> {
  const { rows } = await db.query<{ id: string; account_id: string; scopes: ApiKeyScope[] }>(
    `WITH live AS (
       SELECT k.id, k.account_id, k.scopes, k.last_used_at FROM api_keys k
       JOIN accounts a ON a.id = k.account_id
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
         AND a.disabled_at IS NULL
     ), touched AS (
       UPDATE api_keys SET last_used_at = now() FROM live
       WHERE api_keys.id = live.id
         AND (live.last_used_at IS NULL OR live.last_used_at < now() - make_interval(secs => $2))
     )
     SELECT id, account_id, scopes FROM live`,
    [hashKey(raw), LAST_USED_RESOLUTION_SECONDS],
  );
  const row = rows[0];
  return row && { keyId: row.id, accountId: row.account_id, scopes: row.scopes };
}

export async function listApiKeys(db: Queryable, accountId: string): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE account_id = $1 ORDER BY created_at, id`,
    [accountId],
  );
  return rows.map(toApiKey);
}

/** Revoked at once; revoking twice keeps the first time. undefined: no such key in the account. */
export async function revokeApiKey(
  db: Queryable,
  accountId: string,
  keyId: string,
): Promise<ApiKeyRecord | undefined> {
  const { rows } = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
     WHERE account_id = $1 AND id = $2 RETURNING ${KEY_COLUMNS}`,
    [accountId, keyId],
  );
  return rows[0] && toApiKey(rows[0]);
}

export type RotationResult =
  | { status: 'rotated'; issued: IssuedApiKey; replacement: ApiKeyRecord; previous: ApiKeyRecord }
  | { status: 'not-found' }
  | { status: 'not-live'; previous: ApiKeyRecord };

/**
 * Issues a key with the same name and scopes and lets the old one work for `overlapSeconds` more
 * (0: it stops now), so callers can switch without a gap. A revoked or expired key cannot be
 * rotated; a key that is already winding down keeps the earlier of its expiry and the new one.
 */
export async function rotateApiKey(
  db: Db,
  opts: { accountId: string; keyId: string; overlapSeconds: number },
): Promise<RotationResult> {
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<ApiKeyRow & { live: boolean }>(
      `SELECT ${KEY_COLUMNS}, (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS live
       FROM api_keys WHERE account_id = $1 AND id = $2 FOR UPDATE`,
      [opts.accountId, opts.keyId],
    );
    const old = rows[0];
    if (!old) return { status: 'not-found' } as const;
    if (!old.live) return { status: 'not-live', previous: toApiKey(old) } as const;
    const issued = await createApiKey(tx, { accountId: opts.accountId, scopes: old.scopes, name: old.name });
    const updated = await tx.query<ApiKeyRow>(
      `UPDATE api_keys SET replaced_by = $3,
         expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $4))
       WHERE account_id = $1 AND id = $2 RETURNING ${KEY_COLUMNS}`,
      [opts.accountId, opts.keyId, issued.id, opts.overlapSeconds],
    );
    const replacement = await tx.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`, [
      issued.id,
    ]);
    return {
      status: 'rotated',
      issued,
      replacement: toApiKey(replacement.rows[0]!),
      previous: toApiKey(updated.rows[0]!),
    } as const;
  });
}

function newSecret(): string {
  return `pulse_${randomBytes(24).toString('base64url')}`;
}

const ACCOUNT_COLUMNS = 'id, name, created_at, disabled_at';
interface AccountRow {
  id: string;
  name: string;
  created_at: Date;
  disabled_at: Date | null;
}
const toAccount = (row: AccountRow): AccountRecord => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at.toISOString(),
  disabledAt: row.disabled_at?.toISOString() ?? null,
});

const KEY_COLUMNS =
  'id, account_id, name, scopes, created_at, last_used_at, expires_at, revoked_at, replaced_by';
interface ApiKeyRow {
  id: string;
  account_id: string;
  name: string;
  scopes: ApiKeyScope[];
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  replaced_by: string | null;
}
const toApiKey = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  scopes: row.scopes,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  expiresAt: row.expires_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
  replacedBy: row.replaced_by,
});
