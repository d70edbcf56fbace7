-- Up Migration

-- Do-not-disturb: the channels a contact has blocked. 'all' blocks every outbound channel.
-- Automations read it on every send; an empty set blocks nothing.
ALTER TABLE contacts
  ADD COLUMN dnd_channels text[] NOT NULL DEFAULT '{}'
    CONSTRAINT contacts_dnd_channels_known CHECK (dnd_channels <@ ARRAY['email', 'sms', 'all']::text[]);

-- One row per automation action, keyed by the idempotency key the workflow builds from its id and
-- the step. A retried activity finds its row and reports the recorded outcome instead of acting
-- again. state:
--   done     the action happened (detail: e.g. the Message-ID, 'added', the task id)
--   skipped  nothing was done, on purpose (reason: 'dnd_email', 'no_email', 'email_rejected', ...)
--   sending  a delivery claimed the key and may be talking to the provider (since claimed_at);
--            attempts is the claim's fencing token
--   pending  a delivery failed for certain (nothing was accepted): the next retry sends again
-- possible_duplicate: a delivery was sent again after an earlier one was lost in the window between
-- "provider accepted" and "recorded" (see activities/actions/delivery.ts): the same Message-ID went
-- out twice.
CREATE TABLE automation_actions (
  account_id text NOT NULL,
  action_key text NOT NULL,
  contact_id text NOT NULL,
  kind text NOT NULL,
  state text NOT NULL CHECK (state IN ('done', 'skipped', 'sending', 'pending')),
  reason text,
  detail text,
  attempts integer NOT NULL DEFAULT 0,
  claimed_at timestamptz,
  last_error text,
  possible_duplicate boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, action_key),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
  CHECK ((state = 'skipped') = (reason IS NOT NULL))
);
CREATE INDEX automation_actions_by_contact ON automation_actions (account_id, contact_id, created_at);
-- Deliveries that may be stuck between "sent" and "recorded": what an operator looks at first.
CREATE INDEX automation_actions_in_flight ON automation_actions (claimed_at) WHERE state = 'sending';

-- Where email goes when no SMTP server is configured (SMTP_URL unset): a local stand-in for a mail
-- server, keyed by Message-ID the way a receiving system would deduplicate.
CREATE TABLE email_outbox (
  message_id text PRIMARY KEY,
  from_address text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The built-in SMS provider: messages are recorded here for a gateway (or a person) to pick up.
CREATE TABLE sms_outbox (
  account_id text NOT NULL,
  message_id text NOT NULL,
  contact_id text NOT NULL,
  to_number text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, message_id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX sms_outbox_by_contact ON sms_outbox (account_id, contact_id, created_at);

-- Follow-ups for people, created by automations. action_key ties a task to the step that made it.
CREATE TABLE contact_tasks (
  account_id text NOT NULL,
  id text NOT NULL,
  contact_id text NOT NULL,
  title text NOT NULL,
  due_at timestamptz,
  assignee text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  action_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id),
  UNIQUE (account_id, action_key),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_tasks_by_contact ON contact_tasks (account_id, contact_id, created_at);

-- A contact is in a campaign while removed_at is null. Removing keeps the row (when they left);
-- adding again clears removed_at and restarts added_at.
CREATE TABLE campaign_memberships (
  account_id text NOT NULL,
  campaign_id text NOT NULL,
  contact_id text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  PRIMARY KEY (account_id, campaign_id, contact_id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX campaign_memberships_by_contact ON campaign_memberships (account_id, contact_id);

-- Down Migration

DROP TABLE campaign_memberships;
DROP TABLE contact_tasks;
DROP TABLE sms_outbox;
DROP TABLE email_outbox;
DROP TABLE automation_actions;
ALTER TABLE contacts DROP COLUMN dnd_channels;
