-- A unique id per trace record, set by the gateway when it writes the
-- record: records spooled to local disk while the database was down are
-- replayed with INSERT ... ON CONFLICT DO NOTHING, so a replay repeated
-- after a crash adds nothing twice. Rows written before have none.
ALTER TABLE trace ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX trace_uid ON trace (uid) WHERE uid IS NOT NULL;
