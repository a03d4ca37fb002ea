/*
 * Watching workflows run: explain() says how a version runs; the views
 * steps, workflow_stats and activity say how executions went and what
 * runs now.  The views are security_invoker: each role sees the rows
 * row-level security lets it see.
 */

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
	   reporunner.owner_name(s.owner) AS owner
FROM reporunner.step s
	 JOIN reporunner.execution e ON e.id = s.execution_id AND e.owner = s.owner
	 JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.owner = e.owner;
COMMENT ON VIEW reporunner.steps IS 'Steps visible to the current role, with their workflow''s name, the version and status of their execution, and how long each took';
GRANT SELECT ON reporunner.steps TO PUBLIC;

/*
 * Statistics of the executions created in a window, per workflow.  Each
 * workflow's executions are read through execution_workflow_idx
 * (workflow_id, created_at), its retried steps through
 * step_journal_retried_idx, so the time is that of the executions in the
 * window, whatever the journal holds.  Run as the caller, under
 * row-level security.  PL/pgSQL, not SQL: Citus cannot plan a SQL
 * function's statement on distributed tables with its parameters
 * ("could not create distributed plan"), and a function with SET is never
 * inlined anyway.  Without JIT: while the workflow table has never been
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
	   reporunner.owner_name(a.owner) AS owner
FROM reporunner.activity_entries() a
	 JOIN reporunner.workflow w ON w.id = a.workflow_id AND w.owner = a.owner;
COMMENT ON VIEW reporunner.activity IS 'What each background worker and session runs now: workflow, version, execution (NULL inside execute()), node and since when; only executions of owners the current role may act for';
GRANT SELECT ON reporunner.activity TO PUBLIC;
