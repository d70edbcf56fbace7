-- Up Migration

-- Coalesced wake-ups: set by the ingest that must signal the contact's workflow (it was not already
-- due to wake), cleared by the scoring pass in the transaction that claims the inbox. While it is
-- set, other ingests for the contact store and answer without signalling; a mark older than
-- WAKE_MARK_STALE_SECONDS (its signal was lost) is set again and re-signalled. See db/wake-requests.ts.
ALTER TABLE contacts ADD COLUMN wake_requested_at timestamptz;

-- Down Migration

ALTER TABLE contacts DROP COLUMN wake_requested_at;
