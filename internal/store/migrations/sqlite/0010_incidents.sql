-- Incident response (internal/ir): incidents, their checklist, evidence,
-- indicators and the hash-chained main courante. Times are Unix
-- milliseconds; lists are JSON arrays. journal_seq/journal_head record the
-- last journal entry so that removing the newest entries is detected.
CREATE TABLE incidents (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	type          TEXT    NOT NULL,
	title         TEXT    NOT NULL,
	summary       TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL,
	perimeter     INTEGER NOT NULL,
	impact        INTEGER NOT NULL,
	urgency       INTEGER NOT NULL,
	severity      INTEGER NOT NULL,
	assignee      TEXT    NOT NULL DEFAULT '',
	accounts      TEXT    NOT NULL DEFAULT '[]',
	machines      TEXT    NOT NULL DEFAULT '[]',
	personal_data INTEGER NOT NULL DEFAULT 0,
	aware_at      INTEGER NOT NULL,
	playbook      TEXT    NOT NULL,
	opened_at     INTEGER NOT NULL,
	opened_by     TEXT    NOT NULL,
	closed_at     INTEGER,
	closed_by     TEXT    NOT NULL DEFAULT '',
	journal_seq   INTEGER NOT NULL DEFAULT 0,
	journal_head  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX incidents_status ON incidents (status, opened_at);

CREATE TABLE incident_journal (
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	seq         INTEGER NOT NULL,
	at          INTEGER NOT NULL,
	author      TEXT    NOT NULL,
	kind        TEXT    NOT NULL,
	text        TEXT    NOT NULL,
	accounts    TEXT    NOT NULL DEFAULT '[]',
	machines    TEXT    NOT NULL DEFAULT '[]',
	prev_hash   TEXT    NOT NULL,
	hash        TEXT    NOT NULL,
	PRIMARY KEY (incident_id, seq)
);

CREATE TABLE incident_checklist (
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	position    INTEGER NOT NULL,
	playbook    TEXT    NOT NULL,
	item_id     TEXT    NOT NULL,
	status      TEXT    NOT NULL,
	assignee    TEXT    NOT NULL DEFAULT '',
	note        TEXT    NOT NULL DEFAULT '',
	updated_at  INTEGER,
	updated_by  TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (incident_id, playbook, item_id)
);

CREATE TABLE incident_evidence (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	sha256      TEXT    NOT NULL,
	size        INTEGER NOT NULL,
	name        TEXT    NOT NULL,
	media_type  TEXT    NOT NULL DEFAULT '',
	added_at    INTEGER NOT NULL,
	added_by    TEXT    NOT NULL,
	note        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX incident_evidence_incident ON incident_evidence (incident_id);

CREATE TABLE incident_indicators (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	kind        TEXT    NOT NULL,
	value       TEXT    NOT NULL,
	origin      TEXT    NOT NULL DEFAULT '',
	evidence    TEXT    NOT NULL DEFAULT '',
	suggested   TEXT    NOT NULL DEFAULT 'block',
	note        TEXT    NOT NULL DEFAULT '',
	state       TEXT    NOT NULL,
	mode        TEXT    NOT NULL DEFAULT '',
	ioc_id      INTEGER NOT NULL DEFAULT 0,
	expires_at  INTEGER,
	pushed_at   INTEGER,
	pushed_by   TEXT    NOT NULL DEFAULT '',
	added_at    INTEGER NOT NULL,
	UNIQUE (incident_id, kind, value)
);
