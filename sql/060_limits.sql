--
-- Limits of one execution (issue 9, F12): the items a node may emit and
-- the memory an execution may hold, checked while pure nodes run over
-- their items, so that no tenant can exhaust a backend; both fail the
-- execution with SQLSTATE 54000 and cannot be absorbed by on_error.  And
-- how deep executions may nest (F1).
--
SET client_min_messages TO warning;
CREATE ROLE rr_limits_tenant;
RESET client_min_messages;

-- one item holding 200,000 numbers (or 20,000): small as input, large
-- once split
CREATE TABLE big AS
SELECT jsonb_build_array(jsonb_build_object('n', jsonb_agg(g))) AS items
FROM generate_series(1, 200000) AS g;
CREATE TABLE small AS
SELECT jsonb_build_array(jsonb_build_object('n', jsonb_agg(g))) AS items
FROM generate_series(1, 20000) AS g;

SELECT reporunner.save_workflow('fan_out', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Split", "type": "split_out", "params": {"field": "n"}, "on_error": "continue"},
	{"name": "Group", "type": "set", "params": {"fields": {"g": "{{ $json.n % 1000 }}"}}},
	{"name": "Agg", "type": "aggregate", "params": {"group_by": ["g"],
		"aggregations": [{"field": "n", "op": "sum"}, {"field": "n", "op": "count_distinct"}, {"field": "n", "op": "concat"}]}}],
	"connections": [{"from": "Start", "to": "Split"}, {"from": "Split", "to": "Group"}, {"from": "Group", "to": "Agg"}]}');

-- within the limits it runs
SELECT jsonb_array_length(reporunner.execute('fan_out', items, '{"save": "none"}')) AS groups FROM small;
-- the same on ten times the items needs more than the default 1GB (the
-- aggregate's concat and count_distinct hold much per value): it fails
-- cleanly instead of growing until the server runs out of memory
SELECT reporunner.execute('fan_out', items) FROM big;

-- an execution holding more than reporunner.max_execution_memory fails
SET reporunner.max_execution_memory = '32MB';
SELECT reporunner.execute('fan_out', items) FROM big;
RESET reporunner.max_execution_memory;

-- a node emitting more than reporunner.max_node_items fails, its on_error
-- continue notwithstanding
SET reporunner.max_node_items = 100000;
SELECT reporunner.execute('fan_out', items) FROM big;
RESET reporunner.max_node_items;
-- each of the three failures above is journaled, apart from the caller
SELECT count(*) AS journaled FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'fan_out';

-- a tenant can neither raise nor lower them
SET ROLE rr_limits_tenant;
SET reporunner.max_execution_memory = '8GB';
SET reporunner.max_node_items = 1;
RESET ROLE;

DROP TABLE big, small;
SELECT reporunner.delete_workflow('fan_out');
DROP ROLE rr_limits_tenant;

-- Nesting (issue 9, F1): workflows calling one another, directly, in turn
-- or through a function node, stop at reporunner.max_call_depth with
-- 54001, each level adding only its name to the message
SET reporunner.max_call_depth = 4;
SELECT reporunner.save_workflow('ping', $${"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Q", "type": "sql", "params": {"query": "select reporunner.execute('pong', '[{}]')"}}],
	"connections": [{"from": "Start", "to": "Q"}]}$$);
SELECT reporunner.save_workflow('pong', $${"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Q", "type": "sql", "params": {"query": "select reporunner.execute('ping', '[{}]')"}}],
	"connections": [{"from": "Start", "to": "Q"}]}$$);
\set VERBOSITY terse
SELECT reporunner.execute('ping', '[{}]');
CREATE FUNCTION call_itself(item jsonb) RETURNS jsonb LANGUAGE sql
AS $$ SELECT reporunner.execute('by_function', jsonb_build_array(item)) $$;
SELECT reporunner.save_workflow('by_function', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "F", "type": "function", "params": {"function": "call_itself"}}],
	"connections": [{"from": "Start", "to": "F"}]}');
SELECT reporunner.execute('by_function', '[{}]');
\set VERBOSITY default
-- within the limit, nesting works
SELECT reporunner.save_workflow('leaf', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "S", "type": "set", "params": {"fields": {"leaf": true}}}],
	"connections": [{"from": "Start", "to": "S"}]}');
SELECT reporunner.save_workflow('branch', $${"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Q", "type": "sql", "params": {"query": "select reporunner.execute('leaf', '[{}]', '{\"save\": \"none\"}') as r"}}],
	"connections": [{"from": "Start", "to": "Q"}]}$$);
SELECT reporunner.execute('branch', '[{}]', '{"save": "none"}');
-- a nesting error that node code catches (PL/pgSQL) ends that call only:
-- a later node's ordinary failure is still absorbed by its on_error
CREATE FUNCTION probe(workflow text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM reporunner.execute(workflow, '[{}]');
	RETURN 'ok';
EXCEPTION WHEN others THEN
	RETURN 'caught ' || SQLSTATE;
END $$;
SELECT reporunner.save_workflow('outer', $${"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Probe", "type": "sql", "params": {"query": "select probe('ping') as p"}},
	{"name": "Fail", "type": "sql", "params": {"query": "select 1 / 0"}, "on_error": "continue"}],
	"connections": [{"from": "Start", "to": "Probe"}, {"from": "Probe", "to": "Fail"}]}$$);
SELECT r -> 0 ->> 'p' AS probe, r -> 0 -> 'error' ->> 'sqlstate' AS absorbed
FROM reporunner.execute('outer', '[{}]', '{"save": "none"}') AS r;
RESET reporunner.max_call_depth;
SELECT reporunner.delete_workflow(w) FROM unnest(ARRAY['ping', 'pong', 'by_function', 'leaf', 'branch', 'outer']) AS w;
DROP FUNCTION call_itself(jsonb);
DROP FUNCTION probe(text);
