--
-- on_error per item: if, filter, switch and set keep the results of the items
-- that did not fail (n8n's continueOnFail), src/engine/item_errors.c
--
\set rule '{"left": "{{ $json.a }}", "right": 5, "operator": {"type": "number", "operation": "gt"}}'
\set cond '{"conditions": {"combinator": "and", "rules": [' :rule ']}}'
\set items '[{"a": 7}, {"a": "abc"}, {"a": 1}]'

SELECT count(reporunner.save_workflow('item_' || t || '_' || m,
	format('{"nodes": [{"name": "T", "type": "trigger"},
	                   {"name": "N", "type": "%s", "on_error": "%s", "params": %s}],
	        "connections": [{"from": "T", "to": "N"}]}',
	       t, m,
	       CASE WHEN t = 'switch' THEN '{"rules": [' || :'cond' || ']}' ELSE :'cond' END)::jsonb))
FROM unnest('{if,filter,switch}'::text[]) t, unnest('{continue,error_output,stop}'::text[]) m;

-- the last execution's step of node N: its status and its outputs, by
-- output name, with errors shortened to node and sqlstate
CREATE FUNCTION item_outputs(wf text) RETURNS text LANGUAGE sql AS $$
	SELECT min(s.status) || ' ' || jsonb_object_agg(o.key, (
		SELECT coalesce(jsonb_agg(CASE WHEN i ? 'error'
			THEN jsonb_build_object('error', jsonb_build_object(
				'node', i->'error'->'node', 'sqlstate', i->'error'->'sqlstate'))
			ELSE i END), '[]')
		FROM jsonb_array_elements(o.value) i))
	FROM reporunner.step s, jsonb_each(s.output) o
	WHERE s.node = 'N' AND s.execution_id = (SELECT max(id) FROM reporunner.execution)
$$;

SELECT t, m, reporunner.execute('item_' || t || '_' || m, :'items', '{"save": "all"}') IS NOT NULL AS ran,
       item_outputs('item_' || t || '_' || m) AS step
FROM unnest('{if,filter,switch}'::text[]) t, unnest('{continue,error_output}'::text[]) m
ORDER BY t, m;

-- with on_error stop, the first failing item fails the node and the execution
SELECT reporunner.execute('item_if_stop', :'items');
SELECT reporunner.execute('item_switch_stop', :'items');

-- the failing item's error object, in full
SELECT reporunner.execute('item_switch_continue', '[{"a": "abc"}]') #- '{0,error,detail}';

-- nothing fails: the same routing as with on_error stop
SELECT reporunner.execute('item_if_continue', '[{"a": 9}, {"a": 2}]', '{"save": "all"}') IS NOT NULL;
SELECT item_outputs('item_if_continue');

-- an error no on_error absorbs still ends the execution, also per item
SELECT reporunner.save_workflow('item_limit', '{"nodes": [{"name": "T", "type": "trigger"},
	{"name": "N", "type": "filter", "on_error": "continue",
	 "params": {"condition": "{{ \"x\".repeat($json.n).length > 1 }}"}}],
	"connections": [{"from": "T", "to": "N"}]}');
SELECT reporunner.execute('item_limit', '[{"n": 3}, {"n": 2000000000}]');

-- paired items follow the routed items: $('N').item from the node after
SELECT reporunner.save_workflow('item_paired', '{"nodes": [{"name": "T", "type": "trigger"},
	{"name": "N", "type": "if", "on_error": "continue",
	 "params": {"conditions": {"combinator": "and", "rules": [{"left": "{{ $json.a }}", "right": 5,
	   "operator": {"type": "number", "operation": "gt"}}]}}},
	{"name": "S", "type": "set", "params": {"fields": {"from": "{{ $(\"T\").item.json.a }}"}}}],
	"connections": [{"from": "T", "to": "N"}, {"from": "N", "output": "false", "to": "S"}]}');
SELECT reporunner.execute('item_paired', :'items');

-- set (n8n's Edit Fields): a failing item becomes {"error": ...}, the
-- others are set; with on_error stop the node fails
SELECT count(reporunner.save_workflow('item_set_' || m,
	format('{"nodes": [{"name": "T", "type": "trigger"},
	                   {"name": "N", "type": "set", "on_error": "%s",
	                    "params": {"types": {"n": "number"}, "fields": {"n": "{{ $json.v }}"}}}],
	        "connections": [{"from": "T", "to": "N"}]}', m)::jsonb))
FROM unnest('{continue,error_output,stop}'::text[]) m;
SELECT m, reporunner.execute('item_set_' || m, '[{"v": "1"}, {"v": "abc"}, {"v": 3}]', '{"save": "all"}') IS NOT NULL AS ran,
       item_outputs('item_set_' || m) AS step
FROM unnest('{continue,error_output}'::text[]) m;
SELECT reporunner.execute('item_set_stop', '[{"v": "1"}, {"v": "abc"}]');

DROP FUNCTION item_outputs(text);
SELECT reporunner.delete_workflow(name) FROM reporunner.workflows WHERE name LIKE 'item\_%' ORDER BY name;
