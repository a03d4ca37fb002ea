--
-- 004_hostile_tenant.sql - the reproducers of issue 9 that need only SQL
-- sessions, each in the shape it was found: administrators and BYPASSRLS
-- roles do not run other roles' workflows (F2, F19); grantees run only the
-- active version, through execute() only (F7, F9, F15); sharing does not
-- put a workflow under a name the grantee uses (F8); the caller's
-- search_path does not reach the name lookup (F18); shares need a role
-- (F20).
--
-- Runs as a superuser; creates its roles inside the transaction and rolls
-- everything back.
--
BEGIN;
SELECT plan(74);

CREATE ROLE h_a LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE ROLE h_b LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE ROLE h_ops LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE reporunner_admin;
CREATE ROLE h_auditor LOGIN NOSUPERUSER BYPASSRLS;
CREATE ROLE h_maker LOGIN NOSUPERUSER CREATEROLE;
CREATE ROLE h_sales NOLOGIN;
GRANT h_sales TO h_a;
GRANT reporunner_team TO h_sales;

CREATE SCHEMA h_a AUTHORIZATION h_a;
CREATE TABLE h_a.secrets (s text);
INSERT INTO h_a.secrets VALUES ('h_a-secret');
ALTER TABLE h_a.secrets OWNER TO h_a;
CREATE SCHEMA h_b AUTHORIZATION h_b;
CREATE TABLE h_b.loot (who text, what text);
ALTER TABLE h_b.loot OWNER TO h_b;

\ir sql_doc.inc

-- the superuser's own workflow, and the tenants'
SELECT is(reporunner.save_workflow('su_flow', pg_temp.sql_doc(
	'select current_user::text as cu')), 1, 'the superuser saves a workflow');
SET LOCAL ROLE h_a;
SELECT is(reporunner.save_workflow('leads', pg_temp.sql_doc('select 1 as ok')), 1,
	'h_a saves "leads"');
SELECT reporunner.share_workflow('leads', 'h_b');
SELECT is(reporunner.save_workflow('leads', pg_temp.sql_doc('select s from h_a.secrets'), false), 2,
	'h_a saves a draft of "leads" reading its secrets, not activated');
RESET ROLE;

------------------------------------------------------------------------
-- F2: reporunner_admin manages, but runs nothing as another role
------------------------------------------------------------------------
SET LOCAL ROLE h_ops;
SELECT throws_ok($$INSERT INTO reporunner.workflow (owner, name) VALUES ('postgres'::regrole, 'as_super2')$$,
	'42501', 'new row violates row-level security policy for table "workflow"',
	'F2: an administrator cannot create a workflow owned by a superuser');
SELECT is_empty($$SELECT * FROM reporunner.workflow WHERE name = 'su_flow'$$,
	'F2: nor see or change one');
SELECT throws_ok($$INSERT INTO reporunner.workflow (owner, name) VALUES ('h_maker'::regrole, 'as_maker')$$,
	'42501', 'new row violates row-level security policy for table "workflow"',
	'F2: nor one owned by a role with an attribute it lacks (CREATEROLE)');
SELECT isnt_empty($$SELECT * FROM reporunner.workflow WHERE name = 'leads'$$,
	'F2: it still sees a tenant''s workflow');
SELECT throws_ok($$SELECT reporunner.execute('leads', '[{}]')$$, '42501',
	'permission denied to run workflow "leads" as role "h_a"',
	'F2: but cannot execute() it as the tenant');
SELECT throws_ok($$SELECT reporunner.start('leads', '[{}]')$$, '42501',
	'permission denied to run workflow "leads" as role "h_a"',
	'F2: nor start() it');
-- an administrator planting its own workflow row for a tenant runs nothing either
SELECT lives_ok($$INSERT INTO reporunner.workflow (owner, name) VALUES ('h_a'::regrole, 'planted')$$,
	'F2: an administrator may create a row for a tenant');
SELECT lives_ok($$SELECT reporunner.save_workflow('planted', pg_temp.sql_doc('select s from h_a.secrets'))$$,
	'F2: and save a version into it');
SELECT throws_ok($$SELECT reporunner.execute('planted', '[{}]')$$, '42501',
	'permission denied to run workflow "planted" as role "h_a"',
	'F2: but not run it');
RESET ROLE;

-- retry() is running too
INSERT INTO reporunner.execution (workflow_id, version, owner, status, mode, created_by)
SELECT id, 1, owner, 'failed', 'start', owner FROM reporunner.workflow WHERE name = 'leads';
SET LOCAL ROLE h_ops;
SELECT throws_ok($$SELECT reporunner.retry(max(id)) FROM reporunner.execution$$, '42501',
	'permission denied to run workflow "leads" as role "h_a"',
	'F2: an administrator cannot retry a tenant''s execution');
RESET ROLE;

------------------------------------------------------------------------
-- F19: BYPASSRLS sees everything and runs nothing of others
------------------------------------------------------------------------
SET LOCAL ROLE h_auditor;
SELECT isnt_empty($$SELECT * FROM reporunner.workflow WHERE name = 'su_flow'$$,
	'F19: a BYPASSRLS role sees every workflow');
SELECT throws_ok($$SELECT reporunner.execute('su_flow', '[{}]')$$, '42704',
	'workflow "su_flow" does not exist',
	'F19: names find only workflows of roles it may act for');
SELECT throws_ok($$SELECT reporunner.execute('su_flow', '[{}]', '{"owner": "postgres"}')$$, '42501',
	'permission denied to run workflow "su_flow" as role "postgres"',
	'F19: and naming the owner, it cannot run the superuser''s');
SELECT throws_ok($$SELECT reporunner.start('leads', '[{}]', '{"version": 2, "owner": "h_a"}')$$, '42501',
	'permission denied to run workflow "leads" as role "h_a"',
	'F19: nor queue a tenant''s draft');
RESET ROLE;

------------------------------------------------------------------------
-- F7, F9, F15: what a grantee may run
------------------------------------------------------------------------
SET LOCAL ROLE h_b;
SELECT is(reporunner.execute('leads', '[{}]', '{"owner": "h_a", "save": "none"}'), '[{"ok": 1}]'::jsonb,
	'the grantee runs the shared workflow''s active version');
SELECT throws_ok($$SELECT reporunner.execute('leads', '[{}]', '{"owner": "h_a", "version": 2}')$$, '42501',
	'permission denied to run workflow "leads" as role "h_a"',
	'F7: but not a draft the owner never activated');
SELECT is(reporunner.execute('leads', '[{}]', '{"owner": "h_a", "version": 1, "save": "none"}'), '[{"ok": 1}]'::jsonb,
	'F7: naming the active version is fine');
SELECT throws_ok($$SELECT reporunner.start('leads', '[{"from":"h_b-forged"}]', '{"owner": "h_a", "idempotency_key": "order-42", "delay": "1h"}')$$,
	'42501', 'permission denied to run workflow "leads" as role "h_a"',
	'F9, F15: a grantee cannot queue the shared workflow, so it can neither squat the owner''s idempotency keys nor leave runs behind an unshare');
RESET ROLE;
SET LOCAL ROLE h_a;
SELECT ok(reporunner.start('leads', '[{"from":"h_a-real"}]', '{"idempotency_key": "order-42"}') > 0,
	'F9: the owner''s key is its own');
SELECT is((SELECT input FROM reporunner.execution WHERE idempotency_key = 'order-42'),
	'[{"from": "h_a-real"}]'::jsonb, 'F9: with the owner''s input');
RESET ROLE;

-- the grantee sees the journal of the runs it made, and only those
SET LOCAL ROLE h_b;
SELECT is(reporunner.execute('leads', '[{"run": "by h_b"}]', '{"owner": "h_a"}'), '[{"ok": 1}]'::jsonb,
	'the grantee runs the shared workflow with its journal saved');
SELECT results_eq($$SELECT e.input, s.node::text, s.status FROM reporunner.execution e
	JOIN reporunner.step s ON s.execution_id = e.id ORDER BY s.started_at$$,
	$$VALUES ('[{"run": "by h_b"}]'::jsonb, 'Start', 'succeeded'), ('[{"run": "by h_b"}]'::jsonb, 'Q', 'succeeded')$$,
	'it sees that execution and its steps, none of the owner''s own');
RESET ROLE;
------------------------------------------------------------------------
-- F8: sharing does not put a workflow under the grantee's names
------------------------------------------------------------------------
SET LOCAL ROLE h_sales;
SELECT is(reporunner.save_workflow('leads2', pg_temp.sql_doc('select ''sales'' as by')), 1,
	'the team saves "leads2"');
RESET ROLE;
SET LOCAL ROLE h_b;
SELECT is(reporunner.save_workflow('leads2', pg_temp.sql_doc(
	'insert into h_b.loot select current_user, $1::text returning what')), 1,
	'h_b saves its own "leads2"');
SELECT reporunner.share_workflow('leads2', 'h_a');
RESET ROLE;
SET LOCAL ROLE h_a;
SELECT is(reporunner.execute('leads2', '[{}]', '{"save": "none"}'), '[{"by": "sales"}]'::jsonb,
	'F8: h_a''s "leads2" is still its team''s, not ambiguous');
RESET ROLE;
DELETE FROM reporunner.workflow WHERE name = 'leads2' AND owner = 'h_sales'::regrole;
SET LOCAL ROLE h_a;
SELECT throws_ok($$SELECT reporunner.execute('leads2', '[{"pii":"h_a-customer"}]')$$, '42704',
	'workflow "leads2" does not exist',
	'F8: with the team''s gone, the name finds nothing: h_b''s shared workflow is not run');
RESET ROLE;
SELECT is_empty($$SELECT * FROM h_b.loot$$, 'F8: nothing of h_a reached h_b');

------------------------------------------------------------------------
-- F18: the caller's search_path does not reach the name lookup
------------------------------------------------------------------------
SET LOCAL ROLE h_b;
CREATE FUNCTION h_b.texteq_spy(a text, b text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'spy called as % (a=%, b=%)', current_user, a, b; END $$;
CREATE OPERATOR h_b.= (LEFTARG = text, RIGHTARG = text, FUNCTION = h_b.texteq_spy);
-- (a call of the spy would abort the transaction, and the plan with it)
SET LOCAL search_path = h_b, pg_catalog;
CREATE TEMP TABLE f18_saved AS
	SELECT reporunner.save_workflow('b21', pg_temp.sql_doc('select 21 as n')) AS version;
CREATE TEMP TABLE f18_run AS SELECT reporunner.execute('b21', '[{"a":1}]') AS result;
RESET search_path;
SELECT is((SELECT version FROM f18_saved), 1, 'F18: saving runs no operator of the caller');
SELECT is((SELECT result FROM f18_run), '[{"n": 21}]'::jsonb,
	'F18: nor does execute() looking up the name');
RESET search_path;
RESET ROLE;

------------------------------------------------------------------------
-- F14: the dedup keys are no oracle on other tenants' keys
------------------------------------------------------------------------
SET LOCAL ROLE h_a;
SELECT is(reporunner.save_workflow('emails', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Once", "type": "remove_duplicates", "params": {"fields": ["email"], "scope": "workflow"}}],
	"connections": [{"from": "Start", "to": "Once"}]}'), 1, 'h_a saves a workflow remembering e-mails');
SELECT is(reporunner.execute('emails', '[{"email": "ceo@example.com"}]', '{"save": "none"}'),
	'[{"email": "ceo@example.com"}]'::jsonb, 'its node records a key');
SELECT is(reporunner.execute('emails', '[{"email": "ceo@example.com"}]', '{"save": "none"}'),
	'[]'::jsonb, 'and drops it the second time');
RESET ROLE;
-- workflow ids are sequential: h_b can guess this one
SELECT id AS emails_id FROM reporunner.workflow WHERE name = 'emails' AND owner = 'h_a'::regrole \gset
SET LOCAL ROLE h_b;
SELECT throws_ok(format($$INSERT INTO reporunner.dedup_key (workflow_id, node, key_hash, owner)
	VALUES (%s, 'Once', sha256('{"email": "ceo@example.com"}'::bytea), 'h_b'::regrole)$$,
	:emails_id),
	'42501', 'permission denied for table dedup_key',
	'F14: another tenant cannot insert keys to probe them');
RESET ROLE;

------------------------------------------------------------------------
-- F20: a share needs a role
------------------------------------------------------------------------
SET LOCAL ROLE h_a;
SELECT throws_ok($$SELECT reporunner.share_workflow('leads', 0::oid::regrole)$$, '42704',
	'role with OID 0 does not exist', 'F20: sharing with role OID 0 is refused');
RESET ROLE;

------------------------------------------------------------------------
-- F11: no other role can put functions in the way of a workflow's SQL
------------------------------------------------------------------------
CREATE ROLE h_c LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE TABLE public.h_people (name varchar);
INSERT INTO public.h_people VALUES ('Ada');
GRANT SELECT ON public.h_people TO h_a, h_c;
SET LOCAL ROLE h_a;
SELECT is(reporunner.save_workflow('people', pg_temp.sql_doc('select lower(name) as l from public.h_people')), 1,
	'h_a saves a workflow calling lower() on a varchar');
SELECT is(reporunner.execute('people', '[{}]', '{"save": "none"}'), '[{"l": "ada"}]'::jsonb,
	'it runs while nobody else may create in public');
RESET ROLE;
GRANT CREATE ON SCHEMA public TO h_b;	-- as in databases upgraded from PG 14 and earlier
SET LOCAL ROLE h_b;
CREATE FUNCTION public.lower(v varchar) RETURNS text LANGUAGE plpgsql AS $$
BEGIN BEGIN INSERT INTO h_b.loot SELECT current_user, s FROM h_a.secrets;
      EXCEPTION WHEN others THEN NULL; END;
      RETURN pg_catalog.lower(v::text); END $$;
RESET ROLE;
SET LOCAL ROLE h_a;
SELECT throws_ok($$SELECT reporunner.execute('people', '[{}]')$$, '42501',
	'schema "public" in the search_path of workflow "people" can be written by role "h_b"',
	'F11: with public writable by another tenant, the workflow does not run');
RESET ROLE;
SELECT is_empty($$SELECT * FROM h_b.loot$$, 'F11: and h_b''s lower() never ran as h_a');
SET LOCAL reporunner.node_search_path = '"$user", pg_temp';
SET LOCAL ROLE h_a;
SELECT is(reporunner.execute('people', '[{}]', '{"save": "none"}'), '[{"l": "ada"}]'::jsonb,
	'F11: with public out of reporunner.node_search_path it runs again');
SELECT throws_ok($$SET reporunner.node_search_path = 'public'$$, '42501',
	'permission denied to set parameter "reporunner.node_search_path"',
	'F11: a tenant cannot change the node search_path');
RESET ROLE;
RESET reporunner.node_search_path;
REVOKE CREATE ON SCHEMA public FROM h_b;
DROP FUNCTION public.lower(varchar);
-- a schema named after another role ("$user") is a trap too
SELECT format('GRANT CREATE ON DATABASE %I TO h_b', current_database()) AS grant_create \gset
:grant_create;
SET LOCAL ROLE h_b;
CREATE SCHEMA h_c;
RESET ROLE;
SET LOCAL ROLE h_c;
SELECT is(reporunner.save_workflow('people', pg_temp.sql_doc('select lower(name) as l from public.h_people')), 1,
	'h_c saves the same workflow');
SELECT throws_ok($$SELECT reporunner.execute('people', '[{}]')$$, '42501',
	'schema "h_c" in the search_path of workflow "people" can be written by role "h_b"',
	'F11: a schema named after the owner but owned by another tenant stops it');
RESET ROLE;

------------------------------------------------------------------------
-- F17: a workflow leaves nothing in its caller's session
------------------------------------------------------------------------
SET LOCAL ROLE h_a;
SELECT is(reporunner.save_workflow('leaky', pg_temp.sql_doc('set constraints all deferred')), 1,
	'h_a saves a workflow deferring constraints');
SELECT is(reporunner.save_workflow('locker', pg_temp.sql_doc('select pg_advisory_lock(777)')), 1,
	'and one taking a session-level advisory lock');
SELECT is(reporunner.save_workflow('unlocker', pg_temp.sql_doc('select pg_advisory_unlock_all()')), 1,
	'and one dropping every session-level advisory lock');
SELECT is(reporunner.save_workflow('xlocker', pg_temp.sql_doc('select pg_advisory_xact_lock(778) is null as locked')), 1,
	'and one taking a transaction-level advisory lock');
SELECT reporunner.share_workflow(w, 'h_b') FROM unnest(ARRAY['leaky', 'locker', 'unlocker', 'xlocker']) AS w;
RESET ROLE;
SET LOCAL ROLE h_b;
SELECT throws_ok($$SELECT reporunner.execute('leaky', '[{}]', '{"owner": "h_a"}')$$, '0A000',
	'workflow "leaky" failed at node "Q": SET CONSTRAINTS cannot be used in a workflow',
	'F17: a node cannot change how the caller''s transaction checks constraints');
SELECT throws_ok($$SELECT reporunner.execute('locker', '[{}]', '{"owner": "h_a"}')$$, '0A000',
	'workflow "locker" failed at node "Q": session-level advisory locks cannot be used in a workflow',
	'F17: nor take a session-level advisory lock the caller would keep');
SELECT throws_ok($$SELECT reporunner.execute('unlocker', '[{}]', '{"owner": "h_a"}')$$, '0A000',
	'workflow "unlocker" failed at node "Q": session-level advisory locks cannot be used in a workflow',
	'F17: nor drop the caller''s');
SELECT is(reporunner.execute('xlocker', '[{}]', '{"owner": "h_a", "save": "none"}'), '[{"locked": false}]'::jsonb,
	'F17: transaction-level advisory locks are fine');
SELECT ok(pg_advisory_lock(779) IS NOT NULL AND pg_advisory_unlock(779),
	'F17: after the refused workflows, the caller itself still takes and drops session locks');
SELECT is_empty($$SELECT * FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
	AND objid IN (777, 779)$$, 'F17: and holds none of them');
RESET ROLE;

------------------------------------------------------------------------
-- Handing workflows over: nodes never run as the former owner, even from
-- a plan this backend cached before
------------------------------------------------------------------------
CREATE ROLE h_old LOGIN;
CREATE ROLE h_new LOGIN;
SET LOCAL ROLE h_old;
SELECT is(reporunner.save_workflow('whoami', pg_temp.sql_doc('select current_user::text as who')), 1,
	'h_old saves a workflow saying who runs it');
SELECT is(reporunner.execute('whoami', '[{}]'), '[{"who": "h_old"}]'::jsonb, 'it runs as h_old');
RESET ROLE;
SELECT is(reporunner.reassign_workflows('h_old', 'h_new'), 1::bigint, 'the superuser gives it to h_new');
SELECT results_eq($$SELECT DISTINCT e.owner::regrole::text COLLATE "default" FROM reporunner.execution e
	JOIN reporunner.workflow w ON w.id = e.workflow_id WHERE w.name = 'whoami'$$,
	ARRAY['h_new'], 'with its executions');
SET LOCAL ROLE h_new;
SELECT is(reporunner.execute('whoami', '[{}]'), '[{"who": "h_new"}]'::jsonb,
	'it runs as h_new, though this backend had cached its plan for h_old');
RESET ROLE;

-- F20: reporunner.workers() shows other databases and the tenants' timers
-- only to roles that may read all statistics
SET LOCAL ROLE h_b;
SELECT is_empty($$SELECT * FROM reporunner.workers()
	WHERE database <> (SELECT oid FROM pg_database WHERE datname = current_database())
	   OR next_wake IS NOT NULL$$,
	'F20: a tenant sees neither other databases nor when others'' executions are due');
RESET ROLE;

------------------------------------------------------------------------
-- F21 (found by a review in stop 32): the extension's trigger functions
-- are its own.  A tenant put table_trigger() with another tenant's
-- registration id on a table of its own and had that tenant's workflow
-- fill its rows; put delete_workflow_executions() there and deleted
-- another tenant's executions; and dropped a trigger of its own named
-- after another tenant's registration, which deleted it.
------------------------------------------------------------------------
CREATE TABLE h_a.orders (id int, note text);
ALTER TABLE h_a.orders OWNER TO h_a;
CREATE TABLE h_b.t (id int, note text);
ALTER TABLE h_b.t OWNER TO h_b;
CREATE FUNCTION h_b.nop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
ALTER FUNCTION h_b.nop() OWNER TO h_b;
SET LOCAL ROLE h_a;
SELECT reporunner.save_workflow('enrich', pg_temp.sql_doc('select s as note from h_a.secrets')) AS enrich_version \gset
SELECT reporunner.on_table('enrich', 'h_a.orders', '{insert}', 'row', 'sync', NULL, 'before') AS h_a_trigger \gset
INSERT INTO h_a.orders VALUES (1, NULL);
SELECT is((SELECT note FROM h_a.orders WHERE id = 1), 'h_a-secret',
	'h_a''s before trigger fills its rows from its secrets');
RESET ROLE;
SET LOCAL ROLE h_b;
SELECT throws_ok(format($$CREATE TRIGGER steal BEFORE INSERT ON h_b.t FOR EACH ROW
	EXECUTE FUNCTION reporunner.table_trigger(%L)$$, :'h_a_trigger'),
	'42501', 'permission denied for function reporunner.table_trigger',
	'F21: a tenant cannot put table_trigger() on a table of its own');
SELECT throws_ok($$CREATE TRIGGER del AFTER DELETE ON h_b.t FOR EACH ROW
	EXECUTE FUNCTION reporunner.delete_workflow_executions()$$,
	'42501', 'permission denied for function reporunner.delete_workflow_executions',
	'F21: nor delete_workflow_executions()');
SELECT throws_ok($$CREATE TRIGGER aud AFTER DELETE ON h_b.t FOR EACH ROW
	EXECUTE FUNCTION reporunner.audit_workflow()$$,
	'42501', 'permission denied for function reporunner.audit_workflow',
	'F21: nor audit_workflow()');
SELECT lives_ok(format($$CREATE TRIGGER %I AFTER INSERT ON h_b.t FOR EACH ROW EXECUTE FUNCTION h_b.nop()$$,
	'reporunner_' || :'h_a_trigger'), 'h_b names a trigger of its own after h_a''s registration');
SELECT lives_ok(format($$DROP TRIGGER %I ON h_b.t$$, 'reporunner_' || :'h_a_trigger'), 'and drops it');
RESET ROLE;
SELECT is((SELECT count(*) FROM reporunner.trigger WHERE id = :h_a_trigger), 1::bigint,
	'F21: h_a''s registration is still there');
SELECT is((SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid = 'h_a.orders'::regclass
	AND tgname = 'reporunner_' || :'h_a_trigger'), 1::bigint, 'F21: and its trigger');
SET LOCAL ROLE h_a;
INSERT INTO h_a.orders VALUES (2, NULL);
SELECT is((SELECT note FROM h_a.orders WHERE id = 2), 'h_a-secret',
	'F21: which still fires for h_a');
RESET ROLE;

------------------------------------------------------------------------
-- F22 (found by a review in stop 33): the DELETE privilege a tenant has on
-- reporunner.workflow (for its own rows) let it LOCK the whole table in
-- ACCESS EXCLUSIVE mode, holding every tenant's execute(), start() and
-- workers off until its transaction ended.
------------------------------------------------------------------------
SET LOCAL ROLE h_b;
SELECT throws_ok($$LOCK TABLE reporunner.workflow IN ACCESS EXCLUSIVE MODE$$,
	'42501', 'permission denied to lock table reporunner.workflow in ACCESS EXCLUSIVE mode',
	'F22: a tenant cannot lock the shared workflow table');
SELECT throws_ok($$LOCK TABLE reporunner.workflow IN SHARE MODE$$,
	'42501', 'permission denied to lock table reporunner.workflow in SHARE mode',
	'F22: nor hold off the others'' writes');
CREATE TEMP VIEW h_b_locks AS SELECT 1 FROM (SELECT 1) s
	WHERE EXISTS (SELECT FROM reporunner.dedup_key);
SELECT throws_ok($$LOCK TABLE h_b_locks IN ACCESS EXCLUSIVE MODE$$,
	'42501', 'permission denied to lock table reporunner.dedup_key in ACCESS EXCLUSIVE mode',
	'F22: nor through a view of its own, which locks what it reads');
SELECT lives_ok($$LOCK TABLE reporunner.workflow IN ROW EXCLUSIVE MODE$$,
	'F22: a mode its own writes take anyway is allowed');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
