-- The console's search box on SQLite (issue 18): a substring of the
-- subject, the sender or a recipient is looked for in search_text with
-- LIKE '%…%', which no B-tree serves, so 100,000 held messages were read
-- for each search. A full-text index with the trigram tokenizer finds the
-- rows holding every three-character piece of the text; the LIKE then
-- keeps exactly the rows it kept before (PostgreSQL has its trigram index,
-- 0086).
--
-- The index reads its text from quarantine (external content: nothing is
-- stored twice) by rowid, and triggers keep it in step. Numbered before
-- 0065, which adds search_text: on a new database this runs first, the
-- triggers name the column only when they fire (after 0065), and there is
-- nothing to index yet; on a database that has search_text, the index is
-- built from it here (the 'rebuild' command names no column, so the
-- statement compiles either way). Should the index ever disagree with the
-- table: INSERT INTO quarantine_search (quarantine_search) VALUES ('rebuild').
CREATE VIRTUAL TABLE quarantine_search USING fts5(
	search_text,
	content = 'quarantine',
	tokenize = 'trigram case_sensitive 0'
);
CREATE TRIGGER quarantine_search_insert AFTER INSERT ON quarantine BEGIN
	INSERT INTO quarantine_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
-- 'delete' is told only of rows the index holds (its docsize table has a
-- line for each): on an older database, 0065 fills in search_text after
-- this migration ran, on rows that were never indexed.
CREATE TRIGGER quarantine_search_delete AFTER DELETE ON quarantine BEGIN
	INSERT INTO quarantine_search (quarantine_search, rowid, search_text)
		SELECT 'delete', old.rowid, old.search_text WHERE EXISTS (SELECT 1 FROM quarantine_search_docsize WHERE id = old.rowid);
END;
CREATE TRIGGER quarantine_search_update AFTER UPDATE OF search_text ON quarantine BEGIN
	INSERT INTO quarantine_search (quarantine_search, rowid, search_text)
		SELECT 'delete', old.rowid, old.search_text WHERE EXISTS (SELECT 1 FROM quarantine_search_docsize WHERE id = old.rowid);
	INSERT INTO quarantine_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
INSERT INTO quarantine_search (quarantine_search)
	SELECT 'rebuild' WHERE EXISTS (SELECT 1 FROM pragma_table_info('quarantine') WHERE name = 'search_text');
