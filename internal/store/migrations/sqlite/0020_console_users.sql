-- Web console (internal/web): local accounts, their sessions and the audit
-- trail of every state-changing action. Times are Unix milliseconds.
-- A session is stored by the SHA-256 of its cookie value, never the value.
CREATE TABLE users (
	name          TEXT    PRIMARY KEY,
	role          TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,
	created_at    INTEGER  NOT NULL,
	updated_at    INTEGER  NOT NULL,
	last_login_at INTEGER
);

CREATE TABLE sessions (
	id_hash     TEXT    PRIMARY KEY,
	user_name   TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
	csrf        TEXT    NOT NULL,
	created_at  INTEGER  NOT NULL,
	expires_at  INTEGER  NOT NULL,
	client_ip   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	at        INTEGER  NOT NULL,
	actor     TEXT    NOT NULL,
	action    TEXT    NOT NULL,
	target    TEXT    NOT NULL DEFAULT '',
	detail    TEXT    NOT NULL DEFAULT '',
	client_ip TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at);
