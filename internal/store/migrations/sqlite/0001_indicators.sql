-- Revision counters, one row per data domain ("indicators", ...): bumped in
-- every write transaction of that domain, read by watchers and by readers
-- that fetch only what changed since the revision they last saw.
CREATE TABLE changes (
	channel TEXT PRIMARY KEY,
	rev     INTEGER NOT NULL
);

-- Indicators of compromise. Times are Unix milliseconds. A removed
-- indicator keeps its row (history); at most one live row per (kind, value).
CREATE TABLE indicators (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	kind        TEXT    NOT NULL,
	value       TEXT    NOT NULL,
	mode        TEXT    NOT NULL CHECK (mode IN ('block', 'watch')),
	source      TEXT    NOT NULL DEFAULT 'manual',
	reason      TEXT    NOT NULL DEFAULT '',
	added_by    TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	expires_at  INTEGER,
	removed_at  INTEGER,
	removed_by  TEXT    NOT NULL DEFAULT '',
	hits        INTEGER NOT NULL DEFAULT 0,
	last_hit_at INTEGER,
	rev         INTEGER NOT NULL
);
CREATE UNIQUE INDEX indicators_live ON indicators (kind, value) WHERE removed_at IS NULL;
CREATE INDEX indicators_rev ON indicators (rev);
CREATE INDEX indicators_value ON indicators (value);

INSERT INTO changes (channel, rev) VALUES ('indicators', 0);
