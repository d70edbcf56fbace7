import type { FiresRecorded } from '../domain/automation-ids';
import type { ProfileScore } from '../domain/score-computation';
import type { Queryable } from './pool';

/** Where a contact workflow's run started watching the ledger: its last row then, and the scores. */
export interface RunStart {
  cursor: string;
  scores: ProfileScore[];
  /**
   * The fire counts the automations' records gave the run when it started. Kept with the start
   * because automations are started inside the workflow task that fires them: a retried first
   * task must not count the fires its lost attempt started, or it fires them again under new
   * numbers. Absent in starts recorded before it was kept.
   */
  firesRecorded?: Record<string, FiresRecorded>;
}

/**
 * The start recorded for this run, or `start` recorded as it when the contact has none for it.
 * The caller holds the contact's lock and calls it before claiming anything: a retried first
 * workflow task (same run id) then walks from the same place as the attempt whose commit it
 * never heard about.
 */
export async function recordRunStart(
  db: Queryable,
  accountId: string,
  contactId: string,
  runId: string,
  start: () => Promise<RunStart>,
): Promise<RunStart> {
  const { rows } = await db.query<{ run_id: string | null; start: RunStart | null }>(
    'SELECT scoring_run_id AS run_id, scoring_run_start AS start FROM contacts WHERE account_id = $1 AND id = $2',
    [accountId, contactId],
  );
  const known = rows[0];
  if (known?.run_id === runId && known.start) return known.start;
  const fresh = await start();
  await db.query(
    'UPDATE contacts SET scoring_run_id = $3, scoring_run_start = $4 WHERE account_id = $1 AND id = $2',
    [accountId, contactId, runId, JSON.stringify(fresh)],
  );
  return fresh;
}

/** The last ledger row a scoring pass reported to a workflow; null when none ever has. */
export async function readLedgerReadTo(
  db: Queryable,
  accountId: string,
  contactId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ read_to: string | null }>(
    'SELECT ledger_read_to::text AS read_to FROM contacts WHERE account_id = $1 AND id = $2',
    [accountId, contactId],
  );
  return rows[0]?.read_to ?? null;
}

/**
 * A pass reported the ledger up to `cursor` to its workflow: a run starting without carried
 * state walks on from there, and the contact's deferred refresh (db/wake-requests.ts) is answered.
 * The caller holds the contact's lock.
 */
export async function recordLedgerRead(
  db: Queryable,
  accountId: string,
  contactId: string,
  cursor: string,
): Promise<void> {
  await db.query(
    `UPDATE contacts SET ledger_read_to = $3::bigint, refresh_due_at = NULL
     WHERE account_id = $1 AND id = $2
       AND (ledger_read_to IS DISTINCT FROM $3::bigint OR refresh_due_at IS NOT NULL)`,
    [accountId, contactId, cursor],
  );
}
