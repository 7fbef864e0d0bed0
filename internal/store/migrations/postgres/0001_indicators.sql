-- Revision counters, one row per data domain ("indicators", ...): bumped in
-- every write transaction of that domain, read by watchers and by readers
-- that fetch only what changed since the revision they last saw. The row
-- lock taken by the bump orders the writers' commits.
CREATE TABLE changes (
	channel TEXT PRIMARY KEY,
	rev     BIGINT NOT NULL
);

-- Indicators of compromise. Times are Unix milliseconds, as in the SQLite
-- schema, so both engines share one code path. A removed indicator keeps
-- its row (history); at most one live row per (kind, value).
CREATE TABLE indicators (
	id          BIGSERIAL PRIMARY KEY,
	kind        TEXT   NOT NULL,
	value       TEXT   NOT NULL,
	mode        TEXT   NOT NULL CHECK (mode IN ('block', 'watch')),
	source      TEXT   NOT NULL DEFAULT 'manual',
	reason      TEXT   NOT NULL DEFAULT '',
	added_by    TEXT   NOT NULL DEFAULT '',
	created_at  BIGINT NOT NULL,
	updated_at  BIGINT NOT NULL,
	expires_at  BIGINT,
	removed_at  BIGINT,
	removed_by  TEXT   NOT NULL DEFAULT '',
	hits        BIGINT NOT NULL DEFAULT 0,
	last_hit_at BIGINT,
	rev         BIGINT NOT NULL
);
CREATE UNIQUE INDEX indicators_live ON indicators (kind, value) WHERE removed_at IS NULL;
CREATE INDEX indicators_rev ON indicators (rev);
CREATE INDEX indicators_value ON indicators (value);

INSERT INTO changes (channel, rev) VALUES ('indicators', 0);
