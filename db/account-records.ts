import type { QueryResultRow } from 'pg';
import type { Queryable } from './pool';
import { changedOne, queryFirst, queryRows } from './query';

/**
 * The reads and the delete that every table of records an account owns under an id (contacts,
 * profiles, triggers, smart lists) answers the same way: one record by id, all of them oldest
 * first, delete by id. `columns` names what a record is made of, as the table's repository reads it.
 */
export function accountRecords<T extends QueryResultRow>(table: string, columns: string) {
  return {
    /** undefined when the account has no such record. */
    get: (db: Queryable, accountId: string, id: string): Promise<T | undefined> =>
      queryFirst<T>(db, `SELECT ${columns} FROM ${table} WHERE account_id = $1 AND id = $2`, [accountId, id]),
    /** Oldest first (ties by id), so a listing is stable. */
    list: (db: Queryable, accountId: string): Promise<T[]> =>
      queryRows<T>(db, `SELECT ${columns} FROM ${table} WHERE account_id = $1 ORDER BY created_at, id`, [
        accountId,
      ]),
    /** true when the record was there. */
    delete: (db: Queryable, accountId: string, id: string): Promise<boolean> =>
      changedOne(db, `DELETE FROM ${table} WHERE account_id = $1 AND id = $2`, [accountId, id]),
  };
}
