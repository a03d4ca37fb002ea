/*
 * Views for people.  They are security_invoker, so row-level security is
 * applied as the querying role, not as the view's owner.  Joins pair the
 * owners too: on Citus (docs/scaling.md) tables join only on their
 * distribution column, owner.
 */

CREATE VIEW reporunner.workflows WITH (security_invoker = true) AS
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
COMMENT ON VIEW reporunner.workflows IS 'Workflows visible to the current role, with their active and latest versions';

CREATE VIEW reporunner.workflow_versions WITH (security_invoker = true) AS
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
COMMENT ON VIEW reporunner.workflow_versions IS 'Every saved version of the workflows visible to the current role';

/*
 * Every step of every execution, wherever the journal keeps it: the steps
 * a worker commits one by one while an execution runs are rows of
 * step_journal; the steps written together with an execution's end (an
 * execute(), a run of pure nodes in a worker, a failed execute() recorded
 * apart) are one compressed json array in execution.steps.  Both look the
 * same here.  Row-level security of both tables applies to the reader.
 */
CREATE VIEW reporunner.step WITH (security_invoker = true) AS
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
COMMENT ON COLUMN reporunner.step.paired IS 'Where output items came from, per output name (see reporunner.step_journal.paired); NULL: item i of each output came from input item i';

GRANT SELECT ON reporunner.workflows, reporunner.workflow_versions, reporunner.step TO PUBLIC;
