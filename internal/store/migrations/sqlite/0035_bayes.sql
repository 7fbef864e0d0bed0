-- The per-site statistical classifier (internal/bayes). One row per
-- feature hash (a signed 64-bit integer) with how many learned messages of
-- each class held it; seen is the day (Unix days) it was last learned, for
-- pruning; rev is the "bayes" revision of the last change, so that readers
-- on other nodes fetch only what changed.
CREATE TABLE bayes_tokens (
	h     INTEGER PRIMARY KEY,
	phish INTEGER NOT NULL DEFAULT 0 CHECK (phish >= 0),
	ham   INTEGER NOT NULL DEFAULT 0 CHECK (ham >= 0),
	seen  INTEGER NOT NULL,
	rev   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX bayes_tokens_rev ON bayes_tokens (rev);

-- Messages learned, by the SHA-256 of their features: the same content
-- learned twice counts once, and relearning it as the other class first
-- takes it out of the first.
CREATE TABLE bayes_messages (
	digest     TEXT    PRIMARY KEY,
	class      TEXT    NOT NULL CHECK (class IN ('phish', 'ham')),
	source     TEXT    NOT NULL DEFAULT '',
	learned_by TEXT    NOT NULL DEFAULT '',
	learned_at INTEGER NOT NULL,
	tokens     INTEGER NOT NULL
);

-- The model's totals. generation changes when rows are deleted (pruning,
-- reset), which a reader cannot see from revisions: it then reloads all.
CREATE TABLE bayes_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	phish      INTEGER NOT NULL DEFAULT 0,
	ham        INTEGER NOT NULL DEFAULT 0,
	generation INTEGER NOT NULL DEFAULT 1,
	tokenizer  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO bayes_state (id) VALUES (1);
INSERT INTO changes (channel, rev) VALUES ('bayes', 0);
