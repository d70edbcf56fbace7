-- Up Migration

CREATE TABLE accounts (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Keys are stored as SHA-256 digests: a leaked database does not leak usable keys.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key_hash bytea NOT NULL UNIQUE,
  scopes text[] NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE contacts (
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  id text NOT NULL,
  name text,
  email text,
  phone text,
  tags text[] NOT NULL DEFAULT '{}',
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);

-- The draft is edited freely; publishing copies it into profile_versions, which never change.
CREATE TABLE score_profiles (
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  is_default boolean NOT NULL DEFAULT false,
  draft_rules jsonb NOT NULL DEFAULT '[]',
  live_version integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX score_profiles_one_default ON score_profiles (account_id) WHERE is_default;

CREATE TABLE profile_versions (
  account_id text NOT NULL,
  profile_id text NOT NULL,
  version integer NOT NULL,
  rules jsonb NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by text NOT NULL,
  PRIMARY KEY (account_id, profile_id, version),
  FOREIGN KEY (account_id, profile_id) REFERENCES score_profiles (account_id, id) ON DELETE CASCADE
);

-- The interaction id is the sender's idempotency key. applied_at is the exactly-once gate:
-- the scoring activity flips it in the same transaction that writes the ledger.
CREATE TABLE interactions (
  account_id text NOT NULL,
  contact_id text NOT NULL,
  id text NOT NULL,
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  attributes jsonb NOT NULL DEFAULT '{}',
  received_at timestamptz NOT NULL DEFAULT now(),
  applied_at timestamptz,
  PRIMARY KEY (account_id, contact_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX interactions_unapplied ON interactions (account_id, contact_id, received_at) WHERE applied_at IS NULL;

CREATE TABLE contact_scores (
  account_id text NOT NULL,
  contact_id text NOT NULL,
  profile_id text NOT NULL,
  score integer NOT NULL,
  profile_version integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, contact_id, profile_id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, profile_id) REFERENCES score_profiles (account_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_scores_by_score ON contact_scores (account_id, profile_id, score, contact_id);

CREATE TABLE score_ledger (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL,
  contact_id text NOT NULL,
  profile_id text NOT NULL,
  profile_version integer NOT NULL,
  interaction_id text NOT NULL,
  rule_id text NOT NULL,
  delta integer NOT NULL,
  score_after integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, contact_id, profile_id, profile_version, interaction_id, rule_id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
);
CREATE INDEX score_ledger_by_contact ON score_ledger (account_id, contact_id, profile_id, id DESC);

-- Down Migration

DROP TABLE score_ledger;
DROP TABLE contact_scores;
DROP TABLE interactions;
DROP TABLE profile_versions;
DROP TABLE score_profiles;
DROP TABLE contacts;
DROP TABLE api_keys;
DROP TABLE accounts;
