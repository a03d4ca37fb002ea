--
-- The "noop" node passes items on; "stop_and_error" fails with a message
-- and SQLSTATE of the workflow's choosing.
--
-- regress.run_workflow('test_stop', doc, items) (009_test_helpers) saves
-- doc as "test_stop" and runs it on the items; it returns the result, or
-- the error as "SQLSTATE: message / detail".

-- stop(params, items): the same for Start -> Stop (a stop_and_error with
-- those params), through regress.run_node.
CREATE FUNCTION pg_temp.stop(params jsonb, items jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.run_node('stop_and_error', params, items, name => 'Stop',
							workflow => 'test_stop')
$$;

\pset format unaligned
\pset tuples_only on

-- noop: items unchanged and in order; no items
SELECT regress.run_workflow('test_stop', '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Pass", "type": "noop"}],
                                           "connections": [{"from": "Start", "to": "Pass"}]}',
										 '[{"a": 1}, {"b": "ü"}, {"c": [null]}, {}]');
SELECT regress.run_workflow('test_stop', '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Pass", "type": "noop"}],
                                           "connections": [{"from": "Start", "to": "Pass"}]}',
										 '[]');
-- noop as a junction: both branches of an if meet in it
SELECT regress.run_workflow('test_stop', '{"nodes": [{"name": "Start", "type": "trigger"},
                                                     {"name": "If", "type": "if", "params": {"condition": "{{ $json.n > 1 }}"}},
                                                     {"name": "Join", "type": "noop"}],
                                           "connections": [{"from": "Start", "to": "If"},
                                                           {"from": "If", "output": "true", "to": "Join"},
                                                           {"from": "If", "output": "false", "to": "Join"}]}',
										 '[{"n": 1}, {"n": 2}, {"n": 3}]');

-- stop_and_error: SQLSTATE P0001 by default; the message is computed for
-- the first item
SELECT pg_temp.stop('{"message": "Order {{ $json.id }} has no lines"}', '[{"id": 7}, {"id": 8}]');
SELECT pg_temp.stop('{"message": "plain text, ünïcödé ✓"}', '[{}]');
-- a chosen SQLSTATE
SELECT pg_temp.stop('{"message": "bad input", "code": "22023"}', '[{}]');
SELECT pg_temp.stop('{"message": "custom", "code": "RR001"}', '[{}]');
-- a lone expression: strings as they are, other values as JSON
SELECT pg_temp.stop('{"message": "{{ $json.msg }}"}', '[{"msg": "from the item"}]');
SELECT pg_temp.stop('{"message": "{{ $json.msg }}"}', '[{"msg": {"why": [1, 2]}}]');
SELECT pg_temp.stop('{"message": "{{ $json.msg }}"}', '[{}]');
-- no items: the executor does not run the node, so no error
SELECT pg_temp.stop('{"message": "never {{ $json.id }}"}', '[]');
-- caught by the SQL caller like any error, by its SQLSTATE
SELECT reporunner.save_workflow('test_stop', '{
  "nodes": [{"name": "Start", "type": "trigger"},
            {"name": "Stop", "type": "stop_and_error", "params": {"message": "no", "code": "22012"}}],
  "connections": [{"from": "Start", "to": "Stop"}]}') > 0 AS saved;
DO $$
BEGIN
	PERFORM reporunner.execute('test_stop', '[{}]', '{"save": "none"}');
EXCEPTION WHEN division_by_zero THEN
	RAISE NOTICE 'caught as division_by_zero: %', SQLERRM;
END
$$;
-- on_error "error_output": the failure becomes an item on "error"
SELECT regress.run_workflow('test_stop', '{"nodes": [{"name": "Start", "type": "trigger"},
                                                     {"name": "Stop", "type": "stop_and_error", "on_error": "error_output",
                                                      "params": {"message": "rejected {{ $json.id }}", "code": "22023"}},
                                                     {"name": "Errors", "type": "noop"}],
                                           "connections": [{"from": "Start", "to": "Stop"},
                                                           {"from": "Stop", "output": "error", "to": "Errors"}]}',
										 '[{"id": 1}]');
-- on_error "continue": the execution goes on without the node's items
SELECT regress.run_workflow('test_stop', '{"nodes": [{"name": "Start", "type": "trigger"},
                                                     {"name": "Stop", "type": "stop_and_error", "on_error": "continue",
                                                      "params": {"message": "ignored"}},
                                                     {"name": "Other", "type": "noop"}],
                                           "connections": [{"from": "Start", "to": "Stop"}, {"from": "Start", "to": "Other"}]}',
										 '[{"id": 1}]');

SELECT reporunner.delete_workflow('test_stop');
