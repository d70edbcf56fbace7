import type { ActionState } from './action-log';
import type { Queryable } from './pool';
import { queryRows } from './query';

export interface RunAction {
  /** The workflow id of the automation run whose step this was (the action key's prefix). */
  workflowId: string;
  step: string;
  kind: string;
  state: ActionState;
  reason: string | null;
  detail: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The recorded actions of the given automation runs, oldest first. An action key is
 * `<automation workflow id>/<step>` (domain/actions.ts `actionKey`), and each run is one contact's.
 */
export function readRunActions(
  db: Queryable,
  accountId: string,
  runs: readonly { workflowId: string; contactId: string }[],
): Promise<RunAction[]> {
  if (runs.length === 0) return Promise.resolve([]);
  return queryRows<RunAction>(
    db,
    `SELECT r.workflow_id AS "workflowId", substr(a.action_key, length(r.workflow_id) + 2) AS step,
            a.kind, a.state, a.reason, a.detail,
            a.created_at AS "createdAt", a.updated_at AS "updatedAt"
       FROM unnest($2::text[], $3::text[]) AS r(workflow_id, contact_id)
       JOIN automation_actions a
         ON a.account_id = $1 AND a.contact_id = r.contact_id
        AND starts_with(a.action_key, r.workflow_id || '/')
      ORDER BY a.created_at, a.action_key`,
    [accountId, runs.map((r) => r.workflowId), runs.map((r) => r.contactId)],
  );
}
