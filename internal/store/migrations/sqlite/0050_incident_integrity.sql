-- Incident response, integrity and custody (issue 16): the journal keeps
-- the event time apart from the record time, the digest of the case after
-- each entry and an optional keyed seal of its hash; incidents keep their
-- resolution class; evidence keeps its provenance (who collected it, from
-- where, when) and a reported message's subject.
ALTER TABLE incident_journal ADD COLUMN event_at INTEGER;
ALTER TABLE incident_journal ADD COLUMN state TEXT NOT NULL DEFAULT '';
ALTER TABLE incident_journal ADD COLUMN seal TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE incident_evidence ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE incident_evidence ADD COLUMN collected_by TEXT NOT NULL DEFAULT '';
ALTER TABLE incident_evidence ADD COLUMN collected_at INTEGER;
ALTER TABLE incident_evidence ADD COLUMN subject TEXT NOT NULL DEFAULT '';
