-- Up Migration

-- One row per account and provider whose webhooks the account receives. The URL a provider calls
-- is /webhooks/<provider>/<endpoint_id>: providers cannot send a Pulse API key, so the unguessable
-- endpoint id names the account and the provider's signature (checked with `secret`) proves the
-- sender. The secret is kept as given: verifying an HMAC or an ECDSA signature needs the key itself.
CREATE TABLE webhook_endpoints (
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('stripe', 'sendgrid', 'calendly', 'twilio')),
  endpoint_id text NOT NULL UNIQUE,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, provider)
);

-- Events whose email or phone matched no contact: kept (not scored) and listed by the API, once
-- per provider event id however often the provider retries.
CREATE TABLE webhook_unmatched_events (
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  provider text NOT NULL,
  event_id text NOT NULL,
  email text,
  phone text,
  interaction jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, provider, event_id)
);
CREATE INDEX webhook_unmatched_events_recent ON webhook_unmatched_events (account_id, received_at DESC);

-- Webhooks find contacts by email (any case) or phone (digits and a leading +, as providers send).
CREATE INDEX contacts_by_email ON contacts (account_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX contacts_by_phone ON contacts (account_id, regexp_replace(phone, '[^0-9+]', '', 'g'))
  WHERE phone IS NOT NULL;

-- Down Migration

DROP INDEX contacts_by_phone;
DROP INDEX contacts_by_email;
DROP TABLE webhook_unmatched_events;
DROP TABLE webhook_endpoints;
