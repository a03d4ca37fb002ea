--
-- Uninstalling removes every object; the shared role stays; reinstalling works.
--
-- first the helpers of the node tests (009_test_helpers)
SET client_min_messages TO warning;
DROP SCHEMA regress CASCADE;
RESET client_min_messages;
DROP EXTENSION reporunner;
SELECT count(*) AS objects_left FROM pg_class
WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'reporunner');
SELECT count(*) AS functions_left FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'reporunner';
SELECT rolname FROM pg_roles WHERE rolname IN ('reporunner_admin', 'reporunner_team') ORDER BY 1;
-- like every extension whose control file names its schema, the (now empty)
-- schema itself stays; CREATE EXTENSION reuses it
SELECT nspname FROM pg_namespace WHERE nspname = 'reporunner';

CREATE EXTENSION reporunner;
SELECT reporunner.save_workflow('again', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": "before"}}}], "connections": [{"from": "Start", "to": "V"}]}');
SELECT name, active_version FROM reporunner.workflows;
SELECT reporunner.execute('again', '{}', '{"save": "none"}');

-- reinstalled in the same session, workflow ids start again: the plans
-- this backend cached for the old tables must not run for the new ones
DROP EXTENSION reporunner;
CREATE EXTENSION reporunner;
SELECT reporunner.save_workflow('again', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": "after"}}}], "connections": [{"from": "Start", "to": "V"}]}');
SELECT reporunner.execute('again', '{}', '{"save": "none"}');
DROP EXTENSION reporunner;
DROP SCHEMA reporunner;
