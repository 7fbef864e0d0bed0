-- Allow rules (issue 13): operators' exceptions for false positives, in
-- the manner of amavis policy banks and rspamd settings. A rule names a
-- recipient or a sender (an address, or @domain) and caps the action taken
-- on its mail (accept or tag). Rules are never deleted, only removed, so
-- that who allowed what, when and why stays readable.
CREATE TABLE allow_rules (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT    NOT NULL,              -- recipient or sender
	value      TEXT    NOT NULL,              -- lower-cased address or @domain
	max_action TEXT    NOT NULL,              -- accept or tag
	reason     TEXT    NOT NULL,
	created_by TEXT    NOT NULL,
	created_at INTEGER  NOT NULL,
	expires_at INTEGER,
	removed_at INTEGER,
	removed_by TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX allow_rules_active ON allow_rules (kind, value) WHERE removed_at IS NULL;
