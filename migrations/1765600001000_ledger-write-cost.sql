-- Up Migration

-- The ledger is the table written most (a row per point given, a row per applied interaction again
-- under every newly published version), and EXPLAIN ANALYZE on a re-score page of 5,000 rows put
-- 40 % of the insert in the per-row foreign-key check against contacts. Every writer of the ledger
-- holds the contact's row lock in the same transaction (scoring pass, re-score page, adjustment,
-- scoring at ingest), so the contact is there by construction, and Pulse never deletes contacts.
ALTER TABLE score_ledger DROP CONSTRAINT score_ledger_account_id_contact_id_fkey;
-- Led by the profile; every reader is served by score_ledger_by_contact_id (a contact's rows by id,
-- the profile filtered on the way) or by the unique key (a contact's rows of one profile version).
DROP INDEX score_ledger_by_contact;

-- Down Migration

CREATE INDEX score_ledger_by_contact ON score_ledger (account_id, contact_id, profile_id, id DESC);
ALTER TABLE score_ledger ADD CONSTRAINT score_ledger_account_id_contact_id_fkey
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE;
