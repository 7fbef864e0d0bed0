-- A release under way (issue 22): with several nodes, two operators may
-- release one held message from two consoles at once. The first takes a
-- claim (who, until when) before delivering; the second is told who is
-- releasing it instead of delivering a second copy. A claim whose node
-- died expires.
ALTER TABLE quarantine ADD COLUMN releasing_by TEXT NOT NULL DEFAULT '';
ALTER TABLE quarantine ADD COLUMN releasing_until BIGINT;
