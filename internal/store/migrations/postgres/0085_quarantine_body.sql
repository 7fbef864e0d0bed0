-- Held messages' bytes in the database (issue 22): with PostgreSQL, every
-- gateway node lists, shows, releases and deletes any held message, and a
-- lost node loses none. The body is the gzip-compressed original, already
-- compressed: EXTERNAL storage keeps it out of line without a second,
-- useless compression. Deleting a message (operator or retention purge)
-- deletes its body; the quarantine row stays for the journal.
CREATE TABLE quarantine_body (
	id   TEXT  PRIMARY KEY REFERENCES quarantine (id) ON DELETE CASCADE,
	body BYTEA NOT NULL
);
ALTER TABLE quarantine_body ALTER COLUMN body SET STORAGE EXTERNAL;
