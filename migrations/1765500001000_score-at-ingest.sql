-- Up Migration

-- Scoring at ingest (SCORE_AT_INGEST=on) writes the ledger outside the contact workflow, so where
-- a workflow has read the ledger to is kept in Postgres: ledger_read_to is the last ledger row id a
-- scoring pass reported to its workflow. A run that starts without carried state (a contact's first
-- run, or one after Terminate or Reset) walks the ledger from there, so what the API scored before
-- any workflow ran still reaches the triggers, and nothing a finished run saw is walked twice.
ALTER TABLE contacts ADD COLUMN ledger_read_to bigint;
UPDATE contacts c SET ledger_read_to = l.last
FROM (SELECT account_id, contact_id, max(id) AS last FROM score_ledger GROUP BY account_id, contact_id) l
WHERE c.account_id = l.account_id AND c.id = l.contact_id;

-- Set when the API scored a contact without waking its workflow (no trigger could fire): the
-- reconciler wakes it once this time has passed, so the workflow's view, its search attributes and
-- its triggers' re-arming catch up. Cleared by the next scoring pass.
ALTER TABLE contacts ADD COLUMN refresh_due_at timestamptz;
CREATE INDEX contacts_refresh_due ON contacts (refresh_due_at, account_id, id) WHERE refresh_due_at IS NOT NULL;

-- Down Migration

DROP INDEX contacts_refresh_due;
ALTER TABLE contacts DROP COLUMN refresh_due_at;
ALTER TABLE contacts DROP COLUMN ledger_read_to;
