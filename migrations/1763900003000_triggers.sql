-- Up Migration

-- A trigger's definition is validated by the API (domain/trigger.ts) and read whole by the
-- scoring activity; only the columns queries filter on are broken out.
CREATE TABLE score_triggers (
  account_id text NOT NULL,
  id text NOT NULL,
  profile_id text NOT NULL,
  definition jsonb NOT NULL,
  source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'code')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, profile_id) REFERENCES score_profiles (account_id, id) ON DELETE CASCADE
);

-- Down Migration

DROP TABLE score_triggers;
