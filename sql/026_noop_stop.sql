--
-- The "noop" node passes items on; "stop_and_error" fails with a message
-- and SQLSTATE of the workflow's choosing.
--
-- run(doc, items): saves doc as "test_stop" and runs it; returns the result
-- or "SQLSTATE: message / detail".
CREATE FUNCTION pg_temp.run(doc jsonb, items jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	detail text;
BEGIN
	PERFORM reporunner.save_workflow('test_stop', doc);
	-- saved outside the block below: a failed run must not undo the save
	BEGIN
		RETURN reporunner.execute('test_stop', items, '{"save": "none"}')::text;
	EXCEPTION WHEN others THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
		RETURN SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
	END;
END
$$;

-- stop(params, items): Start -> Stop (a stop_and_error with params).
CREATE FUNCTION pg_temp.stop(params jsonb, items jsonb)
RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.run(jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'Stop', 'type', 'stop_and_error', 'params', params)),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', 'Stop'))), items)
$$;

\pset format unaligned
\pset tuples_only on

-- noop: items unchanged and in order; no items
SELECT pg_temp.run('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Pass", "type": "noop"}],
                     "connections": [{"from": "Start", "to": "Pass"}]}',
				   '[{"a": 1}, {"b": "ü"}, {"c": [null]}, {}]');
SELECT pg_temp.run('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Pass", "type": "noop"}],
                     "connections": [{"from": "Start", "to": "Pass"}]}',
				   '[]');
-- noop as a junction: both branches of an if meet in it
SELECT pg_temp.run('{"nodes": [{"name": "Start", "type": "trigger"},
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
SELECT pg_temp.run('{"nodes": [{"name": "Start", "type": "trigger"},
                               {"name": "Stop", "type": "stop_and_error", "on_error": "error_output",
                                "params": {"message": "rejected {{ $json.id }}", "code": "22023"}},
                               {"name": "Errors", "type": "noop"}],
                     "connections": [{"from": "Start", "to": "Stop"},
                                     {"from": "Stop", "output": "error", "to": "Errors"}]}',
				   '[{"id": 1}]');
-- on_error "continue": the execution goes on without the node's items
SELECT pg_temp.run('{"nodes": [{"name": "Start", "type": "trigger"},
                               {"name": "Stop", "type": "stop_and_error", "on_error": "continue",
                                "params": {"message": "ignored"}},
                               {"name": "Other", "type": "noop"}],
                     "connections": [{"from": "Start", "to": "Stop"}, {"from": "Start", "to": "Other"}]}',
				   '[{"id": 1}]');

SELECT reporunner.delete_workflow('test_stop');
