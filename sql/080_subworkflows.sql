--
-- Sub-workflows: node execute_workflow, run inside execute() and as
-- executions of their own in background runs.
--
-- reach_status(execution, status): waits until the execution has that status
CREATE FUNCTION pg_temp.reach_status(target bigint, wanted text) RETURNS boolean
LANGUAGE sql AS $$
	SELECT regress.until(format('SELECT status = %L FROM reporunner.execution WHERE id = %s',
								wanted, target))
$$;

SELECT reporunner.save_workflow('sub_double', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"x": "{{ $json.x * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Double"}]}');
SELECT reporunner.save_workflow('sub_fails', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Boom", "type": "stop_and_error", "params": {"message": "bad {{ $json.x }}", "code": "P0042"}}],
	"connections": [{"from": "Start", "to": "Boom"}]}');

-- inside execute(): one call with all the items, the result is the node's output
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_double"}', '[{"x": 1}, {"x": 2}]');
-- one call per item, each with what "input" gives for it
SELECT regress.run_node('execute_workflow',
	'{"workflow": "sub_double", "per_item": true, "input": {"x": "{{ $json.x + 10 }}"}}',
	'[{"x": 1}, {"x": 2}]');
-- an input that is an array passes several items
SELECT regress.run_node('execute_workflow',
	'{"workflow": "sub_double", "per_item": true, "input": [{"x": "{{ $json.x }}"}, {"x": 100}]}',
	'[{"x": 1}, {"x": 2}]');
-- an input that is neither an object nor an array of objects
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_double", "input": "{{ $json.x }}"}',
	'[{"x": 1}]');
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_double", "input": [1]}', '[{"x": 1}]');
-- a failing sub-workflow fails the node with its own message and SQLSTATE
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_fails"}', '[{"x": 1}]');
-- which on_error can absorb like any failure of the node
SELECT regress.run_workflow('test_call_continue', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "execute_workflow", "on_error": "continue", "params": {"workflow": "sub_fails"}}],
	"connections": [{"from": "Start", "to": "Call"}]}', '[{"x": 1}]');
-- a workflow that does not exist, or has no such version
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_nothing"}');
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_double", "version": 9}');
-- a version other than the active one
SELECT reporunner.save_workflow('sub_double', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Triple", "type": "set", "params": {"fields": {"x": "{{ $json.x * 3 }}"}}}],
	"connections": [{"from": "Start", "to": "Triple"}]}', false) AS v2;
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_double", "version": 2}', '[{"x": 1}]');
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_double"}', '[{"x": 1}]');

-- the params are checked when the workflow is saved
SELECT regress.try(format('SELECT reporunner.validate_workflow(%L)',
	regress.node_doc('execute_workflow', p)))
FROM (VALUES ('{}'::jsonb), ('{"workflow": ""}'), ('{"workflow": "{{ $json.name }}"}'),
	('{"workflow": "w", "mode": "later"}'), ('{"workflow": "w", "version": 0}'),
	('{"workflow": "w", "per_item": "{{ $json.each }}"}'), ('{"workflow": "w", "owner": 7}'),
	('{"workflow": "w", "spare": 1}')) AS t(p);

-- with a journal, the call is an execution of its own, with its caller as parent
SELECT reporunner.save_workflow('sub_caller', regress.node_doc('execute_workflow',
	'{"workflow": "sub_double", "per_item": true}', 'Call'));
SELECT reporunner.execute('sub_caller', '[{"x": 1}, {"x": 2}]', '{"save": "all"}');
SELECT c.mode, c.status, c.output, c.parent_id = p.id AS child_of_caller
FROM reporunner.execution c JOIN reporunner.execution p ON p.id = c.parent_id
JOIN reporunner.workflows w ON w.id = p.workflow_id
WHERE w.name = 'sub_caller' ORDER BY c.id;
-- a failed run of the caller also records its sub-workflow's failure
SELECT reporunner.save_workflow('sub_caller_fails', regress.node_doc('execute_workflow',
	'{"workflow": "sub_fails"}', 'Call'));
SELECT regress.try($$SELECT reporunner.execute('sub_caller_fails', '[{"x": 5}]', '{"save": "all"}')::text$$);
SELECT pg_sleep(0.5);
SELECT w.name, e.mode, e.status, e.error ->> 'message' AS error, e.parent_id IS NOT NULL AS has_parent
FROM reporunner.execution e JOIN reporunner.workflows w ON w.id = e.workflow_id
WHERE w.name IN ('sub_caller_fails', 'sub_fails') ORDER BY e.id;

-- a workflow that calls itself stops at reporunner.max_call_depth
SELECT reporunner.save_workflow('sub_loop', regress.node_doc('execute_workflow', '{"workflow": "sub_loop"}', 'Call'));
SET reporunner.max_call_depth = 3;
SELECT regress.execute('sub_loop');
RESET reporunner.max_call_depth;

-- in a background run: the caller waits without a worker, then goes on
-- with the results of its calls, in item order
SELECT reporunner.start('sub_caller', '[{"x": 1}, {"x": 2}, {"x": 3}]') AS bg \gset
SELECT status, output FROM reporunner.wait_for(:bg, '60s');
SELECT mode, status, output, idempotency_key ~ '^subworkflow [0-9]+ 1 [0-2] Call$' AS keyed
FROM reporunner.execution WHERE parent_id = :bg ORDER BY id;
SELECT s.node, s.status, s.attempt FROM reporunner.step s
JOIN reporunner.execution e ON e.id = s.execution_id
JOIN reporunner.node n ON n.workflow_id = e.workflow_id AND n.version = e.version AND n.name = s.node
WHERE s.execution_id = :bg ORDER BY n.position;

-- a failed call fails the node; its retry calls again, as a new execution
SELECT reporunner.save_workflow('sub_retry', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "execute_workflow", "retry": {"tries": 2, "delay": "10ms"},
	 "params": {"workflow": "sub_fails"}}],
	"connections": [{"from": "Start", "to": "Call"}]}');
SELECT reporunner.start('sub_retry', '[{"x": 7}]') AS bg \gset
SELECT status, error ->> 'message' AS error, error ->> 'sqlstate' AS sqlstate
FROM reporunner.wait_for(:bg, '60s');
SELECT status, substr(idempotency_key, length(idempotency_key) - 7) AS attempt_call_node
FROM reporunner.execution WHERE parent_id = :bg ORDER BY id;
SELECT node, status, attempt, jsonb_array_length(attempts) AS failed_attempts
FROM reporunner.step WHERE execution_id = :bg AND node = 'Call';
-- on_error continue goes on with the error as an item
SELECT reporunner.start('test_call_continue', '[{"x": 8}]') AS bg \gset
SELECT status, output -> 0 -> 'error' ->> 'message' AS error FROM reporunner.wait_for(:bg, '60s');

-- background calls nest at most reporunner.max_call_depth levels too
SELECT reporunner.start('sub_loop', '[{}]') AS bg \gset
SELECT status, error ->> 'sqlstate' AS sqlstate, error ->> 'message' LIKE '%would nest executions deeper than 10 levels' AS too_deep
FROM reporunner.wait_for(:bg, '60s');
SELECT count(*) AS loop_executions FROM reporunner.execution e JOIN reporunner.workflows w ON w.id = e.workflow_id
WHERE w.name = 'sub_loop' AND e.mode IN ('start', 'subworkflow');

-- so do executions that node code queues: a workflow that start()s itself
-- (each one the parent of the next) stops at the tenth, whose start() fails
SELECT reporunner.save_workflow('start_loop', regress.node_doc('sql',
	'{"query": "SELECT reporunner.start(''start_loop'', ''[{}]'') AS next", "mode": "once"}', 'Again'));
SELECT reporunner.start('start_loop', '[{}]') AS bg \gset
SELECT regress.until($$SELECT count(*) = 10 FROM reporunner.execution e
	JOIN reporunner.workflows w ON w.id = e.workflow_id
	WHERE w.name = 'start_loop' AND e.status IN ('succeeded', 'failed')$$) AS chain_ended;
SELECT e.status, e.error ->> 'sqlstate' AS sqlstate,
	e.error ->> 'message' LIKE '%workflow "start_loop" would nest executions deeper than 10 levels' AS too_deep,
	count(*), count(e.parent_id) AS with_parent
FROM reporunner.execution e JOIN reporunner.workflows w ON w.id = e.workflow_id
WHERE w.name = 'start_loop' GROUP BY 1, 2, 3 ORDER BY 1;
WITH RECURSIVE up AS (
	SELECT id, parent_id, 1 AS level FROM reporunner.execution WHERE id = :bg
	UNION ALL
	SELECT e.id, e.parent_id, up.level + 1 FROM reporunner.execution e JOIN up ON e.parent_id = up.id)
SELECT max(level) AS chain_length FROM up;
-- the error workflow of the one that went too deep still runs, at the
-- deepest level (it starts no error workflow of its own)
SELECT reporunner.save_workflow('deep_alerts', '{"nodes": [{"name": "Failed", "type": "trigger"}]}');
SELECT reporunner.save_workflow('deep_loop', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Again", "type": "sql", "params": {"query": "SELECT reporunner.start(''deep_loop'', ''[{}]'') AS next", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Again"}],
	"settings": {"error_workflow": "deep_alerts"}}');
SELECT reporunner.start('deep_loop', '[{}]') > 0 AS started;
SELECT regress.until($$SELECT count(*) = 1 FROM reporunner.execution e
	JOIN reporunner.workflows w ON w.id = e.workflow_id
	WHERE w.name = 'deep_alerts' AND e.status IN ('succeeded', 'failed')$$) AS alert_ended;
SELECT e.mode, e.status, e.call_level, e.input -> 0 -> 'error' ->> 'sqlstate' AS failure
FROM reporunner.execution e JOIN reporunner.workflows w ON w.id = e.workflow_id
WHERE w.name = 'deep_alerts';
SELECT reporunner.delete_workflow('deep_loop');
SELECT reporunner.delete_workflow('deep_alerts');
-- and a workflow whose sql node inserts into the table that fires it
CREATE TABLE loop_rows (n int);
GRANT INSERT ON loop_rows TO PUBLIC;
SELECT reporunner.save_workflow('table_loop', regress.node_doc('sql',
	'{"query": "INSERT INTO public.loop_rows VALUES (1)", "mode": "once"}', 'Again'));
SELECT reporunner.on_table('table_loop', 'loop_rows') > 0 AS registered;
INSERT INTO loop_rows VALUES (0);
SELECT regress.until($$SELECT count(*) = 10 FROM reporunner.execution e
	JOIN reporunner.workflows w ON w.id = e.workflow_id
	WHERE w.name = 'table_loop' AND e.status IN ('succeeded', 'failed')$$) AS chain_ended;
SELECT e.mode, e.status, e.error ->> 'sqlstate' AS sqlstate, count(*)
FROM reporunner.execution e JOIN reporunner.workflows w ON w.id = e.workflow_id
WHERE w.name = 'table_loop' GROUP BY 1, 2, 3 ORDER BY 2;
SELECT count(*) AS rows_inserted FROM loop_rows;
SELECT reporunner.delete_workflow('table_loop');
DROP TABLE loop_rows;
-- the level is the execution's own (execution.call_level), whoever queues
-- it: retry() in a node, start() in another tenant's SECURITY DEFINER
-- function, a table trigger another role made
CREATE TABLE retry_of (id bigint);
GRANT SELECT ON retry_of TO PUBLIC;
SELECT reporunner.save_workflow('retry_loop', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Again", "type": "sql", "params": {"query": "SELECT (SELECT reporunner.retry(id, ''Again'') FROM public.retry_of) AS r", "mode": "once"}},
	{"name": "Boom", "type": "stop_and_error", "params": {"message": "boom"}}],
	"connections": [{"from": "Start", "to": "Again"}, {"from": "Again", "to": "Boom"}]}');
SELECT reporunner.start('retry_loop', '[{}]') AS first \gset
SELECT status FROM reporunner.wait_for(:first, '60s');
INSERT INTO retry_of VALUES (:first);
SELECT reporunner.retry(:first, 'Again') > :first AS retried;
SELECT regress.until(format($$SELECT count(*) = 10 FROM reporunner.execution
	WHERE parent_id = %s AND status = 'failed'$$, :first)) AS chain_ended;
SELECT error ->> 'node' AS node, error ->> 'sqlstate' AS sqlstate, count(*)
FROM reporunner.execution WHERE parent_id = :first GROUP BY 1, 2 ORDER BY 1;
DROP TABLE retry_of;
SELECT reporunner.delete_workflow('retry_loop');
-- a call queued by a workflow that execute() runs inside a queued one
-- counts both: outer (level 1) runs inner in its transaction (level 2),
-- which queues outer again at level 3, ..., until level 11 is refused
SELECT reporunner.save_workflow('inner_ff', regress.node_doc('execute_workflow',
	'{"workflow": "outer_loop", "mode": "fire_and_forget"}', 'Call'));
SELECT reporunner.save_workflow('outer_loop', regress.node_doc('sql',
	'{"query": "SELECT reporunner.execute(''inner_ff'', ''[{}]'') AS r", "mode": "once"}', 'Run'));
SELECT reporunner.start('outer_loop', '[{}]') AS bg \gset
SELECT regress.until($$SELECT count(*) = 5 FROM reporunner.execution e
	JOIN reporunner.workflows w ON w.id = e.workflow_id
	WHERE w.name = 'outer_loop' AND e.status IN ('succeeded', 'failed')$$) AS chain_ended;
SELECT e.mode, e.status, e.error ->> 'sqlstate' AS sqlstate, count(*),
	coalesce(min(e.call_level), 1) AS from_level, coalesce(max(e.call_level), 1) AS to_level
FROM reporunner.execution e JOIN reporunner.workflows w ON w.id = e.workflow_id
WHERE w.name = 'outer_loop' GROUP BY 1, 2, 3 ORDER BY 1, 2;
SELECT reporunner.delete_workflow('outer_loop');
SELECT reporunner.delete_workflow('inner_ff');
CREATE ROLE rr_loop_alice LOGIN;
CREATE ROLE rr_loop_bob LOGIN;
CREATE FUNCTION public.loop_start_ping() RETURNS bigint LANGUAGE sql SECURITY DEFINER
	SET search_path = pg_catalog AS $$ SELECT reporunner.start('ping', '[{}]') $$;
CREATE FUNCTION public.loop_start_pong() RETURNS bigint LANGUAGE sql SECURITY DEFINER
	SET search_path = pg_catalog AS $$ SELECT reporunner.start('pong', '[{}]') $$;
ALTER FUNCTION public.loop_start_ping() OWNER TO rr_loop_alice;
ALTER FUNCTION public.loop_start_pong() OWNER TO rr_loop_bob;
SET ROLE rr_loop_alice;
SELECT reporunner.save_workflow('ping', regress.node_doc('sql',
	'{"query": "SELECT public.loop_start_pong() AS next", "mode": "once"}', 'Kick'));
RESET ROLE;
SET ROLE rr_loop_bob;
SELECT reporunner.save_workflow('pong', regress.node_doc('sql',
	'{"query": "SELECT public.loop_start_ping() AS next", "mode": "once"}', 'Kick'));
SELECT reporunner.start('pong', '[{}]') > 0 AS started;
RESET ROLE;
SELECT regress.until($$SELECT count(*) = 10 FROM reporunner.execution
	WHERE owner IN ('rr_loop_alice'::regrole, 'rr_loop_bob'::regrole)
	AND status IN ('succeeded', 'failed')$$) AS chain_ended;
SELECT owner::regrole, status, error ->> 'sqlstate' AS sqlstate, count(*),
	min(call_level) AS from_level, max(call_level) AS to_level
FROM reporunner.execution WHERE owner IN ('rr_loop_alice'::regrole, 'rr_loop_bob'::regrole)
GROUP BY 1, 2, 3 ORDER BY 1, 2;
DELETE FROM reporunner.execution;
DROP FUNCTION public.loop_start_ping(), public.loop_start_pong();
SET ROLE rr_loop_alice;
SELECT reporunner.delete_workflow('ping');
RESET ROLE;
SET ROLE rr_loop_bob;
SELECT reporunner.delete_workflow('pong');
RESET ROLE;
DROP ROLE rr_loop_alice;
DROP ROLE rr_loop_bob;
CREATE ROLE rr_loop_team LOGIN;
CREATE ROLE rr_loop_member LOGIN IN ROLE rr_loop_team;
CREATE TABLE team_rows (n int);
ALTER TABLE team_rows OWNER TO rr_loop_team;
SET ROLE rr_loop_team;
SELECT reporunner.save_workflow('team_loop', regress.node_doc('sql',
	'{"query": "INSERT INTO public.team_rows VALUES (1)", "mode": "once"}', 'Again'));
RESET ROLE;
SET ROLE rr_loop_member;
SELECT reporunner.on_table('team_loop', 'team_rows') > 0 AS registered;
INSERT INTO team_rows VALUES (0);
RESET ROLE;
SELECT regress.until($$SELECT count(*) = 10 FROM reporunner.execution
	WHERE owner = 'rr_loop_team'::regrole AND status IN ('succeeded', 'failed')$$) AS chain_ended;
SELECT created_by::regrole, status, error ->> 'sqlstate' AS sqlstate, count(*)
FROM reporunner.execution WHERE owner = 'rr_loop_team'::regrole GROUP BY 1, 2, 3 ORDER BY 2;
SELECT count(*) AS rows_inserted FROM team_rows;
SET ROLE rr_loop_team;
SELECT reporunner.delete_workflow('team_loop');
RESET ROLE;
DROP TABLE team_rows;
DROP ROLE rr_loop_member;
DROP ROLE rr_loop_team;

-- cancel() of the caller cancels the calls it waits for
SELECT reporunner.save_workflow('sub_nap', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Nap", "type": "wait", "params": {"for": "1h"}}],
	"connections": [{"from": "Start", "to": "Nap"}]}');
SELECT reporunner.save_workflow('sub_nap_caller', regress.node_doc('execute_workflow',
	'{"workflow": "sub_nap"}', 'Call'));
SELECT reporunner.start('sub_nap_caller', '[{}]') AS bg \gset
SELECT pg_temp.reach_status(:bg, 'waiting') AS caller;
SELECT pg_temp.reach_status((SELECT id FROM reporunner.execution WHERE parent_id = :bg), 'waiting') AS call;
SELECT reporunner.cancel(:bg);
SELECT mode, status FROM reporunner.execution WHERE id = :bg OR parent_id = :bg ORDER BY id;
-- a call canceled on its own fails the node that waits for it
SELECT reporunner.start('sub_nap_caller', '[{}]') AS bg \gset
SELECT pg_temp.reach_status(:bg, 'waiting') AS caller;
SELECT pg_temp.reach_status((SELECT id FROM reporunner.execution WHERE parent_id = :bg), 'waiting') AS call;
SELECT reporunner.cancel(id) FROM reporunner.execution WHERE parent_id = :bg;
SELECT status, error ->> 'message' AS error, error ->> 'sqlstate' AS sqlstate
FROM reporunner.wait_for(:bg, '60s');

-- fire and forget: the call is queued, and the node passes its input on
SELECT reporunner.save_workflow('sub_forget', regress.node_doc('execute_workflow',
	'{"workflow": "sub_double", "mode": "fire_and_forget"}', 'Call'));
SELECT reporunner.execute('sub_forget', '[{"x": 4}]', '{"save": "none"}');
SELECT status, output FROM reporunner.wait_for((SELECT max(id) FROM reporunner.execution
	WHERE mode = 'subworkflow' AND parent_id IS NULL), '60s');
SELECT reporunner.start('sub_forget', '[{"x": 5}]') AS bg \gset
SELECT status, output FROM reporunner.wait_for(:bg, '60s');
SELECT w.status, w.output, e.idempotency_key IS NULL AS no_key
FROM reporunner.execution e, reporunner.wait_for(e.id, '60s') w WHERE e.parent_id = :bg;

-- tenants: a workflow calls what its owner may run
CREATE ROLE rr_sub_alice LOGIN;
CREATE ROLE rr_sub_bob LOGIN;
SET ROLE rr_sub_alice;
SELECT reporunner.save_workflow('alice_double', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"x": "{{ $json.x * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Double"}]}');
SELECT reporunner.share_workflow('alice_double', 'rr_sub_bob');
RESET ROLE;
SET ROLE rr_sub_bob;
-- another tenant's workflow is not there; a shared one is, with its owner named
SELECT regress.run_node('execute_workflow', '{"workflow": "sub_double"}', '[{"x": 1}]', workflow => 'bob_calls');
SELECT regress.run_node('execute_workflow', '{"workflow": "alice_double"}', '[{"x": 1}]', workflow => 'bob_calls');
SELECT regress.run_node('execute_workflow', '{"workflow": "alice_double", "owner": "rr_sub_alice"}',
	'[{"x": 1}]', workflow => 'bob_calls');
-- but only inside execute(): grantees run nothing in the background
SELECT reporunner.start('bob_calls', '[{"x": 1}]') AS bg \gset
SELECT status, error ->> 'sqlstate' AS sqlstate, error ->> 'message' AS error FROM reporunner.wait_for(:bg, '60s');
SELECT count(*) AS calls FROM reporunner.execution WHERE parent_id = :bg;
-- nor through execute() in a node's SQL of a queued execution
SELECT reporunner.save_workflow('bob_sql_calls', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "sql", "params": {"query":
		"select reporunner.execute($$alice_double$$, $$[{\"x\": 1}]$$, $${\"owner\": \"rr_sub_alice\"}$$) as r"}}],
	"connections": [{"from": "Start", "to": "Call"}]}') AS version;
SELECT reporunner.execute('bob_sql_calls', '[{}]') AS in_bobs_session;
SELECT reporunner.start('bob_sql_calls', '[{}]') AS bg \gset
SELECT status, error ->> 'sqlstate' AS sqlstate, error ->> 'detail' AS detail FROM reporunner.wait_for(:bg, '60s');
-- nor through a workflow of its own that execute() runs there and that
-- calls the shared one (an execute_workflow node)
SELECT reporunner.save_workflow('bob_sql_calls', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "sql", "params": {"query":
		"select reporunner.execute($$bob_calls$$, $$[{\"x\": 1}]$$) as r"}}],
	"connections": [{"from": "Start", "to": "Call"}]}') AS version;
SELECT reporunner.start('bob_sql_calls', '[{}]') AS bg \gset
SELECT status, error ->> 'sqlstate' AS sqlstate, error ->> 'detail' AS detail FROM reporunner.wait_for(:bg, '60s');
SELECT reporunner.delete_workflow('bob_sql_calls');
SELECT reporunner.delete_workflow('bob_calls');
RESET ROLE;
SET ROLE rr_sub_alice;
SELECT reporunner.delete_workflow('alice_double');
RESET ROLE;
DELETE FROM reporunner.execution;
DROP ROLE rr_sub_alice;
DROP ROLE rr_sub_bob;
