-- Indicators gain an allow mode (an allow-listed value wins over feeds),
-- tags, confidence (0-100, NULL unknown), a TLP marking and the time of
-- their first sighting, and the DNSBL answer code an rbldnsd zone gave
-- it (0: by mode and source); SQLite cannot alter a CHECK constraint, so the
-- table is rebuilt with its rows, ids and revisions unchanged.
CREATE TABLE indicators_new (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT    NOT NULL,
	value        TEXT    NOT NULL,
	mode         TEXT    NOT NULL CHECK (mode IN ('block', 'watch', 'allow')),
	source       TEXT    NOT NULL DEFAULT 'manual',
	reason       TEXT    NOT NULL DEFAULT '',
	added_by     TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	expires_at   INTEGER,
	removed_at   INTEGER,
	removed_by   TEXT    NOT NULL DEFAULT '',
	hits         INTEGER NOT NULL DEFAULT 0,
	last_hit_at  INTEGER,
	rev          INTEGER NOT NULL,
	tags         TEXT    NOT NULL DEFAULT '',
	confidence   INTEGER,
	tlp          TEXT    NOT NULL DEFAULT '',
	first_hit_at INTEGER,
	rbl_code     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO indicators_new (id, kind, value, mode, source, reason, added_by, created_at, updated_at,
	expires_at, removed_at, removed_by, hits, last_hit_at, rev, first_hit_at)
SELECT id, kind, value, mode, source, reason, added_by, created_at, updated_at,
	expires_at, removed_at, removed_by, hits, last_hit_at, rev, last_hit_at FROM indicators;
DROP TABLE indicators;
ALTER TABLE indicators_new RENAME TO indicators;
CREATE UNIQUE INDEX indicators_live ON indicators (kind, value) WHERE removed_at IS NULL;
CREATE INDEX indicators_rev ON indicators (rev);
CREATE INDEX indicators_value ON indicators (value);

-- Who did what to the indicators, and why: forced additions over the
-- guard, removals, mode changes, refusals of an import. Append-only.
CREATE TABLE indicator_events (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	at           INTEGER NOT NULL,
	actor        TEXT    NOT NULL DEFAULT '',
	action       TEXT    NOT NULL,
	kind         TEXT    NOT NULL DEFAULT '',
	value        TEXT    NOT NULL DEFAULT '',
	indicator_id INTEGER,
	reason       TEXT    NOT NULL DEFAULT '',
	detail       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX indicator_events_value ON indicator_events (value);
