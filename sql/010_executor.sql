--
-- The executor: order of nodes, branching and merging, on_error,
-- always_output_data, execute_once, disabled, timeouts, errors.
--
CREATE TABLE trace (seq serial PRIMARY KEY, node text, item jsonb);

-- every node of this graph records itself in "trace", so the order in
-- which nodes ran is visible
CREATE FUNCTION pg_temp.tracer(name text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('name', name, 'type', 'sql',
		'params', jsonb_build_object('query', 'INSERT INTO trace (node, item) VALUES ($1, $2) RETURNING $2::jsonb AS item',
									 'args', jsonb_build_array(name, '{{ $json }}')))
$$;

-- Start -> A -> A1, A -> A2; Start -> B.  v1 order: a branch is finished
-- before the next one starts, top to bottom.
SELECT reporunner.save_workflow('order', jsonb_build_object(
	'nodes', jsonb_build_array(
		jsonb_build_object('name', 'Start', 'type', 'trigger'),
		pg_temp.tracer('A'), pg_temp.tracer('A1'), pg_temp.tracer('A2'),
		pg_temp.tracer('B')),
	'connections', '[{"from": "Start", "to": "A"}, {"from": "Start", "to": "B"},
					 {"from": "A", "to": "A1"}, {"from": "A", "to": "A2"}]'::jsonb));
SELECT reporunner.execute('order', '[{"n": 1}]', '{"save": "none"}');
SELECT node FROM trace ORDER BY seq;
TRUNCATE trace;

-- between siblings, the node higher up in the document runs first,
-- whatever the order of the connections
SELECT reporunner.save_workflow('order2', jsonb_build_object(
	'nodes', jsonb_build_array(
		jsonb_build_object('name', 'Start', 'type', 'trigger'),
		pg_temp.tracer('Upper'), pg_temp.tracer('Lower')),
	'connections', '[{"from": "Start", "to": "Lower"}, {"from": "Start", "to": "Upper"}]'::jsonb));
SELECT reporunner.execute('order2', '[{"n": 1}]', '{"save": "none"}');
SELECT node FROM trace ORDER BY seq;
TRUNCATE trace;

-- If: the true branch runs to the end before the false branch
SELECT reporunner.save_workflow('branches', jsonb_build_object(
	'nodes', jsonb_build_array(
		jsonb_build_object('name', 'Start', 'type', 'trigger'),
		jsonb_build_object('name', 'Big?', 'type', 'if', 'params', jsonb_build_object('condition', '{{ $json.n > 1 }}')),
		pg_temp.tracer('Yes'), pg_temp.tracer('Yes2'), pg_temp.tracer('No')),
	'connections', '[{"from": "Start", "to": "Big?"}, {"from": "Big?", "output": "false", "to": "No"},
					 {"from": "Big?", "output": "true", "to": "Yes"}, {"from": "Yes", "to": "Yes2"}]'::jsonb));
SELECT reporunner.execute('branches', '[{"n": 1}, {"n": 2}, {"n": 3}]', '{"save": "none"}');
SELECT node, item FROM trace ORDER BY seq;
TRUNCATE trace;
-- a branch that receives no items does not run
SELECT reporunner.execute('branches', '[{"n": 1}]', '{"save": "none"}');
SELECT node, item FROM trace ORDER BY seq;
TRUNCATE trace;
-- no input items: only the trigger runs
SELECT reporunner.execute('branches', '[]', '{"save": "none"}');
SELECT count(*) FROM trace;

-- a node nothing connects to never runs; the result holds the items of
-- every final node (no connections out), in the order they ran
SELECT reporunner.save_workflow('finals', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Island", "type": "noop"},
	{"name": "Left", "type": "set", "params": {"fields": {"side": "left"}}},
	{"name": "Right", "type": "set", "params": {"fields": {"side": "right"}}}],
	"connections": [{"from": "Start", "to": "Left"}, {"from": "Start", "to": "Right"}]}');
SELECT reporunner.execute('finals', '[{"id": 1}]', '{"save": "none"}');

-- execute_once: the node sees only the first item
SELECT reporunner.save_workflow('once', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Mark", "type": "set", "execute_once": true, "params": {"fields": {"seen": true}}}],
	"connections": [{"from": "Start", "to": "Mark"}]}');
SELECT reporunner.execute('once', '[{"id": 1}, {"id": 2}, {"id": 3}]', '{"save": "none"}');

-- disabled: items pass through untouched
SELECT reporunner.save_workflow('disabled', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Off", "type": "set", "disabled": true, "params": {"fields": {"touched": true}}}],
	"connections": [{"from": "Start", "to": "Off"}]}');
SELECT reporunner.execute('disabled', '[{"id": 1}]', '{"save": "none"}');

-- always_output_data: an empty item instead of nothing, so the branch goes on
SELECT reporunner.save_workflow('always', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "None", "type": "filter", "always_output_data": true, "params": {"condition": "{{ $json.id > 100 }}"}},
	{"name": "After", "type": "set", "params": {"fields": {"after": true}}}],
	"connections": [{"from": "Start", "to": "None"}, {"from": "None", "to": "After"}]}');
SELECT reporunner.execute('always', '[{"id": 1}]', '{"save": "none"}');
-- as n8n: the first output gets the empty item whenever it has none, also
-- when another output has items (every item went to "false")
SELECT reporunner.save_workflow('always_if', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Big", "type": "if", "always_output_data": true, "params": {"condition": "{{ $json.id > 100 }}"}},
	{"name": "Yes", "type": "set", "params": {"fields": {"branch": "true"}}},
	{"name": "No", "type": "set", "params": {"fields": {"branch": "false"}}}],
	"connections": [{"from": "Start", "to": "Big"}, {"from": "Big", "output": "true", "to": "Yes"},
	                {"from": "Big", "output": "false", "to": "No"}]}');
SELECT reporunner.execute('always_if', '[{"id": 1}, {"id": 2}]', '{"save": "none"}');

-- on_error: stop (default) fails the execution with the node's SQLSTATE
-- and the workflow and node in the message
SELECT reporunner.save_workflow('fails', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Boom", "type": "stop_and_error", "params": {"message": "bad order {{ $json.id }}", "code": "P0042"}}],
	"connections": [{"from": "Start", "to": "Boom"}]}');
SELECT reporunner.execute('fails', '[{"id": 7}]');
\set VERBOSITY sqlstate
SELECT reporunner.execute('fails', '[{"id": 7}]');
\set VERBOSITY default

-- a SQL error keeps its SQLSTATE: a unique violation stays 23505
CREATE TABLE uniq (id int PRIMARY KEY);
SELECT reporunner.save_workflow('dup', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Insert", "type": "sql", "params": {"query": "INSERT INTO uniq VALUES ($1)", "args": ["{{ $json.id }}"]}}],
	"connections": [{"from": "Start", "to": "Insert"}]}');
SELECT reporunner.execute('dup', '[{"id": 1}, {"id": 1}]', '{"save": "none"}');
\set VERBOSITY sqlstate
SELECT reporunner.execute('dup', '[{"id": 1}, {"id": 1}]', '{"save": "none"}');
\set VERBOSITY default
SELECT count(*) AS rows_left FROM uniq;

-- on_error continue: the failed node's writes are undone, its input items
-- go on with an "error" member, and the execution succeeds
SELECT reporunner.save_workflow('dup', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Insert", "type": "sql", "on_error": "continue", "params": {"query": "INSERT INTO uniq VALUES ($1)", "args": ["{{ $json.id }}"]}},
	{"name": "After", "type": "set", "params": {"fields": {"after": true}}}],
	"connections": [{"from": "Start", "to": "Insert"}, {"from": "Insert", "to": "After"}]}');
SELECT jsonb_pretty(reporunner.execute('dup', '[{"id": 1}, {"id": 1}]', '{"save": "none"}'));
SELECT count(*) AS rows_left FROM uniq;

-- on_error error_output: the items leave by the "error" output instead
SELECT reporunner.save_workflow('dup', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Insert", "type": "sql", "on_error": "error_output", "params": {"query": "INSERT INTO uniq VALUES ($1)", "args": ["{{ $json.id }}"]}},
	{"name": "Ok", "type": "set", "params": {"fields": {"ok": true}}},
	{"name": "Failed", "type": "set", "params": {"fields": {"failed": true}}}],
	"connections": [{"from": "Start", "to": "Insert"}, {"from": "Insert", "to": "Ok"},
					{"from": "Insert", "output": "error", "to": "Failed"}]}');
SELECT reporunner.execute('dup', '[{"id": 5}]', '{"save": "none"}');
SELECT reporunner.execute('dup', '[{"id": 5}]', '{"save": "none"}') -> 0 -> 'failed' AS failed,
	   reporunner.execute('dup', '[{"id": 5}]', '{"save": "none"}') -> 0 -> 'error' ->> 'sqlstate' AS sqlstate;
DELETE FROM uniq;

-- timeouts: of a node, and of the whole execution
SELECT reporunner.save_workflow('slow', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Sleep", "type": "sql", "timeout": "200ms", "params": {"query": "SELECT pg_sleep(5)", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Sleep"}]}');
SELECT reporunner.execute('slow', '[{}]', '{"save": "none"}');
SELECT reporunner.save_workflow('slow', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Sleep", "type": "sql", "params": {"query": "SELECT pg_sleep(5)", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Sleep"}],
	"settings": {"timeout": "300ms"}}');
SELECT reporunner.execute('slow', '[{}]', '{"save": "none"}');
-- a timed-out node with on_error continue lets the execution go on
SELECT reporunner.save_workflow('slow', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Sleep", "type": "sql", "timeout": "100ms", "on_error": "continue", "params": {"query": "SELECT pg_sleep(5)", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Sleep"}]}');
SELECT reporunner.execute('slow', '[{"id": 1}]', '{"save": "none"}') -> 0 -> 'error' ->> 'message' AS message;
-- statement_timeout cancels a workflow like any statement
SET statement_timeout = '200ms';
SELECT reporunner.save_workflow('slow', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Sleep", "type": "sql", "params": {"query": "SELECT pg_sleep(5)", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Sleep"}]}');
SELECT reporunner.execute('slow', '[{}]', '{"save": "none"}');
RESET statement_timeout;
-- ... even through nodes whose on_error would absorb their own failures
-- (issue 9, F6): the first cancel ends the call, no later node runs
SELECT reporunner.save_workflow('absorb', '{"nodes":[{"name":"Start","type":"trigger"},
 {"name":"A","type":"sql","params":{"query":"select pg_sleep(2)"},"on_error":"continue"},
 {"name":"B","type":"sql","params":{"query":"select pg_sleep(2)"},"on_error":"error_output"},
 {"name":"D","type":"sql","params":{"query":"select pg_sleep(2), 1 as reached_d"},"on_error":"continue"}],
 "connections":[{"from":"Start","to":"A"},{"from":"A","to":"B"},{"from":"B","to":"D"}]}');
SET statement_timeout = '300ms';
SELECT reporunner.execute('absorb', '[{}]');
RESET statement_timeout;
-- the failed run is journaled, apart from the caller's transaction
SELECT count(*) AS journaled FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'absorb';
-- and the execution's own timeout fails the execution, not just one node
SELECT reporunner.save_workflow('absorb', '{"nodes":[{"name":"Start","type":"trigger"},
 {"name":"A","type":"sql","params":{"query":"select pg_sleep(2)"},"on_error":"continue"},
 {"name":"D","type":"sql","params":{"query":"select 1 as reached_d"},"on_error":"continue"}],
 "connections":[{"from":"Start","to":"A"},{"from":"A","to":"D"}], "settings": {"timeout": "300ms"}}');
SELECT reporunner.execute('absorb', '[{}]');

-- expression errors name the expression, node, field and item
SELECT reporunner.save_workflow('badexpr', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Math", "type": "set", "params": {"fields": {"x": "{{ [$json.a].sum() * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Math"}]}');
SELECT reporunner.execute('badexpr', '[{"a": 1}, {"a": "two"}]', '{"save": "none"}');
-- a condition must yield a boolean
SELECT reporunner.save_workflow('badcond', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Check", "type": "if", "params": {"condition": "{{ $json.a }}"}}],
	"connections": [{"from": "Start", "to": "Check"}]}');
SELECT reporunner.execute('badcond', '[{"a": true}, {"a": 3}]', '{"save": "none"}');

-- context variables
SELECT reporunner.save_workflow('context', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Ctx", "type": "set", "params": {"fields": {
		"count": "{{ $input.all().length }}",
		"first": "{{ $node[\"Start\"].json.id }}",
		"first2": "{{ $(''Start'').item.json.id }}",
		"wf": "{{ $workflow.name }}",
		"version": "{{ $workflow.version }}",
		"mode": "{{ $execution.mode }}",
		"how": "{{ $mode }}",
		"limit": "{{ $vars.limit }}",
		"label": "item {{ $json.id }} of {{ $input.all().length }}",
		"has_now": "{{ $now !== undefined }}"}}}],
	"connections": [{"from": "Start", "to": "Ctx"}],
	"settings": {"vars": {"limit": 10}}}');
SELECT jsonb_pretty(reporunner.execute('context', '[{"id": 1}, {"id": 2}]', '{"save": "none"}'));

-- inputs and options
SELECT reporunner.execute('finals', '{"id": 9}', '{"save": "none"}');
SELECT reporunner.execute('finals');
SELECT reporunner.execute('finals', '[1, 2]');
SELECT reporunner.execute('finals', '"text"');
SELECT reporunner.execute('finals', '[]', '{"sav": "none"}');
SELECT reporunner.execute('finals', '[]', '{"save": "some"}');
SELECT reporunner.execute('finals', '[]', '{"version": 1.5}');
SELECT reporunner.execute('finals', '[]', '{"version": 0}');
SELECT reporunner.execute('finals', '[]', '{"version": 9}');
SELECT reporunner.execute('finals', '[]', '[]');
SELECT reporunner.execute('nope');
SELECT reporunner.execute(NULL);

-- an older version runs when asked for
SELECT reporunner.save_workflow('versions', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": 1}}}], "connections": [{"from": "Start", "to": "V"}]}');
SELECT reporunner.save_workflow('versions', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": 2}}}], "connections": [{"from": "Start", "to": "V"}]}');
SELECT reporunner.execute('versions', '{}', '{"save": "none"}'),
	   reporunner.execute('versions', '{}', '{"save": "none", "version": 1}');
-- a version saved but not activated does not run until activated
SELECT reporunner.save_workflow('versions', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": 3}}}], "connections": [{"from": "Start", "to": "V"}]}', false);
SELECT reporunner.execute('versions', '{}', '{"save": "none"}');
SELECT reporunner.activate_version('versions', 3);
SELECT reporunner.execute('versions', '{}', '{"save": "none"}');

-- clean up
SELECT count(reporunner.delete_workflow(name)) AS deleted FROM reporunner.workflow
WHERE name IN ('order', 'order2', 'branches', 'finals', 'once', 'disabled', 'always',
			   'fails', 'dup', 'slow', 'badexpr', 'badcond', 'context', 'versions');
DROP TABLE trace, uniq;

-- a version saved by a transaction that rolled back is gone, even when a
-- backend already ran it: the next save of that number runs the new document
SELECT reporunner.save_workflow('reused', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": "first"}}}], "connections": [{"from": "Start", "to": "V"}]}');
BEGIN;
SELECT reporunner.save_workflow('reused', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": "rolled back"}}}], "connections": [{"from": "Start", "to": "V"}]}');
SELECT reporunner.execute('reused', '{}', '{"save": "none"}');
ROLLBACK;
SELECT reporunner.save_workflow('reused', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "V", "type": "set", "params": {"fields": {"v": "second"}}}], "connections": [{"from": "Start", "to": "V"}]}');
SELECT reporunner.execute('reused', '{}', '{"save": "none"}');
SELECT reporunner.delete_workflow('reused');

-- nested objects and arrays with expressions inside
SELECT reporunner.save_workflow('nested', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "N", "type": "set", "params": {"fields": {"deep": {"a": {"b": "{{ $json.x }}"}, "list": [["{{ $json.x }}", 1], {"c": "{{ $json.x + 1 }}"}]}}}}],
	"connections": [{"from": "Start", "to": "N"}]}');
SELECT reporunner.execute('nested', '{"x": 41}', '{"save": "none"}');
SELECT reporunner.delete_workflow('nested');
