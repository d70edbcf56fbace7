-- Up Migration

-- The tag filter (`tags @> '{vip,trial}'`) with the account in the same index: one GIN lookup
-- per account instead of a scan of every account's "vip" contacts. btree_gin is a trusted
-- contrib extension (Postgres 13+), so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX contacts_by_tags ON contacts USING gin (account_id, tags);

-- Contact lists sort by score then contact id, both ascending in key order. score_asc walks
-- contact_scores_by_score; score_desc (highest first, ties by id ascending) walks this one, so
-- that each page is one index range: (-score, contact_id) > (cursor). bigint because negating
-- the smallest integer would overflow and fail the score write.
CREATE INDEX contact_scores_by_score_desc ON contact_scores (account_id, profile_id, (-score::bigint), contact_id);

-- A saved filter, evaluated when read: its members are whoever matches now.
CREATE TABLE smart_lists (
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  filter jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id),
  UNIQUE (account_id, name)
);

-- Down Migration

DROP TABLE smart_lists;
DROP INDEX contact_scores_by_score_desc;
DROP INDEX contacts_by_tags;
-- btree_gin stays: dropping an extension other objects may have come to use is not this
-- migration's call.
