-- End users' release requests, made from the signed links of their daily
-- digest, and what the admin decided; digest_state remembers, per
-- recipient, up to when the last digest listed messages.
CREATE TABLE release_requests (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	quarantine_id TEXT    NOT NULL,
	rcpt          TEXT    NOT NULL,
	requested_at  INTEGER NOT NULL,
	client_ip     TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL DEFAULT 'pending',  -- pending, released, refused
	decided_by    TEXT    NOT NULL DEFAULT '',
	decided_at    INTEGER
);
CREATE UNIQUE INDEX release_requests_one ON release_requests (quarantine_id, rcpt);
CREATE INDEX release_requests_status ON release_requests (status, requested_at);

CREATE TABLE digest_state (
	rcpt      TEXT   PRIMARY KEY,
	listed_to INTEGER NOT NULL,   -- messages held before this time were listed
	sent_at   INTEGER NOT NULL
);
