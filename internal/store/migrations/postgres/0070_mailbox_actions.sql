-- What Vigie did inside users' mailboxes (issue 19, docs/mailbox.md): each
-- message moved to the quarantine folder by a purge and back by a restore,
-- each rule disabled by an audit, and each mailbox it could not treat. The
-- incident's journal says the same in words; this ledger is what restore
-- reads to undo a purge.
CREATE TABLE mailbox_actions (
	id          BIGSERIAL PRIMARY KEY,
	incident_id BIGINT  NOT NULL,
	run         TEXT    NOT NULL,            -- one purge, restore or fix run
	at          BIGINT  NOT NULL,            -- unix milliseconds
	actor       TEXT    NOT NULL,
	kind        TEXT    NOT NULL,            -- purge, restore, disable
	connector   TEXT    NOT NULL,            -- imap, graph, gmail
	mailbox     TEXT    NOT NULL,
	folder      TEXT    NOT NULL DEFAULT '', -- where the message was
	dest        TEXT    NOT NULL DEFAULT '', -- where it was moved
	message_id  TEXT    NOT NULL DEFAULT '',
	sha256      TEXT    NOT NULL DEFAULT '', -- of the message as fetched
	ref         TEXT    NOT NULL DEFAULT '', -- the server's id in dest (UID…), or the rule id
	status      TEXT    NOT NULL,            -- done, restored, failed, not-found, already
	detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX mailbox_actions_incident ON mailbox_actions (incident_id, kind, status);
