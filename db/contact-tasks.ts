import type { Queryable } from './pool';

export interface ContactTask {
  id: string;
  contactId: string;
  title: string;
  dueAt: string | null;
  assignee: string | null;
  status: 'open' | 'done' | 'cancelled';
  actionKey: string | null;
  createdAt: string;
}

const taskColumns = `id, contact_id AS "contactId", title, due_at AS "dueAt", assignee, status,
  action_key AS "actionKey", created_at AS "createdAt"`;

/** The caller records the action in the same transaction; action_key is unique per account as a second guard. */
export async function insertContactTask(
  db: Queryable,
  accountId: string,
  task: {
    id: string;
    contactId: string;
    title: string;
    dueAt: string | null;
    assignee: string | null;
    actionKey: string;
  },
): Promise<ContactTask> {
  const { rows } = await db.query<ContactTask>(
    `INSERT INTO contact_tasks (account_id, id, contact_id, title, due_at, assignee, action_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${taskColumns}`,
    [accountId, task.id, task.contactId, task.title, task.dueAt, task.assignee, task.actionKey],
  );
  return rows[0]!;
}

export async function listContactTasks(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<ContactTask[]> {
  const { rows } = await db.query<ContactTask>(
    `SELECT ${taskColumns} FROM contact_tasks WHERE account_id = $1 AND contact_id = $2 ORDER BY created_at, id`,
    [accountId, contactId],
  );
  return rows;
}
