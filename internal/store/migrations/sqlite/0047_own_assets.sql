-- The organisation's own assets Vigie learned at work: the addresses of the
-- trusted relays (trust.relays, matched by name) that handed it mail. The
-- indicator guard never lets them be blocked. kind is 'ip'.
CREATE TABLE own_assets (
	kind       TEXT    NOT NULL,
	value      TEXT    NOT NULL,
	source     TEXT    NOT NULL DEFAULT '',
	first_seen INTEGER NOT NULL,
	last_seen  INTEGER NOT NULL,
	PRIMARY KEY (kind, value)
);
