-- The operators' decisions that teach the per-site classifier: a release
-- or "not phishing" is ham, "this is phishing" is phish. Each keeps the
-- message (gzip) so that it can be learned, or learned again by a new
-- model, after the quarantine's retention removed the file; learned_at is
-- set once the classifier took it (NULL: waiting for replay).
CREATE TABLE learn_decisions (
	id            BIGSERIAL PRIMARY KEY,
	at            BIGINT NOT NULL,
	actor         TEXT    NOT NULL,
	quarantine_id TEXT    NOT NULL,
	class         TEXT    NOT NULL,   -- phish or ham
	action        TEXT    NOT NULL,   -- release, phish, not-phish, request
	sha256        TEXT    NOT NULL,
	message       BYTEA   NOT NULL,   -- the original, gzip-compressed
	learned_at    BIGINT
);
CREATE INDEX learn_decisions_pending ON learn_decisions (id) WHERE learned_at IS NULL;
CREATE INDEX learn_decisions_message ON learn_decisions (quarantine_id);
