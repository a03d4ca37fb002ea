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
	   reporunner.owner_name(e.owner) AS owner,
	   reporunner.owner_name(e.created_by) AS created_by,
	   e.created_at,
	   e.started_at,
	   e.finished_at,
	   e.wake_at
FROM reporunner.execution e
	 JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.owner = e.owner;
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
