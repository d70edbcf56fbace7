-- Up Migration

-- Points that lapse: a ledger row of a rule with expiresAfterDays carries when its points end.
-- The lapse itself is another ledger row (rule_id 'expiry:<rule>') for the same interaction,
-- which the unique key makes happen once.
ALTER TABLE score_ledger ADD COLUMN expires_at timestamptz;
CREATE INDEX score_ledger_expiring ON score_ledger (account_id, contact_id, expires_at) WHERE expires_at IS NOT NULL;

-- Down Migration

DROP INDEX score_ledger_expiring;
ALTER TABLE score_ledger DROP COLUMN expires_at;
