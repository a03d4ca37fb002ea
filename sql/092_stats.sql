--
-- How executions went: the views steps (each step with its workflow and
-- duration) and workflow_stats (per workflow over the last 24 hours, or
-- over any window with workflow_stats(interval)); each role sees its own.
--
SET client_min_messages TO warning;

CREATE ROLE stats_tenant LOGIN;
CREATE ROLE stats_other LOGIN;
CREATE SEQUENCE stats_attempts;
GRANT USAGE ON SEQUENCE stats_attempts TO stats_tenant;
SET ROLE stats_tenant;

-- four executions that succeed and two that fail at node Reject
SELECT reporunner.save_workflow('stats_orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Ok?", "type": "if", "params": {"condition": "{{ $json.ok }}"}},
	{"name": "Done", "type": "noop"},
	{"name": "Reject", "type": "stop_and_error", "params": {"message": "not ok"}}],
	"connections": [
	{"from": "Start", "to": "Ok?"},
	{"from": "Ok?", "output": "true", "to": "Done"},
	{"from": "Ok?", "output": "false", "to": "Reject"}]}');
SELECT reporunner.execute('stats_orders', '[{"ok": true}]', '{"save": "all"}') IS NOT NULL AS succeeded
FROM generate_series(1, 4);
SELECT regress.try($$SELECT reporunner.execute('stats_orders', '[{"ok": false}]', '{"save": "all"}')$$)
FROM generate_series(1, 2);

-- a background execution whose sql node fails twice and is retried
SELECT reporunner.save_workflow('stats_flaky', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Flaky", "type": "sql", "retry": {"tries": 5, "delay": "10ms"},
	 "params": {"query": "SELECT 10 / (CASE WHEN nextval(''stats_attempts'') < 3 THEN 0 ELSE 1 END) AS ok", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Flaky"}]}');
SELECT reporunner.start('stats_flaky', '[{}]') AS flaky \gset
SELECT status FROM reporunner.wait_for(:flaky);
-- and one that is still queued
SELECT reporunner.start('stats_flaky', '[{}]', '{"delay": "1h"}') AS later \gset
RESET ROLE;

-- known durations: 1 to 6 seconds, in the order the executions were made,
-- and 10 seconds for the retried one
UPDATE reporunner.execution e SET finished_at = e.started_at + d.n * interval '1 second'
FROM (SELECT x.id, row_number() OVER (ORDER BY x.id) AS n
	  FROM reporunner.execution x JOIN reporunner.workflow w ON w.id = x.workflow_id
	  WHERE w.name = 'stats_orders') d
WHERE e.id = d.id;
UPDATE reporunner.execution e SET finished_at = e.started_at + interval '10 seconds'
FROM reporunner.workflow w
WHERE w.id = e.workflow_id AND w.name = 'stats_flaky' AND e.finished_at IS NOT NULL;

SET ROLE stats_tenant;
-- the steps of the retried execution, with their workflow and duration
SELECT workflow, version, node, run_index, attempt, status,
	   duration = finished_at - started_at AS duration_ok,
	   jsonb_array_length(error) IS NULL AS no_error, execution_status, owner
FROM reporunner.steps WHERE execution_id = :flaky ORDER BY started_at, node;
-- every step of the tenant, by workflow and status
SELECT workflow, node, status, count(*) FROM reporunner.steps
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- the last 24 hours: counts by status, durations, failures by node, retries
\x on
SELECT workflow, owner, executions, queued, running, waiting, succeeded, failed,
	   canceled, p50_duration, p95_duration, max_duration, failures_by_node, retries,
	   window_start BETWEEN now() - interval '24 hours 1 minute' AND now() - interval '24 hours' AS window_start_ok
FROM reporunner.workflow_stats ORDER BY workflow;
\x off
-- a window of any length: executions made before it do not count
RESET ROLE;
UPDATE reporunner.execution e SET created_at = e.created_at - interval '2 days'
FROM reporunner.workflow w
WHERE w.id = e.workflow_id AND w.name = 'stats_orders' AND e.status = 'failed';
SET ROLE stats_tenant;
SELECT workflow, executions, succeeded, failed, failures_by_node
FROM reporunner.workflow_stats ORDER BY workflow;
SELECT workflow, executions, succeeded, failed, failures_by_node,
	   window_start BETWEEN now() - interval '3 days 1 minute' AND now() - interval '3 days' AS window_start_ok
FROM reporunner.workflow_stats('3 days') ORDER BY workflow;
SELECT workflow, executions, p50_duration, failures_by_node, retries
FROM reporunner.workflow_stats('1 hour') WHERE workflow = 'stats_orders';
-- no window, or one in the future: nothing counts
SELECT workflow, executions, p50_duration, window_start
FROM reporunner.workflow_stats(NULL) ORDER BY workflow;
SELECT workflow, executions FROM reporunner.workflow_stats('-1 hour') ORDER BY workflow;

-- another tenant sees none of it
SET ROLE stats_other;
SELECT count(*) AS stats FROM reporunner.workflow_stats;
SELECT count(*) AS stats FROM reporunner.workflow_stats('10 years');
SELECT count(*) AS steps FROM reporunner.steps;
RESET ROLE;

-- the tenant's own rows only; an administrator sees everybody's
SELECT reporunner.save_workflow('stats_admin', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.execute('stats_admin', '[{}]', '{"save": "all"}') IS NOT NULL AS ran;
SET ROLE stats_tenant;
SELECT workflow, owner, executions FROM reporunner.workflow_stats ORDER BY workflow;
RESET ROLE;
SELECT workflow, owner, executions FROM reporunner.workflow_stats
WHERE workflow LIKE 'stats%' ORDER BY workflow, owner;

SELECT reporunner.delete_workflow('stats_admin');
SET ROLE stats_tenant;
SELECT reporunner.delete_workflow(w) FROM unnest(ARRAY['stats_orders', 'stats_flaky']) AS w;
RESET ROLE;
DROP SEQUENCE stats_attempts;
DROP ROLE stats_tenant;
DROP ROLE stats_other;
