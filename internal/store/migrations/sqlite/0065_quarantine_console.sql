-- The console's daily use (issue 18): the sender's display name shown
-- beside the address, the operator's decision on a held message
-- (verdict: phish or ham, who, when), the lower-cased text the search box
-- looks in (subject, sender names and addresses, recipients: one column,
-- one LIKE), and indexes for keyset paging over any number of messages.
ALTER TABLE quarantine ADD COLUMN from_name TEXT NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN verdict TEXT NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN verdict_by TEXT NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN verdict_at INTEGER;
CREATE INDEX quarantine_page ON quarantine (created_at, id);
CREATE INDEX quarantine_held_page ON quarantine (created_at, id) WHERE released_at IS NULL AND deleted_at IS NULL;
UPDATE quarantine SET search_text = lower(subject || ' ' || from_addr || ' ' || mail_from || ' ' || rcpt_to);
