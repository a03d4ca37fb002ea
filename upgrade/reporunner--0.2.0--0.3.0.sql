/*
 * Reporunner 0.2.0 -> 0.3.0.  Applied by ALTER EXTENSION reporunner UPDATE;
 * the result must equal a fresh install of 0.3.0 (sql/998_upgrade checks
 * every object, privilege, policy and comment).
 */
\echo Use "ALTER EXTENSION reporunner UPDATE TO '0.3.0'" to load this file. \quit

/*
 * Owners' names for the views (src/sql/00_header.sql).  On a single
 * server and on the Citus coordinator the owner is a role's OID there:
 * pg_get_userbyid() itself, under another name (internal, so that the
 * planner does not replace it by pg_get_userbyid(), and Citus sends this
 * name to the shards); on a Citus worker node, where the views' expressions run on
 * the shards and a role has another OID, prepare_distribution() replaces
 * it by one that reads reporunner.owner_role (docs/scaling.md).
 */
CREATE FUNCTION reporunner.owner_name(owner oid)
RETURNS name
LANGUAGE internal STABLE STRICT PARALLEL SAFE
AS 'pg_get_userbyid';
COMMENT ON FUNCTION reporunner.owner_name(oid) IS 'The name of the role that owns rows of Reporunner''s tables (as pg_get_userbyid(); on a Citus worker node, from reporunner.owner_role)';

/*
 * The journal keeps the steps written together with an execution's end in
 * the execution's row (execution.steps), and the steps a worker commits one
 * by one in step_journal, the table that was reporunner.step.  The view
 * reporunner.step shows both, with the columns the table had.  Steps
 * journaled before the update stay rows of step_journal.
 */
ALTER TABLE reporunner.execution ADD COLUMN steps json;
-- large inputs and outputs (a statement's rows) compress several times
-- faster with lz4 than with pglz, the default; existing values stay as they are
ALTER TABLE reporunner.execution ALTER COLUMN input SET COMPRESSION lz4,
	ALTER COLUMN output SET COMPRESSION lz4;
-- the trigger that started an execution (table triggers, schedules)
ALTER TABLE reporunner.execution ADD COLUMN trigger_id bigint;
COMMENT ON COLUMN reporunner.execution.trigger_id IS 'Trigger (table trigger, schedule or NOTIFY trigger) that started the execution, if one did';
CREATE INDEX execution_trigger_idx ON reporunner.execution (trigger_id, created_at)
	WHERE trigger_id IS NOT NULL;
COMMENT ON INDEX reporunner.execution_trigger_idx IS 'Finds the executions a trigger started, by age (the triggers view)';
COMMENT ON COLUMN reporunner.execution.steps IS 'Steps written together with the end of the execution, as a compressed json array (read them through the reporunner.step view)';

ALTER TABLE reporunner.step RENAME TO step_journal;
ALTER INDEX reporunner.step_pkey RENAME TO step_journal_pkey;
ALTER TABLE reporunner.step_journal
	RENAME CONSTRAINT step_execution_id_fkey TO step_journal_execution_id_fkey;
-- a step's status and attempt become domains (src/sql/10_tables.sql): the
-- table's CHECK constraints are dropped, the domains' checked once after
CREATE DOMAIN reporunner.attempt_number AS integer;
COMMENT ON DOMAIN reporunner.attempt_number IS 'Attempt of an execution or a step: 1, then one more per retry';
CREATE DOMAIN reporunner.step_status AS text;
COMMENT ON DOMAIN reporunner.step_status IS 'Status of a step: running, succeeded, failed, skipped, waiting, retrying or canceled';
ALTER TABLE reporunner.step_journal DROP CONSTRAINT step_status_check,
	DROP CONSTRAINT step_attempt_check;
ALTER TABLE reporunner.step_journal
	ALTER COLUMN status TYPE reporunner.step_status,
	ALTER COLUMN attempt TYPE reporunner.attempt_number;
ALTER POLICY step_tenant ON reporunner.step_journal RENAME TO step_journal_tenant;
ALTER POLICY step_visible_to_creator ON reporunner.step_journal
	RENAME TO step_journal_visible_to_creator;
COMMENT ON TABLE reporunner.step_journal IS 'Steps journaled one by one while their execution runs in a worker (the others are in execution.steps); read both through the reporunner.step view';

CREATE VIEW reporunner.step WITH (security_invoker = true) AS
SELECT j.execution_id, j.node, j.run_index, j.owner, j.attempt, j.status,
	   j.output, j.error, j.started_at, j.finished_at, j.retry_at, j.attempts
FROM reporunner.step_journal j
UNION ALL
SELECT e.id, s.node, COALESCE(s.run_index, 0), e.owner,
	   COALESCE(s.attempt, 1), s.status, s.output, s.error,
	   s.started_at, s.finished_at, NULL::timestamptz, s.attempts
FROM reporunner.execution e
	 CROSS JOIN LATERAL pg_catalog.json_to_recordset(e.steps)
		AS s(node text, run_index integer, attempt integer, status text,
			 output jsonb, error jsonb, started_at timestamptz,
			 finished_at timestamptz, attempts jsonb)
WHERE e.steps IS NOT NULL;
COMMENT ON VIEW reporunner.step IS 'The journal: one row per node run of an execution';
COMMENT ON COLUMN reporunner.step.execution_id IS 'Execution the step belongs to';
COMMENT ON COLUMN reporunner.step.node IS 'Name of the node that ran';
COMMENT ON COLUMN reporunner.step.run_index IS 'Zero-based run of that node within the execution';
COMMENT ON COLUMN reporunner.step.owner IS 'Owner of the workflow';
COMMENT ON COLUMN reporunner.step.attempt IS 'Attempt that produced this outcome (1 unless retried)';
COMMENT ON COLUMN reporunner.step.status IS 'running, succeeded, failed, skipped, waiting, retrying or canceled';
COMMENT ON COLUMN reporunner.step.output IS 'Output items per output name';
COMMENT ON COLUMN reporunner.step.error IS 'Failure: message, SQLSTATE and detail';
COMMENT ON COLUMN reporunner.step.started_at IS 'When the step started';
COMMENT ON COLUMN reporunner.step.finished_at IS 'When the step finished';
COMMENT ON COLUMN reporunner.step.retry_at IS 'When a retrying step runs again';
COMMENT ON COLUMN reporunner.step.attempts IS 'Failed attempts, oldest first: attempt, error, failed_at, retry_at';

GRANT SELECT ON reporunner.step TO PUBLIC;

/*
 * An execution's status and mode become domains, whose constraints are
 * read once per session, instead of CHECK constraints of the table, read
 * from their stored text at every statement that writes an execution.
 * The columns change type without a rewrite (the domains get their
 * constraints after, which checks the rows once); the view executions,
 * and wait_for() which returns its rows, are made again around it.
 */
DROP FUNCTION reporunner.wait_for(bigint, interval);
DROP VIEW reporunner.executions;
ALTER TABLE reporunner.execution DROP CONSTRAINT execution_status_check,
	DROP CONSTRAINT execution_mode_check, DROP CONSTRAINT execution_attempt_check;
CREATE DOMAIN reporunner.execution_status AS text;
CREATE DOMAIN reporunner.execution_mode AS text;
ALTER TABLE reporunner.execution
	ALTER COLUMN status TYPE reporunner.execution_status,
	ALTER COLUMN mode TYPE reporunner.execution_mode,
	ALTER COLUMN attempt TYPE reporunner.attempt_number;
ALTER DOMAIN reporunner.attempt_number ADD CONSTRAINT attempt_number_check CHECK (VALUE > 0);
ALTER DOMAIN reporunner.step_status ADD CONSTRAINT step_status_check
	CHECK (VALUE IN ('running', 'succeeded', 'failed', 'skipped', 'waiting', 'retrying', 'canceled'));
ALTER DOMAIN reporunner.execution_status ADD CONSTRAINT execution_status_check
	CHECK (VALUE IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled'));
COMMENT ON DOMAIN reporunner.execution_status IS 'Status of an execution: queued, running, waiting, succeeded, failed or canceled';
ALTER DOMAIN reporunner.execution_mode ADD CONSTRAINT execution_mode_check
	CHECK (VALUE IN ('call', 'start', 'table', 'schedule', 'notify', 'retry', 'error', 'subworkflow'));
COMMENT ON DOMAIN reporunner.execution_mode IS 'How an execution started: call, start, table, schedule, notify, retry, error or subworkflow';
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

/*
 * Table triggers (reporunner.on_table()): a registration records the role
 * that made it, for which the workflow runs.
 */
ALTER TABLE reporunner.trigger ADD COLUMN created_by oid;
UPDATE reporunner.trigger SET created_by = owner;
ALTER TABLE reporunner.trigger ALTER COLUMN created_by SET NOT NULL;
COMMENT ON COLUMN reporunner.trigger.created_by IS 'Role that registered the trigger; the workflow runs for it, as its owner';


CREATE FUNCTION reporunner.on_table(workflow text, tbl regclass,
									events text[] DEFAULT '{insert}',
									level text DEFAULT 'row',
									mode text DEFAULT 'async',
									condition text DEFAULT NULL,
									timing text DEFAULT 'after')
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_table';
COMMENT ON FUNCTION reporunner.on_table(text, regclass, text[], text, text, text, text) IS 'Starts the workflow when the table changes (events insert, update, delete, truncate; level row or statement; mode async or sync; a condition on the item; timing after, or before for a sync row trigger whose workflow may change the row); returns the trigger''s id';

CREATE FUNCTION reporunner.table_trigger()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_table_trigger';
COMMENT ON FUNCTION reporunner.table_trigger() IS 'The trigger function of the triggers on_table() makes; its argument is the registration''s id';

CREATE FUNCTION reporunner.on_schedule(workflow text, schedule text,
									   input jsonb DEFAULT '[]')
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_schedule';
COMMENT ON FUNCTION reporunner.on_schedule(text, text, jsonb) IS 'Starts the workflow on a pg_cron schedule (a cron expression such as */5 * * * *) with the input; returns the trigger''s id';

CREATE FUNCTION reporunner.fire_schedule(id bigint)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_fire_schedule';
COMMENT ON FUNCTION reporunner.fire_schedule(bigint) IS 'One tick of a schedule made by on_schedule() (its pg_cron job runs it): queues one execution per minute; returns its id';

CREATE FUNCTION reporunner.drop_trigger(id bigint)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_drop_trigger';
COMMENT ON FUNCTION reporunner.drop_trigger(bigint) IS 'Removes a trigger made by on_table(), on_schedule() or on_notify(), with the PostgreSQL triggers or the pg_cron job it made';

/*
 * A registration and what it made come and go together.  When the
 * registration goes (drop_trigger(), or delete_workflow() through the
 * foreign key), its PostgreSQL triggers are dropped, or its pg_cron job
 * unscheduled, as the extension's owner: the role that made a table
 * trigger may have had the TRIGGER privilege only, which does not allow
 * dropping it.
 */
CREATE FUNCTION reporunner.forget_trigger()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_forget_trigger';
COMMENT ON FUNCTION reporunner.forget_trigger() IS 'Removes the PostgreSQL triggers or the pg_cron job of a registration that is deleted';
CREATE TRIGGER trigger_forget AFTER DELETE ON reporunner.trigger
	FOR EACH ROW EXECUTE FUNCTION reporunner.forget_trigger();

/*
 * And when one of those triggers goes (DROP TRIGGER, or DROP TABLE), its
 * registration goes: no registration survives as a dangling row.
 */
CREATE FUNCTION reporunner.forget_dropped_triggers()
RETURNS event_trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_forget_dropped_triggers';
COMMENT ON FUNCTION reporunner.forget_dropped_triggers() IS 'Deletes the registration of a table trigger whose PostgreSQL trigger was dropped';
CREATE EVENT TRIGGER reporunner_forget_dropped_triggers ON sql_drop
	EXECUTE FUNCTION reporunner.forget_dropped_triggers();
COMMENT ON EVENT TRIGGER reporunner_forget_dropped_triggers IS 'Deletes the registrations of table triggers that are dropped, with their table or alone';

CREATE VIEW reporunner.triggers WITH (security_invoker = true) AS
SELECT t.id,
	   t.kind,
	   w.name AS workflow,
	   pg_catalog.pg_get_userbyid(t.owner) AS owner,
	   t.target,
	   t.options,
	   pg_catalog.pg_get_userbyid(t.created_by) AS created_by,
	   t.created_at,
	   f.executions,
	   f.last_fired
FROM reporunner.trigger t
	 JOIN reporunner.workflow w ON w.id = t.workflow_id
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.count(*) AS executions,
			   pg_catalog.max(e.created_at) AS last_fired
		FROM reporunner.execution e
		WHERE e.trigger_id = t.id) f ON true;
COMMENT ON VIEW reporunner.triggers IS 'Table triggers, schedules and NOTIFY triggers visible to the current role, with how many executions each started (of those the role may see) and when it last fired';
GRANT SELECT ON reporunner.triggers TO PUBLIC;

/*
 * NOTIFY triggers: the database's listener (a background process) LISTENs
 * on the channel and starts the workflow for every notification.
 */
CREATE FUNCTION reporunner.on_notify(workflow text, channel text)
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_notify';
COMMENT ON FUNCTION reporunner.on_notify(text, text) IS 'Starts the workflow for every notification on the channel (NOTIFY, pg_notify()), with the payload as input; returns the trigger''s id';

/*
 * Sub-workflows (node execute_workflow): an execution's parent_id is no
 * longer a foreign key.  A sub-workflow run inside execute() is written
 * before the execution that called it, and either may be pruned first.
 */
ALTER TABLE reporunner.execution DROP CONSTRAINT execution_parent_id_fkey;
COMMENT ON COLUMN reporunner.execution.parent_id IS 'Execution that started this one (sub-workflows, executions queued by its node code, error workflows, retries); not a foreign key, since a sub-workflow run inside execute() is written before its caller and either may be pruned first';

/*
 * pg_dump and restore (issue 11).  Ids come from sequences pg_dump dumps
 * (it cannot dump an identity column's): each identity becomes a sequence
 * of the same name owned by the column, at the identity's position.  And
 * the active version is checked by a trigger instead of a foreign key,
 * which with the one back from workflow_version left pg_dump no order in
 * which to restore the two tables' rows.
 */
DO $$
DECLARE
	t text;
	last bigint;
	called boolean;
BEGIN
	FOREACH t IN ARRAY ARRAY['workflow', 'execution', 'credential', 'trigger']
	LOOP
		EXECUTE pg_catalog.format('SELECT last_value, is_called FROM reporunner.%I', t || '_id_seq')
			INTO last, called;
		EXECUTE pg_catalog.format('ALTER TABLE reporunner.%I ALTER COLUMN id DROP IDENTITY', t);
		EXECUTE pg_catalog.format('CREATE SEQUENCE reporunner.%I OWNED BY reporunner.%I.id',
								  t || '_id_seq', t);
		PERFORM pg_catalog.setval(pg_catalog.format('reporunner.%I', t || '_id_seq'), last, called);
		EXECUTE pg_catalog.format('ALTER TABLE reporunner.%I ALTER COLUMN id SET DEFAULT pg_catalog.nextval(%L)',
								  t, pg_catalog.format('reporunner.%I', t || '_id_seq'));
		PERFORM pg_catalog.pg_extension_config_dump(pg_catalog.format('reporunner.%I', t || '_id_seq'), '');
	END LOOP;
END
$$;
COMMENT ON SEQUENCE reporunner.workflow_id_seq IS 'Ids of workflows';
COMMENT ON SEQUENCE reporunner.execution_id_seq IS 'Ids of executions';
COMMENT ON SEQUENCE reporunner.credential_id_seq IS 'Ids of credentials';
COMMENT ON SEQUENCE reporunner.trigger_id_seq IS 'Ids of triggers';
GRANT USAGE ON SEQUENCE reporunner.workflow_id_seq TO PUBLIC;

ALTER TABLE reporunner.workflow DROP CONSTRAINT workflow_active_version_fkey;
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
CREATE TRIGGER workflow_active_version_check
	BEFORE UPDATE OF active_version ON reporunner.workflow
	FOR EACH ROW EXECUTE FUNCTION reporunner.check_active_version();
COMMENT ON TRIGGER workflow_active_version_check ON reporunner.workflow IS 'An active version is one of the workflow''s versions (a foreign key would make the table''s rows impossible to restore from a dump)';

/*
 * Moving a workflow with its triggers: export_workflow() lists them,
 * import_workflow() makes them (src/triggers/transfer.c).
 */
CREATE FUNCTION reporunner.import_workflow(name text, document jsonb)
RETURNS integer
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_import_workflow';
COMMENT ON FUNCTION reporunner.import_workflow(text, jsonb) IS 'Saves a document from export_workflow() as the workflow''s active version and makes the triggers it lists that the workflow does not have yet, through on_table(), on_schedule() and on_notify() as the caller; returns the version';
COMMENT ON FUNCTION reporunner.export_workflow(text, integer, text) IS 'Returns the document of a version (the active one by default) as it was saved, with the workflow''s triggers, if it has any, under "triggers"';

/*
 * An async statement-level table trigger keeps its statement's rows as
 * they are (src/engine/packed_rows.c) until a worker makes them items.
 */
ALTER TABLE reporunner.execution ADD COLUMN input_rows bytea COMPRESSION lz4;
COMMENT ON COLUMN reporunner.execution.input_rows IS 'The rows of a statement that fired an async statement-level table trigger, kept as they are (binary) until a worker makes them the input items';

/*
 * HTTP (src/http, src/nodes/http.c).  Sending requests is a grant: http
 * nodes run only in workflows whose owner has the privileges of this role.
 * Cluster-wide, like reporunner_admin.
 */
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'reporunner_http') THEN
		CREATE ROLE reporunner_http NOLOGIN;
	END IF;
END
$$;
COMMENT ON ROLE reporunner_http IS 'Workflows owned by its members may run http nodes';

/*
 * Credentials (src/crypto, src/http/auth.c): the key a secret is sealed
 * under, when it was set; the functions and the view.  Rows of 0.2.0 had
 * no way to be sealed: their key id is empty, and they do not open.
 */
ALTER TABLE reporunner.credential ADD COLUMN key_id text NOT NULL DEFAULT '';
ALTER TABLE reporunner.credential ALTER COLUMN key_id DROP DEFAULT;
ALTER TABLE reporunner.credential ADD COLUMN updated_at timestamptz NOT NULL DEFAULT pg_catalog.now();
COMMENT ON COLUMN reporunner.credential.secret IS 'Sealed secret (version, nonce, ciphertext and tag), bound to the owner and name; never readable by tenants';
COMMENT ON COLUMN reporunner.credential.rotated_at IS 'When rotate_key() last sealed the secret under a new master key';
COMMENT ON COLUMN reporunner.credential.key_id IS 'Id of the master key the secret is sealed under';
COMMENT ON COLUMN reporunner.credential.updated_at IS 'When set_credential() last set the secret';
GRANT SELECT (key_id, updated_at) ON reporunner.credential TO PUBLIC;
CREATE FUNCTION reporunner.set_credential(name text, type text, secret jsonb)
RETURNS void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_set_credential';
COMMENT ON FUNCTION reporunner.set_credential(text, text, jsonb) IS 'Makes or replaces the caller''s credential of that name: the secret, checked for the type (bearer, basic, header, query, oauth2_client_credentials, aws_sigv4, url), is sealed under the master key';

CREATE FUNCTION reporunner.drop_credential(name text)
RETURNS void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_drop_credential';
COMMENT ON FUNCTION reporunner.drop_credential(text) IS 'Deletes the caller''s credential of that name';

CREATE FUNCTION reporunner.rotate_key()
RETURNS bigint
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_rotate_key';
REVOKE EXECUTE ON FUNCTION reporunner.rotate_key() FROM PUBLIC;
COMMENT ON FUNCTION reporunner.rotate_key() IS 'Superusers: re-seals every credential not sealed under the key of reporunner.key_file (opening it with the key of reporunner.old_key_file); returns how many';

CREATE VIEW reporunner.credentials WITH (security_invoker = true) AS
SELECT c.name, c.type, reporunner.owner_name(c.owner) AS owner, c.key_id, c.created_at,
	   c.updated_at, c.rotated_at
FROM reporunner.credential c;
COMMENT ON VIEW reporunner.credentials IS 'The credentials the current role may see, without their secrets';
GRANT SELECT ON reporunner.credentials TO PUBLIC;

/*
 * render() and diff_versions(): seeing workflows (src/sql/80_render.sql).
 */
CREATE FUNCTION reporunner.render(workflow text, format text DEFAULT 'mermaid', options jsonb DEFAULT '{}')
RETURNS text
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'reporunner_render';
COMMENT ON FUNCTION reporunner.render(text, text, jsonb) IS 'Draws the active version of a workflow (or options "version") as a Mermaid flowchart or Graphviz DOT; with options "execution" each node is coloured by its step status, with item counts, duration and error; with options "diff": [from, to] the changes are coloured';

CREATE FUNCTION reporunner.diff_versions(workflow text, from_version integer, to_version integer)
RETURNS TABLE (kind text, what text, name text, detail jsonb)
LANGUAGE c STRICT STABLE
AS 'MODULE_PATHNAME', 'reporunner_diff_versions';
COMMENT ON FUNCTION reporunner.diff_versions(text, integer, integer) IS 'What changed from one version of a workflow to another: nodes added, removed or changed (detail: each changed field as {"old", "new"}), connections added or removed';

/*
 * Watching workflows run (src/sql/85_observe.sql): explain(), the views
 * steps, workflow_stats and activity; workflow_stats finds retried steps
 * through an index of their own.
 */
CREATE INDEX step_journal_retried_idx ON reporunner.step_journal (execution_id)
	WHERE attempts IS NOT NULL;
COMMENT ON INDEX reporunner.step_journal_retried_idx IS 'Finds the steps that were retried (workflow_stats counts their retries)';

CREATE FUNCTION reporunner.explain(workflow text, version integer DEFAULT NULL)
RETURNS SETOF text
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'reporunner_explain';
COMMENT ON FUNCTION reporunner.explain(text, integer) IS 'The plan of a version (the active one by default) as the executor runs it, one fact per line: the order of its nodes, what each waits for, where a background run commits, retries, timeouts, on_error, sub-workflow calls and the triggers that start it';

CREATE VIEW reporunner.steps WITH (security_invoker = true) AS
SELECT s.execution_id,
	   w.name AS workflow,
	   e.version,
	   s.node,
	   s.run_index,
	   s.attempt,
	   s.status,
	   s.finished_at - s.started_at AS duration,
	   s.started_at,
	   s.finished_at,
	   s.retry_at,
	   s.error,
	   s.output,
	   e.status AS execution_status,
	   pg_catalog.pg_get_userbyid(s.owner) AS owner
FROM reporunner.step s
	 JOIN reporunner.execution e ON e.id = s.execution_id
	 JOIN reporunner.workflow w ON w.id = e.workflow_id;
COMMENT ON VIEW reporunner.steps IS 'Steps visible to the current role, with their workflow''s name, the version and status of their execution, and how long each took';
GRANT SELECT ON reporunner.steps TO PUBLIC;

/*
 * Statistics of the executions created in a window, per workflow.  Each
 * workflow's executions are read through execution_workflow_idx
 * (workflow_id, created_at), its retried steps through
 * step_journal_retried_idx, so the time is that of the executions in the
 * window, whatever the journal holds.  SQL, run as the caller, under
 * row-level security.  Without JIT: while the workflow table has never been
 * analyzed (autovacuum waits for 50 rows) the planner guesses hundreds of
 * workflows, the estimate passes jit_above_cost, and compiling took 560 ms
 * of a 630 ms call on 20,000 executions.
 */
CREATE FUNCTION reporunner.workflow_stats(since interval)
RETURNS TABLE (workflow text, owner name, executions bigint, queued bigint,
			   running bigint, waiting bigint, succeeded bigint, failed bigint,
			   canceled bigint, p50_duration interval, p95_duration interval,
			   max_duration interval, failures_by_node jsonb, retries bigint,
			   window_start timestamptz)
LANGUAGE sql STABLE
SET jit = off
BEGIN ATOMIC
	SELECT w.name,
		   pg_catalog.pg_get_userbyid(w.owner),
		   s.executions,
		   s.queued,
		   s.running,
		   s.waiting,
		   s.succeeded,
		   s.failed,
		   s.canceled,
		   s.p50,
		   s.p95,
		   s.max,
		   COALESCE(f.failures, '{}'::jsonb),
		   COALESCE(r.retries, 0),
		   pg_catalog.now() - since
	FROM reporunner.workflow w
		 CROSS JOIN LATERAL (
			SELECT pg_catalog.count(*) AS executions,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'queued') AS queued,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'running') AS running,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'waiting') AS waiting,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'succeeded') AS succeeded,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'failed') AS failed,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'canceled') AS canceled,
				   pg_catalog.percentile_disc(0.5) WITHIN GROUP (ORDER BY e.finished_at - e.started_at) AS p50,
				   pg_catalog.percentile_disc(0.95) WITHIN GROUP (ORDER BY e.finished_at - e.started_at) AS p95,
				   pg_catalog.max(e.finished_at - e.started_at) AS max
			FROM reporunner.execution e
			WHERE e.workflow_id = w.id AND e.created_at >= pg_catalog.now() - since) s
		 LEFT JOIN LATERAL (
			SELECT pg_catalog.jsonb_object_agg(n.node, n.failures) AS failures
			FROM (SELECT e.error ->> 'node' AS node, pg_catalog.count(*) AS failures
				  FROM reporunner.execution e
				  WHERE e.workflow_id = w.id AND e.created_at >= pg_catalog.now() - since
					AND e.status = 'failed' AND e.error ? 'node'
				  GROUP BY 1) n) f ON true
		 LEFT JOIN LATERAL (
			SELECT pg_catalog.sum(pg_catalog.jsonb_array_length(j.attempts)) AS retries
			FROM reporunner.step_journal j
				 JOIN reporunner.execution e ON e.id = j.execution_id
			WHERE j.attempts IS NOT NULL AND e.workflow_id = w.id
			  AND e.created_at >= pg_catalog.now() - since) r ON true;
END;
COMMENT ON FUNCTION reporunner.workflow_stats(interval) IS 'Per workflow visible to the current role, its executions created in the last "since": how many by status, median, 95th percentile and longest duration of the finished ones, failures by node, node retries';

CREATE VIEW reporunner.workflow_stats WITH (security_invoker = true) AS
SELECT * FROM reporunner.workflow_stats('24 hours');
COMMENT ON VIEW reporunner.workflow_stats IS 'Per workflow visible to the current role, its executions of the last 24 hours: counts by status, p50/p95/max duration, failures by node, retries (reporunner.workflow_stats(interval) for another window)';
GRANT SELECT ON reporunner.workflow_stats TO PUBLIC;

/*
 * What runs now: one row per process (background worker or session) that
 * runs an execution, published in shared memory by the executor
 * (src/engine/activity.c).  The function shows the executions of owners
 * the caller may act for (reporunner.has_owner_access), of this database.
 */
CREATE FUNCTION reporunner.activity_entries()
RETURNS TABLE (pid integer, process text, owner oid, workflow_id bigint,
			   version integer, execution_id bigint, mode text, node text,
			   execution_started timestamptz, node_started timestamptz)
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_activity_entries';
COMMENT ON FUNCTION reporunner.activity_entries() IS 'The executions processes of this database run now, of owners the current role may act for (the rows of the activity view, by id)';

CREATE VIEW reporunner.activity WITH (security_invoker = true) AS
SELECT a.pid,
	   a.process,
	   w.name AS workflow,
	   a.version,
	   a.execution_id,
	   a.mode,
	   a.node,
	   a.node_started,
	   a.execution_started,
	   pg_catalog.pg_get_userbyid(a.owner) AS owner
FROM reporunner.activity_entries() a
	 JOIN reporunner.workflow w ON w.id = a.workflow_id;
COMMENT ON VIEW reporunner.activity IS 'What each background worker and session runs now: workflow, version, execution (NULL inside execute()), node and since when; only executions of owners the current role may act for';
GRANT SELECT ON reporunner.activity TO PUBLIC;

/*
 * The audit log (src/sql/18_audit.sql): one row per change made through
 * the API to what runs; tenants read their own rows, nobody changes them.
 */

CREATE TABLE reporunner.audit (
	id				bigserial PRIMARY KEY,
	at				timestamptz NOT NULL DEFAULT pg_catalog.statement_timestamp(),
	session_role	text NOT NULL,
	acting_role		text NOT NULL,
	owner			oid NOT NULL,
	action			text NOT NULL,
	object_kind		text NOT NULL,
	object_id		bigint,
	object_name		text,
	from_version	integer,
	to_version		integer,
	details			jsonb NOT NULL DEFAULT '{}',
	CONSTRAINT audit_action_check CHECK (action IN (
		'save', 'import', 'activate', 'deactivate', 'rename', 'delete',
		'share', 'unshare', 'register_trigger', 'drop_trigger',
		'set_credential', 'drop_credential', 'rotate_key', 'reassign',
		'prune_audit', 'save_connector')),
	CONSTRAINT audit_object_kind_check CHECK (object_kind IN (
		'workflow', 'trigger', 'credential', 'master_key', 'role', 'audit',
		'connector'))
);
CREATE INDEX audit_at_idx ON reporunner.audit (at);
COMMENT ON TABLE reporunner.audit IS 'Audit log: who changed what runs, and when (workflows, versions, shares, triggers, credentials, the master key); append-only through the API';
COMMENT ON COLUMN reporunner.audit.id IS 'Surrogate key, in the order the rows were written';
COMMENT ON COLUMN reporunner.audit.at IS 'When the statement that made the change started';
COMMENT ON COLUMN reporunner.audit.session_role IS 'The session user (the role that logged in) when the change was made';
COMMENT ON COLUMN reporunner.audit.acting_role IS 'The current role (after SET ROLE) that made the change';
COMMENT ON COLUMN reporunner.audit.owner IS 'Role the row belongs to: the owner of the workflow or credential changed (the role acted for)';
COMMENT ON COLUMN reporunner.audit.action IS 'save, import, activate, deactivate, rename, delete, share, unshare, register_trigger, drop_trigger, set_credential, drop_credential, rotate_key, reassign, prune_audit or save_connector';
COMMENT ON COLUMN reporunner.audit.object_kind IS 'workflow, trigger, credential, master_key, role, audit or connector';
COMMENT ON COLUMN reporunner.audit.object_id IS 'Id of the workflow, trigger, credential or connector version';
COMMENT ON COLUMN reporunner.audit.object_name IS 'Name of the workflow (also for a trigger), credential, connector or role; the id of a master key';
COMMENT ON COLUMN reporunner.audit.from_version IS 'Version before the change: the previous latest version of a save, the active version before an activation or deletion';
COMMENT ON COLUMN reporunner.audit.to_version IS 'Version after the change: the version saved or activated';
COMMENT ON COLUMN reporunner.audit.details IS 'What else describes the change (grantee, trigger kind and target, credential type, counts); never a secret nor items';
COMMENT ON INDEX reporunner.audit_at_idx IS 'Finds the rows of a period, and the old rows prune_audit() deletes';
COMMENT ON SEQUENCE reporunner.audit_id_seq IS 'Ids of audit rows';

/*
 * Rows are never changed: not even the tables' owner may UPDATE or
 * TRUNCATE them while this trigger is enabled (a superuser can disable
 * it, or delete rows: this is a log of the API, not tamper-proof storage).
 */
CREATE FUNCTION reporunner.audit_append_only()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	RAISE EXCEPTION 'audit rows cannot be changed'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = 'reporunner.audit is append-only; reporunner.prune_audit() deletes old rows.';
END
$$;
COMMENT ON FUNCTION reporunner.audit_append_only() IS 'Trigger function: refuses UPDATE and TRUNCATE of reporunner.audit';
CREATE TRIGGER audit_append_only BEFORE UPDATE OR TRUNCATE ON reporunner.audit
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.audit_append_only();
COMMENT ON TRIGGER audit_append_only ON reporunner.audit IS 'Audit rows are never updated, nor truncated';

/*
 * Activations, renames and deletions of workflows, however they are made:
 * through the API or by a tenant's own UPDATE or DELETE of its rows.
 */
CREATE FUNCTION reporunner.audit_workflow()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_audit_workflow';
COMMENT ON FUNCTION reporunner.audit_workflow() IS 'Trigger function: audits a change of a workflow''s active version or name, and its deletion';
CREATE TRIGGER workflow_audit AFTER UPDATE OF name, active_version OR DELETE
	ON reporunner.workflow
	FOR EACH ROW EXECUTE FUNCTION reporunner.audit_workflow();
COMMENT ON TRIGGER workflow_audit ON reporunner.workflow IS 'Writes the audit rows of activations, renames and deletions';

CREATE FUNCTION reporunner.prune_audit(older_than interval)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_prune_audit';
COMMENT ON FUNCTION reporunner.prune_audit(interval) IS 'Deletes the audit rows written longer ago than older_than, and audits that; returns how many. For superusers and reporunner_admin';

/* tenants read their own rows (row-level security); nobody writes */
GRANT SELECT ON reporunner.audit TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('reporunner.audit', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.audit_id_seq', '');
ALTER TABLE reporunner.audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.audit FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_tenant ON reporunner.audit USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY audit_tenant ON reporunner.audit IS 'Rows are visible to the owner, its members and reporunner_admin';

/*
 * Metrics for Prometheus.  metric_samples() is every number, one row per
 * sample; metrics() writes them in the text exposition format 0.0.4, and
 * the queries of docs/prometheus.md read them for
 * prometheus-postgres-exporter.  Both are SQL, inlined into the query that
 * calls them and run as the caller, so row-level security decides whose
 * workflows are counted.
 *
 * Counts of finished executions cover a window (executions created in the
 * last "since", read through execution_workflow_idx, retried steps through
 * step_journal_retried_idx, trigger firings through execution_trigger_idx),
 * never the whole journal: the journal is pruned, so its counts are not
 * counters, and a window keeps the time that of the executions in it.
 * Every arm of the UNION ALL names its family in "metric" as a constant,
 * so that a query which keeps one family (metric = '...', as the
 * exporter's do) plans the other arms away.  The histogram computes each
 * duration once (OFFSET 0 keeps the subquery from being merged into the
 * fourteen FILTERs), as a double (date_part; EXTRACT is numeric).
 * Running executions are the queue's rows a worker holds (ready_at
 * infinity), waiting ones those of execution_wake_idx, each counted once
 * for all workflows, not once per workflow.
 */
CREATE FUNCTION reporunner.metric_samples(since interval DEFAULT '1 hour')
RETURNS TABLE (metric text, workflow text, owner text, status text,
			   trigger_id bigint, trigger_kind text, le double precision,
			   value double precision)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT 'reporunner_executions_created', s.workflow, s.owner::text, c.status,
		   NULL::bigint, NULL::text, NULL::double precision, c.n::double precision
	FROM reporunner.workflow_stats(since) s
		 CROSS JOIN LATERAL (VALUES ('queued', s.queued), ('running', s.running),
									('waiting', s.waiting), ('succeeded', s.succeeded),
									('failed', s.failed), ('canceled', s.canceled)) c(status, n)
	UNION ALL
	SELECT 'reporunner_workflow_retries', s.workflow, s.owner::text, NULL, NULL, NULL, NULL,
		   s.retries::double precision
	FROM reporunner.workflow_stats(since) s
	UNION ALL
	SELECT 'reporunner_execution_duration_seconds' || h.part, w.name,
		   pg_catalog.pg_get_userbyid(w.owner)::text, NULL, NULL, NULL, h.le, h.n::double precision
	FROM reporunner.workflow w
		 CROSS JOIN LATERAL (
			SELECT pg_catalog.count(x.d) AS n,
				   COALESCE(pg_catalog.sum(x.d), 0) AS sum,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.005) AS le_0_005,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.01) AS le_0_01,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.025) AS le_0_025,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.05) AS le_0_05,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.1) AS le_0_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.25) AS le_0_25,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.5) AS le_0_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 1) AS le_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 2.5) AS le_2_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 5) AS le_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 10) AS le_10,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 30) AS le_30,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 60) AS le_60
			FROM (SELECT pg_catalog.date_part('epoch', e.finished_at - e.started_at) AS d
				  FROM reporunner.execution e
				  WHERE e.workflow_id = w.id AND e.created_at >= pg_catalog.now() - since
					AND e.finished_at IS NOT NULL
				  OFFSET 0) x) d
		 CROSS JOIN LATERAL (VALUES
			('_bucket', 0.005::double precision, d.le_0_005),
			('_bucket', 0.01, d.le_0_01),
			('_bucket', 0.025, d.le_0_025),
			('_bucket', 0.05, d.le_0_05),
			('_bucket', 0.1, d.le_0_1),
			('_bucket', 0.25, d.le_0_25),
			('_bucket', 0.5, d.le_0_5),
			('_bucket', 1, d.le_1),
			('_bucket', 2.5, d.le_2_5),
			('_bucket', 5, d.le_5),
			('_bucket', 10, d.le_10),
			('_bucket', 30, d.le_30),
			('_bucket', 60, d.le_60),
			('_bucket', 'Infinity', d.n),
			('_sum', NULL, d.sum),
			('_count', NULL, d.n)) h(part, le, n)
	UNION ALL
	SELECT 'reporunner_workflow_running', w.name, pg_catalog.pg_get_userbyid(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(r.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, pg_catalog.count(*) AS n
					FROM reporunner.queue q
						 JOIN reporunner.execution e ON e.id = q.execution_id
					WHERE q.ready_at = 'infinity' AND e.status = 'running'
					GROUP BY e.workflow_id) r ON r.workflow_id = w.id
	UNION ALL
	SELECT 'reporunner_workflow_waiting', w.name, pg_catalog.pg_get_userbyid(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(p.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, pg_catalog.count(*) AS n
					FROM reporunner.execution e
					WHERE e.status = 'waiting'
					GROUP BY e.workflow_id) p ON p.workflow_id = w.id
	UNION ALL
	SELECT 'reporunner_queue_depth', NULL, NULL, NULL, NULL, NULL, NULL,
		   pg_catalog.count(*)::double precision
	FROM reporunner.queue q WHERE q.ready_at < 'infinity'
	UNION ALL
	SELECT 'reporunner_queue_oldest_age_seconds', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.min(q.ready_at)), 0)::double precision
	FROM reporunner.queue q WHERE q.ready_at <= pg_catalog.now()
	UNION ALL
	SELECT 'reporunner_workers_running', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(pg_catalog.sum(r.workers), 0)::double precision
	FROM reporunner.workers() r
	WHERE r.database = (SELECT d.oid FROM pg_catalog.pg_database d
						WHERE d.datname = pg_catalog.current_database())
	UNION ALL
	SELECT 'reporunner_trigger_firings', w.name, pg_catalog.pg_get_userbyid(w.owner)::text,
		   NULL, t.id, t.kind, NULL,
		   (SELECT pg_catalog.count(*) FROM reporunner.execution e
			WHERE e.trigger_id = t.id AND e.created_at >= pg_catalog.now() - since)::double precision
	FROM reporunner.trigger t
		 JOIN reporunner.workflow w ON w.id = t.workflow_id;
END;
COMMENT ON FUNCTION reporunner.metric_samples(interval) IS 'Every sample of metrics(), one row per metric name and label set, of the workflows visible to the current role; the executions counted are those created in the last "since"';

/*
 * The families in the order metrics() writes them, each with its type and
 * help text, then its samples, one line each, label values escaped
 * (backslash, double quote, line feed).  PL/pgSQL, not SQL: a SQL
 * function's statement is planned without the value of "since", and with
 * a window of unknown width workflow_stats() joined the retried steps to
 * the whole journal (400 ms on 200,000 executions instead of 20); PL/pgSQL
 * plans it for the value given.  Without JIT: the estimated cost, high
 * from the lookups per workflow, had every call compile the query, which
 * took longer than running it (on 200,000 executions, a window of 24
 * hours took 860 ms instead of 80).
 */
CREATE FUNCTION reporunner.metrics(since interval DEFAULT '1 hour')
RETURNS text
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
BEGIN
	RETURN (WITH f(ord, name, type, help) AS (VALUES
		(1, 'reporunner_executions_created', 'gauge',
		 'Executions created in the window (default the last hour), by workflow and their status now'),
		(2, 'reporunner_execution_duration_seconds', 'histogram',
		 'Durations from start to finish of the executions created in the window that have finished'),
		(3, 'reporunner_workflow_retries', 'gauge',
		 'Node retries (failed attempts run again later) in the executions created in the window'),
		(4, 'reporunner_workflow_running', 'gauge',
		 'Executions a background worker runs now'),
		(5, 'reporunner_workflow_waiting', 'gauge',
		 'Executions paused now (a wait node, or waiting for sub-workflows)'),
		(6, 'reporunner_queue_depth', 'gauge',
		 'Queued executions no worker has taken yet, due now or later'),
		(7, 'reporunner_queue_oldest_age_seconds', 'gauge',
		 'How long the queued execution due first has been due, 0 when none is due'),
		(8, 'reporunner_workers_running', 'gauge',
		 'Background workers running for this database'),
		(9, 'reporunner_trigger_firings', 'gauge',
		 'Executions each trigger started in the window')),
	lines(ord, header, k1, k2, k3, k4, k5, k6, line) AS (
		SELECT f.ord, true, NULL, NULL, NULL, NULL::bigint, NULL, NULL::double precision,
			   pg_catalog.format(E'# HELP %s %s\n# TYPE %s %s\n', f.name, f.help, f.name, f.type)
		FROM f
		UNION ALL
		SELECT f.ord, false, s.workflow, s.owner, s.status, s.trigger_id, s.metric, s.le,
			   s.metric || COALESCE('{' || l.labels || '}', '') || ' ' || s.value::text || E'\n'
		FROM reporunner.metric_samples(since) s
			 JOIN f ON f.name = s.metric
					   OR (f.type = 'histogram' AND pg_catalog.starts_with(s.metric, f.name || '_'))
			 CROSS JOIN LATERAL (
				SELECT pg_catalog.string_agg(
						   v.label || '="'
						   || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
								  v.value, '\', '\\'), '"', '\"'), E'\n', '\n')
						   || '"', ',' ORDER BY v.ord) AS labels
				FROM (VALUES (1, 'workflow', s.workflow), (2, 'owner', s.owner),
							 (3, 'status', s.status), (4, 'trigger', s.trigger_id::text),
							 (5, 'kind', s.trigger_kind),
							 (6, 'le', CASE WHEN s.le = 'Infinity' THEN '+Inf' ELSE s.le::text END))
					 v(ord, label, value)
				WHERE v.value IS NOT NULL) l)
	SELECT pg_catalog.string_agg(line, '' ORDER BY ord, header DESC, k1, k2, k3, k4, k5, k6)
	FROM lines);
END
$$;
COMMENT ON FUNCTION reporunner.metrics(interval) IS 'Metrics of the workflows visible to the current role in the Prometheus text format 0.0.4: executions created in the last "since" by status, their durations as a histogram, retries, trigger firings; running and waiting executions, the queue and the workers now';

/*
 * Testing workflows: test_workflow() runs test cases against a version
 * (C, src/catalog/test_workflow.c: each case as execute() would run it,
 * with pinned nodes stubbed, in a subtransaction rolled back after it);
 * test_workflow_tap() prints its rows as TAP, so pg_prove runs workflow
 * tests next to pgTAP ones (docs/testing.md).
 */

CREATE FUNCTION reporunner.test_workflow(workflow text, cases jsonb)
RETURNS TABLE (case_name text, node text, ok boolean, expected jsonb, actual jsonb)
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_test_workflow';
COMMENT ON FUNCTION reporunner.test_workflow(text, jsonb) IS 'Runs test cases ({"name", "input", "pinned", "expected", "version"}) against a workflow as execute() would, pinned nodes (or the version''s pin_data) giving their items without running, each case rolled back; one row per case and expected node: whether its output equals the expected items';

/*
 * The rows of test_workflow() as TAP: the plan, then "ok N - case: node"
 * or "not ok N - case: node" followed by diagnostic lines ("# ...") with
 * both values and, for arrays of items, the first item that differs.
 */
CREATE FUNCTION reporunner.test_workflow_tap(workflow text, cases jsonb)
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	results jsonb;
	r record;
	i integer;
	n integer := 0;
BEGIN
	SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) ORDER BY t.ord), '[]')
	INTO results
	FROM reporunner.test_workflow(workflow, cases) WITH ORDINALITY
		 AS t(case_name, node, ok, expected, actual, ord);
	RETURN NEXT '1..' || pg_catalog.jsonb_array_length(results);
	FOR r IN SELECT x.case_name, x.node, x.ok, x.expected, x.actual
			 FROM pg_catalog.jsonb_to_recordset(results)
				  AS x(case_name text, node text, ok boolean, expected jsonb, actual jsonb)
	LOOP
		n := n + 1;
		RETURN NEXT pg_catalog.format('%s %s - %s: %s',
			CASE WHEN r.ok THEN 'ok' ELSE 'not ok' END, n,
			pg_catalog.replace(r.case_name, '#', '\#'), pg_catalog.replace(r.node, '#', '\#'));
		CONTINUE WHEN r.ok;
		RETURN NEXT '#   expected: ' || COALESCE(r.expected::text, 'not to run');
		RETURN NEXT '#     actual: ' || COALESCE(r.actual::text, 'did not run');
		IF pg_catalog.jsonb_typeof(r.expected) = 'array' AND pg_catalog.jsonb_typeof(r.actual) = 'array' THEN
			IF pg_catalog.jsonb_array_length(r.expected) <> pg_catalog.jsonb_array_length(r.actual) THEN
				RETURN NEXT pg_catalog.format('#   expected %s items, got %s',
					pg_catalog.jsonb_array_length(r.expected), pg_catalog.jsonb_array_length(r.actual));
			END IF;
			FOR i IN 0 .. LEAST(pg_catalog.jsonb_array_length(r.expected),
								pg_catalog.jsonb_array_length(r.actual)) - 1 LOOP
				CONTINUE WHEN r.expected -> i = r.actual -> i;
				RETURN NEXT pg_catalog.format('#   first difference at item %s:', i);
				RETURN NEXT '#     expected ' || (r.expected -> i)::text;
				RETURN NEXT '#          got ' || (r.actual -> i)::text;
				EXIT;
			END LOOP;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION reporunner.test_workflow_tap(text, jsonb) IS 'The rows of test_workflow() as TAP for pg_prove: "1..N", then "ok N - case: node" or "not ok N - case: node" with the expected and actual values and the first item that differs as diagnostics';

/* metrics(): HTTP counters (http_stats(), http_metric_samples()) and retries of http nodes */
CREATE OR REPLACE FUNCTION reporunner.metric_samples(since interval DEFAULT '1 hour')
RETURNS TABLE (metric text, workflow text, owner text, status text,
			   trigger_id bigint, trigger_kind text, le double precision,
			   value double precision)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT 'reporunner_executions_created', s.workflow, s.owner::text, c.status,
		   NULL::bigint, NULL::text, NULL::double precision, c.n::double precision
	FROM reporunner.workflow_stats(since) s
		 CROSS JOIN LATERAL (VALUES ('queued', s.queued), ('running', s.running),
									('waiting', s.waiting), ('succeeded', s.succeeded),
									('failed', s.failed), ('canceled', s.canceled)) c(status, n)
	UNION ALL
	SELECT 'reporunner_workflow_retries', s.workflow, s.owner::text, NULL, NULL, NULL, NULL,
		   s.retries::double precision
	FROM reporunner.workflow_stats(since) s
	UNION ALL
	SELECT 'reporunner_execution_duration_seconds' || h.part, w.name,
		   pg_catalog.pg_get_userbyid(w.owner)::text, NULL, NULL, NULL, h.le, h.n::double precision
	FROM reporunner.workflow w
		 CROSS JOIN LATERAL (
			SELECT pg_catalog.count(x.d) AS n,
				   COALESCE(pg_catalog.sum(x.d), 0) AS sum,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.005) AS le_0_005,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.01) AS le_0_01,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.025) AS le_0_025,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.05) AS le_0_05,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.1) AS le_0_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.25) AS le_0_25,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.5) AS le_0_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 1) AS le_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 2.5) AS le_2_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 5) AS le_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 10) AS le_10,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 30) AS le_30,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 60) AS le_60
			FROM (SELECT pg_catalog.date_part('epoch', e.finished_at - e.started_at) AS d
				  FROM reporunner.execution e
				  WHERE e.workflow_id = w.id AND e.created_at >= pg_catalog.now() - since
					AND e.finished_at IS NOT NULL
				  OFFSET 0) x) d
		 CROSS JOIN LATERAL (VALUES
			('_bucket', 0.005::double precision, d.le_0_005),
			('_bucket', 0.01, d.le_0_01),
			('_bucket', 0.025, d.le_0_025),
			('_bucket', 0.05, d.le_0_05),
			('_bucket', 0.1, d.le_0_1),
			('_bucket', 0.25, d.le_0_25),
			('_bucket', 0.5, d.le_0_5),
			('_bucket', 1, d.le_1),
			('_bucket', 2.5, d.le_2_5),
			('_bucket', 5, d.le_5),
			('_bucket', 10, d.le_10),
			('_bucket', 30, d.le_30),
			('_bucket', 60, d.le_60),
			('_bucket', 'Infinity', d.n),
			('_sum', NULL, d.sum),
			('_count', NULL, d.n)) h(part, le, n)
	UNION ALL
	SELECT 'reporunner_workflow_running', w.name, pg_catalog.pg_get_userbyid(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(r.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, pg_catalog.count(*) AS n
					FROM reporunner.queue q
						 JOIN reporunner.execution e ON e.id = q.execution_id
					WHERE q.ready_at = 'infinity' AND e.status = 'running'
					GROUP BY e.workflow_id) r ON r.workflow_id = w.id
	UNION ALL
	SELECT 'reporunner_workflow_waiting', w.name, pg_catalog.pg_get_userbyid(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(p.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, pg_catalog.count(*) AS n
					FROM reporunner.execution e
					WHERE e.status = 'waiting'
					GROUP BY e.workflow_id) p ON p.workflow_id = w.id
	UNION ALL
	SELECT 'reporunner_queue_depth', NULL, NULL, NULL, NULL, NULL, NULL,
		   pg_catalog.count(*)::double precision
	FROM reporunner.queue q WHERE q.ready_at < 'infinity'
	UNION ALL
	SELECT 'reporunner_queue_oldest_age_seconds', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.min(q.ready_at)), 0)::double precision
	FROM reporunner.queue q WHERE q.ready_at <= pg_catalog.now()
	UNION ALL
	SELECT 'reporunner_workers_running', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(pg_catalog.sum(r.workers), 0)::double precision
	FROM reporunner.workers() r
	WHERE r.database = (SELECT d.oid FROM pg_catalog.pg_database d
						WHERE d.datname = pg_catalog.current_database())
	UNION ALL
	SELECT 'reporunner_trigger_firings', w.name, pg_catalog.pg_get_userbyid(w.owner)::text,
		   NULL, t.id, t.kind, NULL,
		   (SELECT pg_catalog.count(*) FROM reporunner.execution e
			WHERE e.trigger_id = t.id AND e.created_at >= pg_catalog.now() - since)::double precision
	FROM reporunner.trigger t
		 JOIN reporunner.workflow w ON w.id = t.workflow_id
	UNION ALL
	SELECT 'reporunner_http_node_retries', w.name, pg_catalog.pg_get_userbyid(w.owner)::text,
		   NULL, NULL, NULL, NULL,
		   COALESCE((SELECT pg_catalog.sum(pg_catalog.jsonb_array_length(j.attempts))
					 FROM reporunner.execution e
						  JOIN reporunner.step_journal j ON j.execution_id = e.id
						  JOIN reporunner.node n ON n.workflow_id = e.workflow_id
							   AND n.version = e.version AND n.name = j.node
					 WHERE e.workflow_id = w.id AND e.created_at >= pg_catalog.now() - since
					   AND j.attempts IS NOT NULL AND n.type = 'http'), 0)::double precision
	FROM reporunner.workflow w
	WHERE EXISTS (SELECT FROM reporunner.node n WHERE n.workflow_id = w.id AND n.type = 'http');
END;
COMMENT ON FUNCTION reporunner.metric_samples(interval) IS 'Every sample of metrics(), one row per metric name and label set, of the workflows visible to the current role; the executions counted are those created in the last "since"';

/*
 * The HTTP requests sent since the server started, of the owners visible
 * to the current role (reporunner.http_stats(), counters in shared memory,
 * src/http/stats.c): by method and status class, the failures (no
 * response, or refused by the SSRF guard) by method and reason, and the
 * bytes received.
 */
CREATE FUNCTION reporunner.http_stats()
RETURNS TABLE (owner oid, method text, outcome text, requests bigint, received_bytes bigint)
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_http_stats';
COMMENT ON FUNCTION reporunner.http_stats() IS 'HTTP requests sent since the server started, by workflow owner (of this database, that the current role may act for), method and outcome (1xx to 5xx, other, error: no response, refused: by the SSRF guard), with the bytes received; counters in shared memory';

CREATE FUNCTION reporunner.http_metric_samples()
RETURNS TABLE (metric text, owner text, method text, status_class text, reason text,
			   value double precision)
LANGUAGE sql VOLATILE
BEGIN ATOMIC
	SELECT CASE WHEN h.outcome IN ('error', 'refused') THEN 'reporunner_http_request_failures_total'
				ELSE 'reporunner_http_requests_total' END,
		   reporunner.owner_name(h.owner)::text, h.method,
		   CASE WHEN h.outcome NOT IN ('error', 'refused') THEN h.outcome END,
		   CASE WHEN h.outcome IN ('error', 'refused') THEN h.outcome END,
		   h.requests::double precision
	FROM reporunner.http_stats() h
	UNION ALL
	SELECT 'reporunner_http_received_bytes_total', reporunner.owner_name(h.owner)::text,
		   NULL, NULL, NULL, pg_catalog.sum(h.received_bytes)::double precision
	FROM reporunner.http_stats() h
	GROUP BY h.owner;
END;
COMMENT ON FUNCTION reporunner.http_metric_samples() IS 'The HTTP counters of metrics(), one row per sample: requests by owner, method and status class, failures by owner, method and reason, bytes received by owner; since the server started';

/*
 * The families in the order metrics() writes them, each with its type and
 * help text, then its samples, one line each, label values escaped
 * (backslash, double quote, line feed).  PL/pgSQL, not SQL: a SQL
 * function's statement is planned without the value of "since", and with
 * a window of unknown width workflow_stats() joined the retried steps to
 * the whole journal (400 ms on 200,000 executions instead of 20); PL/pgSQL
 * plans it for the value given.  Without JIT: the estimated cost, high
 * from the lookups per workflow, had every call compile the query, which
 * took longer than running it (on 200,000 executions, a window of 24
 * hours took 860 ms instead of 80).
 */
CREATE OR REPLACE FUNCTION reporunner.metrics(since interval DEFAULT '1 hour')
RETURNS text
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
BEGIN
	RETURN (WITH f(ord, name, type, help) AS (VALUES
		(1, 'reporunner_executions_created', 'gauge',
		 'Executions created in the window (default the last hour), by workflow and their status now'),
		(2, 'reporunner_execution_duration_seconds', 'histogram',
		 'Durations from start to finish of the executions created in the window that have finished'),
		(3, 'reporunner_workflow_retries', 'gauge',
		 'Node retries (failed attempts run again later) in the executions created in the window'),
		(4, 'reporunner_workflow_running', 'gauge',
		 'Executions a background worker runs now'),
		(5, 'reporunner_workflow_waiting', 'gauge',
		 'Executions paused now (a wait node, or waiting for sub-workflows)'),
		(6, 'reporunner_queue_depth', 'gauge',
		 'Queued executions no worker has taken yet, due now or later'),
		(7, 'reporunner_queue_oldest_age_seconds', 'gauge',
		 'How long the queued execution due first has been due, 0 when none is due'),
		(8, 'reporunner_workers_running', 'gauge',
		 'Background workers running for this database'),
		(9, 'reporunner_trigger_firings', 'gauge',
		 'Executions each trigger started in the window'),
		(10, 'reporunner_http_node_retries', 'gauge',
		 'Retries of http nodes (failed attempts run again later) in the executions created in the window'),
		(11, 'reporunner_http_requests_total', 'counter',
		 'HTTP requests that got a response since the server started, by owner, method and status class'),
		(12, 'reporunner_http_request_failures_total', 'counter',
		 'HTTP requests without a response since the server started: reason error (connection, TLS, timeout, size) or refused (SSRF guard)'),
		(13, 'reporunner_http_received_bytes_total', 'counter',
		 'Bytes of HTTP responses (headers and bodies) received since the server started')),
	samples AS (
		SELECT s.metric, s.workflow, s.owner, NULL::text AS method, s.status,
			   NULL::text AS status_class, NULL::text AS reason, s.trigger_id, s.trigger_kind,
			   s.le, s.value
		FROM reporunner.metric_samples(since) s
		UNION ALL
		SELECT h.metric, NULL, h.owner, h.method, NULL, h.status_class, h.reason, NULL, NULL,
			   NULL, h.value
		FROM reporunner.http_metric_samples() h),
	lines(ord, header, k1, k2, k3, k4, k5, k6, line) AS (
		SELECT f.ord, true, NULL, NULL, NULL, NULL::bigint, NULL, NULL::double precision,
			   pg_catalog.format(E'# HELP %s %s\n# TYPE %s %s\n', f.name, f.help, f.name, f.type)
		FROM f
		UNION ALL
		SELECT f.ord, false, s.workflow, s.owner, COALESCE(NULLIF(pg_catalog.concat(s.method, s.status_class, s.reason), ''), s.status),
			   s.trigger_id, s.metric, s.le,
			   s.metric || COALESCE('{' || l.labels || '}', '') || ' ' || s.value::text || E'\n'
		FROM samples s
			 JOIN f ON f.name = s.metric
					   OR (f.type = 'histogram' AND pg_catalog.starts_with(s.metric, f.name || '_'))
			 CROSS JOIN LATERAL (
				SELECT pg_catalog.string_agg(
						   v.label || '="'
						   || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
								  v.value, '\', '\\'), '"', '\"'), E'\n', '\n')
						   || '"', ',' ORDER BY v.ord) AS labels
				FROM (VALUES (1, 'workflow', s.workflow), (2, 'owner', s.owner),
							 (3, 'method', s.method), (4, 'status', s.status),
							 (5, 'status_class', s.status_class), (6, 'reason', s.reason),
							 (7, 'trigger', s.trigger_id::text), (8, 'kind', s.trigger_kind),
							 (9, 'le', CASE WHEN s.le = 'Infinity' THEN '+Inf' ELSE s.le::text END))
					 v(ord, label, value)
				WHERE v.value IS NOT NULL) l)
	SELECT pg_catalog.string_agg(line, '' ORDER BY ord, header DESC, k1, k2, k3, k4, k5, k6)
	FROM lines);
END
$$;
COMMENT ON FUNCTION reporunner.metrics(interval) IS 'Metrics of the workflows visible to the current role in the Prometheus text format 0.0.4: executions created in the last "since" by status, their durations as a histogram, retries (of http nodes apart), trigger firings; running and waiting executions, the queue and the workers now; HTTP requests, failures and bytes received since the server started';

/*
 * n8n workflows: import_n8n() translates n8n's exported JSON and saves it
 * through import_workflow(); n8n_document() shows the translation;
 * export_workflow(name, format => 'n8n') writes the other way
 * (src/n8n/).
 */
CREATE FUNCTION reporunner.import_n8n(workflow jsonb, name text DEFAULT NULL, options jsonb DEFAULT '{}')
RETURNS integer
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_import_n8n';
COMMENT ON FUNCTION reporunner.import_n8n(jsonb, text, jsonb) IS 'Translates a workflow exported from n8n (nodes, settings, connections, pinData) into a document and saves it with import_workflow() under name (default: the n8n workflow''s name); fails with one error listing every node that cannot be translated faithfully, saving nothing; returns the version';

CREATE FUNCTION reporunner.n8n_document(workflow jsonb, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'reporunner_n8n_document';
COMMENT ON FUNCTION reporunner.n8n_document(jsonb, jsonb) IS 'The document import_n8n() would save for a workflow exported from n8n, without saving it';
COMMENT ON FUNCTION reporunner.export_workflow(text, integer, text) IS 'Returns the document of a version (the active one by default) as it was saved, with the workflow''s triggers, if it has any, under "triggers"; format ''n8n'' translates it to n8n''s workflow JSON';

-- Paired items (issue 13): where each output item of a step came from
ALTER TABLE reporunner.step_journal ADD COLUMN paired jsonb;
COMMENT ON COLUMN reporunner.step_journal.paired IS 'Where output items came from, per output name: per item the input item (a number), several ({"input", "item"} for inputs after the first), or null; outputs left out (or NULL) pair item i with input item i';
CREATE OR REPLACE VIEW reporunner.step WITH (security_invoker = true) AS
SELECT j.execution_id, j.node, j.run_index, j.owner, j.attempt, j.status,
	   j.output, j.error, j.started_at, j.finished_at, j.retry_at, j.attempts,
	   j.paired
FROM reporunner.step_journal j
UNION ALL
SELECT e.id, s.node, COALESCE(s.run_index, 0), e.owner,
	   COALESCE(s.attempt, 1), s.status, s.output, s.error,
	   s.started_at, s.finished_at, NULL::timestamptz, s.attempts, s.paired
FROM reporunner.execution e
	 CROSS JOIN LATERAL pg_catalog.json_to_recordset(e.steps)
		AS s(node text, run_index integer, attempt integer, status text,
			 output jsonb, error jsonb, started_at timestamptz,
			 finished_at timestamptz, attempts jsonb, paired jsonb)
WHERE e.steps IS NOT NULL;
COMMENT ON COLUMN reporunner.step.paired IS 'Where output items came from, per output name (see reporunner.step_journal.paired); NULL: item i of each output came from input item i';

-- connectors (src/sql/88_connectors.sql, 89_shipped_connectors.sql)
/*
 * Connectors (src/connectors, src/nodes/connector.c): a service's base URL,
 * credential types and operations as data, run by the http node's engine.
 * A tenant's connectors are rows it owns, saved as versions through
 * save_connector(), which validates the whole definition first; shipped
 * connectors have no owner (owner IS NULL), are readable by every role and
 * writable by none but the tables' owner.  Rows are immutable: a new
 * definition is a new version, and nodes use the latest one.
 */

CREATE TABLE reporunner.connector (
	id				bigserial PRIMARY KEY,
	owner			oid,
	name			text NOT NULL,
	version			integer NOT NULL,
	definition		jsonb NOT NULL,
	created_by		oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT connector_owner_name_version_key
		UNIQUE NULLS NOT DISTINCT (owner, name, version),
	CONSTRAINT connector_version_check CHECK (version > 0)
);
COMMENT ON TABLE reporunner.connector IS 'Every saved version of every connector: a service''s base URL, credential types and operations for connector nodes; immutable once written';
COMMENT ON COLUMN reporunner.connector.id IS 'Surrogate key';
COMMENT ON COLUMN reporunner.connector.owner IS 'Role that owns the connector; NULL for the connectors shipped with Reporunner, which every role may use';
COMMENT ON COLUMN reporunner.connector.name IS 'Name, unique per owner; a role''s own connector hides a shipped one of the same name';
COMMENT ON COLUMN reporunner.connector.version IS 'Version number, 1 for the first save, increasing by one';
COMMENT ON COLUMN reporunner.connector.definition IS 'The definition exactly as saved (docs/connectors.md)';
COMMENT ON COLUMN reporunner.connector.created_by IS 'Role that saved this version';
COMMENT ON COLUMN reporunner.connector.created_at IS 'When this version was saved';
COMMENT ON CONSTRAINT connector_owner_name_version_key ON reporunner.connector IS 'One row per version of a connector; shipped ones (owner NULL) too';
COMMENT ON SEQUENCE reporunner.connector_id_seq IS 'Ids of connectors';

ALTER TABLE reporunner.connector ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.connector FORCE ROW LEVEL SECURITY;
CREATE POLICY connector_tenant ON reporunner.connector
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY connector_tenant ON reporunner.connector IS 'Rows are visible to the owner, its members and reporunner_admin';
CREATE POLICY connector_shipped ON reporunner.connector FOR SELECT
	USING (owner IS NULL);
COMMENT ON POLICY connector_shipped ON reporunner.connector IS 'Every role sees the connectors shipped with Reporunner';

/* reads only: rows are written by save_connector(), as the tables' owner */
GRANT SELECT ON reporunner.connector TO PUBLIC;

/* a tenant's rows are user data; shipped ones come with CREATE EXTENSION */
SELECT pg_catalog.pg_extension_config_dump('reporunner.connector', 'WHERE owner IS NOT NULL');
SELECT pg_catalog.pg_extension_config_dump('reporunner.connector_id_seq', '');

CREATE FUNCTION reporunner.save_connector(name text, definition jsonb)
RETURNS integer
LANGUAGE C
AS 'MODULE_PATHNAME', 'reporunner_save_connector';
COMMENT ON FUNCTION reporunner.save_connector(text, jsonb) IS 'Validates a connector definition and saves it as the caller''s next version of that connector (none if identical to the latest); returns the version number';

CREATE VIEW reporunner.connectors WITH (security_invoker = true) AS
SELECT DISTINCT ON (c.owner, c.name)
	   c.name, reporunner.owner_name(c.owner) AS owner, c.version,
	   pg_catalog.jsonb_path_query_array(c.definition, 'strict $.operations.keyvalue().key') AS operations,
	   c.definition, c.created_at
FROM reporunner.connector c
ORDER BY c.owner, c.name, c.version DESC;
COMMENT ON VIEW reporunner.connectors IS 'The latest version of every connector the current role may see: its own, its roles'' and the shipped ones (owner NULL), with their operations';
GRANT SELECT ON reporunner.connectors TO PUBLIC;
/*
 * The connectors shipped with Reporunner (docs/connectors.md): rows
 * without an owner, version 1, readable by every role.  Each definition is
 * what save_connector() accepts (sql/100_connectors checks it).
 */
INSERT INTO reporunner.connector (owner, name, version, definition, created_by)
VALUES
	(NULL, 'slack', 1, '{
  "description": "Slack Web API: post messages, list channels. A bot token (xoxb-...) as a bearer credential.",
  "base_url": "https://slack.com/api",
  "credential": {"types": ["bearer"]},
  "headers": {"Accept": "application/json"},
  "error": {"when": "{{ $json.ok === false }}", "message": "{{ $json.error }}"},
  "error_message": "{{ $json.error }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "chat.postMessage": {
      "description": "Post a message to a channel (https://api.slack.com/methods/chat.postMessage).",
      "method": "POST",
      "path": "/chat.postMessage",
      "params": {
        "channel": {"required": true, "description": "Channel, private group or IM channel id or name"},
        "text": {"description": "The message text; required unless blocks are given"},
        "blocks": {"description": "An array of layout blocks"},
        "thread_ts": {"description": "Timestamp of the parent message, to reply in its thread"},
        "unfurl_links": {"description": "Whether to unfurl links"}
      },
      "body": {"channel": "{{ $param.channel }}", "text": "{{ $param.text }}",
               "blocks": "{{ $param.blocks }}", "thread_ts": "{{ $param.thread_ts }}",
               "unfurl_links": "{{ $param.unfurl_links }}"}
    },
    "conversations.list": {
      "description": "List the channels of the workspace, every page (https://api.slack.com/methods/conversations.list).",
      "method": "GET",
      "path": "/conversations.list",
      "params": {
        "types": {"description": "Comma-separated: public_channel, private_channel, mpim, im"},
        "exclude_archived": {"description": "true to leave archived channels out"},
        "limit": {"description": "Channels per page (at most 1000)"}
      },
      "query": {"types": "{{ $param.types }}", "exclude_archived": "{{ $param.exclude_archived }}",
                "limit": "{{ $param.limit }}"},
      "pagination": {"type": "cursor", "param": "cursor",
                     "cursor": "{{ $json.response_metadata ? $json.response_metadata.next_cursor : null }}"},
      "items": "channels"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'github', 1, '{
  "description": "GitHub REST API: issues, comments, repositories. A personal access token or app token as a bearer credential.",
  "base_url": "https://api.github.com",
  "credential": {"types": ["bearer"]},
  "headers": {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
  "error_message": "{{ $json.message }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "issues.create": {
      "description": "Create an issue (https://docs.github.com/rest/issues/issues#create-an-issue).",
      "method": "POST",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}/issues",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"},
        "title": {"required": true, "description": "Title of the issue"},
        "body": {"description": "Contents of the issue (Markdown)"},
        "labels": {"description": "Array of label names"},
        "assignees": {"description": "Array of logins"}
      },
      "body": {"title": "{{ $param.title }}", "body": "{{ $param.body }}",
               "labels": "{{ $param.labels }}", "assignees": "{{ $param.assignees }}"}
    },
    "issues.comment": {
      "description": "Comment on an issue or pull request (https://docs.github.com/rest/issues/comments#create-an-issue-comment).",
      "method": "POST",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}/issues/{{ $param.issue_number }}/comments",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"},
        "issue_number": {"required": true, "description": "Number of the issue"},
        "body": {"required": true, "description": "Contents of the comment (Markdown)"}
      },
      "body": {"body": "{{ $param.body }}"}
    },
    "issues.list": {
      "description": "List a repository''s issues, every page by the Link header (https://docs.github.com/rest/issues/issues#list-repository-issues).",
      "method": "GET",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}/issues",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"},
        "state": {"description": "open (default), closed or all"},
        "labels": {"description": "Comma-separated label names"},
        "since": {"description": "Only issues updated at or after this ISO 8601 time"},
        "per_page": {"description": "Issues per page (at most 100)"}
      },
      "query": {"state": "{{ $param.state }}", "labels": "{{ $param.labels }}",
                "since": "{{ $param.since }}", "per_page": "{{ $param.per_page }}"},
      "pagination": {"type": "link"}
    },
    "repos.get": {
      "description": "Get a repository (https://docs.github.com/rest/repos/repos#get-a-repository).",
      "method": "GET",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"}
      }
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'stripe', 1, '{
  "description": "Stripe API: customers, payment intents, charges. A secret key (sk_...) as a bearer credential; every request carries an Idempotency-Key.",
  "base_url": "https://api.stripe.com",
  "credential": {"types": ["bearer", "basic"]},
  "error_message": "{{ $json.error ? $json.error.message : null }}",
  "retry_on": [409, 429, 500, 502, 503, 504],
  "operations": {
    "customers.create": {
      "description": "Create a customer (https://docs.stripe.com/api/customers/create).",
      "method": "POST",
      "path": "/v1/customers",
      "body_type": "form",
      "params": {
        "email": {"description": "The customer''s email address"},
        "name": {"description": "The customer''s full name or business name"},
        "phone": {"description": "The customer''s phone number"},
        "description": {"description": "An arbitrary string"}
      },
      "body": {"email": "{{ $param.email }}", "name": "{{ $param.name }}",
               "phone": "{{ $param.phone }}", "description": "{{ $param.description }}"}
    },
    "payment_intents.create": {
      "description": "Create a payment intent (https://docs.stripe.com/api/payment_intents/create).",
      "method": "POST",
      "path": "/v1/payment_intents",
      "body_type": "form",
      "params": {
        "amount": {"required": true, "description": "Amount in the currency''s smallest unit (cents)"},
        "currency": {"required": true, "description": "Three-letter ISO currency code, lower case"},
        "customer": {"description": "Id of the customer"},
        "description": {"description": "An arbitrary string"},
        "payment_method": {"description": "Id of a payment method"},
        "confirm": {"description": "true to confirm it at once"},
        "receipt_email": {"description": "Where to send the receipt"}
      },
      "body": {"amount": "{{ $param.amount }}", "currency": "{{ $param.currency }}",
               "customer": "{{ $param.customer }}", "description": "{{ $param.description }}",
               "payment_method": "{{ $param.payment_method }}", "confirm": "{{ $param.confirm }}",
               "receipt_email": "{{ $param.receipt_email }}"}
    },
    "charges.list": {
      "description": "List charges, every page by starting_after (https://docs.stripe.com/api/charges/list).",
      "method": "GET",
      "path": "/v1/charges",
      "params": {
        "customer": {"description": "Only this customer''s charges"},
        "payment_intent": {"description": "Only this payment intent''s charges"},
        "limit": {"description": "Charges per page (1 to 100, default 10)"}
      },
      "query": {"customer": "{{ $param.customer }}", "payment_intent": "{{ $param.payment_intent }}",
                "limit": "{{ $param.limit }}"},
      "pagination": {"type": "cursor", "param": "starting_after",
                     "cursor": "{{ $json.has_more && $json.data.length > 0 ? $json.data[$json.data.length - 1].id : null }}"},
      "items": "data"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'openai', 1, '{
  "description": "OpenAI''s API, or any OpenAI-compatible server (give its base_url): chat completions and embeddings. An API key as a bearer credential.",
  "base_url": "https://api.openai.com/v1",
  "credential": {"types": ["bearer"]},
  "error_message": "{{ $json.error ? $json.error.message : null }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "chat.completions.create": {
      "description": "Generate a chat completion (https://platform.openai.com/docs/api-reference/chat/create).",
      "method": "POST",
      "path": "/chat/completions",
      "params": {
        "model": {"required": true, "description": "The model, such as gpt-4o-mini"},
        "messages": {"required": true, "description": "The conversation: an array of {role, content}"},
        "temperature": {"description": "Sampling temperature, 0 to 2"},
        "max_tokens": {"description": "Most tokens to generate"},
        "tools": {"description": "Functions the model may call"},
        "tool_choice": {"description": "none, auto, required, or a function"},
        "response_format": {"description": "{\"type\": \"json_object\"} for JSON answers"}
      },
      "body": {"model": "{{ $param.model }}", "messages": "{{ $param.messages }}",
               "temperature": "{{ $param.temperature }}", "max_tokens": "{{ $param.max_tokens }}",
               "tools": "{{ $param.tools }}", "tool_choice": "{{ $param.tool_choice }}",
               "response_format": "{{ $param.response_format }}"}
    },
    "embeddings.create": {
      "description": "Embed text (https://platform.openai.com/docs/api-reference/embeddings/create); one item per input.",
      "method": "POST",
      "path": "/embeddings",
      "params": {
        "model": {"required": true, "description": "The model, such as text-embedding-3-small"},
        "input": {"required": true, "description": "A string, or an array of strings"},
        "dimensions": {"description": "Dimensions of the embeddings, where the model allows"}
      },
      "body": {"model": "{{ $param.model }}", "input": "{{ $param.input }}",
               "dimensions": "{{ $param.dimensions }}"},
      "items": "data"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'slack_webhook', 1, '{
  "description": "Slack incoming webhooks: post to the channel a webhook was made for. The webhook''s URL (https://hooks.slack.com/services/...) is the secret: a credential of type url.",
  "base_url": "https://hooks.slack.com",
  "credential": {"types": ["url"]},
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "send": {
      "description": "Post a message (https://api.slack.com/messaging/webhooks).",
      "method": "POST",
      "path": "/services",
      "params": {
        "text": {"description": "The message text; required unless blocks are given"},
        "blocks": {"description": "An array of layout blocks"}
      },
      "body": {"text": "{{ $param.text }}", "blocks": "{{ $param.blocks }}"}
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid);

-- Scale out on Citus (src/sql/90_distribute.sql)
CREATE TABLE reporunner.owner_role (
	owner			oid PRIMARY KEY,
	name			name NOT NULL
);
COMMENT ON TABLE reporunner.owner_role IS 'On Citus: the name of each owner, as the tables hold it (a role''s OID on the coordinator), so that the worker nodes, where the same role has another OID, act as it; a reference table, empty on a single server';
COMMENT ON COLUMN reporunner.owner_role.owner IS 'The owner: the role''s OID on the coordinator';
COMMENT ON COLUMN reporunner.owner_role.name IS 'The role''s name, the same on every node';
ALTER TABLE reporunner.owner_role ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.owner_role FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_role_readable ON reporunner.owner_role FOR SELECT USING (true);
COMMENT ON POLICY owner_role_readable ON reporunner.owner_role IS 'Every role may read the names of owners, as pg_roles shows them';
GRANT SELECT ON reporunner.owner_role TO PUBLIC;

CREATE FUNCTION reporunner.current_owner()
RETURNS oid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT CURRENT_USER::pg_catalog.regrole::pg_catalog.oid
$$;
COMMENT ON FUNCTION reporunner.current_owner() IS 'The current role as an owner in Reporunner''s tables: its OID, except on a Citus worker node, where it is the role''s OID on the coordinator (reporunner.owner_role); for the owner column of tenants'' own tables';

CREATE FUNCTION reporunner.execute_on_node(owner oid, workflow_id bigint, version integer,
										   name text, input jsonb, save text, caller oid,
										   call_level integer)
RETURNS jsonb
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_execute_on_node';
COMMENT ON FUNCTION reporunner.execute_on_node(oid, bigint, integer, text, jsonb, text, oid, integer) IS 'Internal: execute()''s run of a workflow, on Citus on the node that holds the owner''s rows (distributed by owner, so Citus delegates the call there), as deep as the executions running where execute() was called (call_level) make it; called by execute() as the tables'' owner only';
REVOKE EXECUTE ON FUNCTION reporunner.execute_on_node(oid, bigint, integer, text, jsonb, text, oid, integer) FROM PUBLIC;

CREATE FUNCTION reporunner.start_on_node(owner oid, workflow_id bigint, version integer,
										 name text, input jsonb, idempotency_key text,
										 caller oid, priority integer, ready_at timestamptz,
										 call_level integer)
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_start_on_node';
COMMENT ON FUNCTION reporunner.start_on_node(oid, bigint, integer, text, jsonb, text, oid, integer, timestamptz, integer) IS 'Internal: start()''s queued execution, on Citus written on the node that holds the owner''s rows (distributed by owner, so Citus delegates the call there), at the level the executions running where start() was called (call_level) make it, and its workers woken there; called by start() as the tables'' owner only';
REVOKE EXECUTE ON FUNCTION reporunner.start_on_node(oid, bigint, integer, text, jsonb, text, oid, integer, timestamptz, integer) FROM PUBLIC;

CREATE FUNCTION reporunner.prepare_distribution()
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r record;
	fkeys text[] := '{}';
	stmt text;
	ddl text;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'permission denied to prepare Reporunner''s tables for Citus'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'Only a superuser may change the keys of Reporunner''s tables.';
	END IF;
	/*
	 * The keys of the extension's tables that lack "owner", each column
	 * list as an array of names; foreign keys go first, as the keys they
	 * reference change, and come back last.
	 */
	FOR r IN
		SELECT k.conrelid::pg_catalog.regclass::text AS rel, k.conname, k.contype,
			   k.confrelid::pg_catalog.regclass::text AS frel,
			   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY u.i)
				FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(n, i)
				JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) AS cols,
			   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY u.i)
				FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY u(n, i)
				JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n) AS fcols
		FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
		WHERE c.relnamespace = 'reporunner'::pg_catalog.regnamespace AND k.contype IN ('p', 'u', 'f')
		  AND c.relname NOT IN ('connector', 'owner_role')	-- reference tables
		  -- the extension's own tables, not the shards Citus put next to
		  -- them on a worker node (a second call meets the connector's)
		  AND EXISTS (SELECT FROM pg_catalog.pg_depend d
					  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
						AND d.objid = c.oid AND d.deptype = 'e'
						AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e
										  WHERE e.extname = 'reporunner'))
		  AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a WHERE a.attrelid = k.conrelid
						  AND a.attnum = ANY (k.conkey) AND a.attname = 'owner')
		ORDER BY k.contype <> 'f', 1, 2
	LOOP
		IF r.contype = 'f' THEN
			EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', r.rel, r.conname);
			fkeys := fkeys || pg_catalog.format(
				'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%s, owner) REFERENCES %s (%s, owner) ON DELETE CASCADE',
				r.rel, r.conname, r.cols, r.frel, r.fcols);
		ELSE
			EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I %s (%s, owner)',
						   r.rel, r.conname, r.conname,
						   CASE r.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, r.cols);
		END IF;
	END LOOP;
	FOREACH stmt IN ARRAY fkeys LOOP
		EXECUTE stmt;
	END LOOP;
	/*
	 * Executions name their version with a foreign key on Citus: the lock
	 * the engine holds while it writes one is one node's
	 * (src/catalog/version_hold.c), and the trigger that replaces the
	 * cascade would run on a shard, where Citus refuses distributed
	 * statements.  The same for queue rows, whose trigger has a transition
	 * table, which Citus does not support on distributed tables.  And
	 * sessions keep nothing on Citus (the tables are read through SQL), so
	 * the triggers that announce changes go too.  (A second call meets
	 * distributed tables, where Citus refuses even DROP TRIGGER IF EXISTS:
	 * hence the look first.)
	 */
	FOR r IN SELECT t.tgname, t.tgrelid::pg_catalog.regclass AS rel
			 FROM pg_catalog.pg_trigger t
			 WHERE (t.tgrelid, t.tgname) IN
				   (('reporunner.workflow'::pg_catalog.regclass, 'workflow_executions_delete'),
					('reporunner.workflow'::pg_catalog.regclass, 'workflow_changed'),
					('reporunner.trigger'::pg_catalog.regclass, 'trigger_changed'),
					('reporunner.execution'::pg_catalog.regclass, 'execution_queue_delete'))
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', r.tgname, r.rel);
	END LOOP;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint
				   WHERE conrelid = 'reporunner.execution'::pg_catalog.regclass
					 AND conname = 'execution_version_fkey') THEN
		ALTER TABLE reporunner.execution ADD CONSTRAINT execution_version_fkey
			FOREIGN KEY (workflow_id, version, owner)
			REFERENCES reporunner.workflow_version (workflow_id, version, owner)
			ON DELETE CASCADE;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint
				   WHERE conrelid = 'reporunner.queue'::pg_catalog.regclass
					 AND conname = 'queue_execution_id_fkey') THEN
		ALTER TABLE reporunner.queue ADD CONSTRAINT queue_execution_id_fkey
			FOREIGN KEY (execution_id, owner)
			REFERENCES reporunner.execution (id, owner) ON DELETE CASCADE;
	END IF;
	/* the one unique index that is not a constraint */
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a
				   ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
				   WHERE i.indexrelid = 'reporunner.execution_idempotency_key'::pg_catalog.regclass
					 AND a.attname = 'owner') THEN
		DROP INDEX reporunner.execution_idempotency_key;
		CREATE UNIQUE INDEX execution_idempotency_key
			ON reporunner.execution (workflow_id, idempotency_key, owner)
			WHERE idempotency_key IS NOT NULL;
		COMMENT ON INDEX reporunner.execution_idempotency_key IS 'One execution per idempotency key and workflow';
	END IF;
	DROP POLICY IF EXISTS workflow_shared ON reporunner.workflow;
	DROP POLICY IF EXISTS step_journal_visible_to_creator ON reporunner.step_journal;
	/*
	 * Ids are made on every node (a worker node's background workers
	 * queue sub-workflows and retries): each node's sequences hand out a
	 * range of their own, as Citus does for the sequences of its tables,
	 * the coordinator's (group 0) from 1, group g's from g * 2^48.
	 */
	/*
	 * A role has another OID on each node; the tables hold the
	 * coordinator's, and owner_role their names.  Row-level security on a
	 * worker node, which runs the tenants' queries on its shards, checks
	 * the role of that name, and current_owner() gives the coordinator's
	 * OID (the nested read of a reference table is a local one).
	 */
	IF EXISTS (SELECT FROM pg_catalog.pg_dist_local_group WHERE groupid > 0) THEN
		/* this node's own definition: Citus would refuse DDL here */
		PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'off', true);
		CREATE OR REPLACE FUNCTION reporunner.has_owner_access(owner oid)
		RETURNS boolean
		LANGUAGE sql STABLE PARALLEL SAFE
		SET citus.allow_nested_distributed_execution = on
		AS $f$
		SELECT pg_catalog.pg_has_role(CURRENT_USER, r.role, 'USAGE')
			   OR (pg_catalog.pg_has_role(CURRENT_USER, 'reporunner_admin', 'USAGE')
				   AND NOT reporunner.is_more_privileged(r.role))
		FROM (SELECT CASE WHEN $1 < 16384 THEN $1
				ELSE (SELECT pg_catalog.to_regrole(pg_catalog.quote_ident(m.name))::pg_catalog.oid
					  FROM reporunner.owner_role m WHERE m.owner = $1)
				END AS role) r
		$f$;
		CREATE OR REPLACE FUNCTION reporunner.current_owner()
		RETURNS oid
		LANGUAGE sql STABLE PARALLEL SAFE
		SET citus.allow_nested_distributed_execution = on
		AS $f$
		SELECT coalesce((SELECT o.owner FROM reporunner.owner_role o WHERE o.name = CURRENT_USER),
						CURRENT_USER::pg_catalog.regrole::pg_catalog.oid)
		$f$;
		/*
		 * The views' owner names: their expressions run on the shards,
		 * here, where the owner's OID is another role's or nobody's.
		 */
		CREATE OR REPLACE FUNCTION reporunner.owner_name(owner oid)
		RETURNS name
		LANGUAGE sql STABLE STRICT PARALLEL SAFE
		SET citus.allow_nested_distributed_execution = on
		AS $f$
		SELECT CASE WHEN $1 < 16384 THEN pg_catalog.pg_get_userbyid($1)
			   ELSE coalesce((SELECT m.name FROM reporunner.owner_role m WHERE m.owner = $1),
							 ('unknown (OID=' || $1 || ')')::pg_catalog.name)
			   END
		$f$;
	END IF;
	/*
	 * metric_samples() is a SQL function so that a single server inlines
	 * it into the query that calls it, planned for the window given.
	 * Citus sees the distributed tables of an inlined function only after
	 * it has planned the query, and refuses it: here it becomes PL/pgSQL
	 * running the same statement (taken from the SQL function, so that
	 * there is one copy of it), whose statements Citus plans with the
	 * window's value.  Once only: then it is no longer SQL.
	 */
	SELECT pg_catalog.format('CREATE OR REPLACE FUNCTION reporunner.metric_samples(%s) RETURNS %s LANGUAGE plpgsql STABLE AS %L',
							 pg_catalog.pg_get_function_arguments(p.oid),
							 pg_catalog.pg_get_function_result(p.oid),
							 E'#variable_conflict use_column\nBEGIN\n\tRETURN QUERY\n'
							 || pg_catalog.rtrim(pg_catalog.substring(pg_catalog.pg_get_function_sqlbody(p.oid),
																	  '^\s*BEGIN ATOMIC(.*)END\s*$'),
												 E' \n\t;')
							 || E';\nEND')
	INTO stmt
	FROM pg_catalog.pg_proc p
	WHERE p.oid = 'reporunner.metric_samples(interval)'::pg_catalog.regprocedure
	  AND p.prolang = (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname = 'sql');
	IF stmt IS NOT NULL THEN
		/* each node's own: the coordinator would send it to the worker nodes */
		ddl := pg_catalog.current_setting('citus.enable_ddl_propagation');
		PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'off', true);
		EXECUTE stmt;
		PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', ddl, true);
	END IF;
	FOR r IN
		SELECT pg_catalog.format('reporunner.%I', s.sequencename) AS seq,
			   (g.groupid::bigint << 48) AS first
		FROM pg_catalog.pg_sequences s, pg_catalog.pg_dist_local_group g
		WHERE s.schemaname = 'reporunner' AND g.groupid > 0
		  AND coalesce(s.last_value, 0) < (g.groupid::bigint << 48)
	LOOP
		PERFORM pg_catalog.setval(r.seq, r.first, false);
	END LOOP;
END
$$;
COMMENT ON FUNCTION reporunner.prepare_distribution() IS 'Makes this node''s Reporunner tables ready for Citus: "owner" in every key and foreign key, no policy with a subquery, a range of ids of its own; distribute() runs it on every node';
REVOKE EXECUTE ON FUNCTION reporunner.prepare_distribution() FROM PUBLIC;

CREATE FUNCTION reporunner.distribute()
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	t text;
	failed text;
	moved text[] := '{}';
	i integer;
	role text;
	fn text;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'permission denied to distribute Reporunner''s tables'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'Only a superuser may distribute Reporunner''s tables.';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
		RAISE EXCEPTION 'Citus is not installed in this database'
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'distribute() turns Reporunner''s tables into Citus tables.',
				  HINT = 'Add citus to shared_preload_libraries, run CREATE EXTENSION citus and add the worker nodes first (docs/scaling.md).';
	END IF;
	IF NOT pg_catalog.citus_is_coordinator() THEN
		RAISE EXCEPTION 'distribute() runs on the Citus coordinator'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'This node is a Citus worker node.';
	END IF;
	/* every node's own tables first: CREATE EXTENSION made them there */
	PERFORM reporunner.prepare_distribution();
	SELECT pg_catalog.string_agg(pg_catalog.format('%s:%s: %s', nodename, nodeport, result), '; ')
	INTO failed
	FROM pg_catalog.run_command_on_workers('SELECT reporunner.prepare_distribution()')
	WHERE NOT success;
	IF failed IS NOT NULL THEN
		RAISE EXCEPTION 'could not prepare Reporunner''s tables on every worker node'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = failed,
				  HINT = 'Every worker node needs the same version of Reporunner (citus_add_node() creates the extension there).';
	END IF;
	/*
	 * The tables keep their triggers (the active version's check, the audit
	 * log's); Citus runs them on each shard, which it calls unsafe since
	 * they could reach other shards: ours read and write the same owner's
	 * rows only.
	 */
	PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
	/* referenced tables before the tables that reference them */
	FOREACH t IN ARRAY ARRAY['workflow', 'workflow_version', 'node', 'edge',
							 'workflow_share', 'execution', 'step_journal', 'queue',
							 'credential', 'trigger', 'dedup_key', 'audit', 'agent_turn']
	LOOP
		CONTINUE WHEN EXISTS (SELECT FROM pg_catalog.pg_dist_partition
							  WHERE logicalrelid = pg_catalog.format('reporunner.%I', t)::pg_catalog.regclass);
		PERFORM pg_catalog.create_distributed_table(pg_catalog.format('reporunner.%I', t), 'owner',
			colocate_with => CASE t WHEN 'workflow' THEN 'default' ELSE 'reporunner.workflow' END);
		moved := moved || t;
	END LOOP;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition
				   WHERE logicalrelid = 'reporunner.connector'::pg_catalog.regclass) THEN
		PERFORM pg_catalog.create_reference_table('reporunner.connector');
		moved := moved || 'connector'::text;
	END IF;
	/* every role's name, for the worker nodes (again: renamed roles) */
	INSERT INTO reporunner.owner_role (owner, name)
		SELECT oid, rolname FROM pg_catalog.pg_authid WHERE oid >= 16384
	ON CONFLICT (owner) DO UPDATE SET name = excluded.name
		WHERE owner_role.name IS DISTINCT FROM excluded.name;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition
				   WHERE logicalrelid = 'reporunner.owner_role'::pg_catalog.regclass) THEN
		PERFORM pg_catalog.create_reference_table('reporunner.owner_role');
		moved := moved || 'owner_role'::text;
	END IF;
	/*
	 * The active version's check reads reporunner.workflow_version from
	 * the trigger, which on Citus runs on a shard, where Citus refuses
	 * distributed queries: it goes off, and only the API's own check of
	 * the version remains (docs/scaling.md).
	 */
	ALTER TABLE reporunner.workflow DISABLE TRIGGER workflow_active_version_check;
	/*
	 * execute() and start() on the coordinator hand their run and their
	 * queued execution to the node that holds the owner's rows: Citus
	 * delegates execute_on_node() and start_on_node() there by their
	 * owner, in the caller's transaction (docs/scaling.md).
	 */
	FOREACH fn IN ARRAY ARRAY[
		'reporunner.execute_on_node(oid, bigint, integer, text, jsonb, text, oid, integer)',
		'reporunner.start_on_node(oid, bigint, integer, text, jsonb, text, oid, integer, timestamptz, integer)']
	LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_dist_object
					   WHERE classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
						 AND objid = fn::pg_catalog.regprocedure
						 AND distribution_argument_index IS NOT NULL) THEN
			PERFORM pg_catalog.create_distributed_function(fn::pg_catalog.regprocedure, 'owner',
				colocate_with => 'reporunner.workflow', force_delegation => true);
		END IF;
	END LOOP;
	/*
	 * The rows a single node had are copied into the shards; the copies
	 * left in the coordinator's own tables are removed (referencing tables
	 * first), past the audit log's trigger that refuses TRUNCATE.
	 */
	role := pg_catalog.current_setting('session_replication_role');
	PERFORM pg_catalog.set_config('session_replication_role', 'replica', true);
	FOR i IN REVERSE coalesce(pg_catalog.array_upper(moved, 1), 0)..1 LOOP
		PERFORM pg_catalog.truncate_local_data_after_distributing_table(
			pg_catalog.format('reporunner.%I', moved[i]));
	END LOOP;
	PERFORM pg_catalog.set_config('session_replication_role', role, true);
END
$$;
COMMENT ON FUNCTION reporunner.distribute() IS 'Turns Reporunner''s tables into Citus tables distributed by owner and co-located, so that each tenant''s rows live on one node; superusers only, on the coordinator; does nothing the second time';
REVOKE EXECUTE ON FUNCTION reporunner.distribute() FROM PUBLIC;

-- Inbound webhooks (src/sql/65_webhooks.sql)
ALTER TABLE reporunner.trigger DROP CONSTRAINT trigger_kind_check;
ALTER TABLE reporunner.trigger ADD CONSTRAINT trigger_kind_check
	CHECK (kind IN ('table', 'schedule', 'notify', 'webhook'));
ALTER DOMAIN reporunner.execution_mode DROP CONSTRAINT execution_mode_check;
ALTER DOMAIN reporunner.execution_mode ADD CONSTRAINT execution_mode_check
	CHECK (VALUE IN ('call', 'start', 'table', 'schedule', 'notify', 'webhook', 'retry', 'error', 'subworkflow'));
COMMENT ON DOMAIN reporunner.execution_mode IS 'How an execution started: call, start, table, schedule, notify, webhook, retry, error or subworkflow';
COMMENT ON COLUMN reporunner.trigger.kind IS 'table, schedule, notify or webhook';
COMMENT ON COLUMN reporunner.trigger.target IS 'The table, cron expression, channel or webhook path';
COMMENT ON VIEW reporunner.triggers IS 'Table triggers, schedules, NOTIFY triggers and webhooks visible to the current role, with how many executions each started (of those the role may see) and when it last fired';
COMMENT ON FUNCTION reporunner.drop_trigger(bigint) IS 'Removes a trigger made by on_table(), on_schedule(), on_notify() or on_webhook(), with the PostgreSQL triggers or the pg_cron job it made';

CREATE FUNCTION reporunner.on_webhook(workflow text, path text,
									  options jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_on_webhook';
COMMENT ON FUNCTION reporunner.on_webhook(text, text, jsonb) IS 'Starts the workflow for every accepted HTTP request to /webhook/<path> on the webhook listener (options respond, output, auth, credential, tolerance, timeout); returns the trigger''s id';

-- The ai_agent node's journal (src/sql/91_ai_agent.sql), and distribute() with it
CREATE TABLE reporunner.agent_turn (
	execution_id	bigint NOT NULL REFERENCES reporunner.execution (id) ON DELETE CASCADE,
	node			text NOT NULL,
	run_index		integer NOT NULL DEFAULT 0,
	attempt			integer NOT NULL,
	item			integer NOT NULL,
	turn			integer NOT NULL,
	owner			oid NOT NULL,
	message			jsonb NOT NULL,
	usage			jsonb NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (execution_id, node, run_index, attempt, item, turn)
);
COMMENT ON TABLE reporunner.agent_turn IS 'The model''s replies to the ai_agent nodes of background runs, one row per model call, so that a resumed run does not call the model again';
COMMENT ON COLUMN reporunner.agent_turn.execution_id IS 'Execution the call belongs to';
COMMENT ON COLUMN reporunner.agent_turn.node IS 'Name of the ai_agent node';
COMMENT ON COLUMN reporunner.agent_turn.run_index IS 'Zero-based run of that node within the execution (a loop runs it several times)';
COMMENT ON COLUMN reporunner.agent_turn.attempt IS 'The node''s attempt (a retried node starts its conversations again)';
COMMENT ON COLUMN reporunner.agent_turn.item IS 'The input item whose conversation it is, from 0';
COMMENT ON COLUMN reporunner.agent_turn.turn IS 'The model call of that conversation, from 1';
COMMENT ON COLUMN reporunner.agent_turn.owner IS 'The execution''s owner';
COMMENT ON COLUMN reporunner.agent_turn.message IS 'The model''s message: its answer, or the tools it calls';
COMMENT ON COLUMN reporunner.agent_turn.usage IS 'The call''s token usage: prompt_tokens, completion_tokens, total_tokens';
COMMENT ON COLUMN reporunner.agent_turn.created_at IS 'When the reply was journaled';
SELECT pg_catalog.pg_extension_config_dump('reporunner.agent_turn', '');
ALTER TABLE reporunner.agent_turn ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.agent_turn FORCE ROW LEVEL SECURITY;
CREATE POLICY agent_turn_tenant ON reporunner.agent_turn
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY agent_turn_tenant ON reporunner.agent_turn IS 'Rows are visible to the owner, its members and reporunner_admin';
GRANT SELECT ON reporunner.agent_turn TO PUBLIC;

-- drop_connector() and the aws_s3 connector (src/sql/18_audit.sql, 88_connectors.sql, 89_shipped_connectors.sql)
ALTER TABLE reporunner.audit DROP CONSTRAINT audit_action_check;
ALTER TABLE reporunner.audit ADD CONSTRAINT audit_action_check CHECK (action IN (
		'save', 'import', 'activate', 'deactivate', 'rename', 'delete',
		'share', 'unshare', 'register_trigger', 'drop_trigger',
		'set_credential', 'drop_credential', 'rotate_key', 'reassign',
		'prune_audit', 'save_connector', 'drop_connector'));
COMMENT ON COLUMN reporunner.audit.action IS 'save, import, activate, deactivate, rename, delete, share, unshare, register_trigger, drop_trigger, set_credential, drop_credential, rotate_key, reassign, prune_audit, save_connector or drop_connector';
CREATE FUNCTION reporunner.drop_connector(name text)
RETURNS integer
LANGUAGE C
AS 'MODULE_PATHNAME', 'reporunner_drop_connector';
COMMENT ON FUNCTION reporunner.drop_connector(text) IS 'Deletes every version of the caller''s own connector and returns how many; refuses a shipped connector, and one the active version of a workflow of the caller''s uses';

INSERT INTO reporunner.connector (owner, name, version, definition, created_by)
VALUES
	(NULL, 'aws_s3', 1, '{
  "description": "Amazon S3 and S3-compatible object stores: put, get and list objects. An aws_sigv4 credential (service s3, the bucket''s region); a node''s base_url and path_style for other stores.",
  "base_url": "https://s3.amazonaws.com",
  "host_param": "bucket",
  "credential": {"types": ["aws_sigv4"]},
  "headers": {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
  "error_message": "{{ $json.Error ? $json.Error.Message : null }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "objects.put": {
      "description": "Store an object (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html); out: its etag.",
      "method": "PUT",
      "path": "/{{ $param.key }}",
      "params": {
        "bucket": {"required": true, "description": "The bucket"},
        "key": {"required": true, "slashes": true, "description": "The object''s key, such as reports/2024/may.csv"},
        "body": {"required": true, "description": "The object''s content: text, or base64 with encoding base64"},
        "encoding": {"description": "text (default) or base64, as objects.get gives it"},
        "content_type": {"description": "Its Content-Type (default application/octet-stream)"}
      },
      "headers": {"Content-Type": "{{ $param.content_type }}"},
      "body": {"body": "{{ $param.body }}", "encoding": "{{ $param.encoding }}"},
      "body_type": "file",
      "response": "file"
    },
    "objects.get": {
      "description": "Fetch an object (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): its body (text, or base64), content type and etag.",
      "method": "GET",
      "path": "/{{ $param.key }}",
      "params": {
        "bucket": {"required": true, "description": "The bucket"},
        "key": {"required": true, "slashes": true, "description": "The object''s key"}
      },
      "response": "file"
    },
    "objects.list": {
      "description": "List a bucket''s objects, every page by continuation token (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html); one item per object.",
      "method": "GET",
      "path": "/",
      "params": {
        "bucket": {"required": true, "description": "The bucket"},
        "prefix": {"description": "Only keys that start with this"},
        "delimiter": {"description": "Group keys up to this character (such as /) into CommonPrefixes, which are not items"},
        "start_after": {"description": "Only keys after this one"},
        "max_keys": {"description": "Keys per page (at most 1000)"}
      },
      "query": {"list-type": "2", "prefix": "{{ $param.prefix }}",
                "delimiter": "{{ $param.delimiter }}", "start-after": "{{ $param.start_after }}",
                "max-keys": "{{ $param.max_keys }}"},
      "response": "xml",
      "pagination": {"type": "cursor", "param": "continuation-token",
                     "cursor": "{{ $json.ListBucketResult.IsTruncated === ''true'' ? $json.ListBucketResult.NextContinuationToken : null }}"},
      "items": "ListBucketResult.Contents"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid);

-- xml_to_json() (src/sql/70_http.sql)
CREATE FUNCTION reporunner.xml_to_json(document text)
RETURNS jsonb
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'reporunner_xml_to_json';
COMMENT ON FUNCTION reporunner.xml_to_json(text) IS 'An XML document as the JSON the http node''s response format xml makes of it (no DTD, no entities beyond the predefined ones, nesting at most 64 deep)';

-- Joins on owner too, for Citus (docs/scaling.md): src/sql/30_views.sql,
-- 50_background.sql, 85_observe.sql, 86_metrics.sql
CREATE OR REPLACE VIEW reporunner.workflows WITH (security_invoker = true) AS
SELECT w.name,
	   reporunner.owner_name(w.owner) AS owner,
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
		WHERE wv.workflow_id = w.id AND wv.owner = w.owner) v ON true;

CREATE OR REPLACE VIEW reporunner.workflow_versions WITH (security_invoker = true) AS
SELECT w.name,
	   reporunner.owner_name(wv.owner) AS owner,
	   wv.version,
	   wv.version = w.active_version AS active,
	   n.nodes,
	   reporunner.owner_name(wv.created_by) AS created_by,
	   wv.created_at,
	   wv.definition,
	   w.id AS workflow_id
FROM reporunner.workflow_version wv
	 JOIN reporunner.workflow w ON w.id = wv.workflow_id AND w.owner = wv.owner
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.count(*) AS nodes
		FROM reporunner.node nd
		WHERE nd.workflow_id = wv.workflow_id AND nd.version = wv.version
		  AND nd.owner = wv.owner) n ON true;

CREATE OR REPLACE VIEW reporunner.executions WITH (security_invoker = true) AS
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
	   reporunner.owner_name(e.owner) AS owner,
	   reporunner.owner_name(e.created_by) AS created_by,
	   e.created_at,
	   e.started_at,
	   e.finished_at,
	   e.wake_at
FROM reporunner.execution e
	 JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.owner = e.owner;

CREATE OR REPLACE VIEW reporunner.steps WITH (security_invoker = true) AS
SELECT s.execution_id,
	   w.name AS workflow,
	   e.version,
	   s.node,
	   s.run_index,
	   s.attempt,
	   s.status,
	   s.finished_at - s.started_at AS duration,
	   s.started_at,
	   s.finished_at,
	   s.retry_at,
	   s.error,
	   s.output,
	   e.status AS execution_status,
	   reporunner.owner_name(s.owner) AS owner
FROM reporunner.step s
	 JOIN reporunner.execution e ON e.id = s.execution_id AND e.owner = s.owner
	 JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.owner = e.owner;

CREATE OR REPLACE FUNCTION reporunner.workflow_stats(since interval)
RETURNS TABLE (workflow text, owner name, executions bigint, queued bigint,
			   running bigint, waiting bigint, succeeded bigint, failed bigint,
			   canceled bigint, p50_duration interval, p95_duration interval,
			   max_duration interval, failures_by_node jsonb, retries bigint,
			   window_start timestamptz)
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT w.name,
		   reporunner.owner_name(w.owner),
		   s.executions,
		   s.queued,
		   s.running,
		   s.waiting,
		   s.succeeded,
		   s.failed,
		   s.canceled,
		   s.p50,
		   s.p95,
		   s.max,
		   COALESCE(f.failures, '{}'::jsonb),
		   COALESCE(r.retries, 0),
		   pg_catalog.now() - since
	FROM reporunner.workflow w
		 CROSS JOIN LATERAL (
			SELECT pg_catalog.count(*) AS executions,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'queued') AS queued,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'running') AS running,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'waiting') AS waiting,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'succeeded') AS succeeded,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'failed') AS failed,
				   pg_catalog.count(*) FILTER (WHERE e.status = 'canceled') AS canceled,
				   pg_catalog.percentile_disc(0.5) WITHIN GROUP (ORDER BY e.finished_at - e.started_at) AS p50,
				   pg_catalog.percentile_disc(0.95) WITHIN GROUP (ORDER BY e.finished_at - e.started_at) AS p95,
				   pg_catalog.max(e.finished_at - e.started_at) AS max
			FROM reporunner.execution e
			WHERE e.workflow_id = w.id AND e.owner = w.owner
			  AND e.created_at >= pg_catalog.now() - since) s
		 LEFT JOIN LATERAL (
			SELECT pg_catalog.jsonb_object_agg(n.node, n.failures) AS failures
			FROM (SELECT e.error ->> 'node' AS node, pg_catalog.count(*) AS failures
				  FROM reporunner.execution e
				  WHERE e.workflow_id = w.id AND e.owner = w.owner
					AND e.created_at >= pg_catalog.now() - since
					AND e.status = 'failed' AND e.error ? 'node'
				  GROUP BY 1) n) f ON true
		 LEFT JOIN LATERAL (
			SELECT pg_catalog.sum(pg_catalog.jsonb_array_length(j.attempts)) AS retries
			FROM reporunner.step_journal j
				 JOIN reporunner.execution e ON e.id = j.execution_id AND e.owner = j.owner
			WHERE j.attempts IS NOT NULL AND e.workflow_id = w.id AND e.owner = w.owner
			  AND e.created_at >= pg_catalog.now() - since) r ON true;
END
$$;

CREATE OR REPLACE VIEW reporunner.activity WITH (security_invoker = true) AS
SELECT a.pid,
	   a.process,
	   w.name AS workflow,
	   a.version,
	   a.execution_id,
	   a.mode,
	   a.node,
	   a.node_started,
	   a.execution_started,
	   reporunner.owner_name(a.owner) AS owner
FROM reporunner.activity_entries() a
	 JOIN reporunner.workflow w ON w.id = a.workflow_id AND w.owner = a.owner;

CREATE OR REPLACE FUNCTION reporunner.metric_samples(since interval DEFAULT '1 hour')
RETURNS TABLE (metric text, workflow text, owner text, status text,
			   trigger_id bigint, trigger_kind text, le double precision,
			   value double precision)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT 'reporunner_executions_created', s.workflow, s.owner::text, c.status,
		   NULL::bigint, NULL::text, NULL::double precision, c.n::double precision
	FROM reporunner.workflow_stats(since) s
		 CROSS JOIN LATERAL (VALUES ('queued', s.queued), ('running', s.running),
									('waiting', s.waiting), ('succeeded', s.succeeded),
									('failed', s.failed), ('canceled', s.canceled)) c(status, n)
	UNION ALL
	SELECT 'reporunner_workflow_retries', s.workflow, s.owner::text, NULL, NULL, NULL, NULL,
		   s.retries::double precision
	FROM reporunner.workflow_stats(since) s
	UNION ALL
	SELECT 'reporunner_execution_duration_seconds' || h.part, w.name,
		   reporunner.owner_name(w.owner)::text, NULL, NULL, NULL, h.le, h.n::double precision
	FROM reporunner.workflow w
		 CROSS JOIN LATERAL (
			SELECT pg_catalog.count(x.d) AS n,
				   COALESCE(pg_catalog.sum(x.d), 0) AS sum,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.005) AS le_0_005,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.01) AS le_0_01,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.025) AS le_0_025,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.05) AS le_0_05,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.1) AS le_0_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.25) AS le_0_25,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.5) AS le_0_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 1) AS le_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 2.5) AS le_2_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 5) AS le_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 10) AS le_10,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 30) AS le_30,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 60) AS le_60
			FROM (SELECT pg_catalog.date_part('epoch', e.finished_at - e.started_at) AS d
				  FROM reporunner.execution e
				  WHERE e.workflow_id = w.id AND e.owner = w.owner
					AND e.created_at >= pg_catalog.now() - since
					AND e.finished_at IS NOT NULL
				  OFFSET 0) x) d
		 CROSS JOIN LATERAL (VALUES
			('_bucket', 0.005::double precision, d.le_0_005),
			('_bucket', 0.01, d.le_0_01),
			('_bucket', 0.025, d.le_0_025),
			('_bucket', 0.05, d.le_0_05),
			('_bucket', 0.1, d.le_0_1),
			('_bucket', 0.25, d.le_0_25),
			('_bucket', 0.5, d.le_0_5),
			('_bucket', 1, d.le_1),
			('_bucket', 2.5, d.le_2_5),
			('_bucket', 5, d.le_5),
			('_bucket', 10, d.le_10),
			('_bucket', 30, d.le_30),
			('_bucket', 60, d.le_60),
			('_bucket', 'Infinity', d.n),
			('_sum', NULL, d.sum),
			('_count', NULL, d.n)) h(part, le, n)
	UNION ALL
	SELECT 'reporunner_workflow_running', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(r.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, e.owner, pg_catalog.count(*) AS n
					FROM reporunner.queue q
						 JOIN reporunner.execution e
						   ON e.id = q.execution_id AND e.owner = q.owner
					WHERE q.ready_at = 'infinity' AND e.status = 'running'
					GROUP BY e.workflow_id, e.owner) r
		   ON r.workflow_id = w.id AND r.owner = w.owner
	UNION ALL
	SELECT 'reporunner_workflow_waiting', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(p.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, e.owner, pg_catalog.count(*) AS n
					FROM reporunner.execution e
					WHERE e.status = 'waiting'
					GROUP BY e.workflow_id, e.owner) p
		   ON p.workflow_id = w.id AND p.owner = w.owner
	UNION ALL
	SELECT 'reporunner_queue_depth', NULL, NULL, NULL, NULL, NULL, NULL,
		   pg_catalog.count(*)::double precision
	FROM reporunner.queue q WHERE q.ready_at < 'infinity'
	UNION ALL
	SELECT 'reporunner_queue_oldest_age_seconds', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.min(q.ready_at)), 0)::double precision
	FROM reporunner.queue q WHERE q.ready_at <= pg_catalog.now()
	UNION ALL
	SELECT 'reporunner_workers_running', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(pg_catalog.sum(r.workers), 0)::double precision
	FROM reporunner.workers() r
	WHERE r.database = (SELECT d.oid FROM pg_catalog.pg_database d
						WHERE d.datname = pg_catalog.current_database())
	UNION ALL
	SELECT 'reporunner_trigger_firings', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, t.id, t.kind, NULL,
		   (SELECT pg_catalog.count(*) FROM reporunner.execution e
			WHERE e.trigger_id = t.id AND e.owner = t.owner
			  AND e.created_at >= pg_catalog.now() - since)::double precision
	FROM reporunner.trigger t
		 JOIN reporunner.workflow w ON w.id = t.workflow_id AND w.owner = t.owner
	UNION ALL
	SELECT 'reporunner_http_node_retries', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, NULL, NULL, NULL,
		   COALESCE((SELECT pg_catalog.sum(pg_catalog.jsonb_array_length(j.attempts))
					 FROM reporunner.execution e
						  JOIN reporunner.step_journal j
							ON j.execution_id = e.id AND j.owner = e.owner
						  JOIN reporunner.node n ON n.workflow_id = e.workflow_id
							   AND n.version = e.version AND n.name = j.node
							   AND n.owner = e.owner
					 WHERE e.workflow_id = w.id AND e.owner = w.owner AND e.created_at >= pg_catalog.now() - since
					   AND j.attempts IS NOT NULL AND n.type = 'http'), 0)::double precision
	FROM reporunner.workflow w
	WHERE EXISTS (SELECT FROM reporunner.node n
				  WHERE n.workflow_id = w.id AND n.owner = w.owner AND n.type = 'http');
END;

/*
 * Citus: the triggers view joins on owner too (a registration's workflow
 * and executions are its owner's), as Citus needs for a join of
 * distributed tables.
 */
CREATE OR REPLACE VIEW reporunner.triggers WITH (security_invoker = true) AS
SELECT t.id,
	   t.kind,
	   w.name AS workflow,
	   reporunner.owner_name(t.owner) AS owner,
	   t.target,
	   t.options,
	   reporunner.owner_name(t.created_by) AS created_by,
	   t.created_at,
	   f.executions,
	   f.last_fired
FROM reporunner.trigger t
	 JOIN reporunner.workflow w ON w.id = t.workflow_id AND w.owner = t.owner
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.count(*) AS executions,
			   pg_catalog.max(e.created_at) AS last_fired
		FROM reporunner.execution e
		WHERE e.trigger_id = t.id AND e.owner = t.owner) f ON true;

/*
 * Executions name their version without a foreign key, whose row lock on
 * the version at every insert was a write (src/catalog/version_hold.c):
 * the engine holds a lock of the workflow while it writes one, and deleting
 * a workflow deletes its executions here, after those writers.  On Citus,
 * distribute() puts the foreign key back.
 */
ALTER TABLE reporunner.execution DROP CONSTRAINT execution_version_fkey;
CREATE FUNCTION reporunner.delete_workflow_executions()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_delete_workflow_executions';
COMMENT ON FUNCTION reporunner.delete_workflow_executions() IS 'Trigger function: deletes the executions of a deleted workflow, once the executions being written have been';
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
CREATE TRIGGER workflow_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reporunner.workflow
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.catalog_changed();
ALTER TABLE reporunner.workflow ENABLE ALWAYS TRIGGER workflow_changed;
COMMENT ON TRIGGER workflow_changed ON reporunner.workflow IS 'Announces committed changes of workflows to the sessions that keep them';
CREATE TRIGGER trigger_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reporunner.trigger
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.catalog_changed();
ALTER TABLE reporunner.trigger ENABLE ALWAYS TRIGGER trigger_changed;
COMMENT ON TRIGGER trigger_changed ON reporunner.trigger IS 'Announces committed changes of trigger registrations to the sessions that keep them';

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
ALTER TABLE reporunner.queue DROP CONSTRAINT queue_execution_id_fkey;
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
CREATE TRIGGER execution_queue_delete AFTER DELETE ON reporunner.execution
	REFERENCING OLD TABLE AS deleted_executions
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.delete_queue_rows();
COMMENT ON TRIGGER execution_queue_delete ON reporunner.execution IS 'Deletes the queue rows of deleted executions (what a foreign key to the execution would cascade to)';

/*
 * The trigger functions are the extension's own: a tenant that could put
 * them on a table of its own fired them with rows it made up (another
 * tenant's table trigger, executions deleted, audit rows).  Triggers fire
 * without EXECUTE; on_table() makes its triggers as the tables' owner.
 */
REVOKE EXECUTE ON FUNCTION reporunner.check_active_version() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.delete_workflow_executions() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.catalog_changed() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.delete_queue_rows() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.audit_append_only() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.audit_workflow() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.table_trigger() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.forget_trigger() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION reporunner.forget_dropped_triggers() FROM PUBLIC;

/*
 * An execution that a running workflow's node code queues (start(),
 * retry(), a table trigger, ...) is one level deeper than that workflow,
 * which reporunner.max_call_depth bounds: the workers read the level here.
 */
ALTER TABLE reporunner.execution ADD COLUMN call_level smallint;
COMMENT ON COLUMN reporunner.execution.call_level IS 'How deep the execution is in a chain of executions that started one another (a queued sub-workflow; start(), retry(), fire_schedule() or a table trigger in a running workflow''s node; an error workflow): NULL when no running execution started it, else the level of the one that did plus one; reporunner.max_call_depth bounds it';
