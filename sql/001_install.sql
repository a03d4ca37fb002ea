--
-- Installing the extension: objects, row-level security, roles, settings.
--
CREATE EXTENSION reporunner;

SELECT extname, extversion, extrelocatable, extnamespace::regnamespace
FROM pg_extension WHERE extname = 'reporunner';

-- every table forces row-level security; views run as the invoker
SELECT c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
	   c.reloptions
FROM pg_class c
WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind IN ('r', 'v')
ORDER BY c.relname;

SELECT tablename, policyname, cmd, qual
FROM pg_policies WHERE schemaname = 'reporunner' ORDER BY tablename, policyname;

SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args,
	   p.prorettype::regtype, p.prosecdef
FROM pg_proc p WHERE p.pronamespace = 'reporunner'::regnamespace
ORDER BY p.proname;

-- every object has a comment
SELECT c.relname AS uncommented
FROM pg_class c
WHERE c.relnamespace = 'reporunner'::regnamespace
  AND c.relkind IN ('r', 'v', 'i')
  AND obj_description(c.oid, 'pg_class') IS NULL
  AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = c.oid)
UNION ALL
SELECT c.relname || '.' || a.attname
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind = 'r'
  AND a.attnum > 0 AND NOT a.attisdropped
  AND col_description(c.oid, a.attnum) IS NULL
UNION ALL
SELECT p.proname FROM pg_proc p
WHERE p.pronamespace = 'reporunner'::regnamespace
  AND obj_description(p.oid, 'pg_proc') IS NULL;

SELECT rolname, rolcanlogin, rolsuper FROM pg_roles WHERE rolname = 'reporunner_admin';

-- settings live under the reserved prefix reporunner.
SHOW reporunner.max_document_size;
SET reporunner.no_such_setting = 1;
