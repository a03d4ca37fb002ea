--
-- Nodes that run more than once (issue 17): a node with one input runs once
-- per delivery, as n8n's v1 order does; loops through split_in_batches
-- (n8n's Loop Over Items) or an if; settings.max_node_runs; the cycles
-- save_workflow() still refuses; n8n's splitInBatches imported.
--

-- Loop Over Items: 1,000 items in batches of 10; the loop's body adds a
-- field, and "done" gets every item back once the input is used up
SELECT regress.save_workflow('loop', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop Over Items", "type": "split_in_batches", "params": {"batch_size": 10}},
		{"name": "Double", "type": "set", "params": {"fields": {"d": "{{ $json.n * 2 }}"}}},
		{"name": "Total", "type": "aggregate", "params": {"aggregations": [
			{"op": "count", "as": "items"}, {"op": "sum", "field": "d", "as": "sum"}]}}],
	"connections": [
		{"from": "Start", "to": "Loop Over Items"},
		{"from": "Loop Over Items", "output": "loop", "to": "Double"},
		{"from": "Double", "to": "Loop Over Items"},
		{"from": "Loop Over Items", "output": "done", "to": "Total"}]}') AS version;
SELECT reporunner.execute('loop',
	(SELECT jsonb_agg(jsonb_build_object('n', i)) FROM generate_series(1, 1000) AS i)) AS result;
-- the journal: 101 runs of the loop node (100 batches, then done), 100 of
-- the body, each its own run_index, in the order they ran
SELECT node, count(*) AS runs, min(run_index), max(run_index),
	   count(DISTINCT run_index) AS distinct_runs
FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution)
GROUP BY node ORDER BY node;
SELECT node, run_index, jsonb_array_length(output->'loop') AS loop,
	   jsonb_array_length(output->'done') AS done
FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution)
  AND node = 'Loop Over Items' AND run_index IN (0, 1, 99, 100)
ORDER BY run_index;
-- the second batch is items 11 to 20
SELECT output->'loop'->0 AS first, output->'loop'->9 AS last
FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution)
  AND node = 'Loop Over Items' AND run_index = 1;

-- batch_size defaults to 1 (n8n's); fewer items than a batch; no items:
-- "done" gets nothing and what follows does not run
SELECT regress.run_workflow('loop_small', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches"},
		{"name": "Mark", "type": "set", "params": {"fields": {"seen": "{{ $runIndex }}"}}},
		{"name": "Done", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "done", "to": "Done"},
		{"from": "Loop", "output": "loop", "to": "Mark"},
		{"from": "Mark", "to": "Loop"}]}', '[{"n": 1}, {"n": 2}, {"n": 3}]') AS batch_of_one;
SELECT regress.run_workflow('loop_small', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches", "params": {"batch_size": 50}},
		{"name": "Mark", "type": "set", "params": {"fields": {"seen": true}}},
		{"name": "Done", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "done", "to": "Done"},
		{"from": "Loop", "output": "loop", "to": "Mark"},
		{"from": "Mark", "to": "Loop"}]}', '[{"n": 1}, {"n": 2}]') AS one_batch;
SELECT regress.execute('loop_small', '[]') AS no_items;

-- $('Node') inside a loop sees the node's latest run, as in n8n
SELECT regress.run_workflow('latest', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches", "params": {"batch_size": 2}},
		{"name": "Body", "type": "set", "params": {"fields": {"batch": "{{ $(''Loop'').all().map(i => i.json.n).join() }}"}}},
		{"name": "After", "type": "set", "params": {"fields": {"last_body": "{{ $(''Body'').first().json.batch }}"}}}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "loop", "to": "Body"},
		{"from": "Body", "to": "Loop"},
		{"from": "Loop", "output": "done", "to": "After"}]}',
	'[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n": 5}]') AS latest_run;

-- reset: a loop inside a loop starts over with each outer batch
SELECT regress.run_workflow('nested', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Outer", "type": "split_in_batches", "params": {"batch_size": 1}},
		{"name": "Inner", "type": "split_in_batches", "params": {"batch_size": 1, "reset": "{{ $prevNode.name == ''Outer'' }}"}},
		{"name": "Seen", "type": "noop"},
		{"name": "Result", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Outer"},
		{"from": "Outer", "output": "done", "to": "Result"},
		{"from": "Outer", "output": "loop", "to": "Inner"},
		{"from": "Inner", "output": "loop", "to": "Seen"},
		{"from": "Seen", "to": "Inner"},
		{"from": "Inner", "output": "done", "to": "Outer"}]}',
	'[{"n": 1}, {"n": 2}]') AS nested_loops;

-- a loop through an if: count up to 5, then leave by "false"
SELECT regress.run_workflow('count', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Below 5", "type": "if", "params": {"condition": "{{ $json.n < 5 }}"}},
		{"name": "Add one", "type": "set", "params": {"fields": {"n": "{{ $json.n + 1 }}"}}},
		{"name": "Result", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Below 5"},
		{"from": "Below 5", "output": "true", "to": "Add one"},
		{"from": "Add one", "to": "Below 5"},
		{"from": "Below 5", "output": "false", "to": "Result"}]}', '[{"n": 1}]') AS if_loop;
SELECT reporunner.execute('count', '[{"n": 0}]') AS from_zero;
SELECT node, count(*) AS runs, max(run_index) AS last_run_index
FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution)
GROUP BY node ORDER BY node;

-- in a background run: the body's sql steps are journaled one by one, each
-- with its run_index, and the loop's steps with them
CREATE TABLE loop_ledger (batch integer PRIMARY KEY);
SELECT regress.save_workflow('loop_bg', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches", "params": {"batch_size": 4}},
		{"name": "Write", "type": "sql", "params": {
			"query": "INSERT INTO public.loop_ledger VALUES ($1) RETURNING batch",
			"args": ["{{ $json.n }}"], "mode": "once"}},
		{"name": "Done", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "loop", "to": "Write"},
		{"from": "Write", "to": "Loop"},
		{"from": "Loop", "output": "done", "to": "Done"}]}') AS version;
SELECT reporunner.start('loop_bg',
	(SELECT jsonb_agg(jsonb_build_object('n', i)) FROM generate_series(1, 10) AS i)) AS id \gset
SELECT regress.drain() AS drained;
SELECT status, output FROM reporunner.execution WHERE id = :id;
SELECT array_agg(batch ORDER BY batch) AS ledger FROM loop_ledger;
SELECT node, array_agg(run_index ORDER BY run_index) AS runs
FROM reporunner.step_journal WHERE execution_id = :id
GROUP BY node ORDER BY node;
DROP TABLE loop_ledger;

-- per delivery: two branches feed one node, which runs once for each,
-- each run its own run_index, depth first (the first branch's run first)
SELECT regress.save_workflow('deliveries', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Odd", "type": "if", "params": {"condition": "{{ $json.n % 2 == 1 }}"}},
		{"name": "Tag odd", "type": "set", "params": {"fields": {"tag": "odd"}}},
		{"name": "Tag even", "type": "set", "params": {"fields": {"tag": "even"}}},
		{"name": "Count", "type": "aggregate", "params": {"aggregations": [
			{"op": "count", "as": "items"}, {"op": "first", "field": "tag", "as": "tag"}]}},
		{"name": "Run", "type": "set", "params": {"fields": {"run": "{{ $runIndex }}"}}}],
	"connections": [
		{"from": "Start", "to": "Odd"},
		{"from": "Odd", "output": "true", "to": "Tag odd"},
		{"from": "Odd", "output": "false", "to": "Tag even"},
		{"from": "Tag odd", "to": "Count"},
		{"from": "Tag even", "to": "Count"},
		{"from": "Count", "to": "Run"}]}') AS version;
SELECT reporunner.execute('deliveries', '[{"n": 1}, {"n": 2}, {"n": 3}]') AS per_delivery;
-- in the order the steps ran: as execution.steps holds them (two steps can
-- start within the same microsecond, so started_at does not tell)
SELECT s->>'node' AS node, coalesce((s->>'run_index')::int, 0) AS run_index,
	   (s->'output')::jsonb AS output
FROM reporunner.execution e, json_array_elements(e.steps) WITH ORDINALITY AS t(s, i)
WHERE e.id = (SELECT max(id) FROM reporunner.execution)
ORDER BY t.i;
-- one branch empty: one delivery, one run
SELECT reporunner.execute('deliveries', '[{"n": 1}, {"n": 3}]') AS one_delivery;
-- $items('Count', 0, run) reads that run of Count, -1 (or none) its latest:
-- deliveries with its last node reading them
SELECT regress.run_workflow('deliveries_items', jsonb_set(reporunner.export_workflow('deliveries'),
	'{nodes,5,params,fields}', '{
		"run": "{{ $runIndex }}",
		"run_0": "{{ $items(''Count'', 0, 0)[0].json.tag }}",
		"run_1": "{{ $runIndex == 1 ? $items(''Count'', 0, 1)[0].json.tag : ''not yet'' }}",
		"latest": "{{ $items(''Count'', 0, -1)[0].json.tag }}",
		"default": "{{ $items(''Count'')[0].json.tag }}"}'), '[{"n": 1}, {"n": 2}, {"n": 3}]') AS items_by_run;
-- $('Tag odd').item from the node fed by both: each run follows its own
-- delivery back
SELECT regress.run_workflow('deliveries_paired', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Odd", "type": "if", "params": {"condition": "{{ $json.n % 2 == 1 }}"}},
		{"name": "A", "type": "set", "params": {"fields": {"from": "A"}}},
		{"name": "B", "type": "set", "params": {"fields": {"from": "B"}}},
		{"name": "Both", "type": "set", "params": {"fields": {"n_at_start": "{{ $(''Start'').item.json.n }}", "run": "{{ $runIndex }}"}}}],
	"connections": [
		{"from": "Start", "to": "Odd"},
		{"from": "Odd", "output": "true", "to": "A"},
		{"from": "Odd", "output": "false", "to": "B"},
		{"from": "A", "to": "Both"},
		{"from": "B", "to": "Both"}]}', '[{"n": 1}, {"n": 2}, {"n": 3}]') AS paired_per_run;
-- a merge still waits for both its inputs and runs once
SELECT regress.run_workflow('merge_once', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "A", "type": "set", "params": {"fields": {"a": 1}}},
		{"name": "B", "type": "set", "params": {"fields": {"b": 2}}},
		{"name": "M", "type": "merge", "params": {"mode": "append"}}],
	"connections": [
		{"from": "Start", "to": "A"},
		{"from": "Start", "to": "B"},
		{"from": "A", "to": "M", "input": 0},
		{"from": "B", "to": "M", "input": 1}]}') AS merge_once;

-- a loop that never ends: settings.max_node_runs stops it (54000)
SELECT regress.run_workflow('forever', '{
	"settings": {"max_node_runs": 50},
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Always", "type": "if", "params": {"condition": "{{ true }}"}},
		{"name": "Again", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Always"},
		{"from": "Always", "output": "true", "to": "Again"},
		{"from": "Again", "to": "Always"}]}') AS runaway;
-- a loop whose "done" leads back into it (n8n's classic mistake) ends too
SELECT regress.run_workflow('forever', '{
	"settings": {"max_node_runs": 20},
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches"},
		{"name": "Again", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "loop", "to": "Again"},
		{"from": "Loop", "output": "done", "to": "Again"},
		{"from": "Again", "to": "Loop"}]}') AS runaway_done;
SELECT regress.try($$SELECT reporunner.save_workflow('bad_limit', '{
	"settings": {"max_node_runs": 0},
	"nodes": [{"name": "Start", "type": "trigger"}], "connections": []}')::text$$)
	AS bad_limit;

-- cycles through neither split_in_batches nor if are refused at save
SELECT regress.try($$SELECT reporunner.save_workflow('cycle', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "A", "type": "noop"},
		{"name": "B", "type": "set", "params": {"fields": {"x": 1}}}],
	"connections": [
		{"from": "Start", "to": "A"},
		{"from": "A", "to": "B"},
		{"from": "B", "to": "A"}]}')::text$$) AS plain_cycle;
-- a loop node elsewhere in the graph does not make another cycle valid
SELECT regress.try($$SELECT reporunner.save_workflow('cycle', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches"},
		{"name": "A", "type": "noop"},
		{"name": "B", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "loop", "to": "A"},
		{"from": "A", "to": "B"},
		{"from": "B", "to": "A"}]}')::text$$) AS cycle_beside_loop;
-- a node with two inputs on a loop is refused (it would wait forever)
SELECT regress.try($$SELECT reporunner.save_workflow('cycle', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches"},
		{"name": "M", "type": "merge", "params": {"mode": "append"}}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Start", "to": "M", "input": 1},
		{"from": "Loop", "output": "loop", "to": "M", "input": 0},
		{"from": "M", "to": "Loop"}]}')::text$$) AS merge_on_loop;
SELECT count(*) AS refused_saved FROM reporunner.workflows WHERE name = 'cycle';

-- explain() lists a loop's nodes once each, from where the loop is entered
SELECT reporunner.explain('loop');
SELECT reporunner.explain('count');
SELECT reporunner.explain('deliveries');

-- n8n's Loop Over Items (splitInBatches v3) imports with its two outputs
-- and reset, runs, and exports back to the same graph
SELECT reporunner.import_n8n('{"name": "n8n loop", "nodes": [
	{"name": "When clicking", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}},
	{"name": "Loop Over Items", "type": "n8n-nodes-base.splitInBatches", "typeVersion": 3, "position": [200, 0],
	 "parameters": {"batchSize": 2, "options": {"reset": false}}},
	{"name": "Mark", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [400, 100],
	 "parameters": {"assignments": {"assignments": [{"id": "1", "name": "batch", "value": "={{ $runIndex }}", "type": "number"}]},
		"includeOtherFields": true, "options": {}}},
	{"name": "After", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "position": [400, -100], "parameters": {}}],
	"connections": {
		"When clicking": {"main": [[{"node": "Loop Over Items", "type": "main", "index": 0}]]},
		"Loop Over Items": {"main": [[{"node": "After", "type": "main", "index": 0}],
									 [{"node": "Mark", "type": "main", "index": 0}]]},
		"Mark": {"main": [[{"node": "Loop Over Items", "type": "main", "index": 0}]]}},
	"settings": {"executionOrder": "v1"}}') AS version;
SELECT n->>'name' AS node, n->>'type' AS type, n->'params' AS params
FROM jsonb_array_elements(reporunner.export_workflow('n8n loop')->'nodes') AS n
WHERE n->>'type' = 'split_in_batches';
SELECT c->>'from' AS "from", c->>'output' AS output, c->>'to' AS "to"
FROM jsonb_array_elements(reporunner.export_workflow('n8n loop')->'connections') AS c
ORDER BY 1, 2;
SELECT reporunner.execute('n8n loop', '[{"n": 1}, {"n": 2}, {"n": 3}]') AS n8n_loop;
SELECT n->'parameters' AS parameters, n->'typeVersion' AS version
FROM jsonb_array_elements(reporunner.export_workflow('n8n loop', format => 'n8n')->'nodes') AS n
WHERE n->>'name' = 'Loop Over Items';
SELECT reporunner.export_workflow('n8n loop', format => 'n8n')->'connections'->'Loop Over Items' AS exported;
SELECT reporunner.import_n8n(reporunner.export_workflow('n8n loop', format => 'n8n'), 'n8n loop again');
SELECT reporunner.export_workflow('n8n loop') = reporunner.export_workflow('n8n loop again') AS same_document;
-- reset as an expression; versions 1 and 2 are refused with the reason
SELECT reporunner.import_n8n('{"name": "n8n reset", "nodes": [
	{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {}},
	{"name": "Inner", "type": "n8n-nodes-base.splitInBatches", "typeVersion": 3,
	 "parameters": {"options": {"reset": "={{ $prevNode.name === ''Start'' }}"}}}],
	"connections": {"Start": {"main": [[{"node": "Inner", "type": "main", "index": 0}]]}}}') AS version;
SELECT n->'params' AS params
FROM jsonb_array_elements(reporunner.export_workflow('n8n reset')->'nodes') AS n
WHERE n->>'name' = 'Inner';
SELECT regress.try($q$SELECT reporunner.import_n8n('{"name": "n8n old loop", "nodes": [
	{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {}},
	{"name": "Old", "type": "n8n-nodes-base.splitInBatches", "typeVersion": 1, "parameters": {"batchSize": 5}},
	{"name": "Sized", "type": "n8n-nodes-base.splitInBatches", "typeVersion": 3, "parameters": {"batchSize": "={{ 5 }}"}}],
	"connections": {}}')$q$) AS refused;

-- a sub-workflow called inside a loop of a background run: each run of the
-- calling node makes calls of its own (their idempotency keys name the
-- run), so every batch gets its own results, not the first batch's
SELECT regress.save_workflow('double', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Twice", "type": "set", "params": {"fields": {"twice": "{{ $json.n * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Twice"}]}') AS version;
SELECT regress.save_workflow('loop_calls', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches", "params": {"batch_size": 2}},
		{"name": "Call", "type": "execute_workflow", "params": {"workflow": "double"}},
		{"name": "Done", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "loop", "to": "Call"},
		{"from": "Call", "to": "Loop"},
		{"from": "Loop", "output": "done", "to": "Done"}]}') AS version;
SELECT reporunner.start('loop_calls',
	(SELECT jsonb_agg(jsonb_build_object('n', i)) FROM generate_series(1, 6) AS i)) AS id \gset
SELECT regress.drain() AS drained;
SELECT status, output FROM reporunner.execution WHERE id = :id;
SELECT count(*) AS calls, count(DISTINCT idempotency_key) AS keys
FROM reporunner.execution WHERE parent_id = :id;
