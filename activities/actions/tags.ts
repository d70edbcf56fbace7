import { z } from 'zod';
import { addContactTag, removeContactTag } from '../../db/contact-tags';
import type { Db } from '../../db/pool';
import type { ActionOutcome, TagAction } from '../../domain/actions';
import { actionBaseSchema, parseInput, runRecordedAction } from './action-log';

const tagSchema = actionBaseSchema.extend({ tag: z.string().min(1).max(100) });

/** Outcome detail: 'added', or 'already_tagged' when the contact had the tag. */
export function createAddTag(db: Db) {
  return async function addTag(input: TagAction): Promise<ActionOutcome> {
    const { actionKey, accountId, contactId, tag } = parseInput(tagSchema, input, 'addTag');
    return runRecordedAction(db, { accountId, actionKey, contactId, kind: 'add_tag' }, async (tx) => ({
      state: 'done',
      detail: (await addContactTag(tx, accountId, contactId, tag)) ? 'added' : 'already_tagged',
    }));
  };
}

/** Outcome detail: 'removed', or 'not_tagged' when the contact did not have the tag. */
export function createRemoveTag(db: Db) {
  return async function removeTag(input: TagAction): Promise<ActionOutcome> {
    const { actionKey, accountId, contactId, tag } = parseInput(tagSchema, input, 'removeTag');
    return runRecordedAction(db, { accountId, actionKey, contactId, kind: 'remove_tag' }, async (tx) => ({
      state: 'done',
      detail: (await removeContactTag(tx, accountId, contactId, tag)) ? 'removed' : 'not_tagged',
    }));
  };
}
