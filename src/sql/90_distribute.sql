/*
 * Scale out on Citus (docs/scaling.md).  distribute() makes every table of
 * the extension a distributed table with "owner" as its distribution
 * column, all co-located, so that each tenant's workflows, executions,
 * steps and queue rows live together in one shard group on one node.
 *
 * Citus needs every primary key, unique constraint and unique index of a
 * distributed table to include the distribution column, and every foreign
 * key between two of them to pair the distribution columns; and it refuses
 * policies with subqueries.  prepare_distribution() makes one node's
 * tables so (distribute() runs it on every node, since the tables on the
 * worker nodes are created by CREATE EXTENSION there, not copied by
 * Citus): each key gets "owner" as its last column, under the same name;
 * each foreign key pairs "owner" too; the two policies that let a share's
 * grantee see the owner's rows, which read another table, are dropped
 * (sharing across tenants is not available on Citus).  Adding "owner"
 * changes no uniqueness: every table's rows take their owner from the
 * workflow they belong to.
 *
 * The one exception is reporunner.connector: the connectors shipped with
 * the extension have no owner, and every node needs them.  It becomes a
 * reference table, a copy on every node, which keeps its keys; saving a
 * connector, which is rare, writes to every node.
 */

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
