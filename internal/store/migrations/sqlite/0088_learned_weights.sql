-- The learned signal weights and thresholds in the database (issue 22):
-- with policy.learned: store every gateway node scores with the latest
-- model saved by `vigie learn weights --save`, and picks up a new one
-- without a restart. Models are kept, newest wins: an earlier one can be
-- saved again to go back.
CREATE TABLE learned_weights (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	created_at INTEGER NOT NULL,
	created_by TEXT    NOT NULL DEFAULT '',
	model      TEXT    NOT NULL
);
