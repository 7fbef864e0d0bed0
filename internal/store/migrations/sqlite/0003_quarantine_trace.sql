-- Quarantine metadata; the message bytes live gzip-compressed in a file
-- under data_dir/quarantine (path is relative to it). Times are Unix
-- milliseconds. A released or deleted entry keeps its row (who did what).
CREATE TABLE quarantine (
	id          TEXT    PRIMARY KEY,
	created_at  INTEGER NOT NULL,
	frontend    TEXT    NOT NULL,
	client_ip   TEXT    NOT NULL DEFAULT '',
	mail_from   TEXT    NOT NULL DEFAULT '',
	rcpt_to     TEXT    NOT NULL DEFAULT '',   -- JSON array
	from_addr   TEXT    NOT NULL DEFAULT '',
	subject     TEXT    NOT NULL DEFAULT '',
	message_id  TEXT    NOT NULL DEFAULT '',
	score       REAL    NOT NULL DEFAULT 0,
	signals     TEXT    NOT NULL DEFAULT '',   -- space-separated names
	size        INTEGER NOT NULL,              -- original bytes
	stored_size INTEGER NOT NULL,              -- compressed bytes on disk
	sha256      TEXT    NOT NULL,
	path        TEXT    NOT NULL,
	released_at INTEGER,
	released_by TEXT    NOT NULL DEFAULT '',
	deleted_at  INTEGER,
	deleted_by  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX quarantine_created ON quarantine (created_at);

-- Message trace: one row per scanned message, and its searchable terms
-- (kind: sender, domain, url, ip, hash) in trace_terms. A URL host or a
-- sender domain is stored with each parent domain down to the registrable
-- one, so a domain search is one indexed equality.
CREATE TABLE trace (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	at          INTEGER NOT NULL,
	frontend    TEXT    NOT NULL,
	queue_id    TEXT    NOT NULL DEFAULT '',
	client_ip   TEXT    NOT NULL DEFAULT '',
	helo        TEXT    NOT NULL DEFAULT '',
	mail_from   TEXT    NOT NULL DEFAULT '',
	rcpt_to     TEXT    NOT NULL DEFAULT '',   -- JSON array
	from_addr   TEXT    NOT NULL DEFAULT '',
	subject     TEXT    NOT NULL DEFAULT '',
	message_id  TEXT    NOT NULL DEFAULT '',
	action      TEXT    NOT NULL,
	score       REAL    NOT NULL DEFAULT 0,
	signals     TEXT    NOT NULL DEFAULT '',   -- space-separated names
	urls        TEXT    NOT NULL DEFAULT '',   -- JSON array
	domains     TEXT    NOT NULL DEFAULT '',   -- JSON array
	attachments TEXT    NOT NULL DEFAULT '',   -- JSON array of SHA-256
	fuzzy       TEXT    NOT NULL DEFAULT '',
	quarantine_id TEXT  NOT NULL DEFAULT ''
);
CREATE INDEX trace_at ON trace (at);

CREATE TABLE trace_terms (
	trace_id INTEGER NOT NULL REFERENCES trace (id) ON DELETE CASCADE,
	kind     TEXT    NOT NULL,
	value    TEXT    NOT NULL
);
CREATE INDEX trace_terms_value ON trace_terms (kind, value);
CREATE INDEX trace_terms_trace ON trace_terms (trace_id);
