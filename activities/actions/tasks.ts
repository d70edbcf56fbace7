import { z } from 'zod';
import type { ActionContact } from '../../db/action-contacts';
import { insertContactTask } from '../../db/contact-tasks';
import type { Db } from '../../db/pool';
import type { ActionOutcome, CreateTaskAction } from '../../domain/actions';
import { actionBaseSchema, actionDigest, parseInput, runRecordedAction } from './action-log';

const createTaskSchema = actionBaseSchema.extend({
  title: z.string().min(1).max(500),
  dueAt: z.iso.datetime({ offset: true }).optional(),
  assignee: z.string().min(1).max(200).optional(),
});

/** The contact's `owner` attribute, when it is a non-empty string. */
function ownerOf(contact: ActionContact): string | null {
  const owner = contact.attributes.owner;
  return typeof owner === 'string' && owner.trim() !== '' ? owner : null;
}

/** Outcome detail: the task's id, derived from the action key (the same task on every retry). */
export function createCreateTask(db: Db) {
  return async function createTask(input: CreateTaskAction): Promise<ActionOutcome> {
    const { actionKey, accountId, contactId, title, dueAt, assignee } = parseInput(
      createTaskSchema,
      input,
      'createTask',
    );
    return runRecordedAction(
      db,
      { accountId, actionKey, contactId, kind: 'create_task' },
      async (tx, contact) => {
        const task = await insertContactTask(tx, accountId, {
          id: `task_${actionDigest(accountId, actionKey, 24)}`,
          contactId,
          title,
          dueAt: dueAt ?? null,
          assignee: assignee ?? ownerOf(contact),
          actionKey,
        });
        return { state: 'done', detail: task.id };
      },
    );
  };
}
