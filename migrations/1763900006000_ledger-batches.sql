-- Up Migration

-- Triggers follow the ledger batch by batch (a worker that died after committing a batch leaves
-- it for the next call to report), so every row says which transaction wrote it and whether it
-- only re-stated points under a new profile version (a re-score is no engagement).
-- The default is set after the column is added, so existing rows keep NULL and the table is not
-- rewritten; readers fall back to created_at (the writing transaction's start) for them.
ALTER TABLE score_ledger ADD COLUMN tx_id xid8;
ALTER TABLE score_ledger ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
ALTER TABLE score_ledger ADD COLUMN rescore boolean NOT NULL DEFAULT false;
-- Every scoring pass reads the contact's ledger end and the rows after the workflow's cursor: by
-- contact and id, whatever the profile (score_ledger_by_contact leads with the profile).
CREATE INDEX score_ledger_by_contact_id ON score_ledger (account_id, contact_id, id);
-- How many of the contact's interactions are applied, kept by the pass that claims them: a pass
-- whose result was lost (a local activity re-run after a failed workflow task) cannot say what
-- its first run claimed, so the workflow reads the total instead of adding up results.
ALTER TABLE contacts ADD COLUMN applied_count bigint NOT NULL DEFAULT 0;
UPDATE contacts c SET applied_count = n.n
FROM (SELECT account_id, contact_id, count(*) AS n FROM interactions WHERE applied_at IS NOT NULL
      GROUP BY account_id, contact_id) n
WHERE c.account_id = n.account_id AND c.id = n.contact_id;

-- Down Migration

ALTER TABLE contacts DROP COLUMN applied_count;
DROP INDEX score_ledger_by_contact_id;
ALTER TABLE score_ledger DROP COLUMN rescore;
ALTER TABLE score_ledger DROP COLUMN tx_id;
