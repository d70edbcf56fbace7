import type { Queryable } from './pool';

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
