import { randomBytes } from 'node:crypto';
import { accountRecords } from './account-records';
import type { Queryable } from './pool';
import { queryFirst } from './query';

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
  return queryFirst<SmartListRecord<F>>(
    db,
    `INSERT INTO smart_lists (account_id, id, name, filter) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, name) DO NOTHING
     RETURNING ${columns}`,
    [accountId, newSmartListId(), input.name, JSON.stringify(input.filter)],
  );
}

const records = accountRecords<SmartListRecord>('smart_lists', columns);
export const listSmartLists = records.list;
export const getSmartList = records.get;
export const deleteSmartList = records.delete;

/** Changes what is given; 'name-taken' when another list of the account has the new name. */
export async function updateSmartList<F>(
  db: Queryable,
  accountId: string,
  id: string,
  changes: { name?: string | undefined; filter?: F | undefined },
): Promise<SmartListRecord | 'name-taken' | undefined> {
  try {
    return await queryFirst<SmartListRecord>(
      db,
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
  } catch (err) {
    if ((err as { code?: unknown }).code === UNIQUE_VIOLATION) return 'name-taken';
    throw err;
  }
}
