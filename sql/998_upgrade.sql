--
-- ALTER EXTENSION reporunner UPDATE from every earlier release gives exactly
-- a fresh install: the same objects, columns, defaults, constraints,
-- indexes, policies, privileges, comments and extension members; and the
-- workflows and executions saved before the update are still there, and
-- run, in the session and in the workers, after it.  (upgrade_from.inc,
-- once per release.)
--
CREATE DATABASE reporunner_upgrade;
\c reporunner_upgrade
SET client_min_messages TO warning;
-- the function names the schema before the extension creates it
SET check_function_bodies = off;

-- Everything that makes up the installed extension, one row per fact.
CREATE FUNCTION public.extension_facts()
RETURNS TABLE (kind text, name text, fact text)
LANGUAGE sql AS $$
	SELECT 'member', pg_describe_object(classid, objid, objsubid), ''
	FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
	  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'reporunner')
	UNION ALL
	SELECT 'function', p.oid::regprocedure::text,
		   concat_ws(' | ',
					 pg_get_functiondef(p.oid), p.proacl::text,
					 p.proconfig::text, obj_description(p.oid, 'pg_proc'))
	FROM pg_proc p 
	WHERE p.pronamespace = 'reporunner'::regnamespace
	UNION ALL
	SELECT 'relation', c.relname,
		   concat_ws(' | ', c.relkind, c.relrowsecurity, c.relforcerowsecurity,
					 c.reloptions::text, c.relacl::text, c.relpersistence,
					 obj_description(c.oid, 'pg_class'),
					 CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) END,
					 CASE WHEN c.relkind = 'i' THEN pg_get_indexdef(c.oid) END)
	FROM pg_class c WHERE c.relnamespace = 'reporunner'::regnamespace
	UNION ALL
	SELECT 'column', c.relname || '.' || a.attname,
		   concat_ws(' | ', a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attcompression,
					 a.attidentity, pg_get_expr(d.adbin, d.adrelid), a.attacl::text,
					 col_description(c.oid, a.attnum))
	FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
	LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
	WHERE c.relnamespace = 'reporunner'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT 'constraint', k.conrelid::regclass::text || '.' || k.conname,
		   pg_get_constraintdef(k.oid) || ' | ' || coalesce(obj_description(k.oid, 'pg_constraint'), '')
	FROM pg_constraint k WHERE k.connamespace = 'reporunner'::regnamespace
	UNION ALL
	SELECT 'policy', tablename || '.' || policyname,
		   concat_ws(' | ', permissive, roles::text, cmd, qual, with_check)
	FROM pg_policies WHERE schemaname = 'reporunner'
	UNION ALL
	SELECT 'trigger', t.tgrelid::regclass::text || '.' || t.tgname, pg_get_triggerdef(t.oid)
	FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
	WHERE c.relnamespace = 'reporunner'::regnamespace AND NOT t.tgisinternal
	UNION ALL
	SELECT 'schema', nspname, concat_ws(' | ', nspacl::text, obj_description(oid, 'pg_namespace'))
	FROM pg_namespace WHERE nspname = 'reporunner'
	UNION ALL
	SELECT 'config dump', c::regclass::text, ''
	FROM pg_extension, unnest(extconfig) AS c WHERE extname = 'reporunner'
$$;

-- from each earlier release, through every update script after it
\set from_version '0.1.0'
\i sql/upgrade_from.inc
\set from_version '0.2.0'
\i sql/upgrade_from.inc

\c contrib_regression
-- (WITH FORCE: its workers may still be connected)
DROP DATABASE reporunner_upgrade WITH (FORCE);
