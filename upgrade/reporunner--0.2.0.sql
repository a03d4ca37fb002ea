/*
 * Reporunner install script.  Built by concatenating the files of src/sql in name
 * order; edit the pieces, not the built file.
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION reporunner" to load this file. \quit

/*
 * The administrators' role: its members see and manage every tenant's
 * workflows.  Roles are cluster-wide, so it survives DROP EXTENSION and is
 * shared by every database that installs Reporunner.
 */
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'reporunner_admin') THEN
		CREATE ROLE reporunner_admin NOLOGIN;
	END IF;
END
$$;
COMMENT ON ROLE reporunner_admin IS 'Members see and manage the workflows of every tenant in Reporunner';

/*
 * Background workers act as a workflow's owner only while that role could
 * log in itself (ALTER ROLE ... NOLOGIN stops them), or is a team role
 * nobody logs in as, made so by being a direct member of this role.
 */
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'reporunner_team') THEN
		CREATE ROLE reporunner_team NOLOGIN;
	END IF;
END
$$;
COMMENT ON ROLE reporunner_team IS 'Its direct members are team roles without LOGIN whose workflows background workers may run';

/*
 * True when the given role has a role attribute (SUPERUSER, CREATEROLE,
 * CREATEDB, REPLICATION, BYPASSRLS) that the current role lacks.
 */
CREATE FUNCTION reporunner.is_more_privileged(role oid)
RETURNS boolean
LANGUAGE C STABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'reporunner_is_more_privileged';
COMMENT ON FUNCTION reporunner.is_more_privileged(oid) IS 'True when the role has a role attribute (SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS) the current role lacks';

/*
 * True when the current role may act for the given owner: it is the owner
 * or a member of it, or a member of reporunner_admin and the owner is not
 * more privileged than it (an administrator must not write what a
 * superuser would then run).  Every row-level security policy below uses
 * it, so tenancy is decided by role membership only and never by a
 * setting a session could change.
 */
CREATE FUNCTION reporunner.has_owner_access(owner oid)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN pg_catalog.pg_has_role(CURRENT_USER, owner, 'USAGE')
	OR (pg_catalog.pg_has_role(CURRENT_USER, 'reporunner_admin', 'USAGE')
		AND NOT reporunner.is_more_privileged(owner));
COMMENT ON FUNCTION reporunner.has_owner_access(oid) IS 'True when the current role may see and manage rows owned by the given role';
/*
 * Tables.  Every tenant-owned row carries "owner", the role it belongs to;
 * row-level security (20_security.sql) keys on it.  All tables are logged.
 */

CREATE TABLE reporunner.workflow (
	id				bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

ALTER TABLE reporunner.workflow
	ADD CONSTRAINT workflow_active_version_fkey FOREIGN KEY (id, active_version)
	REFERENCES reporunner.workflow_version (workflow_id, version);

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

CREATE TABLE reporunner.execution (
	id				bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workflow_id		bigint NOT NULL,
	version			integer NOT NULL,
	owner			oid NOT NULL,
	status			text NOT NULL DEFAULT 'queued',
	mode			text NOT NULL,
	input			jsonb NOT NULL DEFAULT '[]',
	output			jsonb,
	error			jsonb,
	parent_id		bigint REFERENCES reporunner.execution (id) ON DELETE SET NULL,
	idempotency_key text,
	attempt			integer NOT NULL DEFAULT 1,
	created_by		oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	started_at		timestamptz,
	finished_at		timestamptz,
	wake_at			timestamptz,
	CONSTRAINT execution_version_fkey FOREIGN KEY (workflow_id, version)
		REFERENCES reporunner.workflow_version (workflow_id, version) ON DELETE CASCADE,
	CONSTRAINT execution_status_check
		CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled')),
	CONSTRAINT execution_mode_check
		CHECK (mode IN ('call', 'start', 'table', 'schedule', 'notify', 'retry', 'error', 'subworkflow')),
	CONSTRAINT execution_attempt_check CHECK (attempt > 0)
);
CREATE INDEX execution_workflow_idx ON reporunner.execution (workflow_id, created_at);
CREATE INDEX execution_parent_idx ON reporunner.execution (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX execution_wake_idx ON reporunner.execution (wake_at) WHERE status = 'waiting';
CREATE UNIQUE INDEX execution_idempotency_key ON reporunner.execution (workflow_id, idempotency_key)
	WHERE idempotency_key IS NOT NULL;
CREATE INDEX execution_finished_idx ON reporunner.execution USING brin (finished_at);
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
COMMENT ON COLUMN reporunner.execution.parent_id IS 'Execution that started this one (sub-workflows, error workflows, retries)';
COMMENT ON COLUMN reporunner.execution.idempotency_key IS 'Caller-chosen key; a second start with the same key returns the same execution';
COMMENT ON COLUMN reporunner.execution.attempt IS 'Execution-level attempt number';
COMMENT ON COLUMN reporunner.execution.created_by IS 'Role that started the execution';
COMMENT ON COLUMN reporunner.execution.created_at IS 'When the execution was created';
COMMENT ON COLUMN reporunner.execution.started_at IS 'When a worker or caller first ran it';
COMMENT ON COLUMN reporunner.execution.finished_at IS 'When it reached a final status';
COMMENT ON COLUMN reporunner.execution.wake_at IS 'When a waiting execution becomes runnable again';
COMMENT ON INDEX reporunner.execution_workflow_idx IS 'Lists the executions of a workflow by age';
COMMENT ON INDEX reporunner.execution_parent_idx IS 'Finds the children of an execution';
COMMENT ON INDEX reporunner.execution_wake_idx IS 'Finds waiting executions that are due';
COMMENT ON INDEX reporunner.execution_idempotency_key IS 'One execution per idempotency key and workflow';
COMMENT ON INDEX reporunner.execution_finished_idx IS 'Finds finished executions for retention pruning (BRIN: executions finish in roughly the order they are inserted)';

CREATE TABLE reporunner.step (
	execution_id	bigint NOT NULL REFERENCES reporunner.execution (id) ON DELETE CASCADE,
	node			text NOT NULL,
	run_index		integer NOT NULL DEFAULT 0,
	owner			oid NOT NULL,
	attempt			integer NOT NULL DEFAULT 1,
	status			text NOT NULL,
	output			jsonb,
	error			jsonb,
	started_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	finished_at		timestamptz,
	retry_at		timestamptz,
	attempts		jsonb,
	PRIMARY KEY (execution_id, node, run_index),
	CONSTRAINT step_status_check
		CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'waiting',
						  'retrying', 'canceled')),
	CONSTRAINT step_attempt_check CHECK (attempt > 0)
);
COMMENT ON TABLE reporunner.step IS 'The journal: one row per node run of an execution';
COMMENT ON COLUMN reporunner.step.execution_id IS 'Execution the step belongs to';
COMMENT ON COLUMN reporunner.step.node IS 'Name of the node that ran';
COMMENT ON COLUMN reporunner.step.run_index IS 'Zero-based run of that node within the execution';
COMMENT ON COLUMN reporunner.step.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.step.attempt IS 'Attempt that produced this outcome (1 unless retried)';
COMMENT ON COLUMN reporunner.step.status IS 'running, succeeded, failed, skipped, waiting, retrying or canceled';
COMMENT ON COLUMN reporunner.step.output IS 'Output items per output name';
COMMENT ON COLUMN reporunner.step.error IS 'Failure: message, SQLSTATE and detail';
COMMENT ON COLUMN reporunner.step.started_at IS 'When the step started';
COMMENT ON COLUMN reporunner.step.finished_at IS 'When the step finished';
COMMENT ON COLUMN reporunner.step.retry_at IS 'When a retrying step runs again';
COMMENT ON COLUMN reporunner.step.attempts IS 'Failed attempts, oldest first: attempt, error, failed_at, retry_at';

CREATE TABLE reporunner.queue (
	execution_id	bigint PRIMARY KEY REFERENCES reporunner.execution (id) ON DELETE CASCADE,
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

CREATE TABLE reporunner.credential (
	id				bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	owner			oid NOT NULL,
	name			text NOT NULL,
	type			text NOT NULL,
	secret			bytea NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	rotated_at		timestamptz,
	CONSTRAINT credential_owner_name_key UNIQUE (owner, name)
);
COMMENT ON TABLE reporunner.credential IS 'Credentials for outbound calls; secrets are sealed with AES-256-GCM';
COMMENT ON COLUMN reporunner.credential.id IS 'Surrogate key';
COMMENT ON COLUMN reporunner.credential.owner IS 'Role that owns the credential';
COMMENT ON COLUMN reporunner.credential.name IS 'Name, unique per owner';
COMMENT ON COLUMN reporunner.credential.type IS 'Credential type, such as bearer, basic or aws_sigv4';
COMMENT ON COLUMN reporunner.credential.secret IS 'Sealed secret (nonce, ciphertext and tag); never readable by tenants';
COMMENT ON COLUMN reporunner.credential.created_at IS 'When the credential was stored';
COMMENT ON COLUMN reporunner.credential.rotated_at IS 'When the secret was last replaced';

CREATE TABLE reporunner.trigger (
	id				bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workflow_id		bigint NOT NULL,
	owner			oid NOT NULL,
	kind			text NOT NULL,
	target			text NOT NULL,
	options			jsonb NOT NULL DEFAULT '{}',
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
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
COMMENT ON INDEX reporunner.trigger_workflow_idx IS 'Finds the triggers of a workflow';

/*
 * The rows of these tables are user data: pg_dump dumps them (the table
 * definitions come back with CREATE EXTENSION).
 */
SELECT pg_catalog.pg_extension_config_dump('reporunner.workflow', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.workflow_version', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.node', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.edge', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.workflow_share', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.execution', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.step', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.queue', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.credential', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.trigger', '');
/*
 * Keys seen by remove_duplicates nodes with scope "workflow": one row per
 * (workflow, node, key), so that later executions drop items seen before.
 * Rows are written by the node, as the tables' owner, in the transaction
 * that runs it: a rollback forgets them.  Deleting rows (all of a node, or
 * some keys) makes those keys new again.
 */

CREATE TABLE reporunner.dedup_key (
	workflow_id		bigint NOT NULL,
	node			text NOT NULL,
	key_hash		bytea NOT NULL,
	owner			oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (workflow_id, node, key_hash),
	CONSTRAINT dedup_key_workflow_fkey FOREIGN KEY (workflow_id, owner)
		REFERENCES reporunner.workflow (id, owner) ON DELETE CASCADE,
	CONSTRAINT dedup_key_key_hash_check
		CHECK (pg_catalog.octet_length(key_hash) = 32)
);
COMMENT ON TABLE reporunner.dedup_key IS 'Keys seen by remove_duplicates nodes with scope "workflow", per workflow and node';
COMMENT ON COLUMN reporunner.dedup_key.workflow_id IS 'Workflow whose executions saw the key';
COMMENT ON COLUMN reporunner.dedup_key.node IS 'Name of the remove_duplicates node that saw the key';
COMMENT ON COLUMN reporunner.dedup_key.key_hash IS 'SHA-256 of the key as jsonb text, numbers without trailing zeros';
COMMENT ON COLUMN reporunner.dedup_key.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.dedup_key.created_at IS 'When the key was first seen';
COMMENT ON INDEX reporunner.dedup_key_pkey IS 'One row per key and node; the node inserts with ON CONFLICT DO NOTHING';

/* row-level security: the same policy as every table (20_security.sql) */

/*
 * Tenants read their own rows, and may delete them to reset what a node
 * has seen.  They may not insert: the primary key spans every tenant, so a
 * unique violation would tell one tenant another's keys.
 */
GRANT SELECT, DELETE ON reporunner.dedup_key TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('reporunner.dedup_key', '');
/*
 * Tenancy.  A tenant is a role.  Every table forces row-level security with
 * one policy: a row is visible and writable only to roles that may act for
 * its owner (has_owner_access).  Superusers and roles with BYPASSRLS bypass
 * it, as everywhere in PostgreSQL.
 *
 * Tenants read every table except the sealed credential secrets.  Writes to
 * versions, nodes and edges go only through save_workflow(), which validates
 * the whole document first; versions are immutable.  Executions, steps, the
 * queue, credentials and triggers are written by the engine.
 */

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['workflow', 'workflow_version', 'node', 'edge',
							 'workflow_share', 'execution', 'step', 'queue',
							 'credential', 'trigger', 'dedup_key']
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE reporunner.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('ALTER TABLE reporunner.%I FORCE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('CREATE POLICY %I ON reporunner.%I USING (reporunner.has_owner_access(owner))',
								  t || '_tenant', t);
		EXECUTE pg_catalog.format('COMMENT ON POLICY %I ON reporunner.%I IS %L',
								  t || '_tenant', t,
								  'Rows are visible to the owner, its members and reporunner_admin');
	END LOOP;
END
$$;

/*
 * A role a workflow is shared with (or a member of it) sees the share and
 * the workflow's row, which lets it run the workflow; it sees neither the
 * versions nor the graph, and cannot change anything.
 */
CREATE POLICY workflow_share_grantee ON reporunner.workflow_share FOR SELECT
	USING (pg_catalog.pg_has_role(CURRENT_USER, grantee, 'USAGE'));
COMMENT ON POLICY workflow_share_grantee ON reporunner.workflow_share IS 'Grantees see the shares made to them';
CREATE POLICY workflow_shared ON reporunner.workflow FOR SELECT
	USING (EXISTS (SELECT FROM reporunner.workflow_share s
				   WHERE s.workflow_id = workflow.id
					 AND pg_catalog.pg_has_role(CURRENT_USER, s.grantee, 'USAGE')));
COMMENT ON POLICY workflow_shared ON reporunner.workflow IS 'Roles a workflow is shared with see its row, so that they can run it';

/*
 * A role that ran a workflow it does not own (one shared with it) sees the
 * journal of those runs: the execution rows it created, and their steps.
 * (Named to sort after the *_tenant policies, which PostgreSQL evaluates
 * first: the owners' own rows pass without the subquery.)
 */
CREATE POLICY execution_visible_to_creator ON reporunner.execution FOR SELECT
	USING (pg_catalog.pg_has_role(CURRENT_USER, created_by, 'USAGE'));
COMMENT ON POLICY execution_visible_to_creator ON reporunner.execution IS 'Roles see the executions they created, of workflows shared with them too';
CREATE POLICY step_visible_to_creator ON reporunner.step FOR SELECT
	USING (EXISTS (SELECT FROM reporunner.execution e
				   WHERE e.id = step.execution_id
					 AND pg_catalog.pg_has_role(CURRENT_USER, e.created_by, 'USAGE')));
COMMENT ON POLICY step_visible_to_creator ON reporunner.step IS 'Roles see the steps of the executions they created';

GRANT USAGE ON SCHEMA reporunner TO PUBLIC;

GRANT SELECT, DELETE ON reporunner.workflow TO PUBLIC;
GRANT INSERT (owner, name), UPDATE (name, active_version, updated_at)
	ON reporunner.workflow TO PUBLIC;
GRANT SELECT ON reporunner.workflow_version, reporunner.node, reporunner.edge,
	reporunner.workflow_share, reporunner.execution, reporunner.step, reporunner.queue, reporunner.trigger
	TO PUBLIC;
GRANT SELECT (id, owner, name, type, created_at, rotated_at)
	ON reporunner.credential TO PUBLIC;
/*
 * Views for people.  They are security_invoker, so row-level security is
 * applied as the querying role, not as the view's owner.
 */

CREATE VIEW reporunner.workflows WITH (security_invoker = true) AS
SELECT w.name,
	   pg_catalog.pg_get_userbyid(w.owner) AS owner,
	   w.active_version,
	   v.latest_version,
	   v.versions,
	   w.created_at,
	   w.updated_at,
	   w.id
FROM reporunner.workflow w
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.max(wv.version) AS latest_version,
			   pg_catalog.count(*) AS versions
		FROM reporunner.workflow_version wv
		WHERE wv.workflow_id = w.id) v ON true;
COMMENT ON VIEW reporunner.workflows IS 'Workflows visible to the current role, with their active and latest versions';

CREATE VIEW reporunner.workflow_versions WITH (security_invoker = true) AS
SELECT w.name,
	   pg_catalog.pg_get_userbyid(wv.owner) AS owner,
	   wv.version,
	   wv.version = w.active_version AS active,
	   n.nodes,
	   pg_catalog.pg_get_userbyid(wv.created_by) AS created_by,
	   wv.created_at,
	   wv.definition,
	   w.id AS workflow_id
FROM reporunner.workflow_version wv
	 JOIN reporunner.workflow w ON w.id = wv.workflow_id
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.count(*) AS nodes
		FROM reporunner.node nd
		WHERE nd.workflow_id = wv.workflow_id AND nd.version = wv.version) n ON true;
COMMENT ON VIEW reporunner.workflow_versions IS 'Every saved version of the workflows visible to the current role';

GRANT SELECT ON reporunner.workflows, reporunner.workflow_versions TO PUBLIC;
/*
 * The workflow API.  The functions are written in C (src/catalog) and run
 * with the caller's rights; see docs/tenancy.md for how they resolve a
 * workflow name and who may write what.
 */

CREATE FUNCTION reporunner.validate_workflow(definition jsonb)
RETURNS boolean
LANGUAGE c STRICT STABLE
AS 'MODULE_PATHNAME', 'reporunner_validate_workflow';
COMMENT ON FUNCTION reporunner.validate_workflow(jsonb) IS 'Checks a workflow document without saving it; returns true or raises the first problem';

CREATE FUNCTION reporunner.save_workflow(name text, definition jsonb, activate boolean DEFAULT true)
RETURNS integer
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_save_workflow';
COMMENT ON FUNCTION reporunner.save_workflow(text, jsonb, boolean) IS 'Validates and saves a workflow document as a new version (none if identical to the latest) and returns the version number';

CREATE FUNCTION reporunner.export_workflow(name text, version integer DEFAULT NULL, format text DEFAULT 'native')
RETURNS jsonb
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'reporunner_export_workflow';
COMMENT ON FUNCTION reporunner.export_workflow(text, integer, text) IS 'Returns the document of a version (the active one by default) exactly as it was saved';

CREATE FUNCTION reporunner.activate_version(name text, version integer)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_activate_version';
COMMENT ON FUNCTION reporunner.activate_version(text, integer) IS 'Makes a saved version the one that runs by default';

CREATE FUNCTION reporunner.delete_workflow(name text)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_delete_workflow';
COMMENT ON FUNCTION reporunner.delete_workflow(text) IS 'Deletes a workflow with all its versions and executions';

CREATE FUNCTION reporunner.share_workflow(name text, grantee regrole)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_share_workflow';
COMMENT ON FUNCTION reporunner.share_workflow(text, regrole) IS 'Lets a role (and its members) run a workflow, without seeing or changing its versions';

CREATE FUNCTION reporunner.unshare_workflow(name text, grantee regrole)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_unshare_workflow';
COMMENT ON FUNCTION reporunner.unshare_workflow(text, regrole) IS 'Stops sharing a workflow with a role';

CREATE FUNCTION reporunner.reassign_workflows(from_role regrole, to_role regrole)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_reassign_workflows';
COMMENT ON FUNCTION reporunner.reassign_workflows(regrole, regrole) IS 'Gives every workflow, execution and credential of one role to another, as REASSIGN OWNED does for database objects; returns how many workflows moved';

CREATE FUNCTION reporunner.execute(workflow text, input jsonb DEFAULT '[]', options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_execute';
COMMENT ON FUNCTION reporunner.execute(text, jsonb, jsonb) IS 'Runs a workflow in the current transaction and returns the items of its final nodes';
/*
 * Background execution: start() queues an execution for the workers;
 * wait_for() waits until it is done.  The executions view is the journal
 * for people.
 */

CREATE VIEW reporunner.executions WITH (security_invoker = true) AS
SELECT e.id,
	   w.name AS workflow,
	   e.version,
	   e.status,
	   e.mode,
	   e.input,
	   e.output,
	   e.error,
	   e.attempt,
	   e.parent_id,
	   pg_catalog.pg_get_userbyid(e.owner) AS owner,
	   pg_catalog.pg_get_userbyid(e.created_by) AS created_by,
	   e.created_at,
	   e.started_at,
	   e.finished_at,
	   e.wake_at
FROM reporunner.execution e
	 JOIN reporunner.workflow w ON w.id = e.workflow_id;
COMMENT ON VIEW reporunner.executions IS 'Executions visible to the current role, with their workflow''s name';
GRANT SELECT ON reporunner.executions TO PUBLIC;

CREATE FUNCTION reporunner.start(workflow text, input jsonb DEFAULT '[]', options jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_start';
COMMENT ON FUNCTION reporunner.start(text, jsonb, jsonb) IS 'Queues an execution for the background workers and returns its id; the workers are woken when the calling transaction commits';

CREATE FUNCTION reporunner.wait_for(execution bigint, timeout interval DEFAULT '30s')
RETURNS reporunner.executions
LANGUAGE plpgsql VOLATILE STRICT
AS $$
DECLARE
	result reporunner.executions;
	deadline timestamptz := pg_catalog.clock_timestamp() + timeout;
BEGIN
	LOOP
		SELECT * INTO result FROM reporunner.executions e WHERE e.id = execution;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'execution % does not exist', execution
				USING ERRCODE = 'undefined_object';
		END IF;
		IF result.status IN ('succeeded', 'failed', 'canceled')
		   OR pg_catalog.clock_timestamp() >= deadline THEN
			RETURN result;
		END IF;
		PERFORM pg_catalog.pg_sleep(0.01);
	END LOOP;
END
$$;
COMMENT ON FUNCTION reporunner.wait_for(bigint, interval) IS 'Waits until an execution has finished, or the timeout has passed, and returns its row of reporunner.executions';

CREATE FUNCTION reporunner.cancel(execution bigint)
RETURNS boolean
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_cancel';
COMMENT ON FUNCTION reporunner.cancel(bigint) IS 'Cancels a queued, waiting or running execution (a running one stops before its next node); false if it had already finished';

CREATE FUNCTION reporunner.resume(execution bigint, payload jsonb DEFAULT NULL)
RETURNS boolean
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_resume';
COMMENT ON FUNCTION reporunner.resume(bigint, jsonb) IS 'Wakes a waiting execution now; the payload (an object or an array of objects) becomes the output of the node that waited';

CREATE FUNCTION reporunner.prune_executions(older_than interval)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_prune_executions';
COMMENT ON FUNCTION reporunner.prune_executions(interval) IS 'Deletes executions (and their steps) finished longer ago than older_than; workers do the same with reporunner.retention. For superusers and reporunner_admin';

CREATE FUNCTION reporunner.retry(execution bigint, from_node text DEFAULT NULL)
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_retry';
COMMENT ON FUNCTION reporunner.retry(bigint, text) IS 'Runs a failed or canceled execution again as a new one, reusing the outputs of its steps that succeeded (before from_node, when given); returns the new id';

CREATE FUNCTION reporunner.workers(OUT database oid, OUT wanted boolean, OUT workers integer, OUT next_wake timestamptz)
RETURNS SETOF record
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_workers';
COMMENT ON FUNCTION reporunner.workers() IS 'The background workers'' state per database: whether work waits, how many workers run, the next timer';
