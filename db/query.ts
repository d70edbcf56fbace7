import type { QueryResultRow } from 'pg';
import type { Queryable } from './pool';

/*
 * Most repository functions are one statement whose answer is its rows, its first row, or whether
 * it changed a row. These say each of those once, so that a repository function is its SQL, its
 * parameters and what it makes of the answer.
 */

type Values = unknown[];

/** Every row the statement returns. */
export async function queryRows<T extends QueryResultRow>(
  db: Queryable,
  text: string,
  values?: Values,
): Promise<T[]> {
  const { rows } = await db.query<T>(text, values);
  return rows;
}

/** The statement's first row; undefined when it returns none. */
export async function queryFirst<T extends QueryResultRow>(
  db: Queryable,
  text: string,
  values?: Values,
): Promise<T | undefined> {
  return (await queryRows<T>(db, text, values))[0];
}

/** Whether the statement touched exactly one row (its idempotent writes touch one or none). */
export async function changedOne(db: Queryable, text: string, values?: Values): Promise<boolean> {
  const { rowCount } = await db.query(text, values);
  return rowCount === 1;
}

/*
 * Many reads are one statement over an account ($1) and one of its keys ($2: a contact, a
 * profile). These turn such a statement into the function that runs it.
 */

export function rowsByAccountAnd<T extends QueryResultRow>(text: string) {
  return (db: Queryable, accountId: string, key: string): Promise<T[]> =>
    queryRows<T>(db, text, [accountId, key]);
}

export function firstByAccountAnd<T extends QueryResultRow>(text: string) {
  return (db: Queryable, accountId: string, key: string): Promise<T | undefined> =>
    queryFirst<T>(db, text, [accountId, key]);
}

/** Rows of many contacts' (a `contactId` column) as contact id → its rows without it, in row order. */
export function groupByContact<T extends { contactId: string }>(
  rows: Iterable<T>,
): Map<string, Omit<T, 'contactId'>[]> {
  const byContact = new Map<string, Omit<T, 'contactId'>[]>();
  for (const { contactId, ...row } of rows) {
    const list = byContact.get(contactId) ?? [];
    list.push(row);
    byContact.set(contactId, list);
  }
  return byContact;
}
