--
-- n8n's legacy v0 execution order (settings.execution_order "v0"): runs
-- are taken from a queue (breadth first), a node's connections in the
-- document's order of connections (never by canvas position), and a merge
-- whose other input has not run forces that input's branch to run.
--
CREATE TABLE run_log (seq serial PRIMARY KEY, node text);

-- doc(execution_order): Start feeds A and B (B drawn higher, A listed
-- first in the connections); A -> A2 -> M input 0, B -> B2 -> M input 1,
-- M -> End.  Each sql node records that it ran.
CREATE FUNCTION pg_temp.doc(execution_order text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('nodes', jsonb_agg(n),
		'connections', '[{"from": "Start", "to": "A"}, {"from": "Start", "to": "B"},
		                 {"from": "A", "to": "A2"}, {"from": "B", "to": "B2"},
		                 {"from": "A2", "to": "M", "input": 0}, {"from": "B2", "to": "M", "input": 1},
		                 {"from": "M", "to": "End"}]'::jsonb,
		'settings', jsonb_build_object('execution_order', execution_order))
	FROM jsonb_array_elements('[
		{"name": "Start", "type": "trigger", "position": [0, 0]},
		{"name": "A", "type": "sql", "position": [200, 300], "params": {"query": "insert into run_log (node) values (''A'')", "mode": "once"}},
		{"name": "B", "type": "sql", "position": [200, 100], "params": {"query": "insert into run_log (node) values (''B'')", "mode": "once"}},
		{"name": "A2", "type": "sql", "position": [400, 300], "params": {"query": "insert into run_log (node) values (''A2'')", "mode": "once"}},
		{"name": "B2", "type": "sql", "position": [400, 100], "params": {"query": "insert into run_log (node) values (''B2'')", "mode": "once"}},
		{"name": "M", "type": "merge", "position": [600, 200], "params": {"mode": "append"}},
		{"name": "End", "type": "sql", "position": [800, 200], "params": {"query": "insert into run_log (node) values (''End'')", "mode": "once"}}]') n
$$;

-- v1 (the default): depth first, the branch drawn higher (B) first
SELECT reporunner.save_workflow('order_v1', pg_temp.doc('v1'));
SELECT reporunner.execute('order_v1', '[{}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS v1_order FROM run_log;
TRUNCATE run_log;
-- v0: breadth first, in connection order (A first although drawn lower)
SELECT reporunner.save_workflow('order_v0', pg_temp.doc('v0'));
SELECT reporunner.execute('order_v0', '[{}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS v0_order FROM run_log;
TRUNCATE run_log;
-- explain() lists the nodes in the v0 order and says how the merge runs
SELECT reporunner.explain('order_v0');
-- the journal numbers the runs the same way in both orders
SELECT s.node, s.run_index FROM reporunner.step s
WHERE s.execution_id = (SELECT max(id) FROM reporunner.execution)
ORDER BY s.node;

-- forcing: an if sends every item to "true" (merge input 0); its "false"
-- branch (Other, merge input 1) got nothing.  v1 never runs Other; the
-- merge runs on its first input alone.  v0 runs Other with one empty item
-- so the merge gets both inputs, as n8n's legacy order does: its
-- $prevNode is the if, and its item pairs with the if's first item.
CREATE FUNCTION pg_temp.forced(execution_order text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('nodes', '[
		{"name": "Start", "type": "trigger"},
		{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.n > 5 }}"}},
		{"name": "Other", "type": "sql", "params": {"query": "insert into run_log (node) values (''Other'') returning $1::text AS prev, $2::int AS paired", "args": ["{{ $prevNode.name }}", "{{ $(''Start'').item.json.n }}"]}},
		{"name": "M", "type": "merge", "params": {"mode": "append"}},
		{"name": "End", "type": "sql", "params": {"query": "insert into run_log (node) values (''End'')", "mode": "once"}}]'::jsonb,
		'connections', '[{"from": "Start", "to": "Big?"},
		                 {"from": "Big?", "output": "true", "to": "M", "input": 0},
		                 {"from": "Big?", "output": "false", "to": "Other"},
		                 {"from": "Other", "to": "M", "input": 1},
		                 {"from": "M", "to": "End"}]'::jsonb,
		'settings', jsonb_build_object('execution_order', execution_order))
$$;
SELECT reporunner.save_workflow('forced_v1', pg_temp.forced('v1'));
SELECT reporunner.save_workflow('forced_v0', pg_temp.forced('v0'));
SELECT reporunner.execute('forced_v1', '[{"n": 9}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS v1_order FROM run_log;
SELECT node, output FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution) AND node = 'M';
TRUNCATE run_log;
SELECT reporunner.execute('forced_v0', '[{"n": 9}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS v0_order FROM run_log;
SELECT node, output FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution) AND node IN ('Other', 'M')
ORDER BY node;
TRUNCATE run_log;
-- when the false branch got items, nothing is forced: Other runs on them
SELECT reporunner.execute('forced_v0', '[{"n": 9}, {"n": 1}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS v0_order FROM run_log;
TRUNCATE run_log;

-- v0: an empty output still delivers to a merge's second input, so the
-- merge runs at once with nothing there
SELECT reporunner.save_workflow('direct_v0', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.n > 5 }}"}},
	{"name": "M", "type": "merge", "params": {"mode": "append"}}],
	"connections": [{"from": "Start", "to": "Big?"},
	                {"from": "Big?", "output": "true", "to": "M", "input": 0},
	                {"from": "Big?", "output": "false", "to": "M", "input": 1}],
	"settings": {"execution_order": "v0"}}');
SELECT reporunner.execute('direct_v0', '[{"n": 9}]') AS merged;

-- a loop over items runs in v0 too: a batch at a time, then done
SELECT reporunner.save_workflow('loop_v0', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Loop", "type": "split_in_batches", "params": {"batch_size": 4}},
	{"name": "Tag", "type": "set", "params": {"fields": {"run": "{{ $runIndex }}"}}},
	{"name": "Done", "type": "noop"}],
	"connections": [{"from": "Start", "to": "Loop"},
	                {"from": "Loop", "output": "loop", "to": "Tag"},
	                {"from": "Tag", "to": "Loop"},
	                {"from": "Loop", "output": "done", "to": "Done"}],
	"settings": {"execution_order": "v0"}}');
SELECT jsonb_path_query_array(reporunner.execute('loop_v0',
	(SELECT jsonb_agg(jsonb_build_object('n', i)) FROM generate_series(1, 10) AS i)), '$[*].run') AS done_runs;
SELECT node, array_agg(run_index ORDER BY run_index) AS runs FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution) GROUP BY node ORDER BY node;

-- bad values are refused at save (22023)
SELECT regress.try($$SELECT reporunner.save_workflow('bad', '{"nodes": [{"name": "Start", "type": "trigger"}],
	"settings": {"execution_order": "v2"}}')$$) AS bad_value;
SELECT regress.try($$SELECT reporunner.save_workflow('bad', '{"nodes": [{"name": "Start", "type": "trigger"}],
	"settings": {"execution_order": 0}}')$$) AS bad_type;

-- import: n8n runs a workflow without settings.executionOrder in v0
CREATE FUNCTION pg_temp.n8n(settings jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('nodes', '[
		{"name": "Manual", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}},
		{"name": "Nothing", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "position": [200, 0], "parameters": {}}]'::jsonb,
		'connections', '{"Manual": {"main": [[{"node": "Nothing", "type": "main", "index": 0}]]}}'::jsonb,
		'settings', settings)
$$;
SELECT reporunner.import_n8n(pg_temp.n8n('{}'), 'imported_none') AS version;
SELECT reporunner.import_n8n(pg_temp.n8n('{"executionOrder": "v0"}'), 'imported_v0') AS version;
SELECT reporunner.import_n8n(pg_temp.n8n('{"executionOrder": "v1"}'), 'imported_v1') AS version;
SELECT name, definition->'settings' AS settings
FROM reporunner.workflow_version v JOIN reporunner.workflows w ON w.id = v.workflow_id
WHERE name LIKE 'imported_%' ORDER BY name;
SELECT regress.try($$SELECT reporunner.import_n8n(pg_temp.n8n('{"executionOrder": "v9"}'), 'imported_bad')$$) AS bad_import;
-- export writes the order back; import -> export -> import keeps it
SELECT w, reporunner.export_workflow(w, format => 'n8n')->'settings'->>'executionOrder' AS exported
FROM unnest('{imported_none,imported_v0,imported_v1}'::text[]) w;
SELECT reporunner.import_n8n(reporunner.export_workflow('imported_none', format => 'n8n'), 'imported_again') AS version;
SELECT definition->'settings' AS settings FROM reporunner.workflow_version v
JOIN reporunner.workflows w ON w.id = v.workflow_id WHERE name = 'imported_again';

-- a background run (start()) in v0: the same order, every run journaled
SELECT reporunner.start('order_v0', '[{}]') AS id \gset
SELECT regress.drain() AS drained;
SELECT status FROM reporunner.execution WHERE id = :id;
SELECT string_agg(node, ', ' ORDER BY seq) AS v0_order FROM run_log;
SELECT node, run_index FROM reporunner.step_journal WHERE execution_id = :id ORDER BY node;
TRUNCATE run_log;
SELECT reporunner.start('forced_v0', '[{"n": 9}]') AS id \gset
SELECT regress.drain() AS drained;
SELECT status FROM reporunner.execution WHERE id = :id;
SELECT string_agg(node, ', ' ORDER BY seq) AS v0_order FROM run_log;
SELECT node, run_index FROM reporunner.step_journal WHERE execution_id = :id ORDER BY node;

SELECT reporunner.delete_workflow(w) FROM unnest('{order_v1,order_v0,forced_v1,forced_v0,direct_v0,loop_v0,imported_none,imported_v0,imported_v1,imported_again}'::text[]) w;
DROP TABLE run_log;
