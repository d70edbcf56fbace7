import { randomBytes } from 'node:crypto';
import type { Queryable } from './pool';

/** A saved contact filter. The filter is stored as given (after validation) and evaluated when read. */
export interface SmartListRecord<F = unknown> {
  id: string;
  name: string;
  filter: F;
  createdAt: string;
  updatedAt: string;
}

const columns = `id, name, filter, created_at AS "createdAt", updated_at AS "updatedAt"`;
const UNIQUE_VIOLATION = '23505';

export const newSmartListId = () => `list_${randomBytes(12).toString('base64url')}`;

/** undefined when the account already has a list of that name. */
export async function createSmartList<F>(
  db: Queryable,
  accountId: string,
  input: { name: string; filter: F },
): Promise<SmartListRecord<F> | undefined> {
  const { rows } = await db.query<SmartListRecord<F>>(
    `INSERT INTO smart_lists (account_id, id, name, filter) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, name) DO NOTHING
     RETURNING ${columns}`,
    [accountId, newSmartListId(), input.name, JSON.stringify(input.filter)],
  );
  return rows[0];
}

export async function listSmartLists(db: Queryable, accountId: string): Promise<SmartListRecord[]> {
  const { rows } = await db.query<SmartListRecord>(
    `SELECT ${columns} FROM smart_lists WHERE account_id = $1 ORDER BY created_at, id`,
    [accountId],
  );
  return rows;
}

export async function getSmartList(
  db: Queryable,
  accountId: string,
  id: string,
): Promise<SmartListRecord | undefined> {
  const { rows } = await db.query<SmartListRecord>(
    `SELECT ${columns} FROM smart_lists WHERE account_id = $1 AND id = $2`,
    [accountId, id],
  );
  return rows[0];
}

/** Changes what is given; 'name-taken' when another list of the account has the new name. */
export async function updateSmartList<F>(
  db: Queryable,
  accountId: string,
  id: string,
  changes: { name?: string | undefined; filter?: F | undefined },
): Promise<SmartListRecord | 'name-taken' | undefined> {
  try {
    const { rows } = await db.query<SmartListRecord>(
      `UPDATE smart_lists SET name = COALESCE($3, name), filter = COALESCE($4, filter), updated_at = now()
       WHERE account_id = $1 AND id = $2
       RETURNING ${columns}`,
      [
        accountId,
        id,
        changes.name ?? null,
        changes.filter === undefined ? null : JSON.stringify(changes.filter),
      ],
    );
    return rows[0];
  } catch (err) {
    if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) return 'name-taken';
    throw err;
  }
}

export async function deleteSmartList(db: Queryable, accountId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM smart_lists WHERE account_id = $1 AND id = $2', [
    accountId,
    id,
  ]);
  return rowCount === 1;
}
