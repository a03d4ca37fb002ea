--
-- Paired items (issue 13, slice 2 of src/expr/PLAN.md): the executor
-- records which input items every output item came from, and
-- $('Node').item follows that lineage back to the item of Node the
-- current item descends from, through every core node, as journaled steps
-- too (a background run resumed after a wait, a retry()).
--
-- pg_temp.r(workflow, doc, items): saves and runs the workflow; the field
-- r of every output item, or the error.
CREATE FUNCTION pg_temp.r(workflow text, doc jsonb, items jsonb)
RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN out LIKE '[%' THEN
		(SELECT jsonb_agg(o->'r' ORDER BY i)::text
		 FROM jsonb_array_elements(out::jsonb) WITH ORDINALITY AS e(o, i))
		ELSE out END
	FROM regress.run_workflow(workflow, doc, items, fresh => true) AS out
$$;

-- chain(nodes): Start -> the nodes in order (each a {name, type, params},
-- and "out": the output that leads on, for if and switch)
CREATE FUNCTION pg_temp.chain(nodes jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'nodes', jsonb_build_array(jsonb_build_object('name', 'Start', 'type', 'trigger'))
				 || (SELECT jsonb_agg(x - 'out' ORDER BY o)
					 FROM jsonb_array_elements(nodes) WITH ORDINALITY AS e(x, o)),
		'connections', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
								   'from', n.a, 'to', n.b, 'output', n.out)))
						FROM (SELECT x->>'name' AS b, lag(x->>'name') OVER (ORDER BY o) AS a,
									 lag(x->>'out') OVER (ORDER BY o) AS out
							  FROM jsonb_array_elements(jsonb_build_array(jsonb_build_object('name', 'Start')) || nodes)
								   WITH ORDINALITY AS e(x, o)) AS n
						WHERE n.a IS NOT NULL))
$$;

-- the issue's example: items 1, 2, 3 doubled give 2, 4, 6
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Sorted", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n * 2 }}"}}}]'),
	'[{"n": 1}, {"n": 2}, {"n": 3}]') AS issue_example;

-- after a filter drops an item: the paired item, where $node["Orders"] is
-- by position (n8n's rule: item $itemIndex of that node)
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Big", "type": "filter", "params": {"condition": "{{ $json.n != 2 }}"}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ [$(''Orders'').item.json.n, $node[\"Orders\"].json.n] }}"}}}]'),
	'[{"n": 1}, {"n": 2}, {"n": 3}]') AS after_filter;

-- if and switch: each branch's items keep their pairing
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Odd", "type": "if", "params": {"condition": "{{ $json.n % 2 == 1 }}"}, "out": "true"},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 1}, {"n": 2}, {"n": 3}]') AS after_if;
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Route", "type": "switch", "params": {"rules": [{"condition": "{{ $json.n > 1 }}"}]}, "out": "0"},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 1}, {"n": 2}, {"n": 3}]') AS after_switch;

-- split_out: every piece comes from its item
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"id": "{{ $json.id }}", "tags": "{{ $json.tags }}"}}},
	{"name": "Tags", "type": "split_out", "params": {"field": "tags"}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.id + '':'' + $json.tags }}"}}}]'),
	'[{"id": "a", "tags": [1, 2]}, {"id": "b", "tags": []}, {"id": "c", "tags": [3]}]') AS after_split_out;

-- sort, limit and remove_duplicates move and drop items
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}", "k": "{{ $json.k }}"}}},
	{"name": "Unique", "type": "remove_duplicates", "params": {"fields": ["k"]}},
	{"name": "Sorted", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}},
	{"name": "Top", "type": "limit", "params": {"max": 2}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ [$(''Orders'').item.json.n, $(''Unique'').item.json.n, $(''Sorted'').itemMatching(1).json.n] }}"}}}]'),
	'[{"n": 1, "k": "x"}, {"n": 5, "k": "x"}, {"n": 3, "k": "y"}, {"n": 4, "k": "z"}]') AS after_sort_limit_dedup;

-- an index no input item has
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').itemMatching(5) }}"}}}]'),
	'[{"n": 1}]') AS item_matching_out_of_range;

-- aggregate: one item from one item is fine; from several distinct ones
-- the lineage is ambiguous (21000)
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Count", "type": "aggregate", "params": {"aggregations": [{"op": "count"}]}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 7}]') AS aggregate_of_one;
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Count", "type": "aggregate", "params": {"aggregations": [{"op": "count"}]}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 1}, {"n": 2}]') AS aggregate_of_two;
-- grouped: each group's item comes from the group's items; the trigger's
-- item they share is one match
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "split_out", "params": {"field": "list"}},
	{"name": "Groups", "type": "aggregate", "params": {"group_by": ["k"], "aggregations": [{"op": "count"}]}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Start'').item.json.batch }}"}}}]'),
	'[{"batch": 9, "list": [{"k": 1}, {"k": 2}, {"k": 1}]}]') AS grouped_same_source;

-- merges: Orders -> A and Orders -> B -> M (merge) -> E
CREATE FUNCTION pg_temp.merge_doc(params jsonb, expr text) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('nodes', jsonb_build_array(
		jsonb_build_object('name', 'Start', 'type', 'trigger'),
		jsonb_build_object('name', 'Orders', 'type', 'set', 'params', '{"fields": {"id": "{{ $json.id }}"}}'::jsonb),
		jsonb_build_object('name', 'A', 'type', 'filter', 'params', '{"condition": "{{ $json.id != 1 }}"}'::jsonb),
		jsonb_build_object('name', 'B', 'type', 'set', 'params', '{"fields": {"b": "{{ $json.id * 10 }}"}}'::jsonb),
		jsonb_build_object('name', 'M', 'type', 'merge', 'params', params),
		jsonb_build_object('name', 'E', 'type', 'set', 'params',
						   jsonb_build_object('fields', jsonb_build_object('r', expr)))),
		'connections', '[{"from": "Start", "to": "Orders"}, {"from": "Orders", "to": "A"},
						 {"from": "Orders", "to": "B"}, {"from": "A", "to": "M", "input": 0},
						 {"from": "B", "to": "M", "input": 1}, {"from": "M", "to": "E"}]'::jsonb)
$$;
-- by key: joined from A's item and B's item, both from one Orders item
SELECT pg_temp.r('paired', pg_temp.merge_doc('{"mode": "by_key", "key": "id", "right_key": "id"}',
	'{{ [$(''Orders'').item.json.id, $(''B'').item.json.b, $(''A'').item.json.id] }}'),
	'[{"id": 1}, {"id": 2}, {"id": 3}]') AS merge_by_key;
-- by position: A's item 0 is Orders' item 1, B's item 0 is Orders' item 0
SELECT pg_temp.r('paired', pg_temp.merge_doc('{"mode": "by_position"}',
	'{{ $(''B'').item.json.b }}'),
	'[{"id": 1}, {"id": 2}, {"id": 3}]') AS merge_by_position;
SELECT pg_temp.r('paired', pg_temp.merge_doc('{"mode": "by_position"}',
	'{{ $(''Orders'').item.json.id }}'),
	'[{"id": 1}, {"id": 2}, {"id": 3}]') AS merge_by_position_ambiguous;
-- append: the items from B have no path back to A
SELECT pg_temp.r('paired', pg_temp.merge_doc('{"mode": "append"}',
	'{{ $(''Orders'').item.json.id }}'),
	'[{"id": 1}, {"id": 2}]') AS merge_append;
SELECT pg_temp.r('paired', pg_temp.merge_doc('{"mode": "append"}',
	'{{ $(''A'').item.json.id }}'),
	'[{"id": 1}, {"id": 2}]') AS merge_append_no_path;

-- a function (per item) pairs its results with the item it was called for
CREATE SCHEMA paired_fn;
CREATE FUNCTION paired_fn.pieces(item jsonb) RETURNS SETOF jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('piece', g) FROM generate_series(1, (item->>'n')::int) g
$$;
CREATE FUNCTION paired_fn.pick_odd(items jsonb) RETURNS SETOF jsonb LANGUAGE sql AS $$
	SELECT i FROM jsonb_array_elements(items) i WHERE (i->>'n')::int % 2 = 1
$$;
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "F", "type": "function", "params": {"function": "paired_fn.pieces"}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 1}, {"n": 2}]') AS function_per_item;
-- called once for all items with fewer items out: n8n's rules leave them
-- unpaired (P0002)
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "F", "type": "function", "params": {"function": "paired_fn.pick_odd", "mode": "once"}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 1}, {"n": 2}, {"n": 3}]') AS function_once_unpaired;
DROP SCHEMA paired_fn CASCADE;

-- always_output_data: the empty item comes from all input items; a
-- disabled node passes each item on from itself
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Off", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}, "disabled": true},
	{"name": "None", "type": "filter", "params": {"condition": "{{ false }}"}, "always_output_data": true},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 4}]') AS always_output_data;

-- on_error continue: the failed node's items are its input items
SELECT pg_temp.r('paired', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Sorted", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}},
	{"name": "Bad", "type": "sql", "params": {"query": "SELECT 1 / 0"}, "on_error": "continue"},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]'),
	'[{"n": 1}, {"n": 2}]') AS after_failed_node;

-- the journal keeps the pairing of steps that are not positional, per
-- output name, for $('Node').item in later runs of the execution
SELECT reporunner.save_workflow('paired_journal', pg_temp.chain('[
	{"name": "Sorted", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}},
	{"name": "Odd", "type": "if", "params": {"condition": "{{ $json.n % 2 == 1 }}"}, "out": "true"},
	{"name": "Count", "type": "aggregate", "params": {"aggregations": [{"op": "count"}]}}]')) IS NOT NULL AS saved;
SELECT jsonb_array_length(reporunner.execute('paired_journal', '[{"n": 1}, {"n": 2}, {"n": 3}]')) AS items;
SELECT s.node, s.paired
FROM reporunner.step s
WHERE s.execution_id = (SELECT max(e.id) FROM reporunner.execution e
						JOIN reporunner.workflow w ON w.id = e.workflow_id
						WHERE w.name = 'paired_journal')
ORDER BY array_position(ARRAY['Start', 'Sorted', 'Odd', 'Count'], s.node);

-- a background run: the pairing before a wait is journaled with its steps
-- and read back when the execution goes on after resume()
CREATE FUNCTION pg_temp.reach_status(target bigint, wanted text) RETURNS boolean
LANGUAGE sql AS $$
	SELECT regress.until(format('SELECT status = %L FROM reporunner.execution WHERE id = %s',
								wanted, target))
$$;
SELECT reporunner.save_workflow('paired_wait', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Sorted", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}},
	{"name": "Approval", "type": "wait", "params": {"resume": true}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ [$(''Orders'').item.json.n, $(''Sorted'').item.json.n] }}"}}}]')) IS NOT NULL AS saved;
SELECT reporunner.start('paired_wait', '[{"n": 1}, {"n": 3}, {"n": 2}]') AS waiting \gset
SELECT pg_temp.reach_status(:waiting, 'waiting');
SELECT node, paired FROM reporunner.step WHERE execution_id = :waiting AND node = 'Sorted';
SELECT reporunner.resume(:waiting) AS resumed;
SELECT status, (SELECT jsonb_agg(o->'r') FROM jsonb_array_elements(output) o) AS r
FROM reporunner.wait_for(:waiting);

-- the same after merges: items from several items, and from the second
-- input, read back from the journal
CREATE FUNCTION pg_temp.merge_wait_doc(params jsonb, expr text) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'nodes', (d->'nodes') || '[{"name": "Approval", "type": "wait", "params": {"resume": true}}]',
		'connections', (SELECT jsonb_agg(c) FROM jsonb_array_elements(d->'connections') c
						WHERE c->>'to' <> 'E')
					   || '[{"from": "M", "to": "Approval"}, {"from": "Approval", "to": "E"}]')
	FROM pg_temp.merge_doc(params, expr) AS d
$$;
SELECT reporunner.save_workflow('paired_wait', pg_temp.merge_wait_doc('{"mode": "append"}',
	'{{ $(''Orders'').item.json.id }}')) IS NOT NULL AS saved;
SELECT reporunner.start('paired_wait', '[{"id": 1}, {"id": 2}]') AS waiting \gset
SELECT pg_temp.reach_status(:waiting, 'waiting');
SELECT node, paired FROM reporunner.step WHERE execution_id = :waiting AND node = 'M';
SELECT reporunner.resume(:waiting) AS resumed;
SELECT status, (SELECT jsonb_agg(o->'r') FROM jsonb_array_elements(output) o) AS r
FROM reporunner.wait_for(:waiting);
SELECT reporunner.save_workflow('paired_wait', pg_temp.merge_wait_doc('{"mode": "by_key", "key": "id", "right_key": "id"}',
	'{{ [$(''Orders'').item.json.id, $(''B'').item.json.b] }}')) IS NOT NULL AS saved;
SELECT reporunner.start('paired_wait', '[{"id": 1}, {"id": 2}, {"id": 3}]') AS waiting \gset
SELECT pg_temp.reach_status(:waiting, 'waiting');
SELECT node, paired FROM reporunner.step WHERE execution_id = :waiting AND node = 'M';
SELECT reporunner.resume(:waiting) AS resumed;
SELECT status, (SELECT jsonb_agg(o->'r') FROM jsonb_array_elements(output) o) AS r
FROM reporunner.wait_for(:waiting);

-- retry(): the steps it reuses keep their pairing
CREATE TABLE paired_switch (fail boolean);
INSERT INTO paired_switch VALUES (true);
GRANT SELECT ON paired_switch TO PUBLIC;
SELECT reporunner.save_workflow('paired_retry', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Sorted", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}},
	{"name": "Check", "type": "sql", "params": {"query": "SELECT 1 / (CASE WHEN fail THEN 0 ELSE 1 END) AS ok FROM paired_switch"}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ $(''Orders'').item.json.n }}"}}}]')) IS NOT NULL AS saved;
SELECT reporunner.start('paired_retry', '[{"n": 1}, {"n": 3}, {"n": 2}]') AS to_retry \gset
SELECT status, error ->> 'node' AS node FROM reporunner.wait_for(:to_retry);
UPDATE paired_switch SET fail = false;
SELECT reporunner.retry(:to_retry) AS retried \gset
SELECT status, (SELECT jsonb_agg(o->'r') FROM jsonb_array_elements(output) o) AS r
FROM reporunner.wait_for(:retried);
SELECT count(*) AS reused_sorted FROM reporunner.step
WHERE execution_id = :retried AND node = 'Sorted' AND paired IS NOT NULL;
DROP TABLE paired_switch;

-- a step journaled before pairing existed (paired NULL) reads as item i
-- from input item i: the old rule
SELECT reporunner.save_workflow('paired_wait', pg_temp.chain('[
	{"name": "Orders", "type": "set", "params": {"fields": {"n": "{{ $json.n }}"}}},
	{"name": "Sorted", "type": "sort", "params": {"by": [{"field": "n", "order": "desc"}]}},
	{"name": "Approval", "type": "wait", "params": {"resume": true}},
	{"name": "E", "type": "set", "params": {"fields": {"r": "{{ [$(''Orders'').item.json.n, $(''Sorted'').item.json.n] }}"}}}]')) IS NOT NULL AS saved;
SELECT reporunner.start('paired_wait', '[{"n": 1}, {"n": 3}, {"n": 2}]') AS old_style \gset
SELECT pg_temp.reach_status(:old_style, 'waiting');
UPDATE reporunner.step_journal SET paired = NULL WHERE execution_id = :old_style;
SELECT reporunner.resume(:old_style) AS resumed;
SELECT status, (SELECT jsonb_agg(o->'r') FROM jsonb_array_elements(output) o) AS r
FROM reporunner.wait_for(:old_style);

SELECT reporunner.delete_workflow(w)
FROM unnest(ARRAY['paired', 'paired_journal', 'paired_wait', 'paired_retry']) AS w;
