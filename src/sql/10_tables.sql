/*
 * Tables.  Every tenant-owned row carries "owner", the role it belongs to;
 * row-level security (20_security.sql) keys on it.  All tables are logged.
 *
 * Surrogate keys come from sequences (bigserial), not identity columns:
 * pg_dump dumps the position of a sequence the extension marks with
 * pg_extension_config_dump(), and refuses to mark an identity column's, so
 * after a restore an identity column would hand out its ids again.
 */

CREATE TABLE reporunner.workflow (
	id				bigserial PRIMARY KEY,
	owner			oid NOT NULL,
	name			text NOT NULL,
	active_version	integer,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT workflow_owner_name_key UNIQUE (owner, name),
	CONSTRAINT workflow_id_owner_key UNIQUE (id, owner),
	CONSTRAINT workflow_name_check
		CHECK (name <> '' AND pg_catalog.octet_length(name) <= 128 AND name !~ '[[:cntrl:]]')
);
CREATE INDEX workflow_name_idx ON reporunner.workflow (name);
COMMENT ON INDEX reporunner.workflow_name_idx IS 'Finds workflows by name, as every API call does';
COMMENT ON TABLE reporunner.workflow IS 'Workflows: one row per (owner, name), pointing at the active version';
COMMENT ON COLUMN reporunner.workflow.id IS 'Surrogate key';
COMMENT ON COLUMN reporunner.workflow.owner IS 'Role that owns the workflow; its nodes run with this role''s privileges. Fixed once the workflow has a version';
COMMENT ON COLUMN reporunner.workflow.name IS 'Name, unique per owner';
COMMENT ON COLUMN reporunner.workflow.active_version IS 'Version that runs when no version is asked for';
COMMENT ON COLUMN reporunner.workflow.created_at IS 'When the workflow was first saved';
COMMENT ON COLUMN reporunner.workflow.updated_at IS 'When a version was last saved or activated';

CREATE TABLE reporunner.workflow_version (
	workflow_id		bigint NOT NULL,
	version			integer NOT NULL,
	owner			oid NOT NULL,
	definition		jsonb NOT NULL,
	created_by		oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (workflow_id, version),
	CONSTRAINT workflow_version_workflow_fkey FOREIGN KEY (workflow_id, owner)
		REFERENCES reporunner.workflow (id, owner) ON DELETE CASCADE,
	CONSTRAINT workflow_version_version_check CHECK (version > 0)
);
COMMENT ON TABLE reporunner.workflow_version IS 'Every saved version of every workflow; immutable once written';
COMMENT ON COLUMN reporunner.workflow_version.workflow_id IS 'Workflow this version belongs to';
COMMENT ON COLUMN reporunner.workflow_version.version IS 'Version number, 1 for the first save, increasing by one';
COMMENT ON COLUMN reporunner.workflow_version.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.workflow_version.definition IS 'The workflow document exactly as saved';
COMMENT ON COLUMN reporunner.workflow_version.created_by IS 'Role that saved this version';
COMMENT ON COLUMN reporunner.workflow_version.created_at IS 'When this version was saved';

/*
 * The active version is one of the workflow's own versions.  Not a foreign
 * key: with one from workflow to workflow_version and one back, pg_dump
 * finds no order in which to restore the two tables' rows (each COPY checks
 * its foreign keys as it ends), and a restore fails.  Rows are restored by
 * COPY, that is INSERT; an UPDATE that sets the active version is checked,
 * as the updating role (whoever may update a workflow's row sees its
 * versions), with operators named in full since the role's search_path
 * applies.  Versions are only ever deleted with their workflow.
 */
CREATE FUNCTION reporunner.check_active_version()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	IF NEW.active_version IS NOT NULL AND NOT EXISTS (
		SELECT FROM reporunner.workflow_version v
		WHERE v.workflow_id OPERATOR(pg_catalog.=) NEW.id
		  AND v.version OPERATOR(pg_catalog.=) NEW.active_version) THEN
		RAISE EXCEPTION 'workflow "%" has no version %', NEW.name, NEW.active_version
			USING ERRCODE = 'foreign_key_violation',
				  DETAIL = 'The active version must be a saved version of the workflow.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION reporunner.check_active_version() IS 'Trigger function: the active version set by an UPDATE of reporunner.workflow is one of the workflow''s versions';
REVOKE EXECUTE ON FUNCTION reporunner.check_active_version() FROM PUBLIC;
CREATE TRIGGER workflow_active_version_check
	BEFORE UPDATE OF active_version ON reporunner.workflow
	FOR EACH ROW EXECUTE FUNCTION reporunner.check_active_version();
COMMENT ON TRIGGER workflow_active_version_check ON reporunner.workflow IS 'An active version is one of the workflow''s versions (a foreign key would make the table''s rows impossible to restore from a dump)';

CREATE TABLE reporunner.node (
	workflow_id		bigint NOT NULL,
	version			integer NOT NULL,
	owner			oid NOT NULL,
	name			text NOT NULL,
	position		integer NOT NULL,
	type			text NOT NULL,
	params			jsonb NOT NULL DEFAULT '{}',
	retry			jsonb,
	on_error		text NOT NULL DEFAULT 'stop',
	timeout			interval,
	execute_once	boolean NOT NULL DEFAULT false,
	always_output_data boolean NOT NULL DEFAULT false,
	disabled		boolean NOT NULL DEFAULT false,
	notes			text,
	PRIMARY KEY (workflow_id, version, name),
	CONSTRAINT node_position_key UNIQUE (workflow_id, version, position),
	CONSTRAINT node_version_fkey FOREIGN KEY (workflow_id, version)
		REFERENCES reporunner.workflow_version (workflow_id, version) ON DELETE CASCADE,
	CONSTRAINT node_on_error_check CHECK (on_error IN ('stop', 'continue', 'error_output'))
);
COMMENT ON TABLE reporunner.node IS 'Nodes of each workflow version, in relational form for the executor';
COMMENT ON COLUMN reporunner.node.workflow_id IS 'Workflow the node belongs to';
COMMENT ON COLUMN reporunner.node.version IS 'Version the node belongs to';
COMMENT ON COLUMN reporunner.node.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.node.name IS 'Node name, unique within the version';
COMMENT ON COLUMN reporunner.node.position IS 'Zero-based position of the node in the document; breaks ties in execution order';
COMMENT ON COLUMN reporunner.node.type IS 'Node type, such as set, if or sql';
COMMENT ON COLUMN reporunner.node.params IS 'Type-specific parameters, possibly holding {{ }} expressions';
COMMENT ON COLUMN reporunner.node.retry IS 'Retry policy: tries, delay, backoff, max_delay, jitter';
COMMENT ON COLUMN reporunner.node.on_error IS 'What a failure does: stop, continue, or error_output';
COMMENT ON COLUMN reporunner.node.timeout IS 'Longest time one run of the node may take';
COMMENT ON COLUMN reporunner.node.execute_once IS 'Run once with the first item instead of once per item';
COMMENT ON COLUMN reporunner.node.always_output_data IS 'Emit one empty item when the node would output nothing';
COMMENT ON COLUMN reporunner.node.disabled IS 'Pass items through without running the node';
COMMENT ON COLUMN reporunner.node.notes IS 'Free text for people';

CREATE TABLE reporunner.edge (
	workflow_id		bigint NOT NULL,
	version			integer NOT NULL,
	owner			oid NOT NULL,
	from_node		text NOT NULL,
	output			text NOT NULL DEFAULT 'main',
	to_node			text NOT NULL,
	input			integer NOT NULL DEFAULT 0,
	PRIMARY KEY (workflow_id, version, from_node, output, to_node, input),
	CONSTRAINT edge_from_node_fkey FOREIGN KEY (workflow_id, version, from_node)
		REFERENCES reporunner.node (workflow_id, version, name) ON DELETE CASCADE,
	CONSTRAINT edge_to_node_fkey FOREIGN KEY (workflow_id, version, to_node)
		REFERENCES reporunner.node (workflow_id, version, name) ON DELETE CASCADE,
	CONSTRAINT edge_input_check CHECK (input >= 0)
);
CREATE INDEX edge_to_node_idx ON reporunner.edge (workflow_id, version, to_node);
COMMENT ON TABLE reporunner.edge IS 'Connections of each workflow version: from a node''s output to a node''s input';
COMMENT ON COLUMN reporunner.edge.workflow_id IS 'Workflow the connection belongs to';
COMMENT ON COLUMN reporunner.edge.version IS 'Version the connection belongs to';
COMMENT ON COLUMN reporunner.edge.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.edge.from_node IS 'Node whose output items travel along the connection';
COMMENT ON COLUMN reporunner.edge.output IS 'Output of from_node, such as main, true, false or error';
COMMENT ON COLUMN reporunner.edge.to_node IS 'Node that receives the items';
COMMENT ON COLUMN reporunner.edge.input IS 'Zero-based input of to_node (merge nodes have several)';
COMMENT ON INDEX reporunner.edge_to_node_idx IS 'Finds the connections into a node';

CREATE TABLE reporunner.workflow_share (
	workflow_id		bigint NOT NULL,
	owner			oid NOT NULL,
	grantee			oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (workflow_id, grantee),
	CONSTRAINT workflow_share_workflow_fkey FOREIGN KEY (workflow_id, owner)
		REFERENCES reporunner.workflow (id, owner) ON DELETE CASCADE
);
CREATE INDEX workflow_share_grantee_idx ON reporunner.workflow_share (grantee);
COMMENT ON TABLE reporunner.workflow_share IS 'Roles a workflow is shared with: they may run it, not see or change its versions';
COMMENT ON COLUMN reporunner.workflow_share.workflow_id IS 'Workflow that is shared';
COMMENT ON COLUMN reporunner.workflow_share.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.workflow_share.grantee IS 'Role that may run the workflow, with its members';
COMMENT ON COLUMN reporunner.workflow_share.created_at IS 'When the workflow was shared';
COMMENT ON INDEX reporunner.workflow_share_grantee_idx IS 'Finds the workflows shared with a role';

/*
 * The journal's checked columns (an execution's status and mode, a step's
 * status, their attempt numbers) are domains rather than CHECK constraints
 * of the tables: PostgreSQL reads a table's CHECK constraints from their
 * stored text at every statement that writes a row, which cost a sixth of
 * a saved execute() and a twentieth of a start(); a domain's constraints
 * are read once per session.
 */
CREATE DOMAIN reporunner.attempt_number AS integer
	CONSTRAINT attempt_number_check CHECK (VALUE > 0);
COMMENT ON DOMAIN reporunner.attempt_number IS 'Attempt of an execution or a step: 1, then one more per retry';
CREATE DOMAIN reporunner.step_status AS text
	CONSTRAINT step_status_check
	CHECK (VALUE IN ('running', 'succeeded', 'failed', 'skipped', 'waiting', 'retrying', 'canceled'));
COMMENT ON DOMAIN reporunner.step_status IS 'Status of a step: running, succeeded, failed, skipped, waiting, retrying or canceled';
CREATE DOMAIN reporunner.execution_status AS text
	CONSTRAINT execution_status_check
	CHECK (VALUE IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'));
COMMENT ON DOMAIN reporunner.execution_status IS 'Status of an execution: queued, running, waiting, succeeded, failed or canceled';
CREATE DOMAIN reporunner.execution_mode AS text
	CONSTRAINT execution_mode_check
	CHECK (VALUE IN ('call', 'start', 'table', 'schedule', 'notify', 'retry', 'error', 'subworkflow'));
COMMENT ON DOMAIN reporunner.execution_mode IS 'How an execution started: call, start, table, schedule, notify, retry, error or subworkflow';

CREATE TABLE reporunner.execution (
	id				bigserial PRIMARY KEY,
	workflow_id		bigint NOT NULL,
	version			integer NOT NULL,
	owner			oid NOT NULL,
	status			reporunner.execution_status NOT NULL DEFAULT 'queued',
	mode			reporunner.execution_mode NOT NULL,
	input			jsonb COMPRESSION lz4 NOT NULL DEFAULT '[]',
	output			jsonb COMPRESSION lz4,
	error			jsonb,
	parent_id		bigint,
	idempotency_key text,
	attempt			reporunner.attempt_number NOT NULL DEFAULT 1,
	created_by		oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	started_at		timestamptz,
	finished_at		timestamptz,
	wake_at			timestamptz,
	steps			json,
	trigger_id		bigint,
	input_rows		bytea COMPRESSION lz4,
	call_level		smallint
);
CREATE INDEX execution_workflow_idx ON reporunner.execution (workflow_id, created_at);
CREATE INDEX execution_parent_idx ON reporunner.execution (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX execution_wake_idx ON reporunner.execution (wake_at) WHERE status = 'waiting';
CREATE UNIQUE INDEX execution_idempotency_key ON reporunner.execution (workflow_id, idempotency_key)
	WHERE idempotency_key IS NOT NULL;
CREATE INDEX execution_finished_idx ON reporunner.execution USING brin (finished_at);
CREATE INDEX execution_trigger_idx ON reporunner.execution (trigger_id, created_at)
	WHERE trigger_id IS NOT NULL;
COMMENT ON TABLE reporunner.execution IS 'One row per run of a workflow, pinned to the version it started with';
COMMENT ON COLUMN reporunner.execution.id IS 'Execution id, as returned by start()';
COMMENT ON COLUMN reporunner.execution.workflow_id IS 'Workflow that runs';
COMMENT ON COLUMN reporunner.execution.version IS 'Version that runs; fixed when the execution is created';
COMMENT ON COLUMN reporunner.execution.owner IS 'Owner of the workflow; node code runs as this role';
COMMENT ON COLUMN reporunner.execution.status IS 'queued, running, waiting, succeeded, failed or canceled';
COMMENT ON COLUMN reporunner.execution.mode IS 'How it started: call, start, table, schedule, notify, retry, error (an error workflow run for a failed execution) or subworkflow';
COMMENT ON COLUMN reporunner.execution.input IS 'Input items (a jsonb array of objects)';
COMMENT ON COLUMN reporunner.execution.output IS 'Items of the final node(s) when it succeeded';
COMMENT ON COLUMN reporunner.execution.error IS 'Failure: node, message, SQLSTATE and detail';
COMMENT ON COLUMN reporunner.execution.parent_id IS 'Execution that started this one (sub-workflows, executions queued by its node code, error workflows, retries); not a foreign key, since a sub-workflow run inside execute() is written before its caller and either may be pruned first';
COMMENT ON COLUMN reporunner.execution.idempotency_key IS 'Caller-chosen key; a second start with the same key returns the same execution';
COMMENT ON COLUMN reporunner.execution.attempt IS 'Execution-level attempt number';
COMMENT ON COLUMN reporunner.execution.created_by IS 'Role that started the execution';
COMMENT ON COLUMN reporunner.execution.created_at IS 'When the execution was created';
COMMENT ON COLUMN reporunner.execution.started_at IS 'When a worker or caller first ran it';
COMMENT ON COLUMN reporunner.execution.finished_at IS 'When it reached a final status';
COMMENT ON COLUMN reporunner.execution.wake_at IS 'When a waiting execution becomes runnable again';
COMMENT ON COLUMN reporunner.execution.trigger_id IS 'Trigger (table trigger, schedule or NOTIFY trigger) that started the execution, if one did';
COMMENT ON COLUMN reporunner.execution.input_rows IS 'The rows of a statement that fired an async statement-level table trigger, kept as they are (binary) until a worker makes them the input items';
COMMENT ON COLUMN reporunner.execution.call_level IS 'How deep the execution is in a chain of executions that started one another (a queued sub-workflow; start(), retry(), fire_schedule() or a table trigger in a running workflow''s node; an error workflow): NULL when no running execution started it, else the level of the one that did plus one; reporunner.max_call_depth bounds it';
COMMENT ON COLUMN reporunner.execution.steps IS 'Steps written together with the end of the execution, as a compressed json array (read them through the reporunner.step view)';
COMMENT ON INDEX reporunner.execution_workflow_idx IS 'Lists the executions of a workflow by age';
COMMENT ON INDEX reporunner.execution_parent_idx IS 'Finds the children of an execution';
COMMENT ON INDEX reporunner.execution_wake_idx IS 'Finds waiting executions that are due';
COMMENT ON INDEX reporunner.execution_idempotency_key IS 'One execution per idempotency key and workflow';
COMMENT ON INDEX reporunner.execution_trigger_idx IS 'Finds the executions a trigger started, by age (the triggers view)';
COMMENT ON INDEX reporunner.execution_finished_idx IS 'Finds finished executions for retention pruning (BRIN: executions finish in roughly the order they are inserted)';

/*
 * Executions name their version without a foreign key, whose row lock on
 * the version at every insert was a write (src/catalog/version_hold.c):
 * the engine holds a lock of the workflow while it writes one, and deleting
 * a workflow deletes its executions here, after those writers.  On Citus,
 * distribute() puts the foreign key back.
 */
CREATE FUNCTION reporunner.delete_workflow_executions()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_delete_workflow_executions';
COMMENT ON FUNCTION reporunner.delete_workflow_executions() IS 'Trigger function: deletes the executions of a deleted workflow, once the executions being written have been';
REVOKE EXECUTE ON FUNCTION reporunner.delete_workflow_executions() FROM PUBLIC;
CREATE TRIGGER workflow_executions_delete AFTER DELETE ON reporunner.workflow
	FOR EACH ROW EXECUTE FUNCTION reporunner.delete_workflow_executions();
COMMENT ON TRIGGER workflow_executions_delete ON reporunner.workflow IS 'Deletes the executions of a deleted workflow (what a foreign key to its version would cascade to)';

/*
 * Sessions keep the workflows they found by name, and the trigger
 * registrations they read, until a change to either table commits
 * (src/catalog/workflow_cache.c): these statement triggers mark the
 * changing transaction, which announces the change when it commits.
 * ALWAYS: also for changes applied by logical replication.
 */
CREATE FUNCTION reporunner.catalog_changed()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_catalog_changed';
COMMENT ON FUNCTION reporunner.catalog_changed() IS 'Trigger function: marks the transaction as one that changed workflows or trigger registrations, so that sessions forget what they keep of them when it commits';
REVOKE EXECUTE ON FUNCTION reporunner.catalog_changed() FROM PUBLIC;
CREATE TRIGGER workflow_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reporunner.workflow
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.catalog_changed();
ALTER TABLE reporunner.workflow ENABLE ALWAYS TRIGGER workflow_changed;
COMMENT ON TRIGGER workflow_changed ON reporunner.workflow IS 'Announces committed changes of workflows to the sessions that keep them';

CREATE TABLE reporunner.step_journal (
	execution_id	bigint NOT NULL REFERENCES reporunner.execution (id) ON DELETE CASCADE,
	node			text NOT NULL,
	run_index		integer NOT NULL DEFAULT 0,
	owner			oid NOT NULL,
	attempt			reporunner.attempt_number NOT NULL DEFAULT 1,
	status			reporunner.step_status NOT NULL,
	output			jsonb,
	error			jsonb,
	started_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	finished_at		timestamptz,
	retry_at		timestamptz,
	attempts		jsonb,
	paired			jsonb,
	PRIMARY KEY (execution_id, node, run_index)
);
CREATE INDEX step_journal_retried_idx ON reporunner.step_journal (execution_id)
	WHERE attempts IS NOT NULL;
COMMENT ON INDEX reporunner.step_journal_retried_idx IS 'Finds the steps that were retried (workflow_stats counts their retries)';
COMMENT ON TABLE reporunner.step_journal IS 'Steps journaled one by one while their execution runs in a worker (the others are in execution.steps); read both through the reporunner.step view';
COMMENT ON COLUMN reporunner.step_journal.execution_id IS 'Execution the step belongs to';
COMMENT ON COLUMN reporunner.step_journal.node IS 'Name of the node that ran';
COMMENT ON COLUMN reporunner.step_journal.run_index IS 'Zero-based run of that node within the execution';
COMMENT ON COLUMN reporunner.step_journal.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.step_journal.attempt IS 'Attempt that produced this outcome (1 unless retried)';
COMMENT ON COLUMN reporunner.step_journal.status IS 'running, succeeded, failed, skipped, waiting, retrying or canceled';
COMMENT ON COLUMN reporunner.step_journal.output IS 'Output items per output name';
COMMENT ON COLUMN reporunner.step_journal.error IS 'Failure: message, SQLSTATE and detail';
COMMENT ON COLUMN reporunner.step_journal.started_at IS 'When the step started';
COMMENT ON COLUMN reporunner.step_journal.finished_at IS 'When the step finished';
COMMENT ON COLUMN reporunner.step_journal.retry_at IS 'When a retrying step runs again';
COMMENT ON COLUMN reporunner.step_journal.attempts IS 'Failed attempts, oldest first: attempt, error, failed_at, retry_at';
COMMENT ON COLUMN reporunner.step_journal.paired IS 'Where output items came from, per output name: per item the input item (a number), several ({"input", "item"} for inputs after the first), or null; outputs left out (or NULL) pair item i with input item i';

CREATE TABLE reporunner.queue (
	execution_id	bigint PRIMARY KEY,
	owner			oid NOT NULL,
	priority		integer NOT NULL DEFAULT 0,
	ready_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	lease_owner		integer
);
CREATE INDEX queue_ready_idx ON reporunner.queue (priority DESC, ready_at);
CREATE INDEX queue_owner_idx ON reporunner.queue (owner, priority DESC, ready_at);
CREATE INDEX queue_leased_idx ON reporunner.queue (owner) WHERE lease_owner IS NOT NULL;
COMMENT ON TABLE reporunner.queue IS 'Executions that are runnable now or soon; rows leave as soon as an execution waits or finishes';
COMMENT ON COLUMN reporunner.queue.execution_id IS 'Execution to run';
COMMENT ON COLUMN reporunner.queue.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.queue.priority IS 'Higher runs first';
COMMENT ON COLUMN reporunner.queue.ready_at IS 'Earliest time the execution may run; infinity while a worker runs it';
COMMENT ON COLUMN reporunner.queue.lease_owner IS 'Process id of the worker running it, once it has committed a step (ready_at is then infinity, out of the claims'' way); a lease whose worker died is freed';
COMMENT ON INDEX reporunner.queue_ready_idx IS 'Claim order: priority, then age';
COMMENT ON INDEX reporunner.queue_owner_idx IS 'Claims serve owners in turn: each owner''s next execution, by priority then age';
COMMENT ON INDEX reporunner.queue_leased_idx IS 'Executions each owner runs now, for reporunner.max_workers_per_owner';

/*
 * A queue row names its execution without a foreign key, whose check
 * locked the execution row at every start() (src/engine/journal.c writes
 * a queue row only while it inserts or updates its execution row, in the
 * same transaction, so a deletion of the execution waits for it): deleting
 * executions deletes their queue rows here, as the role that deletes them
 * (the engine, as the tables' owner), with operators named in full since
 * its search_path applies.  On Citus, distribute() puts the foreign key
 * back.
 */
CREATE FUNCTION reporunner.delete_queue_rows()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	DELETE FROM reporunner.queue
	WHERE execution_id OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT id FROM deleted_executions));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION reporunner.delete_queue_rows() IS 'Trigger function: deletes the queue rows of deleted executions';
REVOKE EXECUTE ON FUNCTION reporunner.delete_queue_rows() FROM PUBLIC;
CREATE TRIGGER execution_queue_delete AFTER DELETE ON reporunner.execution
	REFERENCING OLD TABLE AS deleted_executions
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.delete_queue_rows();
COMMENT ON TRIGGER execution_queue_delete ON reporunner.execution IS 'Deletes the queue rows of deleted executions (what a foreign key to the execution would cascade to)';

CREATE TABLE reporunner.credential (
	id				bigserial PRIMARY KEY,
	owner			oid NOT NULL,
	name			text NOT NULL,
	type			text NOT NULL,
	secret			bytea NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	rotated_at		timestamptz,
	key_id			text NOT NULL,
	updated_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT credential_owner_name_key UNIQUE (owner, name)
);
COMMENT ON TABLE reporunner.credential IS 'Credentials for outbound calls; secrets are sealed with AES-256-GCM';
COMMENT ON COLUMN reporunner.credential.id IS 'Surrogate key';
COMMENT ON COLUMN reporunner.credential.owner IS 'Role that owns the credential';
COMMENT ON COLUMN reporunner.credential.name IS 'Name, unique per owner';
COMMENT ON COLUMN reporunner.credential.type IS 'Credential type, such as bearer, basic or aws_sigv4';
COMMENT ON COLUMN reporunner.credential.secret IS 'Sealed secret (version, nonce, ciphertext and tag), bound to the owner and name; never readable by tenants';
COMMENT ON COLUMN reporunner.credential.created_at IS 'When the credential was stored';
COMMENT ON COLUMN reporunner.credential.rotated_at IS 'When rotate_key() last sealed the secret under a new master key';
COMMENT ON COLUMN reporunner.credential.key_id IS 'Id of the master key the secret is sealed under';
COMMENT ON COLUMN reporunner.credential.updated_at IS 'When set_credential() last set the secret';

CREATE TABLE reporunner.trigger (
	id				bigserial PRIMARY KEY,
	workflow_id		bigint NOT NULL,
	owner			oid NOT NULL,
	kind			text NOT NULL,
	target			text NOT NULL,
	options			jsonb NOT NULL DEFAULT '{}',
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by		oid NOT NULL,
	CONSTRAINT trigger_workflow_fkey FOREIGN KEY (workflow_id, owner)
		REFERENCES reporunner.workflow (id, owner) ON DELETE CASCADE,
	CONSTRAINT trigger_kind_check CHECK (kind IN ('table', 'schedule', 'notify'))
);
CREATE INDEX trigger_workflow_idx ON reporunner.trigger (workflow_id);
COMMENT ON TABLE reporunner.trigger IS 'Registry of what starts workflows: table triggers, schedules and NOTIFY channels';
COMMENT ON COLUMN reporunner.trigger.id IS 'Surrogate key';
COMMENT ON COLUMN reporunner.trigger.workflow_id IS 'Workflow that is started';
COMMENT ON COLUMN reporunner.trigger.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.trigger.kind IS 'table, schedule or notify';
COMMENT ON COLUMN reporunner.trigger.target IS 'The table, cron expression or channel';
COMMENT ON COLUMN reporunner.trigger.options IS 'Kind-specific options such as events, level and mode';
COMMENT ON COLUMN reporunner.trigger.created_at IS 'When the trigger was registered';
COMMENT ON COLUMN reporunner.trigger.created_by IS 'Role that registered the trigger; the workflow runs for it, as its owner';
COMMENT ON INDEX reporunner.trigger_workflow_idx IS 'Finds the triggers of a workflow';

/*
 * The rows of these tables are user data: pg_dump dumps them (the table
 * definitions come back with CREATE EXTENSION), and the positions of the
 * sequences their ids come from.
 */
SELECT pg_catalog.pg_extension_config_dump('reporunner.workflow', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.workflow_version', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.node', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.edge', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.workflow_share', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.execution', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.step_journal', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.queue', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.credential', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.trigger', '');
COMMENT ON SEQUENCE reporunner.workflow_id_seq IS 'Ids of workflows';
COMMENT ON SEQUENCE reporunner.execution_id_seq IS 'Ids of executions';
COMMENT ON SEQUENCE reporunner.credential_id_seq IS 'Ids of credentials';
COMMENT ON SEQUENCE reporunner.trigger_id_seq IS 'Ids of triggers';
SELECT pg_catalog.pg_extension_config_dump('reporunner.workflow_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.execution_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.credential_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.trigger_id_seq', '');
