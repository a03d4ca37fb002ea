--
-- The "limit" node: the first or last "max" items.
--
-- run(params, items): Start -> Limit; returns the result or
-- "SQLSTATE: message / detail".
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	detail text;
BEGIN
	PERFORM reporunner.save_workflow('test_limit', jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'Limit', 'type', 'limit', 'params', params)),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', 'Limit'))));
	-- saved outside the block below: a failed run must not undo the save
	BEGIN
		RETURN reporunner.execute('test_limit', items, '{"save": "none"}')::text;
	EXCEPTION WHEN others THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
		RETURN SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
	END;
END
$$;

CREATE TEMP TABLE five AS
	SELECT jsonb_agg(jsonb_build_object('i', i) ORDER BY i) AS items
	FROM generate_series(1, 5) i;

\pset format unaligned
\pset tuples_only on

-- from the start (the default) and from the end
SELECT pg_temp.run('{"max": 2}', items) FROM five;
SELECT pg_temp.run('{"max": 2, "from": "start"}', items) FROM five;
SELECT pg_temp.run('{"max": 2, "from": "end"}', items) FROM five;
-- zero, exactly all, more than all
SELECT pg_temp.run('{"max": 0}', items) FROM five;
SELECT pg_temp.run('{"max": 0, "from": "end"}', items) FROM five;
SELECT pg_temp.run('{"max": 5, "from": "end"}', items) FROM five;
SELECT pg_temp.run('{"max": 99}', items) FROM five;
SELECT pg_temp.run('{"max": 99, "from": "end"}', items) FROM five;
-- no items
SELECT pg_temp.run('{"max": 3}', '[]');
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[]');
-- computed once, for the first item
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"n": 2, "i": 1}, {"n": 0, "i": 2}, {"n": 9, "i": 3}]');
SELECT pg_temp.run('{"max": "{{ $json.n - 1 }}", "from": "end"}', '[{"n": 2, "i": 1}, {"i": 2}, {"i": 3}]');
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"n": 2.0, "i": 1}, {"i": 2}, {"i": 3}]');
-- above the largest integer: all items
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"n": 100000000000000000000000000000, "i": 1}, {"i": 2}]');
-- computed values that are not counts
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"n": 1.5}]');
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"n": -1}]');
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"n": "3"}]');
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"i": 1}]');
SELECT pg_temp.run('{"max": "{{ $json.n }}"}', '[{"n": [1]}]');

SELECT reporunner.delete_workflow('test_limit');
DROP TABLE five;
