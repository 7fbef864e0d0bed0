-- Which gateway node received a held message (issue 22): in the milter's
-- hold mode that node's Postfix keeps its own copy, which only a release
-- made there can take out of the hold queue; a release from another node
-- re-injects Vigie's copy and says where Postfix's remains.
ALTER TABLE quarantine_mta ADD COLUMN node TEXT NOT NULL DEFAULT '';
