-- The console's search box over the held messages of every node (issue
-- 22): a substring of the subject, the sender or a recipient is looked
-- for in search_text with LIKE '%…%', which no B-tree serves; a trigram
-- index (pg_trgm, shipped with PostgreSQL and a trusted extension: the
-- database's owner may create it) does. Without the right to create the
-- extension the migration goes on and the search scans, as on SQLite.
-- The extension goes into public so that it never lives in a schema that
-- could be dropped with its data.
DO $$
BEGIN
	CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
EXCEPTION WHEN OTHERS THEN
	RAISE NOTICE 'pg_trgm unavailable (%): the console searches without a trigram index', SQLERRM;
END $$;
DO $$
DECLARE
	ns TEXT;
BEGIN
	SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
	IF ns IS NOT NULL THEN
		EXECUTE format('CREATE INDEX quarantine_search_trgm ON quarantine USING gin (search_text %I.gin_trgm_ops)', ns);
	END IF;
END $$;
