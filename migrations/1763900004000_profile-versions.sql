-- Up Migration

-- Bounds of a profile's score: after every change it is clamped into [floor, ceiling]. The
-- draft's are edited freely; a version keeps the ones it was published with. Integers, like
-- scores (contact_scores.score), so a clamped score is always one. NULL: no bound.
ALTER TABLE score_profiles
  ADD COLUMN floor integer,
  ADD COLUMN ceiling integer,
  ADD CONSTRAINT score_profiles_bounds CHECK (floor IS NULL OR ceiling IS NULL OR floor < ceiling);

-- changes: the diff against the version before (domain/profile-diff.ts), computed when published;
-- NULL for versions published before this migration (the API computes those when asked).
-- republished_from: the version this one copies, when it was made by a rollback.
ALTER TABLE profile_versions
  ADD COLUMN floor integer,
  ADD COLUMN ceiling integer,
  ADD COLUMN changes jsonb,
  ADD COLUMN republished_from integer,
  ADD CONSTRAINT profile_versions_bounds CHECK (floor IS NULL OR ceiling IS NULL OR floor < ceiling);

-- Down Migration

ALTER TABLE profile_versions
  DROP CONSTRAINT profile_versions_bounds,
  DROP COLUMN republished_from,
  DROP COLUMN changes,
  DROP COLUMN ceiling,
  DROP COLUMN floor;
ALTER TABLE score_profiles
  DROP CONSTRAINT score_profiles_bounds,
  DROP COLUMN ceiling,
  DROP COLUMN floor;
