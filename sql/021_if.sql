--
-- The "if" node: items go to "true" (output 0) or "false" (output 1).
--
-- run(condition, items): Start -> If, with If's "true" output tagged
-- {"out": "true"} and its "false" output tagged {"out": "false"}, run
-- through regress.run_workflow (009_test_helpers); returns the result or
-- "SQLSTATE: message / detail".
CREATE FUNCTION pg_temp.run(condition text, items jsonb)
RETURNS text LANGUAGE sql AS $$
	SELECT regress.run_workflow('test_if', jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'If', 'type', 'if',
							   'params', jsonb_build_object('condition', condition)),
			jsonb_build_object('name', 'T', 'type', 'set',
							   'params', '{"fields": {"out": "true"}}'::jsonb),
			jsonb_build_object('name', 'F', 'type', 'set',
							   'params', '{"fields": {"out": "false"}}'::jsonb)),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', 'If'),
			jsonb_build_object('from', 'If', 'output', 'true', 'to', 'T'),
			jsonb_build_object('from', 'If', 'output', 'false', 'to', 'F'))), items)
$$;

\pset format unaligned
\pset tuples_only on

-- each item to its output, in input order within each output
SELECT pg_temp.run('{{ $json.n > 2 }}', '[{"n": 1}, {"n": 3}, {"n": 2}, {"n": 5}]');
-- all true, all false
SELECT pg_temp.run('{{ $json.n > 0 }}', '[{"n": 1}, {"n": 2}]');
SELECT pg_temp.run('{{ $json.n > 9 }}', '[{"n": 1}, {"n": 2}]');
-- no items
SELECT pg_temp.run('{{ $json.n > 0 }}', '[]');
-- missing field, null, and a comparison of mismatched types: false
SELECT pg_temp.run('{{ $json.n > 0 }}', '[{}, {"n": null}, {"n": "5"}]');
-- a boolean field as the condition; null is false
SELECT pg_temp.run('{{ $json.ok }}', '[{"ok": true}, {"ok": false}, {"ok": null}, {}]');
-- strings, unicode, logic
SELECT pg_temp.run('{{ $json.city == "Zürich" && !$json.tag.startsWith("x") }}',
				   '[{"city": "Zürich", "tag": "a"}, {"city": "Zurich", "tag": "a"}, {"city": "Zürich", "tag": "xy"}]');
SELECT pg_temp.run('{{ $json.name.startsWith("日本") }}', '[{"name": "日本語"}, {"name": "中文"}]');
-- a condition that yields something other than a boolean
SELECT pg_temp.run('{{ $json.n }}', '[{"n": 1}]');
SELECT pg_temp.run('{{ $json.n }}', '[{"n": true}, {"n": "yes"}]');

-- only the "true" output connected: false items go nowhere
SELECT reporunner.save_workflow('test_if', '{
  "nodes": [{"name": "Start", "type": "trigger"},
            {"name": "If", "type": "if", "params": {"condition": "{{ $json.n > 1 }}"}},
            {"name": "T", "type": "noop"}],
  "connections": [{"from": "Start", "to": "If"},
                  {"from": "If", "output": "true", "to": "T"}]}') > 0 AS saved;
SELECT reporunner.execute('test_if', '[{"n": 1}, {"n": 2}, {"n": 3}]', '{"save": "none"}');

SELECT reporunner.delete_workflow('test_if');
