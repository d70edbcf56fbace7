import type { Queryable } from './pool';
import { changedOne } from './query';

export type TagChange = 'add' | 'remove';
export type ContactTag = { accountId: string; contactId: string; tag: string };

/* Adding and removing a tag are one call with the change as a parameter; each touches the row only when it changes something. */
const CHANGES: Record<TagChange, string> = {
  add: `UPDATE contacts SET tags = array_append(tags, $3), updated_at = now()
     WHERE account_id = $1 AND id = $2 AND NOT (tags @> ARRAY[$3::text])`,
  remove: `UPDATE contacts SET tags = array_remove(tags, $3), updated_at = now()
     WHERE account_id = $1 AND id = $2 AND tags @> ARRAY[$3::text]`,
};

/** true when the tag was added (removed), false when the contact already had it (did not have it). */
export function changeContactTag(db: Queryable, change: TagChange, target: ContactTag): Promise<boolean> {
  return changedOne(db, CHANGES[change], [target.accountId, target.contactId, target.tag]);
}
