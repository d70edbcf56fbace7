-- Up Migration

-- Triggers follow the ledger batch by batch (a worker that died after committing a batch leaves
-- it for the next call to report), so every row says which transaction wrote it and whether it
-- only re-stated points under a new profile version (a re-score is no engagement).
-- The default is set after the column is added, so existing rows keep NULL and the table is not
-- rewritten; readers fall back to created_at (the writing transaction's start) for them.
ALTER TABLE score_ledger ADD COLUMN tx_id xid8;
ALTER TABLE score_ledger ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
ALTER TABLE score_ledger ADD COLUMN rescore boolean NOT NULL DEFAULT false;

-- Down Migration

ALTER TABLE score_ledger DROP COLUMN rescore;
ALTER TABLE score_ledger DROP COLUMN tx_id;
