-- Up Migration

-- Where an account's automations call out to: its default webhook URL (a trigger's params may name
-- another) and the secret every outgoing webhook of the account is signed with (HMAC-SHA256, see
-- activities/webhooks/). The secret is made on first use and shown to the account's admin key.
CREATE TABLE account_webhook_settings (
  account_id text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  url text,
  secret text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- How an account's automation SMS leave: through Twilio with the account's own credentials, or,
-- without a row (or provider 'outbox'), recorded in sms_outbox as before.
CREATE TABLE account_sms_settings (
  account_id text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('outbox', 'twilio')),
  twilio_account_sid text,
  twilio_auth_token text,
  from_number text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (provider <> 'twilio' OR (twilio_account_sid IS NOT NULL AND twilio_auth_token IS NOT NULL AND from_number IS NOT NULL))
);

-- Webhook deliveries: the receiver's last HTTP status. 'failed' is a delivery the receiver refused
-- for good (a 4xx reply) or that Pulse refused to make (an address it may not call): never retried.
ALTER TABLE automation_actions ADD COLUMN response_status integer;
ALTER TABLE automation_actions DROP CONSTRAINT automation_actions_state_check;
ALTER TABLE automation_actions ADD CONSTRAINT automation_actions_state_check
  CHECK (state IN ('done', 'skipped', 'sending', 'pending', 'failed'));

-- Down Migration

ALTER TABLE automation_actions DROP CONSTRAINT automation_actions_state_check;
ALTER TABLE automation_actions ADD CONSTRAINT automation_actions_state_check
  CHECK (state IN ('done', 'skipped', 'sending', 'pending'));
ALTER TABLE automation_actions DROP COLUMN response_status;
DROP TABLE account_sms_settings;
DROP TABLE account_webhook_settings;
