-- Indicators gain an allow mode (an allow-listed value wins over feeds),
-- tags, confidence (0-100, NULL unknown), a TLP marking and the time of
-- their first sighting, and the DNSBL answer code an rbldnsd zone gave
-- it (0: by mode and source).
ALTER TABLE indicators DROP CONSTRAINT IF EXISTS indicators_mode_check;
ALTER TABLE indicators ADD CONSTRAINT indicators_mode_check CHECK (mode IN ('block', 'watch', 'allow'));
ALTER TABLE indicators ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN confidence INTEGER;
ALTER TABLE indicators ADD COLUMN tlp TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN first_hit_at BIGINT;
ALTER TABLE indicators ADD COLUMN rbl_code INTEGER NOT NULL DEFAULT 0;
UPDATE indicators SET first_hit_at = last_hit_at WHERE last_hit_at IS NOT NULL;

-- Who did what to the indicators, and why: forced additions over the
-- guard, removals, mode changes, refusals of an import. Append-only.
CREATE TABLE indicator_events (
	id           BIGSERIAL PRIMARY KEY,
	at           BIGINT NOT NULL,
	actor        TEXT   NOT NULL DEFAULT '',
	action       TEXT   NOT NULL,
	kind         TEXT   NOT NULL DEFAULT '',
	value        TEXT   NOT NULL DEFAULT '',
	indicator_id BIGINT,
	reason       TEXT   NOT NULL DEFAULT '',
	detail       TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX indicator_events_value ON indicator_events (value);
