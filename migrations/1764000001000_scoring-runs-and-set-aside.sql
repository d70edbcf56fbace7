-- Up Migration

-- Where a contact workflow's run started watching the ledger: written by the run's first
-- scoring pass, in the transaction that claims, before it claims. A first workflow task that is
-- retried after its pass committed (the worker died in between) finds the same starting point
-- here, so the batch it cannot remember is still a step its triggers see.
ALTER TABLE contacts ADD COLUMN scoring_run_id text;
ALTER TABLE contacts ADD COLUMN scoring_run_start jsonb;

-- An interaction that no retry can apply (Postgres refuses a value it produces) is set aside
-- with the reason, so the contact goes on scoring everything else. It is neither applied nor
-- waiting: claims, counts of pending work and the reconciler skip it.
ALTER TABLE interactions ADD COLUMN set_aside_at timestamptz;
ALTER TABLE interactions ADD COLUMN set_aside_reason text;
DROP INDEX interactions_unapplied;
CREATE INDEX interactions_unapplied ON interactions (account_id, contact_id, received_at)
  WHERE applied_at IS NULL AND set_aside_at IS NULL;
CREATE INDEX interactions_set_aside ON interactions (account_id, contact_id, set_aside_at)
  WHERE set_aside_at IS NOT NULL;

-- Down Migration

DROP INDEX interactions_set_aside;
DROP INDEX interactions_unapplied;
CREATE INDEX interactions_unapplied ON interactions (account_id, contact_id, received_at) WHERE applied_at IS NULL;
ALTER TABLE interactions DROP COLUMN set_aside_reason;
ALTER TABLE interactions DROP COLUMN set_aside_at;
ALTER TABLE contacts DROP COLUMN scoring_run_start;
ALTER TABLE contacts DROP COLUMN scoring_run_id;
