-- Gateway (issue 13). quarantine_mta: what the MTA did with a quarantined
-- message besides our copy — its queue id, whether Postfix holds a copy
-- too (milter in hold mode, releasable with postsuper -H), whether our
-- copy is only the scanned part of an oversize message, and, for a
-- released message that came back, the SHA-256 its X-Vigie-Release field
-- named (a release that looped). gateway_secrets: the key that signs
-- releases, shared by every node of one database.
CREATE TABLE quarantine_mta (
	quarantine_id TEXT    PRIMARY KEY,
	mta_queue_id  TEXT    NOT NULL DEFAULT '',
	mta_hold      INTEGER NOT NULL DEFAULT 0,
	truncated     INTEGER NOT NULL DEFAULT 0,
	release_of    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX quarantine_mta_release_of ON quarantine_mta (release_of) WHERE release_of <> '';

CREATE TABLE gateway_secrets (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
