-- Incident response (internal/ir): incidents, their checklist, evidence,
-- indicators and the hash-chained main courante. Times are Unix
-- milliseconds; lists are JSON arrays. journal_seq/journal_head record the
-- last journal entry so that removing the newest entries is detected.
CREATE TABLE incidents (
	id            BIGSERIAL PRIMARY KEY,
	type          TEXT    NOT NULL,
	title         TEXT    NOT NULL,
	summary       TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL,
	perimeter     BIGINT  NOT NULL,
	impact        BIGINT  NOT NULL,
	urgency       BIGINT  NOT NULL,
	severity      BIGINT  NOT NULL,
	assignee      TEXT    NOT NULL DEFAULT '',
	accounts      TEXT    NOT NULL DEFAULT '[]',
	machines      TEXT    NOT NULL DEFAULT '[]',
	personal_data BIGINT  NOT NULL DEFAULT 0,
	aware_at      BIGINT  NOT NULL,
	playbook      TEXT    NOT NULL,
	opened_at     BIGINT  NOT NULL,
	opened_by     TEXT    NOT NULL,
	closed_at     BIGINT,
	closed_by     TEXT    NOT NULL DEFAULT '',
	journal_seq   BIGINT  NOT NULL DEFAULT 0,
	journal_head  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX incidents_status ON incidents (status, opened_at);

CREATE TABLE incident_journal (
	incident_id BIGINT  NOT NULL REFERENCES incidents (id),
	seq         BIGINT  NOT NULL,
	at          BIGINT  NOT NULL,
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
	incident_id BIGINT  NOT NULL REFERENCES incidents (id),
	position    BIGINT  NOT NULL,
	playbook    TEXT    NOT NULL,
	item_id     TEXT    NOT NULL,
	status      TEXT    NOT NULL,
	assignee    TEXT    NOT NULL DEFAULT '',
	note        TEXT    NOT NULL DEFAULT '',
	updated_at  BIGINT,
	updated_by  TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (incident_id, playbook, item_id)
);

CREATE TABLE incident_evidence (
	id          BIGSERIAL PRIMARY KEY,
	incident_id BIGINT  NOT NULL REFERENCES incidents (id),
	sha256      TEXT    NOT NULL,
	size        BIGINT  NOT NULL,
	name        TEXT    NOT NULL,
	media_type  TEXT    NOT NULL DEFAULT '',
	added_at    BIGINT  NOT NULL,
	added_by    TEXT    NOT NULL,
	note        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX incident_evidence_incident ON incident_evidence (incident_id);

CREATE TABLE incident_indicators (
	id          BIGSERIAL PRIMARY KEY,
	incident_id BIGINT  NOT NULL REFERENCES incidents (id),
	kind        TEXT    NOT NULL,
	value       TEXT    NOT NULL,
	origin      TEXT    NOT NULL DEFAULT '',
	evidence    TEXT    NOT NULL DEFAULT '',
	suggested   TEXT    NOT NULL DEFAULT 'block',
	note        TEXT    NOT NULL DEFAULT '',
	state       TEXT    NOT NULL,
	mode        TEXT    NOT NULL DEFAULT '',
	ioc_id      BIGINT  NOT NULL DEFAULT 0,
	expires_at  BIGINT,
	pushed_at   BIGINT,
	pushed_by   TEXT    NOT NULL DEFAULT '',
	added_at    BIGINT  NOT NULL,
	UNIQUE (incident_id, kind, value)
);
