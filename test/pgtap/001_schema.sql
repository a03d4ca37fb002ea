--
-- 001_schema.sql - the objects CREATE EXTENSION reporunner installs.
--
-- Schema, tables, columns, keys, indexes, row-level security, comments,
-- API function signatures, the reporunner_admin role and what PUBLIC may do.
-- Runs as a superuser in a database where pgtap and reporunner are
-- installed; changes nothing (the transaction is rolled back).
--
BEGIN;
SELECT plan(505);

------------------------------------------------------------------------
-- Schema, tables, views
------------------------------------------------------------------------
SELECT has_schema('reporunner', 'schema reporunner exists');
SELECT has_extension('reporunner', 'extension reporunner is installed');
SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'reporunner'),
	'reporunner', 'extension reporunner lives in schema reporunner');

SELECT has_table('reporunner', t, format('table reporunner.%s exists', t))
FROM unnest(ARRAY['workflow', 'workflow_version', 'node', 'edge', 'execution',
				  'step_journal', 'queue', 'credential', 'trigger', 'audit']::name[]) AS t;

SELECT has_view('reporunner', 'workflows', 'view reporunner.workflows exists');
SELECT has_view('reporunner', 'workflow_versions', 'view reporunner.workflow_versions exists');
SELECT has_view('reporunner', 'step', 'view reporunner.step exists');
SELECT has_view('reporunner', 'credentials', 'view reporunner.credentials exists');
SELECT has_view('reporunner', v, format('view reporunner.%s exists', v))
FROM unnest(ARRAY['steps', 'workflow_stats', 'activity']::name[]) AS v;
SELECT is_empty(
	$$SELECT c.oid::regclass::text
	  FROM pg_class c
	  WHERE c.relnamespace = 'reporunner'::regnamespace
		AND c.relkind IN ('r', 'v')
		AND NOT EXISTS (SELECT FROM pg_depend d
						WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
						  AND d.refclassid = 'pg_extension'::regclass
						  AND d.deptype = 'e')$$,
	'every table and view of schema reporunner belongs to the extension');

SELECT set_has(
	$$SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'reporunner'$$,
	$$SELECT unnest(ARRAY['reporunner.workflow', 'reporunner.workflow_version', 'reporunner.node',
		  'reporunner.edge', 'reporunner.execution', 'reporunner.step_journal',
		  'reporunner.queue', 'reporunner.credential', 'reporunner.trigger', 'reporunner.audit'])$$,
	'the rows of all ten tables are dumped by pg_dump (pg_extension_config_dump)');
SELECT set_has(
	$$SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'reporunner'$$,
	$$SELECT unnest(ARRAY['reporunner.workflow_id_seq', 'reporunner.execution_id_seq',
		  'reporunner.credential_id_seq', 'reporunner.trigger_id_seq', 'reporunner.audit_id_seq'])$$,
	'so are the positions of the sequences the ids come from');

------------------------------------------------------------------------
-- Columns
------------------------------------------------------------------------
SELECT has_column('reporunner', 'workflow', c, format('table workflow has column %s', c))
FROM unnest(ARRAY['id', 'owner', 'name', 'active_version', 'created_at', 'updated_at']::name[]) AS c;
SELECT has_column('reporunner', 'workflow_version', c, format('table workflow_version has column %s', c))
FROM unnest(ARRAY['workflow_id', 'version', 'owner', 'definition', 'created_by', 'created_at']::name[]) AS c;
SELECT has_column('reporunner', 'node', c, format('table node has column %s', c))
FROM unnest(ARRAY['workflow_id', 'version', 'owner', 'name', 'position', 'type', 'params',
		  'retry', 'on_error', 'timeout', 'execute_once', 'always_output_data',
		  'disabled', 'notes']::name[]) AS c;
SELECT has_column('reporunner', 'edge', c, format('table edge has column %s', c))
FROM unnest(ARRAY['workflow_id', 'version', 'owner', 'from_node', 'output', 'to_node', 'input']::name[]) AS c;
SELECT has_column('reporunner', 'execution', c, format('table execution has column %s', c))
FROM unnest(ARRAY['id', 'workflow_id', 'version', 'owner', 'status', 'mode', 'input', 'output',
		  'error', 'parent_id', 'idempotency_key', 'attempt', 'created_by',
		  'created_at', 'started_at', 'finished_at', 'wake_at', 'steps', 'trigger_id',
		  'input_rows']::name[]) AS c;
SELECT has_column('reporunner', 'step_journal', c, format('table step_journal has column %s', c))
FROM unnest(ARRAY['execution_id', 'node', 'run_index', 'owner', 'attempt', 'status', 'output',
		  'error', 'started_at', 'finished_at']::name[]) AS c;
SELECT has_column('reporunner', 'queue', c, format('table queue has column %s', c))
FROM unnest(ARRAY['execution_id', 'owner', 'priority', 'ready_at', 'lease_owner']::name[]) AS c;
SELECT has_column('reporunner', 'credential', c, format('table credential has column %s', c))
FROM unnest(ARRAY['id', 'owner', 'name', 'type', 'secret', 'created_at', 'rotated_at',
		  'key_id', 'updated_at']::name[]) AS c;
SELECT has_column('reporunner', 'credentials', c, format('view credentials has column %s', c))
FROM unnest(ARRAY['name', 'type', 'owner', 'key_id', 'created_at', 'updated_at',
		  'rotated_at']::name[]) AS c;
SELECT hasnt_column('reporunner', 'credentials', 'secret',
	'view credentials has no column secret');
SELECT has_column('reporunner', 'trigger', c, format('table trigger has column %s', c))
FROM unnest(ARRAY['id', 'workflow_id', 'owner', 'kind', 'target', 'options', 'created_at']::name[]) AS c;
SELECT has_column('reporunner', 'audit', c, format('table audit has column %s', c))
FROM unnest(ARRAY['id', 'at', 'session_role', 'acting_role', 'owner', 'action', 'object_kind',
		  'object_id', 'object_name', 'from_version', 'to_version', 'details']::name[]) AS c;
SELECT has_column('reporunner', 'step', c, format('view step has column %s', c))
FROM unnest(ARRAY['execution_id', 'node', 'run_index', 'owner', 'attempt', 'status', 'output',
		  'error', 'started_at', 'finished_at', 'retry_at', 'attempts', 'paired']::name[]) AS c;
SELECT has_column('reporunner', 'workflows', c, format('view workflows has column %s', c))
FROM unnest(ARRAY['name', 'owner', 'active_version', 'latest_version', 'versions',
		  'created_at', 'updated_at', 'id']::name[]) AS c;
SELECT has_column('reporunner', 'workflow_versions', c, format('view workflow_versions has column %s', c))
FROM unnest(ARRAY['name', 'owner', 'version', 'active', 'nodes', 'created_by', 'created_at',
		  'definition', 'workflow_id']::name[]) AS c;

-- every tenant table carries the owning role as a non-null oid
SELECT col_type_is('reporunner', t, 'owner', 'oid', format('%s.owner is an oid', t))
FROM unnest(ARRAY['workflow', 'workflow_version', 'node', 'edge', 'execution',
				  'step_journal', 'queue', 'credential', 'trigger', 'audit']::name[]) AS t;
SELECT col_not_null('reporunner', t, 'owner', format('%s.owner is NOT NULL', t))
FROM unnest(ARRAY['workflow', 'workflow_version', 'node', 'edge', 'execution',
				  'step_journal', 'queue', 'credential', 'trigger', 'audit']::name[]) AS t;

-- key columns: type and nullability
SELECT col_type_is('reporunner', t, c, ty, format('%s.%s is %s', t, c, ty))
FROM (VALUES
	('workflow', 'id', 'bigint'),
	('workflow', 'name', 'text'),
	('workflow', 'active_version', 'integer'),
	('workflow', 'created_at', 'timestamp with time zone'),
	('workflow', 'updated_at', 'timestamp with time zone'),
	('workflow_version', 'workflow_id', 'bigint'),
	('workflow_version', 'version', 'integer'),
	('workflow_version', 'definition', 'jsonb'),
	('workflow_version', 'created_by', 'oid'),
	('node', 'workflow_id', 'bigint'),
	('node', 'version', 'integer'),
	('node', 'name', 'text'),
	('node', 'position', 'integer'),
	('node', 'type', 'text'),
	('node', 'params', 'jsonb'),
	('node', 'timeout', 'interval'),
	('edge', 'from_node', 'text'),
	('edge', 'output', 'text'),
	('edge', 'to_node', 'text'),
	('edge', 'input', 'integer'),
	('execution', 'id', 'bigint'),
	('execution', 'status', 'reporunner.execution_status'),
	('execution', 'mode', 'reporunner.execution_mode'),
	('execution', 'attempt', 'reporunner.attempt_number'),
	('step_journal', 'attempt', 'reporunner.attempt_number'),
	('step_journal', 'status', 'reporunner.step_status'),
	('execution', 'input', 'jsonb'),
	('execution', 'parent_id', 'bigint'),
	('execution', 'created_by', 'oid'),
	('step_journal', 'execution_id', 'bigint'),
	('step_journal', 'run_index', 'integer'),
	('queue', 'execution_id', 'bigint'),
	('credential', 'id', 'bigint'),
	('credential', 'secret', 'bytea'),
	('trigger', 'workflow_id', 'bigint'),
	('trigger', 'options', 'jsonb'),
	('audit', 'id', 'bigint'),
	('audit', 'at', 'timestamp with time zone'),
	('audit', 'session_role', 'text'),
	('audit', 'acting_role', 'text'),
	('audit', 'object_id', 'bigint'),
	('audit', 'from_version', 'integer'),
	('audit', 'to_version', 'integer'),
	('audit', 'details', 'jsonb')
) AS v(t, c, ty);

SELECT col_not_null('reporunner', t, c, format('%s.%s is NOT NULL', t, c))
FROM (VALUES
	('workflow', 'id'), ('workflow', 'name'), ('workflow', 'created_at'),
	('workflow', 'updated_at'),
	('workflow_version', 'workflow_id'), ('workflow_version', 'version'),
	('workflow_version', 'definition'), ('workflow_version', 'created_by'),
	('node', 'name'), ('node', 'type'), ('node', 'params'), ('node', 'on_error'),
	('edge', 'from_node'), ('edge', 'output'), ('edge', 'to_node'), ('edge', 'input'),
	('execution', 'workflow_id'), ('execution', 'version'), ('execution', 'status'),
	('execution', 'mode'), ('execution', 'created_by'),
	('step_journal', 'status'),
	('credential', 'name'), ('credential', 'type'), ('credential', 'secret'),
	('trigger', 'workflow_id'), ('trigger', 'kind'), ('trigger', 'target'),
	('audit', 'at'), ('audit', 'session_role'), ('audit', 'acting_role'), ('audit', 'action'),
	('audit', 'object_kind'), ('audit', 'details')
) AS v(t, c);

SELECT col_is_null('reporunner', 'workflow', 'active_version',
	'workflow.active_version may be NULL (a workflow with no active version)');
SELECT col_is_null('reporunner', 'execution', 'parent_id',
	'execution.parent_id may be NULL (top-level executions)');

-- ids come from sequences pg_dump dumps (an identity column's it cannot)
SELECT is(pg_get_expr(d.adbin, d.adrelid),
		  format('nextval(''reporunner.%s_id_seq''::regclass)', t),
		  format('%s.id comes from sequence %s_id_seq', t, t))
FROM unnest(ARRAY['workflow', 'execution', 'credential', 'trigger', 'audit']) AS t
	 LEFT JOIN pg_attrdef d ON d.adrelid = format('reporunner.%s', t)::regclass AND d.adnum = 1;
SELECT is(pg_get_serial_sequence(format('reporunner.%s', t), 'id'),
		  format('reporunner.%s_id_seq', t),
		  format('sequence %s_id_seq is owned by %s.id', t, t))
FROM unnest(ARRAY['workflow', 'execution', 'credential', 'trigger', 'audit']) AS t;

------------------------------------------------------------------------
-- Primary keys, unique constraints and foreign keys
------------------------------------------------------------------------
SELECT has_pk('reporunner', t, format('%s has a primary key', t))
FROM unnest(ARRAY['workflow', 'workflow_version', 'node', 'edge', 'execution',
				  'step_journal', 'queue', 'credential', 'trigger', 'audit']::name[]) AS t;

SELECT col_is_pk('reporunner', 'workflow', ARRAY['id'], 'workflow PK is (id)');
SELECT col_is_pk('reporunner', 'workflow_version', ARRAY['workflow_id', 'version'],
	'workflow_version PK is (workflow_id, version)');
SELECT col_is_pk('reporunner', 'node', ARRAY['workflow_id', 'version', 'name'],
	'node PK is (workflow_id, version, name)');
SELECT col_is_pk('reporunner', 'edge',
	ARRAY['workflow_id', 'version', 'from_node', 'output', 'to_node', 'input'],
	'edge PK is (workflow_id, version, from_node, output, to_node, input)');
SELECT col_is_pk('reporunner', 'execution', ARRAY['id'], 'execution PK is (id)');
SELECT col_is_pk('reporunner', 'step_journal', ARRAY['execution_id', 'node', 'run_index'],
	'step_journal PK is (execution_id, node, run_index)');
SELECT col_is_pk('reporunner', 'queue', ARRAY['execution_id'], 'queue PK is (execution_id)');
SELECT col_is_pk('reporunner', 'credential', ARRAY['id'], 'credential PK is (id)');
SELECT col_is_pk('reporunner', 'trigger', ARRAY['id'], 'trigger PK is (id)');
SELECT col_is_pk('reporunner', 'audit', ARRAY['id'], 'audit PK is (id)');

SELECT col_is_unique('reporunner', 'workflow', ARRAY['owner', 'name'],
	'workflow names are unique per owner');
SELECT col_is_unique('reporunner', 'workflow', ARRAY['id', 'owner'],
	'workflow (id, owner) is unique, so children can reference it with their owner');
SELECT col_is_unique('reporunner', 'credential', ARRAY['owner', 'name'],
	'credential names are unique per owner');
SELECT col_is_unique('reporunner', 'node', ARRAY['workflow_id', 'version', 'position'],
	'node positions are unique per version');
SELECT index_is_unique('reporunner', 'execution', 'execution_idempotency_key',
	'execution idempotency keys are unique per workflow (a partial index: executions without a key cost no entry)');

SELECT fk_ok('reporunner', 'workflow_version', ARRAY['workflow_id', 'owner'],
			 'reporunner', 'workflow', ARRAY['id', 'owner'],
	'workflow_version (workflow_id, owner) references workflow (id, owner): a version has its workflow''s owner');
SELECT fk_ok('reporunner', 'trigger', ARRAY['workflow_id', 'owner'],
			 'reporunner', 'workflow', ARRAY['id', 'owner'],
	'trigger (workflow_id, owner) references workflow (id, owner): a trigger has its workflow''s owner');
-- (a trigger, not a foreign key: one each way would leave pg_dump no
-- order in which to restore the two tables)
SELECT trigger_is('reporunner', 'workflow', 'workflow_active_version_check',
				  'reporunner', 'check_active_version',
	'workflow (id, active_version) names one of its own versions, checked by a trigger');
SELECT trigger_is('reporunner', 'workflow', 'workflow_audit', 'reporunner', 'audit_workflow',
	'activations, renames and deletions of workflows are audited by a trigger, however they are made');
SELECT trigger_is('reporunner', 'audit', 'audit_append_only', 'reporunner', 'audit_append_only',
	'audit rows are never updated nor truncated, not even by the tables'' owner');
SELECT fk_ok('reporunner', 'node', ARRAY['workflow_id', 'version'],
			 'reporunner', 'workflow_version', ARRAY['workflow_id', 'version'],
	'node references workflow_version');
SELECT fk_ok('reporunner', 'edge', ARRAY['workflow_id', 'version', 'from_node'],
			 'reporunner', 'node', ARRAY['workflow_id', 'version', 'name'],
	'edge from_node references a node of the same version');
SELECT fk_ok('reporunner', 'edge', ARRAY['workflow_id', 'version', 'to_node'],
			 'reporunner', 'node', ARRAY['workflow_id', 'version', 'name'],
	'edge to_node references a node of the same version');
-- (a lock and a trigger, not a foreign key: its row lock on the version
-- was a write at every insert; src/catalog/version_hold.c)
SELECT col_isnt_fk('reporunner', 'execution', 'version',
	'execution version is no foreign key (the engine holds the workflow while it writes one)');
SELECT trigger_is('reporunner', 'workflow', 'workflow_executions_delete',
				  'reporunner', 'delete_workflow_executions',
	'deleting a workflow deletes its executions, by a trigger');
SELECT trigger_is('reporunner', 'workflow', 'workflow_changed',
				  'reporunner', 'catalog_changed',
	'every change of workflows is announced to the sessions that keep them');
SELECT trigger_is('reporunner', 'trigger', 'trigger_changed',
				  'reporunner', 'catalog_changed',
	'every change of trigger registrations is announced to the sessions that keep them');
SELECT col_isnt_fk('reporunner', 'execution', 'parent_id',
	'execution parent_id is no foreign key (a sub-workflow run in execute() is written before its caller)');
SELECT fk_ok('reporunner', 'step_journal', ARRAY['execution_id'],
			 'reporunner', 'execution', ARRAY['id'],
	'step_journal references execution');
SELECT col_isnt_fk('reporunner', 'queue', 'execution_id',
	'queue execution_id is no foreign key (its row is written with its execution''s, which a deletion waits for)');
SELECT trigger_is('reporunner', 'execution', 'execution_queue_delete',
				  'reporunner', 'delete_queue_rows',
	'deleting executions deletes their queue rows, by a trigger');

-- what happens to children when a workflow or execution goes away
SELECT results_eq(
	$$SELECT conrelid::regclass::text, conname::text COLLATE "default", confdeltype::text, confupdtype::text
	  FROM pg_constraint
	  WHERE contype = 'f' AND connamespace = 'reporunner'::regnamespace
		AND conrelid::regclass::text IN ('reporunner.workflow', 'reporunner.workflow_version',
			'reporunner.node', 'reporunner.edge', 'reporunner.execution', 'reporunner.step_journal',
			'reporunner.queue', 'reporunner.credential', 'reporunner.trigger')
	  ORDER BY 1, 2$$,
	$$VALUES
		('reporunner.edge', 'edge_from_node_fkey', 'c', 'a'),
		('reporunner.edge', 'edge_to_node_fkey', 'c', 'a'),
		('reporunner.node', 'node_version_fkey', 'c', 'a'),
		('reporunner.step_journal', 'step_journal_execution_id_fkey', 'c', 'a'),
		('reporunner.trigger', 'trigger_workflow_fkey', 'c', 'a'),
		('reporunner.workflow_version', 'workflow_version_workflow_fkey', 'c', 'a')$$,
	'the foreign keys of the nine tables and their ON DELETE / ON UPDATE actions are exactly these');

------------------------------------------------------------------------
-- Indexes
------------------------------------------------------------------------
SELECT has_index('reporunner', 'edge', 'edge_to_node_idx',
	ARRAY['workflow_id', 'version', 'to_node'], 'index edge_to_node_idx on edge (workflow_id, version, to_node)');
SELECT has_index('reporunner', 'execution', 'execution_workflow_idx',
	ARRAY['workflow_id', 'created_at'], 'index execution_workflow_idx on execution (workflow_id, created_at)');
SELECT has_index('reporunner', 'execution', 'execution_parent_idx',
	ARRAY['parent_id'], 'index execution_parent_idx on execution (parent_id)');
SELECT has_index('reporunner', 'execution', 'execution_wake_idx',
	ARRAY['wake_at'], 'index execution_wake_idx on execution (wake_at)');
SELECT has_index('reporunner', 'execution', 'execution_finished_idx',
	ARRAY['finished_at'], 'index execution_finished_idx on execution (finished_at)');
SELECT has_index('reporunner', 'queue', 'queue_ready_idx',
	ARRAY['priority', 'ready_at'], 'index queue_ready_idx on queue (priority, ready_at)');
SELECT has_index('reporunner', 'step_journal', 'step_journal_retried_idx',
	ARRAY['execution_id'], 'index step_journal_retried_idx on step_journal (execution_id)');
SELECT has_index('reporunner', 'audit', 'audit_at_idx',
	ARRAY['at'], 'index audit_at_idx on audit (at)');
SELECT has_index('reporunner', 'trigger', 'trigger_workflow_idx',
	ARRAY['workflow_id'], 'index trigger_workflow_idx on trigger (workflow_id)');

SELECT is((SELECT pg_get_expr(indpred, indrelid) FROM pg_index
		   WHERE indexrelid = to_regclass('reporunner.execution_wake_idx')),
	'((status)::text = ''waiting''::text)', 'execution_wake_idx only covers waiting executions');
-- an execution's status and mode are checked by their domains
SELECT throws_ok($$INSERT INTO reporunner.execution (workflow_id, version, owner, status, mode, created_by)
	VALUES (0, 1, 10, 'done', 'call', 10)$$, '23514',
	'value for domain reporunner.execution_status violates check constraint "execution_status_check"',
	'an execution status outside the list is refused');
SELECT throws_ok($$INSERT INTO reporunner.execution (workflow_id, version, owner, mode, created_by)
	VALUES (0, 1, 10, 'cron', 10)$$, '23514',
	'value for domain reporunner.execution_mode violates check constraint "execution_mode_check"',
	'an execution mode outside the list is refused');
-- so are a step's status and every attempt number
SELECT throws_ok($$INSERT INTO reporunner.execution (workflow_id, version, owner, mode, created_by, attempt)
	VALUES (0, 1, 10, 'call', 10, 0)$$, '23514',
	'value for domain reporunner.attempt_number violates check constraint "attempt_number_check"',
	'an execution attempt below 1 is refused');
SELECT throws_ok($$INSERT INTO reporunner.step_journal (execution_id, node, owner, status)
	VALUES (0, 'a', 10, 'done')$$, '23514',
	'value for domain reporunner.step_status violates check constraint "step_status_check"',
	'a step status outside the list is refused');
SELECT throws_ok($$INSERT INTO reporunner.step_journal (execution_id, node, owner, status, attempt)
	VALUES (0, 'a', 10, 'running', -1)$$, '23514',
	'value for domain reporunner.attempt_number violates check constraint "attempt_number_check"',
	'a step attempt below 1 is refused');
SELECT is((SELECT pg_get_indexdef(to_regclass('reporunner.queue_ready_idx'))),
	'CREATE INDEX queue_ready_idx ON reporunner.queue USING btree (priority DESC, ready_at)',
	'queue_ready_idx sorts by priority descending, then ready_at');


------------------------------------------------------------------------
-- Row-level security
------------------------------------------------------------------------
SELECT results_eq(
	$$SELECT c.relname::text COLLATE "default", c.relrowsecurity, c.relforcerowsecurity
	  FROM pg_class c
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind = 'r'
		AND c.relname IN ('workflow', 'workflow_version', 'node', 'edge', 'execution',
						  'step_journal', 'queue', 'credential', 'trigger', 'audit')
	  ORDER BY 1$$,
	$$VALUES ('audit', true, true), ('credential', true, true), ('edge', true, true), ('execution', true, true),
			 ('node', true, true), ('queue', true, true), ('step_journal', true, true),
			 ('trigger', true, true), ('workflow', true, true),
			 ('workflow_version', true, true)$$,
	'row-level security is enabled and forced on the ten tables');
SELECT is_empty(
	$$SELECT c.relname FROM pg_class c
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind IN ('r', 'p')
		AND NOT (c.relrowsecurity AND c.relforcerowsecurity)$$,
	'no table in schema reporunner lacks enabled and forced row-level security');
SELECT is_empty(
	$$SELECT c.relname FROM pg_class c
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind IN ('r', 'p')
		AND NOT EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid)$$,
	'every table in schema reporunner has a policy');

SELECT policies_are('reporunner', t, ARRAY[t || '_tenant']::name[],
	format('%s has exactly one policy, %s_tenant', t, t))
FROM unnest(ARRAY['workflow_version', 'node', 'edge', 'queue', 'credential',
				  'trigger', 'audit']::name[]) AS t;
-- the journal: roles also see the runs they made (of workflows shared with them)
SELECT policies_are('reporunner', t, ARRAY[t || '_tenant', t || '_visible_to_creator']::name[],
	format('%s has exactly two policies, %s_tenant and %s_visible_to_creator', t, t, t))
FROM unnest(ARRAY['execution', 'step_journal']::name[]) AS t;
-- shared workflows: grantees see the workflow row and their shares, nothing else
SELECT policies_are('reporunner', 'workflow', ARRAY['workflow_tenant', 'workflow_shared']::name[],
	'workflow has exactly two policies, workflow_tenant and workflow_shared');
SELECT policies_are('reporunner', 'workflow_share', ARRAY['workflow_share_tenant', 'workflow_share_grantee']::name[],
	'workflow_share has exactly two policies, workflow_share_tenant and workflow_share_grantee');
-- connectors: tenants see their own and the shipped ones (no owner), write none
SELECT policies_are('reporunner', 'connector', ARRAY['connector_tenant', 'connector_shipped']::name[],
	'connector has exactly two policies, connector_tenant and connector_shipped');
SELECT ok((SELECT relforcerowsecurity FROM pg_class WHERE oid = 'reporunner.connector'::regclass),
	'connector forces row-level security');
SELECT table_privs_are('reporunner', 'connector', 'public', ARRAY['SELECT'],
	'PUBLIC may only read connector');
SELECT has_function('reporunner', 'save_connector', ARRAY['text', 'jsonb'],
	'save_connector(text, jsonb) exists');
-- the ai_agent node's journal: tenants read their own rows, the engine writes
SELECT has_table('reporunner', 'agent_turn', 'table reporunner.agent_turn exists');
SELECT col_is_pk('reporunner', 'agent_turn', ARRAY['execution_id', 'node', 'run_index', 'attempt', 'item', 'turn'],
	'agent_turn PK is (execution_id, node, run_index, attempt, item, turn)');
SELECT fk_ok('reporunner', 'agent_turn', 'execution_id', 'reporunner', 'execution', 'id',
	'agent_turn.execution_id references execution');
SELECT policies_are('reporunner', 'agent_turn', ARRAY['agent_turn_tenant']::name[],
	'agent_turn has exactly one policy, agent_turn_tenant');
SELECT ok((SELECT relforcerowsecurity FROM pg_class WHERE oid = 'reporunner.agent_turn'::regclass),
	'agent_turn forces row-level security');
SELECT table_privs_are('reporunner', 'agent_turn', 'public', ARRAY['SELECT'],
	'PUBLIC may only read agent_turn');
SELECT has_function('reporunner', 'drop_connector', ARRAY['text'],
	'drop_connector(text) exists');
SELECT has_function('reporunner', 'xml_to_json', ARRAY['text'],
	'xml_to_json(text) exists');
SELECT results_eq(
	$$SELECT p.polname::text COLLATE "default", p.polpermissive, p.polcmd::text
	  FROM pg_policy p
	  WHERE p.polname IN ('workflow_shared', 'workflow_share_grantee',
						  'execution_visible_to_creator', 'step_journal_visible_to_creator') ORDER BY 1$$,
	$$VALUES ('execution_visible_to_creator', true, 'r'), ('step_journal_visible_to_creator', true, 'r'),
			 ('workflow_share_grantee', true, 'r'), ('workflow_shared', true, 'r')$$,
	'the sharing and run-visibility policies are permissive and for SELECT only');

-- each policy: permissive, all commands, every role, keyed on the owner
SELECT results_eq(
	$$SELECT p.polrelid::regclass::text, p.polpermissive, p.polcmd::text,
			 p.polroles = '{0}'::oid[],
			 pg_get_expr(p.polqual, p.polrelid) COLLATE "default",
			 p.polwithcheck IS NULL
	  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
	  WHERE c.relnamespace = 'reporunner'::regnamespace
		AND c.relname IN ('workflow', 'workflow_version', 'node', 'edge', 'execution',
						  'step_journal', 'queue', 'credential', 'trigger', 'audit')
		AND p.polname LIKE '%\_tenant'
	  ORDER BY 1$$,
	$$SELECT 'reporunner.' || t, true, '*', true, 'reporunner.has_owner_access(owner)', true
	  FROM unnest(ARRAY['audit', 'credential', 'edge', 'execution', 'node', 'queue', 'step_journal',
						'trigger', 'workflow', 'workflow_version']) AS t
	  ORDER BY 1$$,
	'every policy is permissive, for ALL commands and PUBLIC, USING has_owner_access(owner), WITH CHECK the same');

SELECT is((SELECT pg_get_functiondef(to_regprocedure('reporunner.has_owner_access(oid)')) ~
				  'pg_has_role\(CURRENT_USER, owner, ''USAGE''::text\).*pg_has_role\(CURRENT_USER, ''reporunner_admin''::name, ''USAGE''::text\)'),
	true, 'has_owner_access(owner) checks membership in owner or in reporunner_admin');

------------------------------------------------------------------------
-- Comments
------------------------------------------------------------------------
SELECT is_empty(
	$$SELECT c.relname FROM pg_class c
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind IN ('r', 'v')
		AND obj_description(c.oid, 'pg_class') IS NULL$$,
	'every table and view has a comment');
SELECT is_empty(
	$$SELECT c.relname || '.' || a.attname FROM pg_class c
	  JOIN pg_attribute a ON a.attrelid = c.oid
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind = 'r'
		AND a.attnum > 0 AND NOT a.attisdropped
		AND col_description(c.oid, a.attnum) IS NULL$$,
	'every table column has a comment');
SELECT is_empty(
	$$SELECT c.relname FROM pg_class c
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind = 'i'
		AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = c.oid)
		AND obj_description(c.oid, 'pg_class') IS NULL$$,
	'every index that does not back a constraint has a comment');
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace = 'reporunner'::regnamespace
		AND obj_description(p.oid, 'pg_proc') IS NULL$$,
	'every function has a comment');
SELECT is_empty(
	$$SELECT p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
	  WHERE c.relnamespace = 'reporunner'::regnamespace
		AND obj_description(p.oid, 'pg_policy') IS NULL$$,
	'every policy has a comment');
SELECT isnt(shobj_description((SELECT oid FROM pg_roles WHERE rolname = 'reporunner_admin'), 'pg_authid'), NULL,
	'role reporunner_admin has a comment');
SELECT is((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'reporunner_team'), false,
	'role reporunner_team exists and cannot log in');
SELECT isnt(shobj_description((SELECT oid FROM pg_roles WHERE rolname = 'reporunner_team'), 'pg_authid'), NULL,
	'role reporunner_team has a comment');
SELECT is((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'reporunner_http'), false,
	'role reporunner_http exists and cannot log in');
SELECT isnt(shobj_description((SELECT oid FROM pg_roles WHERE rolname = 'reporunner_http'), 'pg_authid'), NULL,
	'role reporunner_http has a comment');

------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------
SELECT has_function('reporunner', 'validate_workflow', ARRAY['jsonb'],
	'validate_workflow(jsonb) exists');
SELECT function_returns('reporunner', 'validate_workflow', ARRAY['jsonb'], 'boolean',
	'validate_workflow(jsonb) returns boolean');
SELECT has_function('reporunner', 'save_workflow', ARRAY['text', 'jsonb', 'boolean'],
	'save_workflow(text, jsonb, boolean) exists');
SELECT function_returns('reporunner', 'save_workflow', ARRAY['text', 'jsonb', 'boolean'], 'integer',
	'save_workflow(text, jsonb, boolean) returns integer');
SELECT has_function('reporunner', 'export_workflow', ARRAY['text', 'integer', 'text'],
	'export_workflow(text, integer, text) exists');
SELECT function_returns('reporunner', 'export_workflow', ARRAY['text', 'integer', 'text'], 'jsonb',
	'export_workflow(text, integer, text) returns jsonb');
SELECT has_function('reporunner', 'activate_version', ARRAY['text', 'integer'],
	'activate_version(text, integer) exists');
SELECT function_returns('reporunner', 'activate_version', ARRAY['text', 'integer'], 'void',
	'activate_version(text, integer) returns void');
SELECT has_function('reporunner', 'delete_workflow', ARRAY['text'],
	'delete_workflow(text) exists');
SELECT function_returns('reporunner', 'delete_workflow', ARRAY['text'], 'void',
	'delete_workflow(text) returns void');
SELECT has_function('reporunner', 'has_owner_access', ARRAY['oid'],
	'has_owner_access(oid) exists');
SELECT function_returns('reporunner', 'has_owner_access', ARRAY['oid'], 'boolean',
	'has_owner_access(oid) returns boolean');
SELECT has_function('reporunner', 'render', ARRAY['text', 'text', 'jsonb'],
	'render(text, text, jsonb) exists');
SELECT function_returns('reporunner', 'render', ARRAY['text', 'text', 'jsonb'], 'text',
	'render(text, text, jsonb) returns text');
SELECT has_function('reporunner', 'diff_versions', ARRAY['text', 'integer', 'integer'],
	'diff_versions(text, integer, integer) exists');
SELECT function_returns('reporunner', 'diff_versions', ARRAY['text', 'integer', 'integer'], 'setof record',
	'diff_versions(text, integer, integer) returns a table');
SELECT has_function('reporunner', 'explain', ARRAY['text', 'integer'],
	'explain(text, integer) exists');
SELECT function_returns('reporunner', 'explain', ARRAY['text', 'integer'], 'setof text',
	'explain(text, integer) returns lines of text');
SELECT has_function('reporunner', 'workflow_stats', ARRAY['interval'],
	'workflow_stats(interval) exists');
SELECT function_returns('reporunner', 'workflow_stats', ARRAY['interval'], 'setof record',
	'workflow_stats(interval) returns a table');
SELECT has_function('reporunner', 'prune_audit', ARRAY['interval'],
	'prune_audit(interval) exists');
SELECT function_returns('reporunner', 'prune_audit', ARRAY['interval'], 'bigint',
	'prune_audit(interval) returns bigint');
SELECT has_function('reporunner', 'activity_entries', ARRAY[]::name[],
	'activity_entries() exists');
SELECT function_returns('reporunner', 'activity_entries', ARRAY[]::name[], 'setof record',
	'activity_entries() returns a table');
SELECT has_function('reporunner', 'metrics', ARRAY['interval'], 'metrics(interval) exists');
SELECT function_returns('reporunner', 'metrics', ARRAY['interval'], 'text',
	'metrics(interval) returns text');
SELECT function_returns('reporunner', 'metric_samples', ARRAY['interval'], 'setof record',
	'metric_samples(interval) returns a table');
SELECT has_function('reporunner', f, args, format('%s exists', f)) FROM (VALUES
	('test_workflow'::name, ARRAY['text', 'jsonb']::name[]),
	('test_workflow_tap', ARRAY['text', 'jsonb']),
	('http_stats', ARRAY[]::name[]),
	('http_metric_samples', ARRAY[]::name[])) AS v(f, args);
SELECT function_returns('reporunner', f, args, r, format('%s returns %s', f, r)) FROM (VALUES
	('test_workflow'::name, ARRAY['text', 'jsonb']::name[], 'setof record'),
	('test_workflow_tap', ARRAY['text', 'jsonb'], 'setof text'),
	('http_stats', ARRAY[]::name[], 'setof record'),
	('http_metric_samples', ARRAY[]::name[], 'setof record')) AS v(f, args, r);
SELECT volatility_is('reporunner', f, args, 'volatile',
	format('%s is VOLATILE (it runs workflows, or reads counters that change)', f)) FROM (VALUES
	('test_workflow'::name, ARRAY['text', 'jsonb']::name[]),
	('test_workflow_tap', ARRAY['text', 'jsonb']),
	('http_stats', ARRAY[]::name[]),
	('http_metric_samples', ARRAY[]::name[])) AS v(f, args);

SELECT results_eq(
	$$SELECT p.proname::text COLLATE "default", pg_get_function_arguments(p.oid)
	  FROM pg_proc p WHERE p.pronamespace = 'reporunner'::regnamespace
		AND p.proname IN ('activate_version', 'delete_workflow', 'diff_versions',
						  'explain', 'export_workflow', 'has_owner_access', 'render',
						  'metric_samples', 'metrics', 'save_workflow', 'validate_workflow',
						  'workflow_stats')
	  ORDER BY 1$$,
	$$VALUES
		('activate_version', 'name text, version integer'),
		('delete_workflow', 'name text'),
		('diff_versions', 'workflow text, from_version integer, to_version integer'),
		('explain', 'workflow text, version integer DEFAULT NULL::integer'),
		('export_workflow', 'name text, version integer DEFAULT NULL::integer, format text DEFAULT ''native''::text'),
		('has_owner_access', 'owner oid'),
		('metric_samples', 'since interval DEFAULT ''01:00:00''::interval'),
		('metrics', 'since interval DEFAULT ''01:00:00''::interval'),
		('render', 'workflow text, format text DEFAULT ''mermaid''::text, options jsonb DEFAULT ''{}''::jsonb'),
		('save_workflow', 'name text, definition jsonb, activate boolean DEFAULT true'),
		('validate_workflow', 'definition jsonb'),
		('workflow_stats', 'since interval')$$,
	'function argument names and defaults are as documented');

SELECT isnt_definer('reporunner', f, args, format('%s is not SECURITY DEFINER', f))
FROM (VALUES
	('validate_workflow'::name, ARRAY['jsonb']::name[]),
	('save_workflow', ARRAY['text', 'jsonb', 'boolean']),
	('export_workflow', ARRAY['text', 'integer', 'text']),
	('activate_version', ARRAY['text', 'integer']),
	('delete_workflow', ARRAY['text']),
	('has_owner_access', ARRAY['oid']),
	('set_credential', ARRAY['text', 'text', 'jsonb']),
	('drop_credential', ARRAY['text']),
	('render', ARRAY['text', 'text', 'jsonb']),
	('diff_versions', ARRAY['text', 'integer', 'integer']),
	('explain', ARRAY['text', 'integer']),
	('workflow_stats', ARRAY['interval']),
	('activity_entries', ARRAY[]::name[]),
	('prune_audit', ARRAY['interval']),
	('metrics', ARRAY['interval']),
	('metric_samples', ARRAY['interval']),
	('test_workflow', ARRAY['text', 'jsonb']),
	('test_workflow_tap', ARRAY['text', 'jsonb']),
	('http_stats', ARRAY[]::name[]),
	('http_metric_samples', ARRAY[]::name[])
) AS v(f, args);
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace = 'reporunner'::regnamespace AND p.prosecdef$$,
	'no function in schema reporunner is SECURITY DEFINER');
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace = 'reporunner'::regnamespace AND p.proconfig IS NOT NULL
		AND NOT (p.oid IN ('reporunner.metrics(interval)'::regprocedure,
						   'reporunner.workflow_stats(interval)'::regprocedure)
				 AND p.proconfig = '{jit=off}')$$,
	'no function in schema reporunner carries SET options (no hidden role or search_path change; metrics() and workflow_stats() only turn JIT off)');

SELECT volatility_is('reporunner', 'save_workflow', ARRAY['text', 'jsonb', 'boolean'], 'volatile',
	'save_workflow is VOLATILE');
SELECT volatility_is('reporunner', 'activate_version', ARRAY['text', 'integer'], 'volatile',
	'activate_version is VOLATILE');
SELECT volatility_is('reporunner', 'delete_workflow', ARRAY['text'], 'volatile',
	'delete_workflow is VOLATILE');
SELECT volatility_is('reporunner', 'has_owner_access', ARRAY['oid'], 'stable',
	'has_owner_access is STABLE (it depends on the current role)');
SELECT volatility_is('reporunner', 'render', ARRAY['text', 'text', 'jsonb'], 'stable',
	'render is STABLE (it only reads)');
SELECT volatility_is('reporunner', 'diff_versions', ARRAY['text', 'integer', 'integer'], 'stable',
	'diff_versions is STABLE (it only reads)');
SELECT volatility_is('reporunner', 'explain', ARRAY['text', 'integer'], 'stable',
	'explain is STABLE (it only reads)');
SELECT volatility_is('reporunner', 'workflow_stats', ARRAY['interval'], 'stable',
	'workflow_stats is STABLE (it only reads, and is inlined into the query that calls it)');
SELECT volatility_is('reporunner', 'metric_samples', ARRAY['interval'], 'stable',
	'metric_samples is STABLE (it only reads, and is inlined into the query that calls it)');
SELECT volatility_is('reporunner', 'metrics', ARRAY['interval'], 'stable',
	'metrics is STABLE (it only reads)');
SELECT volatility_is('reporunner', 'activity_entries', ARRAY[]::name[], 'volatile',
	'activity_entries is VOLATILE (what runs changes from one read to the next)');

SELECT function_privs_are('reporunner', f, args, 'public', ARRAY['EXECUTE'],
	format('PUBLIC may execute %s', f))
FROM (VALUES
	('validate_workflow'::name, ARRAY['jsonb']::name[]),
	('save_workflow', ARRAY['text', 'jsonb', 'boolean']),
	('export_workflow', ARRAY['text', 'integer', 'text']),
	('activate_version', ARRAY['text', 'integer']),
	('delete_workflow', ARRAY['text']),
	('has_owner_access', ARRAY['oid']),
	('set_credential', ARRAY['text', 'text', 'jsonb']),
	('drop_credential', ARRAY['text']),
	('render', ARRAY['text', 'text', 'jsonb']),
	('diff_versions', ARRAY['text', 'integer', 'integer']),
	('explain', ARRAY['text', 'integer']),
	('workflow_stats', ARRAY['interval']),
	('activity_entries', ARRAY[]::name[]),
	('prune_audit', ARRAY['interval']),
	('metrics', ARRAY['interval']),
	('metric_samples', ARRAY['interval']),
	('test_workflow', ARRAY['text', 'jsonb']),
	('test_workflow_tap', ARRAY['text', 'jsonb']),
	('http_stats', ARRAY[]::name[]),
	('http_metric_samples', ARRAY[]::name[])
) AS v(f, args);

SELECT isnt_definer('reporunner', 'rotate_key', ARRAY[]::name[],
	'rotate_key is not SECURITY DEFINER');
SELECT function_privs_are('reporunner', 'rotate_key', ARRAY[]::name[], 'public', ARRAY[]::name[],
	'PUBLIC may not execute rotate_key (superusers only)');

------------------------------------------------------------------------
-- Views run as the invoker
------------------------------------------------------------------------
SELECT ok((SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class
		   WHERE oid = to_regclass('reporunner.workflows')),
	'view workflows is security_invoker');
SELECT ok((SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class
		   WHERE oid = to_regclass('reporunner.workflow_versions')),
	'view workflow_versions is security_invoker');
SELECT ok((SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class
		   WHERE oid = to_regclass('reporunner.credentials')),
	'view credentials is security_invoker');
SELECT ok((SELECT 'security_invoker=true' = ANY (reloptions) FROM pg_class
		   WHERE oid = to_regclass('reporunner.' || v)),
	format('view %s is security_invoker', v))
FROM unnest(ARRAY['steps', 'workflow_stats', 'activity']) AS v;

------------------------------------------------------------------------
-- The administrators' role
------------------------------------------------------------------------
SELECT has_role('reporunner_admin', 'role reporunner_admin exists');
SELECT isnt_superuser('reporunner_admin', 'reporunner_admin is not a superuser');
SELECT is((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'reporunner_admin'),
	false, 'reporunner_admin cannot log in');
SELECT is((SELECT rolbypassrls FROM pg_roles WHERE rolname = 'reporunner_admin'),
	false, 'reporunner_admin does not bypass RLS (it gets access through the policies)');

------------------------------------------------------------------------
-- What PUBLIC may do
------------------------------------------------------------------------
SELECT schema_privs_are('reporunner', 'public', ARRAY['USAGE'],
	'PUBLIC has USAGE (and not CREATE) on schema reporunner');

SELECT table_privs_are('reporunner', 'workflow', 'public', ARRAY['SELECT', 'DELETE'],
	'PUBLIC has exactly SELECT and DELETE on the whole of workflow');
SELECT column_privs_are('reporunner', 'workflow', c, 'public', privs,
	format('PUBLIC has exactly %s on workflow.%s', privs, c))
FROM (VALUES
	('id'::name, ARRAY['SELECT']::name[]),
	('owner', ARRAY['SELECT', 'INSERT']),
	('name', ARRAY['SELECT', 'INSERT', 'UPDATE']),
	('active_version', ARRAY['SELECT', 'UPDATE']),
	('created_at', ARRAY['SELECT']),
	('updated_at', ARRAY['SELECT', 'UPDATE'])
) AS v(c, privs);

SELECT table_privs_are('reporunner', t, 'public', ARRAY['SELECT'],
	format('PUBLIC has exactly SELECT on %s (no INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER)', t))
FROM unnest(ARRAY['workflow_version', 'node', 'edge', 'execution', 'step_journal', 'queue',
				  'trigger', 'workflows', 'workflow_versions', 'step', 'credentials',
				  'steps', 'workflow_stats', 'activity', 'audit']::name[]) AS t;

SELECT is_empty(
	$$SELECT a.attrelid::regclass || '.' || a.attname FROM pg_attribute a
	  WHERE a.attrelid IN (to_regclass('reporunner.workflow_version'), to_regclass('reporunner.node'),
						   to_regclass('reporunner.edge'), to_regclass('reporunner.execution'),
						   to_regclass('reporunner.step_journal'), to_regclass('reporunner.queue'),
						   to_regclass('reporunner.trigger'), to_regclass('reporunner.audit'))
		AND a.attacl IS NOT NULL$$,
	'no column-level grants on the engine-written tables (so no column can be written by PUBLIC)');

SELECT table_privs_are('reporunner', 'credential', 'public', ARRAY[]::name[],
	'PUBLIC has no table-wide privilege on credential');
SELECT column_privs_are('reporunner', 'credential', 'secret', 'public', ARRAY[]::name[],
	'PUBLIC cannot read or write credential.secret');
SELECT column_privs_are('reporunner', 'credential', c, 'public', ARRAY['SELECT'],
	format('PUBLIC may only SELECT credential.%s', c))
FROM unnest(ARRAY['id', 'owner', 'name', 'type', 'created_at', 'rotated_at', 'key_id',
				  'updated_at']::name[]) AS c;

-- the ACLs, literally: nothing more is granted to anyone
SELECT results_eq(
	$$SELECT c.relname::text COLLATE "default", a.grantee, a.privilege_type::text
	  FROM pg_class c, aclexplode(c.relacl) a
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind IN ('r', 'v')
		AND a.grantee <> c.relowner
		AND c.relname IN ('workflow', 'workflow_version', 'node', 'edge', 'execution', 'step_journal',
						  'step', 'queue', 'credential', 'trigger', 'workflows', 'workflow_versions',
						  'credentials', 'audit')
	  ORDER BY 1, 3$$,
	$$VALUES ('audit', 0::oid, 'SELECT'), ('credentials', 0::oid, 'SELECT'), ('edge', 0, 'SELECT'), ('execution', 0, 'SELECT'), ('node', 0, 'SELECT'),
			 ('queue', 0, 'SELECT'), ('step', 0, 'SELECT'), ('step_journal', 0, 'SELECT'),
			 ('trigger', 0, 'SELECT'),
			 ('workflow', 0, 'DELETE'), ('workflow', 0, 'SELECT'),
			 ('workflow_version', 0, 'SELECT'),
			 ('workflow_versions', 0, 'SELECT'), ('workflows', 0, 'SELECT')$$,
	'table-level grants to roles other than the owner are exactly PUBLIC''s');
SELECT results_eq(
	$$SELECT (c.relname || '.' || t.attname) COLLATE "default", a.grantee, a.privilege_type::text
	  FROM pg_class c JOIN pg_attribute t ON t.attrelid = c.oid, aclexplode(t.attacl) a
	  WHERE c.relnamespace = 'reporunner'::regnamespace AND c.relkind IN ('r', 'v')
		AND a.grantee <> c.relowner
		AND c.relname IN ('workflow', 'workflow_version', 'node', 'edge', 'execution', 'step_journal',
						  'queue', 'credential', 'trigger', 'workflows', 'workflow_versions')
	  ORDER BY 1, 3$$,
	$$VALUES ('credential.created_at', 0::oid, 'SELECT'), ('credential.id', 0, 'SELECT'),
			 ('credential.key_id', 0, 'SELECT'),
			 ('credential.name', 0, 'SELECT'), ('credential.owner', 0, 'SELECT'),
			 ('credential.rotated_at', 0, 'SELECT'), ('credential.type', 0, 'SELECT'),
			 ('credential.updated_at', 0, 'SELECT'),
			 ('workflow.active_version', 0, 'UPDATE'), ('workflow.name', 0, 'INSERT'),
			 ('workflow.name', 0, 'UPDATE'), ('workflow.owner', 0, 'INSERT'),
			 ('workflow.updated_at', 0, 'UPDATE')$$,
	'column-level grants are exactly PUBLIC''s on workflow and credential');

SELECT * FROM finish();
ROLLBACK;
