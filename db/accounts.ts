import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './pool';

export const API_KEY_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyPrincipal {
  keyId: string;
  accountId: string;
  scopes: ApiKeyScope[];
}

const hashKey = (raw: string) => createHash('sha256').update(raw).digest();

export async function ensureAccount(db: Queryable, id: string, name: string): Promise<void> {
  await db.query('INSERT INTO accounts (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, name]);
}

export async function accountExists(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM accounts WHERE id = $1', [id]);
  return rowCount === 1;
}

/** Returns the raw key once; only its hash is kept. Pass `raw` to install a known key (local demo). */
export async function createApiKey(
  db: Queryable,
  opts: { accountId: string; scopes: ApiKeyScope[]; name: string; raw?: string },
): Promise<{ id: string; key: string }> {
  const key = opts.raw ?? `pulse_${randomBytes(24).toString('base64url')}`;
  const id = `key_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  await db.query(
    `INSERT INTO api_keys (id, account_id, key_hash, scopes, name) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_hash) DO NOTHING`,
    [id, opts.accountId, hashKey(key), opts.scopes, opts.name],
  );
  return { id, key };
}

export async function findApiKey(db: Queryable, raw: string): Promise<ApiKeyPrincipal | undefined> {
  const { rows } = await db.query<{ id: string; account_id: string; scopes: ApiKeyScope[] }>(
    'SELECT id, account_id, scopes FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashKey(raw)],
  );
  const row = rows[0];
  return row && { keyId: row.id, accountId: row.account_id, scopes: row.scopes };
}
