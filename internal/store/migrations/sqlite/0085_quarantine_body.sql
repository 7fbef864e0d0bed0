-- Held messages' bytes in the database (issue 22). A single node on
-- SQLite keeps them in files under data_dir/quarantine as before; the
-- table exists so that both engines share one schema and one repository.
CREATE TABLE quarantine_body (
	id   TEXT PRIMARY KEY REFERENCES quarantine (id) ON DELETE CASCADE,
	body BLOB NOT NULL
);
