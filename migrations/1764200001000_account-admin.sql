-- Up Migration

-- Accounts and keys are administered by operators (`pulse admin`, /admin routes), not by SQL.
-- A disabled account's keys stop working at once; its data stays.
ALTER TABLE accounts ADD COLUMN disabled_at timestamptz;

-- last_used_at is refreshed at most once a minute per key (a write per request would cost more
-- than the request). expires_at ends a key that was rotated: the old key keeps working until
-- then, so callers can switch over; replaced_by names the key that rotation issued.
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN replaced_by text REFERENCES api_keys (id) ON DELETE SET NULL;
CREATE INDEX api_keys_by_account ON api_keys (account_id, created_at);
