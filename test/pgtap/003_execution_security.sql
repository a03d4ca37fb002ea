--
-- 003_execution_security.sql - what running a workflow lets its SQL do:
-- nodes run as the workflow's owner, whoever calls execute(); a workflow
-- runs for other roles only once its owner shares it; a node cannot take
-- another identity, read another tenant's rows or be tricked by the
-- caller's search_path.
--
-- Runs as a superuser; creates its roles and objects inside the
-- transaction and rolls everything back.  Switches roles with
-- SET LOCAL ROLE / RESET ROLE.
--
BEGIN;
SELECT plan(63);

CREATE ROLE sec_a LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE ROLE sec_b LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE ROLE sec_c LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE ROLE sec_team NOLOGIN;
CREATE ROLE sec_e LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE sec_team;	-- a member of the team

-- A's private table: only A may read it
CREATE TABLE public.a_private (id int, secret text);
INSERT INTO public.a_private VALUES (1, 'alpha'), (2, 'beta');
ALTER TABLE public.a_private OWNER TO sec_a;
REVOKE ALL ON public.a_private FROM PUBLIC;

-- a function only A may execute
CREATE FUNCTION public.a_only(item jsonb) RETURNS jsonb
LANGUAGE sql AS $$ SELECT item || jsonb_build_object('by', current_user::text) $$;
REVOKE EXECUTE ON FUNCTION public.a_only(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.a_only(jsonb) TO sec_a;

-- B may create schemas (to try to shadow functions below)
SELECT format('GRANT CREATE ON DATABASE %I TO sec_b', current_database()) AS grant_create \gset
:grant_create;

\ir sql_doc.inc

-- Run a workflow on one empty item without saving the execution.
CREATE FUNCTION pg_temp.run(name text) RETURNS jsonb
LANGUAGE sql AS $$ SELECT reporunner.execute(name, '[{}]', '{"save": "none"}') $$;

-- The same for a workflow shared with the caller, named with its owner.
CREATE FUNCTION pg_temp.run_shared(name text, owner text) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT reporunner.execute(name, '[{}]', jsonb_build_object('save', 'none', 'owner', owner))
$$;

------------------------------------------------------------------------
-- A's workflows
------------------------------------------------------------------------
SET LOCAL ROLE sec_a;
SELECT is(reporunner.save_workflow('reader', pg_temp.sql_doc(
	'SELECT id, secret, current_user AS who, session_user = current_user AS same_session FROM a_private ORDER BY id')),
	1, 'A saves "reader", reading its private table');
SELECT is(reporunner.save_workflow('scorer', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "F", "type": "function", "params": {"function": "public.a_only"}}],
	"connections": [{"from": "Start", "to": "F"}]}'), 1,
	'A saves "scorer", calling a function only A may execute');
SELECT is(reporunner.save_workflow('lower', pg_temp.sql_doc(
	'SELECT lower(''ABC'') AS l, current_setting(''search_path'') AS path')), 1,
	'A saves "lower", calling lower() unqualified');
SELECT is(pg_temp.run('reader'),
	'[{"id": 1, "who": "sec_a", "secret": "alpha", "same_session": false},
	  {"id": 2, "who": "sec_a", "secret": "beta", "same_session": false}]'::jsonb,
	'A runs "reader": it reads a_private as sec_a');
RESET ROLE;

------------------------------------------------------------------------
-- Before sharing, B cannot run A's workflow
------------------------------------------------------------------------
SET LOCAL ROLE sec_b;
SELECT throws_ok($$SELECT * FROM a_private$$, '42501',
	'permission denied for table a_private', 'B alone cannot read a_private');
SELECT throws_ok($$SELECT pg_temp.run('reader')$$, '42704',
	'workflow "reader" does not exist', 'B cannot run A''s unshared workflow');
SELECT is_empty($$SELECT * FROM reporunner.workflows$$, 'B sees no workflow');
SELECT throws_ok($$SELECT reporunner.share_workflow('reader', 'sec_b')$$, '42704',
	'workflow "reader" does not exist', 'B cannot share A''s workflow with itself');
RESET ROLE;

------------------------------------------------------------------------
-- A shares "reader" and "scorer" with B, "reader" with a team
------------------------------------------------------------------------
SET LOCAL ROLE sec_a;
SELECT lives_ok($$SELECT reporunner.share_workflow('reader', 'sec_b')$$, 'A shares "reader" with B');
SELECT lives_ok($$SELECT reporunner.share_workflow('scorer', 'sec_b')$$, 'A shares "scorer" with B');
SELECT lives_ok($$SELECT reporunner.share_workflow('lower', 'sec_b')$$, 'A shares "lower" with B');
SELECT lives_ok($$SELECT reporunner.share_workflow('reader', 'sec_team')$$, 'A shares "reader" with a team');
RESET ROLE;

SET LOCAL ROLE sec_b;
SELECT is(pg_temp.run_shared('reader', 'sec_a'),
	'[{"id": 1, "who": "sec_a", "secret": "alpha", "same_session": false},
	  {"id": 2, "who": "sec_a", "secret": "beta", "same_session": false}]'::jsonb,
	'B runs the shared "reader", naming its owner: its SQL runs as A and reads a_private');
SELECT throws_ok($$SELECT pg_temp.run('reader')$$, '42704',
	'workflow "reader" does not exist',
	'without the owner named, a shared workflow is not found by name');
SELECT throws_ok($$SELECT * FROM a_private$$, '42501',
	'permission denied for table a_private', 'B itself still cannot read a_private');
SELECT is(pg_temp.run_shared('scorer', 'sec_a'), '[{"by": "sec_a"}]'::jsonb,
	'B runs the shared "scorer": the function runs as A, who may execute it');
SELECT throws_ok($$SELECT public.a_only('{}')$$, '42501',
	'permission denied for function a_only', 'B itself cannot execute a_only');
SELECT is(reporunner.execute('reader', '[{}]', '{"owner": "sec_a"}')->0->>'who', 'sec_a',
	'B runs "reader" with the execution saved: still as A');
SELECT results_eq($$SELECT name COLLATE "default", owner::text COLLATE "default" FROM reporunner.workflows ORDER BY name$$,
	$$VALUES ('lower', 'sec_a'), ('reader', 'sec_a'), ('scorer', 'sec_a')$$,
	'B sees the rows of the workflows shared with it');
SELECT is_empty($$SELECT * FROM reporunner.workflow_version$$, 'B sees none of their versions');
SELECT is_empty($$SELECT * FROM reporunner.node$$, 'B sees none of their nodes');
SELECT is_empty($$SELECT * FROM reporunner.edge$$, 'B sees none of their edges');
SELECT throws_ok($$SELECT reporunner.export_workflow('reader')$$, '42704',
	'workflow "reader" does not exist', 'B cannot export the shared workflow');
SELECT throws_ok($$SELECT reporunner.activate_version('reader', 1)$$, '42704',
	'workflow "reader" does not exist', 'B cannot activate a version of the shared workflow');
SELECT throws_ok($$SELECT reporunner.delete_workflow('reader')$$, '42704',
	'workflow "reader" does not exist', 'B cannot delete the shared workflow');
SELECT throws_ok($$SELECT reporunner.share_workflow('reader', 'sec_c')$$, '42704',
	'workflow "reader" does not exist', 'B cannot share the shared workflow further');
SELECT throws_ok($$SELECT reporunner.unshare_workflow('reader', 'sec_b')$$, '42704',
	'workflow "reader" does not exist', 'B cannot unshare it');

-- saving under the same name makes B's own workflow; A's is untouched
SELECT is(reporunner.save_workflow('reader', pg_temp.sql_doc('SELECT current_user AS who')), 1,
	'B''s save_workflow("reader") creates version 1 of a workflow of B''s own');
SELECT is(pg_temp.run('reader'), '[{"who": "sec_b"}]'::jsonb,
	'B''s "reader" is now B''s own workflow, running as B');
SELECT results_eq($$SELECT owner::text COLLATE "default", active_version FROM reporunner.workflows WHERE name = 'reader' ORDER BY 1$$,
	$$VALUES ('sec_a', 1), ('sec_b', 1)$$, 'B sees both workflows named "reader", each with version 1 active');
SELECT lives_ok($$SELECT reporunner.delete_workflow('reader')$$, 'B deletes its own "reader"');
SELECT is(pg_temp.run_shared('reader', 'sec_a')->0->>'who', 'sec_a', 'B runs A''s shared "reader" again');
RESET ROLE;

SET LOCAL ROLE sec_a;
SELECT is(reporunner.export_workflow('reader'), pg_temp.sql_doc(
	'SELECT id, secret, current_user AS who, session_user = current_user AS same_session FROM a_private ORDER BY id'),
	'A''s "reader" is unchanged');
SELECT results_eq($$SELECT name COLLATE "default", latest_version FROM reporunner.workflows ORDER BY name$$,
	$$VALUES ('lower', 1), ('reader', 1), ('scorer', 1)$$, 'A still has one version of each workflow');
RESET ROLE;

-- a member of the team the workflow is shared with may run it; C may not
SET LOCAL ROLE sec_e;
SELECT is(pg_temp.run_shared('reader', 'sec_a')->1->>'secret', 'beta', 'a member of the team runs "reader" as A');
SELECT throws_ok($$SELECT pg_temp.run_shared('scorer', 'sec_a')$$, '42704',
	'workflow "scorer" does not exist', 'but not "scorer", shared with B only');
RESET ROLE;
SET LOCAL ROLE sec_c;
SELECT throws_ok($$SELECT pg_temp.run_shared('reader', 'sec_a')$$, '42704',
	'workflow "reader" does not exist', 'C, shared with nothing, cannot run "reader"');
RESET ROLE;

------------------------------------------------------------------------
-- After unsharing, B is refused again
------------------------------------------------------------------------
SET LOCAL ROLE sec_a;
SELECT lives_ok($$SELECT reporunner.unshare_workflow('reader', 'sec_b')$$, 'A unshares "reader" from B');
RESET ROLE;
SET LOCAL ROLE sec_b;
SELECT throws_ok($$SELECT pg_temp.run_shared('reader', 'sec_a')$$, '42704',
	'workflow "reader" does not exist', 'B cannot run "reader" any more');
SELECT is(pg_temp.run_shared('scorer', 'sec_a'), '[{"by": "sec_a"}]'::jsonb, 'B still runs "scorer"');
RESET ROLE;
SET LOCAL ROLE sec_e;
SELECT is(pg_temp.run_shared('reader', 'sec_a')->0->>'who', 'sec_a', 'the team still runs "reader"');
RESET ROLE;

------------------------------------------------------------------------
-- A node cannot take another identity
------------------------------------------------------------------------
SET LOCAL ROLE sec_a;
DO $$
BEGIN
	PERFORM reporunner.save_workflow('set_role', pg_temp.sql_doc('SET ROLE sec_b'));
	PERFORM reporunner.save_workflow('set_role_none', pg_temp.sql_doc('SET ROLE NONE'));
	PERFORM reporunner.save_workflow('reset_role', pg_temp.sql_doc('RESET ROLE'));
	PERFORM reporunner.save_workflow('session_auth', pg_temp.sql_doc('SET SESSION AUTHORIZATION DEFAULT'));
	PERFORM reporunner.save_workflow('set_config_role', pg_temp.sql_doc('SELECT set_config(''role'', ''sec_b'', false)'));
	PERFORM reporunner.save_workflow('set_config_none', pg_temp.sql_doc('SELECT set_config(''role'', ''none'', true)'));
	PERFORM reporunner.save_workflow('set_config_session', pg_temp.sql_doc('SELECT set_config(''session_authorization'', ''sec_b'', false)'));
	PERFORM reporunner.save_workflow('whoami', pg_temp.sql_doc('SELECT current_user AS who'));
	PERFORM reporunner.save_workflow('path', pg_temp.sql_doc('SELECT set_config(''search_path'', ''pg_catalog'', false) AS path'));
END
$$;
RESET ROLE;

-- run by the superuser (the most a node could gain) and by A itself
SELECT throws_ok($$SELECT pg_temp.run('set_role')$$, '42501',
	'workflow "set_role" failed at node "Q": cannot set parameter "role" within security-definer function',
	'a node cannot SET ROLE');
SELECT throws_ok($$SELECT pg_temp.run('set_role_none')$$, '42501',
	'workflow "set_role_none" failed at node "Q": cannot set parameter "role" within security-definer function',
	'a node cannot SET ROLE NONE');
SELECT throws_ok($$SELECT pg_temp.run('reset_role')$$, '42501',
	'workflow "reset_role" failed at node "Q": cannot set parameter "role" within security-definer function',
	'a node cannot RESET ROLE');
SELECT throws_ok($$SELECT pg_temp.run('session_auth')$$, '42501',
	'workflow "session_auth" failed at node "Q": cannot set parameter "session_authorization" within security-definer function',
	'a node cannot SET SESSION AUTHORIZATION');
SELECT throws_ok($$SELECT pg_temp.run('set_config_role')$$, '42501',
	'workflow "set_config_role" failed at node "Q": cannot set parameter "role" within security-definer function',
	'a node cannot set_config(''role'', ...)');
SELECT throws_ok($$SELECT pg_temp.run('set_config_none')$$, '42501',
	'workflow "set_config_none" failed at node "Q": cannot set parameter "role" within security-definer function',
	'a node cannot set_config(''role'', ''none'', true)');
SELECT throws_ok($$SELECT pg_temp.run('set_config_session')$$, '42501',
	'workflow "set_config_session" failed at node "Q": cannot set parameter "session_authorization" within security-definer function',
	'a node cannot set_config(''session_authorization'', ...)');
SELECT is(pg_temp.run('whoami'), '[{"who": "sec_a"}]'::jsonb,
	'A''s workflow run by the superuser runs as A');
SELECT is(current_setting('is_superuser'), 'on', 'the superuser is still the superuser after the runs');
SELECT current_setting('search_path') AS path_before \gset
SELECT pg_temp.run('path')->0->>'path' AS path_inside \gset
SELECT current_setting('search_path') AS path_after \gset
SET search_path = :path_before;
SELECT is(:'path_inside'::text, 'pg_catalog', 'a node may change search_path for itself');
SELECT is(:'path_after'::text, :'path_before'::text,
	'... but not the caller''s: settings a node changes are undone when the workflow ends');
SET LOCAL ROLE sec_a;
SELECT throws_ok($$SELECT pg_temp.run('reset_role')$$, '42501',
	'workflow "reset_role" failed at node "Q": cannot set parameter "role" within security-definer function',
	'A''s own run cannot RESET ROLE');
SELECT is(current_user::text, 'sec_a', 'A is still A after the failed runs');
RESET ROLE;

------------------------------------------------------------------------
-- A node sees only its owner's rows of the Reporunner tables
------------------------------------------------------------------------
SET LOCAL ROLE sec_c;
SELECT is(reporunner.save_workflow('c_flow', pg_temp.sql_doc('SELECT 1 AS one')), 1, 'C saves a workflow');
RESET ROLE;
SET LOCAL ROLE sec_a;
DO $$
BEGIN
	PERFORM reporunner.save_workflow('peek', pg_temp.sql_doc(
		'SELECT (SELECT array_agg(name::text ORDER BY name COLLATE "C") FROM reporunner.workflow) AS names,
				(SELECT count(*) FROM reporunner.workflow_version) AS versions,
				(SELECT count(*) FROM reporunner.workflow WHERE owner = ''sec_c''::regrole) AS of_c'));
	PERFORM reporunner.save_workflow('rename_c', pg_temp.sql_doc(
		'UPDATE reporunner.workflow SET name = ''stolen'' WHERE owner = ''sec_c''::regrole'));
	PERFORM reporunner.save_workflow('delete_c', pg_temp.sql_doc(
		'DELETE FROM reporunner.workflow WHERE owner = ''sec_c''::regrole'));
	PERFORM reporunner.save_workflow('write_versions', pg_temp.sql_doc('DELETE FROM reporunner.workflow_version'));
END
$$;
RESET ROLE;

-- run by the superuser, who bypasses row-level security itself
SELECT is(pg_temp.run('peek'),
	'[{"names": ["delete_c", "lower", "path", "peek", "reader", "rename_c", "reset_role", "scorer", "session_auth",
	             "set_config_none", "set_config_role", "set_config_session", "set_role", "set_role_none",
	             "whoami", "write_versions"],
	   "versions": 16, "of_c": 0}]'::jsonb,
	'A''s node run by the superuser sees A''s workflows only');
SELECT is(pg_temp.run('rename_c'), '[{"rows_affected": 0}]'::jsonb, 'A''s node cannot rename C''s workflow');
SELECT is(pg_temp.run('delete_c'), '[{"rows_affected": 0}]'::jsonb, 'A''s node cannot delete C''s workflow');
SELECT throws_ok($$SELECT pg_temp.run('write_versions')$$, '42501',
	'workflow "write_versions" failed at node "Q": permission denied for table workflow_version',
	'A''s node cannot write workflow versions');
SELECT results_eq($$SELECT name COLLATE "default" FROM reporunner.workflow WHERE owner = 'sec_c'::regrole$$,
	$$VALUES ('c_flow')$$, 'C''s workflow is intact');

------------------------------------------------------------------------
-- The caller's search_path does not reach into nodes
------------------------------------------------------------------------
SET LOCAL ROLE sec_b;
CREATE SCHEMA b_schema;
CREATE FUNCTION b_schema.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT 'shadowed by B' $$;
SET LOCAL search_path = b_schema, pg_catalog, public;
SELECT is(lower('ABC'), 'shadowed by B', 'in B''s own session lower() is B''s function');
SELECT is(pg_temp.run_shared('lower', 'sec_a'), '[{"l": "abc", "path": "\"$user\", public, pg_temp"}]'::jsonb,
	'B''s run of A''s workflow calls pg_catalog.lower(), with the workflow''s search_path');
SELECT is(current_setting('search_path'), 'b_schema, pg_catalog, public', 'B''s search_path is back after the run');
RESET search_path;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
