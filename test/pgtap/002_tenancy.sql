--
-- 002_tenancy.sql - tenants are roles: what one tenant can see and do with
-- another tenant's workflows, what reporunner_admin and role members can do.
--
-- Runs as a superuser; creates its roles inside the transaction and rolls
-- everything back.  Switches tenants with SET LOCAL ROLE / RESET ROLE.
--
BEGIN;
SELECT plan(105);

-- (pgTAP's plan() grants its temporary bookkeeping tables to PUBLIC, so
-- the tests below may run under any role.)

CREATE ROLE tenant_a LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE ROLE tenant_b LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
CREATE ROLE admin_c LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE reporunner_admin;
CREATE ROLE tenant_d LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE tenant_a;	-- acts for A
CREATE ROLE tenant_f LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT IN ROLE tenant_a;
CREATE ROLE tenant_g LOGIN NOSUPERUSER NOBYPASSRLS;			-- dropped below
CREATE ROLE auditor_e LOGIN NOSUPERUSER BYPASSRLS;

-- The SQLSTATE, message, detail and hint of the error a statement raises
-- (NULL if it raises none); callable by every role of this session.
CREATE FUNCTION pg_temp.error_of(query text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	state text;
	message text;
	detail text;
	hint text;
BEGIN
	EXECUTE query;
	RETURN NULL;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	RETURN ARRAY[state, message, detail, hint];
END
$$;

\set doc1 '{"nodes": [{"name": "Start", "type": "trigger"}]}'
\set doc2 '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}]}'
\set doc3 '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "B", "type": "noop"}], "connections": [{"from": "Start", "to": "B"}]}'

------------------------------------------------------------------------
-- Tenant A saves two workflows with two versions each
------------------------------------------------------------------------
SET LOCAL ROLE tenant_a;
SELECT is(reporunner.save_workflow('alpha', :'doc1'), 1, 'A saves alpha: version 1');
SELECT is(reporunner.save_workflow('alpha', :'doc2', false), 2,
	'A saves alpha again without activating: version 2');
SELECT is(reporunner.save_workflow('beta', :'doc1'), 1, 'A saves beta: version 1');
SELECT is(reporunner.save_workflow('beta', :'doc2'), 2, 'A saves beta again: version 2');
SELECT results_eq(
	$$SELECT name COLLATE "default", owner::text COLLATE "default", active_version, latest_version, versions::int
	  FROM reporunner.workflows ORDER BY name$$,
	$$VALUES ('alpha', 'tenant_a', 1, 2, 2), ('beta', 'tenant_a', 2, 2, 2)$$,
	'A sees its two workflows in reporunner.workflows');
RESET ROLE;

SELECT id AS alpha_id FROM reporunner.workflow
WHERE name = 'alpha' AND owner = 'tenant_a'::regrole \gset
SELECT id AS beta_id FROM reporunner.workflow
WHERE name = 'beta' AND owner = 'tenant_a'::regrole \gset

-- the engine's rows for A (written here by the superuser, as the engine would)
INSERT INTO reporunner.execution (workflow_id, version, owner, mode, created_by, steps)
VALUES (:alpha_id, 1, 'tenant_a'::regrole, 'call', 'tenant_a'::regrole,
		'[{"node": "Set", "status": "succeeded", "started_at": "2026-01-01T00:00:00Z"}]')
RETURNING id AS exec_id \gset
INSERT INTO reporunner.step_journal (execution_id, node, owner, status)
VALUES (:exec_id, 'Start', 'tenant_a'::regrole, 'succeeded');
INSERT INTO reporunner.queue (execution_id, owner) VALUES (:exec_id, 'tenant_a'::regrole);
INSERT INTO reporunner.credential (owner, name, type, secret, key_id)
VALUES ('tenant_a'::regrole, 'api', 'bearer', '\x00112233'::bytea, '0123456789abcdef');
INSERT INTO reporunner.trigger (workflow_id, owner, kind, target, created_by)
VALUES (:alpha_id, 'tenant_a'::regrole, 'schedule', '*/5 * * * *', 'tenant_a'::regrole);

-- A sees all of its rows (so that "B sees none" below means something)
SET LOCAL ROLE tenant_a;
SELECT results_eq(
	$$SELECT (SELECT count(*) FROM reporunner.workflow)::int,
			 (SELECT count(*) FROM reporunner.workflow_version)::int,
			 (SELECT count(*) FROM reporunner.node)::int,
			 (SELECT count(*) FROM reporunner.edge)::int,
			 (SELECT count(*) FROM reporunner.workflow_versions)::int$$,
	$$VALUES (2, 4, 6, 2, 4)$$,
	'A sees its 2 workflows, 4 versions, 6 nodes, 2 edges and 4 rows of workflow_versions');
SELECT results_eq(
	$$SELECT (SELECT count(*) FROM reporunner.execution)::int,
			 (SELECT count(*) FROM reporunner.step)::int,
			 (SELECT count(*) FROM reporunner.queue)::int,
			 (SELECT count(*) FROM reporunner.credential WHERE name = 'api')::int,
			 (SELECT count(*) FROM reporunner.trigger)::int$$,
	$$VALUES (1, 2, 1, 1, 1)$$,
	'A sees its execution, its two steps (a journaled row, one in the execution''s row), queue entry, credential and trigger');
SELECT throws_ok($$SELECT secret FROM reporunner.credential$$, '42501',
	'permission denied for table credential',
	'even A cannot read the sealed secret of its own credential');
RESET ROLE;

------------------------------------------------------------------------
-- Tenant B sees nothing of A's
------------------------------------------------------------------------
SET LOCAL ROLE tenant_b;
SELECT is_empty($$SELECT * FROM reporunner.workflow$$, 'B sees no row of workflow');
SELECT is_empty($$SELECT * FROM reporunner.workflow_version$$, 'B sees no row of workflow_version');
SELECT is_empty($$SELECT * FROM reporunner.node$$, 'B sees no row of node');
SELECT is_empty($$SELECT * FROM reporunner.edge$$, 'B sees no row of edge');
SELECT is_empty($$SELECT * FROM reporunner.workflows$$, 'B sees no row of view workflows');
SELECT is_empty($$SELECT * FROM reporunner.workflow_versions$$, 'B sees no row of view workflow_versions');
SELECT is_empty($$SELECT * FROM reporunner.execution$$, 'B sees no row of execution');
SELECT is_empty($$SELECT * FROM reporunner.step$$, 'B sees no row of step');
SELECT is_empty($$SELECT * FROM reporunner.queue$$, 'B sees no row of queue');
SELECT is_empty($$SELECT id, owner, name, type, created_at, rotated_at FROM reporunner.credential$$,
	'B sees no row of credential');
SELECT is_empty($$SELECT * FROM reporunner.trigger$$, 'B sees no row of trigger');
SELECT is_empty(format($$SELECT * FROM reporunner.workflow WHERE id = %s$$, :alpha_id),
	'B does not see A''s workflow even when asking for its id');

-- the API cannot find A's workflow either
SELECT throws_ok($$SELECT reporunner.export_workflow('alpha')$$, '42704',
	'workflow "alpha" does not exist', 'B cannot export A''s workflow');
SELECT throws_ok($$SELECT reporunner.export_workflow('alpha', 2)$$, '42704',
	'workflow "alpha" does not exist', 'B cannot export a given version of A''s workflow');
SELECT throws_ok($$SELECT reporunner.activate_version('alpha', 2)$$, '42704',
	'workflow "alpha" does not exist', 'B cannot activate a version of A''s workflow');
SELECT throws_ok($$SELECT reporunner.delete_workflow('alpha')$$, '42704',
	'workflow "alpha" does not exist', 'B cannot delete A''s workflow');

-- direct writes to A's workflow rows touch nothing
SELECT results_eq(
	format($$WITH u AS (UPDATE reporunner.workflow SET name = 'stolen' WHERE id = %s RETURNING 1)
			 SELECT count(*)::int FROM u$$, :alpha_id),
	ARRAY[0], 'B renaming A''s workflow by id updates 0 rows');
SELECT results_eq(
	format($$WITH u AS (UPDATE reporunner.workflow SET active_version = 2, updated_at = now()
						WHERE id = %s RETURNING 1)
			 SELECT count(*)::int FROM u$$, :alpha_id),
	ARRAY[0], 'B activating a version of A''s workflow by direct UPDATE updates 0 rows');
SELECT results_eq(
	$$WITH u AS (UPDATE reporunner.workflow SET name = name || '_x' RETURNING 1)
	  SELECT count(*)::int FROM u$$,
	ARRAY[0], 'B updating every workflow row updates 0 rows');
SELECT results_eq(
	format($$WITH d AS (DELETE FROM reporunner.workflow WHERE id = %s RETURNING 1)
			 SELECT count(*)::int FROM d$$, :alpha_id),
	ARRAY[0], 'B deleting A''s workflow by id deletes 0 rows');
SELECT results_eq(
	$$WITH d AS (DELETE FROM reporunner.workflow RETURNING 1) SELECT count(*)::int FROM d$$,
	ARRAY[0], 'B deleting every workflow row deletes 0 rows');
SELECT throws_ok($$INSERT INTO reporunner.workflow (owner, name) VALUES ('tenant_a'::regrole, 'planted')$$,
	'42501', 'new row violates row-level security policy for table "workflow"',
	'B cannot insert a workflow row owned by A');
SELECT throws_ok($$TRUNCATE reporunner.workflow$$, '42501', 'permission denied for table workflow',
	'B cannot truncate workflow');

-- versions, nodes and edges are not writable at all
SELECT throws_ok(
	format($$INSERT INTO reporunner.workflow_version (workflow_id, version, owner, definition, created_by)
			 VALUES (%s, 3, 'tenant_a'::regrole, %L, 'tenant_b'::regrole)$$, :alpha_id, :'doc1'),
	'42501', 'permission denied for table workflow_version',
	'B cannot insert a version into A''s workflow');
SELECT throws_ok($$UPDATE reporunner.workflow_version SET definition = '{}'$$,
	'42501', 'permission denied for table workflow_version', 'B cannot update workflow_version');
SELECT throws_ok($$DELETE FROM reporunner.workflow_version$$,
	'42501', 'permission denied for table workflow_version', 'B cannot delete from workflow_version');
SELECT throws_ok(
	format($$INSERT INTO reporunner.node (workflow_id, version, owner, name, position, type)
			 VALUES (%s, 1, 'tenant_a'::regrole, 'Evil', 5, 'sql')$$, :alpha_id),
	'42501', 'permission denied for table node', 'B cannot insert a node into A''s version');
SELECT throws_ok($$UPDATE reporunner.node SET params = '{"query": "DROP TABLE x"}'$$,
	'42501', 'permission denied for table node', 'B cannot update node');
SELECT throws_ok($$DELETE FROM reporunner.node$$,
	'42501', 'permission denied for table node', 'B cannot delete from node');
SELECT throws_ok(
	format($$INSERT INTO reporunner.edge (workflow_id, version, owner, from_node, to_node)
			 VALUES (%s, 2, 'tenant_a'::regrole, 'A', 'Start')$$, :alpha_id),
	'42501', 'permission denied for table edge', 'B cannot insert an edge into A''s version');
SELECT throws_ok($$UPDATE reporunner.edge SET output = 'error'$$,
	'42501', 'permission denied for table edge', 'B cannot update edge');
SELECT throws_ok($$DELETE FROM reporunner.edge$$,
	'42501', 'permission denied for table edge', 'B cannot delete from edge');

-- engine tables and secrets
SELECT throws_ok($$SELECT secret FROM reporunner.credential$$, '42501',
	'permission denied for table credential', 'B cannot read credential.secret');
SELECT throws_ok($$SELECT * FROM reporunner.credential$$, '42501',
	'permission denied for table credential', 'B cannot SELECT * from credential');
SELECT throws_ok($$UPDATE reporunner.execution SET status = 'canceled'$$, '42501',
	'permission denied for table execution', 'B cannot update execution');
SELECT throws_ok($$DELETE FROM reporunner.queue$$, '42501',
	'permission denied for table queue', 'B cannot delete from queue');
SELECT throws_ok(
	format($$INSERT INTO reporunner.trigger (workflow_id, owner, kind, target)
			 VALUES (%s, 'tenant_a'::regrole, 'notify', 'ch')$$, :alpha_id),
	'42501', 'permission denied for table trigger', 'B cannot register a trigger');

-- B's save with A's name creates B's own workflow
SELECT is(reporunner.save_workflow('alpha', :'doc3'), 1,
	'B saving "alpha" creates B''s own workflow at version 1');
SELECT is(reporunner.export_workflow('alpha'), :'doc3'::jsonb,
	'B exports its own "alpha"');
SELECT is(reporunner.save_workflow('bravo', :'doc1'), 1, 'B saves bravo: version 1');
SELECT results_eq(
	$$SELECT name COLLATE "default", owner::text COLLATE "default" FROM reporunner.workflows ORDER BY name$$,
	$$VALUES ('alpha', 'tenant_b'), ('bravo', 'tenant_b')$$,
	'B sees only its own two workflows');
SELECT throws_ok($$UPDATE reporunner.workflow SET owner = 'tenant_a'::regrole WHERE name = 'bravo'$$,
	'42501', 'permission denied for table workflow', 'B cannot change the owner of its own workflow');
RESET ROLE;

SELECT results_eq(
	$$SELECT owner::regrole::text COLLATE "default", w.active_version,
			 (SELECT count(*)::int FROM reporunner.workflow_version v WHERE v.workflow_id = w.id),
			 (SELECT pg_catalog.min(v.created_by::regrole::text) FROM reporunner.workflow_version v
			  WHERE v.workflow_id = w.id)
	  FROM reporunner.workflow w WHERE name = 'alpha' ORDER BY 1$$,
	$$VALUES ('tenant_a', 1, 2, 'tenant_a'), ('tenant_b', 1, 1, 'tenant_b')$$,
	'there are now two "alpha"s: A''s still has 2 versions, active 1; B''s has 1, saved by B');
SELECT results_eq(
	format($$SELECT version, definition FROM reporunner.workflow_version
			 WHERE workflow_id = %s ORDER BY version$$, :alpha_id),
	format($$VALUES (1, %L::jsonb), (2, %L::jsonb)$$, :'doc1', :'doc2'),
	'A''s versions still hold exactly the documents A saved');
SELECT results_eq(
	format($$SELECT name, type FROM reporunner.node WHERE workflow_id = %s ORDER BY version, position$$, :alpha_id),
	$$VALUES ('Start', 'trigger'), ('Start', 'trigger'), ('A', 'noop')$$,
	'A''s nodes are unchanged');
SELECT results_eq(
	format($$SELECT (SELECT count(*) FROM reporunner.execution WHERE workflow_id = %1$s)::int,
					(SELECT count(*) FROM reporunner.trigger WHERE workflow_id = %1$s)::int,
					(SELECT count(*) FROM reporunner.credential WHERE owner = 'tenant_a'::regrole)::int$$,
		   :alpha_id),
	$$VALUES (1, 1, 1)$$,
	'A''s execution, trigger and credential are still there');

------------------------------------------------------------------------
-- Tenancy is decided by the role only, never by a setting
------------------------------------------------------------------------
SET LOCAL ROLE tenant_b;
SELECT throws_ok($$SET reporunner.tenant = 'tenant_a'$$, '42602',
	'invalid configuration parameter name "reporunner.tenant"',
	'SET reporunner.tenant is refused: reporunner is a reserved prefix');
SELECT throws_ok($$SELECT set_config('reporunner.tenant', 'tenant_a', true)$$, '42602',
	'invalid configuration parameter name "reporunner.tenant"',
	'set_config(''reporunner.tenant'', ...) is refused too');
SET LOCAL app.tenant = 'tenant_a';
SET LOCAL app.current_tenant = 'tenant_a';
SELECT is_empty(format($$SELECT * FROM reporunner.workflow WHERE id = %s$$, :alpha_id),
	'B still sees nothing of A''s after setting app.tenant / app.current_tenant');
SELECT is(reporunner.export_workflow('alpha'), :'doc3'::jsonb,
	'with app.tenant set, "alpha" still resolves to B''s own workflow');
RESET app.tenant;
RESET app.current_tenant;
RESET ROLE;

-- B logged in as itself cannot become A
SET LOCAL SESSION AUTHORIZATION tenant_b;
SELECT throws_ok($$SET ROLE tenant_a$$, '42501', 'permission denied to set role "tenant_a"',
	'B cannot SET ROLE to A');
SELECT is(current_user::text, 'tenant_b', 'B is still B after the refused SET ROLE');
RESET SESSION AUTHORIZATION;

------------------------------------------------------------------------
-- reporunner_admin
------------------------------------------------------------------------
SET LOCAL ROLE admin_c;
SELECT results_eq(
	$$SELECT owner::text COLLATE "default", name COLLATE "default" FROM reporunner.workflows
	  WHERE owner IN ('tenant_a', 'tenant_b') ORDER BY 1, 2$$,
	$$VALUES ('tenant_a', 'alpha'), ('tenant_a', 'beta'), ('tenant_b', 'alpha'), ('tenant_b', 'bravo')$$,
	'admin sees both tenants'' workflows');
SELECT results_eq(
	format($$SELECT (SELECT count(*) FROM reporunner.workflow_version WHERE workflow_id = %1$s)::int,
					(SELECT count(*) FROM reporunner.execution WHERE workflow_id = %1$s)::int,
					(SELECT count(*) FROM reporunner.credential WHERE owner = 'tenant_a'::regrole)::int$$,
		   :alpha_id),
	$$VALUES (2, 1, 1)$$,
	'admin sees A''s versions, executions and credentials');
SELECT throws_ok($$SELECT secret FROM reporunner.credential$$, '42501',
	'permission denied for table credential', 'admin cannot read credential.secret either');
SELECT is(reporunner.export_workflow('beta'), :'doc2'::jsonb, 'admin exports A''s beta (active version 2)');
SELECT is(reporunner.export_workflow('beta', 1), :'doc1'::jsonb, 'admin exports version 1 of A''s beta');
SELECT lives_ok($$SELECT reporunner.activate_version('beta', 1)$$, 'admin activates version 1 of A''s beta');
SELECT is(reporunner.export_workflow('beta'), :'doc1'::jsonb, 'A''s beta now exports version 1');
SELECT is(reporunner.save_workflow('beta', :'doc3'), 3, 'admin saves version 3 of A''s beta');
SELECT lives_ok($$SELECT reporunner.delete_workflow('bravo')$$, 'admin deletes B''s bravo');

-- A and B both own "alpha"; the admin owns none
SELECT throws_ok($$SELECT reporunner.export_workflow('alpha')$$, '42P08',
	'workflow name "alpha" is ambiguous', 'admin: export of a name owned by A and B is ambiguous');
SELECT throws_ok($$SELECT reporunner.activate_version('alpha', 1)$$, '42P08',
	'workflow name "alpha" is ambiguous', 'admin: activate_version of an ambiguous name fails');
SELECT throws_ok($$SELECT reporunner.delete_workflow('alpha')$$, '42P08',
	'workflow name "alpha" is ambiguous', 'admin: delete_workflow of an ambiguous name fails');
SELECT throws_ok(format($$SELECT reporunner.save_workflow('alpha', %L)$$, :'doc1'), '42P08',
	'workflow name "alpha" is ambiguous', 'admin: save_workflow of an ambiguous name fails');
SELECT is(pg_temp.error_of($$SELECT reporunner.export_workflow('alpha')$$),
	ARRAY['42P08', 'workflow name "alpha" is ambiguous',
		  'Roles "tenant_a" and "tenant_b" both own a workflow of that name.',
		  'Use SET ROLE to act as the owner of the workflow you mean.'],
	'the ambiguity error names both owners and hints at SET ROLE');
-- the admin's own workflow of that name wins over both
INSERT INTO reporunner.workflow (owner, name) VALUES ('admin_c'::regrole, 'alpha');
SELECT is(reporunner.save_workflow('alpha', :'doc1'), 1,
	'once the admin owns an "alpha", save_workflow(''alpha'') uses it (own workflow first)');
SELECT is(reporunner.export_workflow('alpha'), :'doc1'::jsonb, 'admin exports its own "alpha"');
RESET ROLE;

SELECT results_eq(
	format($$SELECT w.owner::regrole::text COLLATE "default", w.active_version, v.version,
					v.created_by::regrole::text COLLATE "default", v.definition
			 FROM reporunner.workflow w JOIN reporunner.workflow_version v ON v.workflow_id = w.id
			 WHERE w.id = %s ORDER BY v.version$$, :beta_id),
	format($$VALUES ('tenant_a', 3, 1, 'tenant_a', %1$L::jsonb), ('tenant_a', 3, 2, 'tenant_a', %2$L::jsonb),
					('tenant_a', 3, 3, 'admin_c', %3$L::jsonb)$$, :'doc1', :'doc2', :'doc3'),
	'A''s beta: still owned by A, version 3 created by admin_c and active');
SELECT is_empty($$SELECT * FROM reporunner.workflow WHERE name = 'bravo'$$,
	'B''s bravo is gone');
SELECT results_eq(
	$$SELECT owner::regrole::text COLLATE "default", active_version FROM reporunner.workflow
	  WHERE name = 'alpha' ORDER BY 1$$,
	$$VALUES ('admin_c', 1), ('tenant_a', 1), ('tenant_b', 1)$$,
	'the failed admin calls on "alpha" changed none of the tenants'' workflows');

------------------------------------------------------------------------
-- Members of a tenant act for it
------------------------------------------------------------------------
SET LOCAL ROLE tenant_d;
SELECT results_eq(
	$$SELECT owner::text COLLATE "default", name COLLATE "default" FROM reporunner.workflows ORDER BY 1, 2$$,
	$$VALUES ('tenant_a', 'alpha'), ('tenant_a', 'beta')$$,
	'D, a member of A, sees A''s workflows and nothing else');
SELECT is(reporunner.export_workflow('alpha'),
	:'doc1'::jsonb || '{"triggers": [{"kind": "schedule", "target": "*/5 * * * *", "options": {}}]}',
	'D exports A''s alpha, with A''s trigger');
SELECT is(reporunner.save_workflow('alpha', :'doc3'), 3, 'D saves version 3 of A''s alpha');
SELECT lives_ok($$SELECT reporunner.activate_version('alpha', 2)$$, 'D activates version 2 of A''s alpha');
SELECT results_eq($$SELECT count(*)::int FROM reporunner.execution$$, ARRAY[1],
	'D sees A''s execution');
RESET ROLE;
SELECT results_eq(
	format($$SELECT w.owner::regrole::text COLLATE "default", w.active_version,
					(SELECT v.created_by::regrole::text COLLATE "default" FROM reporunner.workflow_version v
					 WHERE v.workflow_id = w.id AND v.version = 3)
			 FROM reporunner.workflow w WHERE w.id = %s$$, :alpha_id),
	$$VALUES ('tenant_a', 2, 'tenant_d')$$,
	'A''s alpha is still owned by A; version 3 was created by D; version 2 is active');
SELECT is_empty($$SELECT * FROM reporunner.workflow WHERE owner = 'tenant_d'::regrole$$,
	'D owns no workflow: its save went into A''s');

-- a NOINHERIT member must SET ROLE first
SET LOCAL ROLE tenant_f;
SELECT is_empty($$SELECT * FROM reporunner.workflows$$,
	'F, a NOINHERIT member of A, sees nothing without SET ROLE');
SELECT throws_ok($$SELECT reporunner.export_workflow('beta')$$, '42704',
	'workflow "beta" does not exist', 'F cannot export A''s beta without SET ROLE');
RESET ROLE;

-- a role that is a member of both A and B cannot tell which "alpha" it means
GRANT tenant_b TO tenant_d;
SET LOCAL ROLE tenant_d;
SELECT throws_ok($$SELECT reporunner.export_workflow('alpha')$$, '42P08',
	'workflow name "alpha" is ambiguous', 'a member of both A and B gets an ambiguity error');
RESET ROLE;
REVOKE tenant_b FROM tenant_d;

------------------------------------------------------------------------
-- BYPASSRLS
------------------------------------------------------------------------
SET LOCAL ROLE auditor_e;
SELECT results_eq(
	$$SELECT count(*)::int FROM reporunner.workflow WHERE owner IN ('tenant_a'::regrole, 'tenant_b'::regrole)$$,
	ARRAY[3], 'a BYPASSRLS role sees every tenant''s workflows');
SELECT throws_ok($$SELECT secret FROM reporunner.credential$$, '42501',
	'permission denied for table credential', 'a BYPASSRLS role still cannot read credential.secret');
RESET ROLE;

------------------------------------------------------------------------
-- A role that owns workflows is not dropped before they are handed over
------------------------------------------------------------------------
SET LOCAL ROLE tenant_g;
SELECT is(reporunner.save_workflow('gamma', :'doc1'), 1, 'G saves gamma');
RESET ROLE;
SELECT throws_ok($$DROP ROLE tenant_g$$, '2BP01',
	'role "tenant_g" cannot be dropped because it owns Reporunner workflows, credentials or connectors',
	'DROP ROLE refuses a role that owns a workflow');
SET LOCAL ROLE tenant_a;
SELECT throws_ok($$SELECT reporunner.reassign_workflows('tenant_g', 'tenant_a')$$, '42501',
	'permission denied to reassign workflows',
	'only a role with the privileges of both may hand the workflows over');
RESET ROLE;
SELECT is(reporunner.reassign_workflows('tenant_g', 'tenant_b'), 1::bigint,
	'the superuser gives G''s workflow to B');
SELECT results_eq($$SELECT owner::text COLLATE "default", versions::int FROM reporunner.workflows WHERE name = 'gamma'$$,
	$$VALUES ('tenant_b', 1)$$, 'gamma is B''s now, with its version');
SELECT lives_ok($$DROP ROLE tenant_g$$, 'then G can be dropped');
SET LOCAL ROLE tenant_b;
SELECT lives_ok($$SELECT reporunner.delete_workflow('gamma')$$, 'B deletes gamma');
RESET ROLE;
SELECT is_empty($$SELECT * FROM reporunner.workflow WHERE name = 'gamma'$$,
	'no workflow of the dropped role is left');

------------------------------------------------------------------------
-- Versions are immutable, even for their owner
------------------------------------------------------------------------
SET LOCAL ROLE tenant_a;
SELECT throws_ok($$UPDATE reporunner.workflow_version SET definition = '{}'$$, '42501',
	'permission denied for table workflow_version', 'A cannot update its own versions');
SELECT throws_ok($$DELETE FROM reporunner.workflow_version$$, '42501',
	'permission denied for table workflow_version', 'A cannot delete its own versions');
SELECT throws_ok($$UPDATE reporunner.node SET type = 'sql'$$, '42501',
	'permission denied for table node', 'A cannot update its own nodes');
SELECT throws_ok($$DELETE FROM reporunner.edge$$, '42501',
	'permission denied for table edge', 'A cannot delete its own edges');
-- but A may delete its own workflow directly: versions go with it
SELECT results_eq(
	format($$WITH d AS (DELETE FROM reporunner.workflow WHERE id = %s RETURNING 1)
			 SELECT count(*)::int FROM d$$, :beta_id),
	ARRAY[1], 'A deletes its own beta by direct DELETE');
RESET ROLE;
SELECT is_empty(format($$SELECT * FROM reporunner.workflow_version WHERE workflow_id = %s$$, :beta_id),
	'the versions of the deleted workflow are gone');

SELECT * FROM finish();
ROLLBACK;
