--
-- The "sort" node: stable, by several keys, with a fixed order across JSON
-- types, missing/null last in ascending order.
--
-- run(by, items): Start -> Sort with {"by": by}; returns the result or
-- "SQLSTATE: message / detail".
CREATE FUNCTION pg_temp.run(by jsonb, items jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	detail text;
BEGIN
	PERFORM reporunner.save_workflow('test_sort', jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'Sort', 'type', 'sort',
							   'params', jsonb_build_object('by', by))),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', 'Sort'))));
	-- saved outside the block below: a failed run must not undo the save
	BEGIN
		RETURN reporunner.execute('test_sort', items, '{"save": "none"}')::text;
	EXCEPTION WHEN others THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
		RETURN SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
	END;
END
$$;

\pset format unaligned
\pset tuples_only on

-- numbers compare numerically (10 after 9.5), ascending by default
SELECT pg_temp.run('[{"field": "n"}]', '[{"n": 10}, {"n": 9.5}, {"n": -1}, {"n": 2}, {"n": 1e2}]');
SELECT pg_temp.run('[{"field": "n", "order": "desc"}]', '[{"n": 10}, {"n": 9.5}, {"n": -1}, {"n": 2}]');
-- strings compare byte by byte: upper case, lower case, then non-ASCII
SELECT pg_temp.run('[{"field": "s"}]',
				   '[{"s": "banana"}, {"s": "Banana"}, {"s": "äpple"}, {"s": "apple"}, {"s": "app"}, {"s": ""}, {"s": "日本"}]');
-- booleans: false before true
SELECT pg_temp.run('[{"field": "b"}]', '[{"b": true}, {"b": false}, {"b": true}]');
-- mixed types: boolean < number < string < array < object, then null and
-- missing (in input order: they are equal)
SELECT pg_temp.run('[{"field": "v"}]',
				   '[{"v": {"a": 1}, "i": 1}, {"i": 2}, {"v": "x", "i": 3}, {"v": null, "i": 4},
				     {"v": [1], "i": 5}, {"v": 3, "i": 6}, {"v": false, "i": 7}]');
-- descending reverses all of it: null and missing first
SELECT pg_temp.run('[{"field": "v", "order": "desc"}]',
				   '[{"v": {"a": 1}, "i": 1}, {"i": 2}, {"v": "x", "i": 3}, {"v": null, "i": 4},
				     {"v": [1], "i": 5}, {"v": 3, "i": 6}, {"v": false, "i": 7}]');
-- arrays and objects follow jsonb ordering
SELECT pg_temp.run('[{"field": "v"}]', '[{"v": [2]}, {"v": [1, 2]}, {"v": [1]}, {"v": {"b": 1}}, {"v": {"a": 2}}]');
-- stable: equal keys keep their input order
SELECT pg_temp.run('[{"field": "k"}]',
				   '[{"k": 2, "i": 1}, {"k": 1, "i": 2}, {"k": 2, "i": 3}, {"k": 1, "i": 4}, {"k": 1, "i": 5}]');
SELECT pg_temp.run('[{"field": "k", "order": "desc"}]',
				   '[{"k": 2, "i": 1}, {"k": 1, "i": 2}, {"k": 2, "i": 3}, {"k": 1, "i": 4}, {"k": 1, "i": 5}]');
-- several keys, most significant first, each with its own order
SELECT pg_temp.run('[{"field": "total", "order": "desc"}, {"field": "id"}]',
				   '[{"id": 3, "total": 5}, {"id": 1, "total": 5}, {"id": 2, "total": 9}, {"id": 4}]');
-- keys are literal field names; unicode names
SELECT pg_temp.run('[{"field": "a.b"}, {"field": "ñ", "order": "desc"}]',
				   '[{"a.b": 1, "ñ": 1}, {"a.b": 1, "ñ": 2}, {"a.b": 0, "a": {"b": 9}}]');
-- no items, one item
SELECT pg_temp.run('[{"field": "n"}]', '[]');
SELECT pg_temp.run('[{"field": "n"}]', '[{"n": 1}]');
-- "by" and its parts computed from the first item
SELECT pg_temp.run('"{{ $json.sort }}"',
				   '[{"sort": [{"field": "n", "order": "desc"}], "n": 1}, {"n": 3}, {"n": 2}]');
SELECT pg_temp.run('[{"field": "{{ $json.key }}", "order": "desc"}]',
				   '[{"key": "n", "n": 1}, {"n": 3}, {"n": 2}]');
-- computed "by" of the wrong shape
SELECT pg_temp.run('"{{ $json.sort }}"', '[{"sort": "n"}]');
SELECT pg_temp.run('"{{ $json.sort }}"', '[{"sort": []}]');
SELECT pg_temp.run('"{{ $json.sort }}"', '[{"sort": [{"field": "n"}, 7]}]');
SELECT pg_temp.run('"{{ $json.sort }}"', '[{"sort": [{"order": "asc"}]}]');
SELECT pg_temp.run('"{{ $json.sort }}"', '[{"sort": [{"field": 1}]}]');
SELECT pg_temp.run('"{{ $json.sort }}"', '[{"sort": [{"field": "n", "order": "down"}]}]');
SELECT pg_temp.run('[{"field": "{{ $json.key }}"}]', '[{"key": 5}]');

-- a larger input: the sort agrees with SQL's ORDER BY (ties by position)
SELECT pg_temp.run('[{"field": "k"}, {"field": "s", "order": "desc"}]', items)
	= (SELECT jsonb_agg(x ORDER BY (x->>'k')::int, convert_to(x->>'s', 'UTF8') DESC, (x->>'i')::int)::text
	   FROM jsonb_array_elements(items) x) AS same_as_order_by
FROM (SELECT jsonb_agg(jsonb_build_object('i', i, 'k', i % 7, 's', md5(i::text)) ORDER BY i) AS items
	  FROM generate_series(1, 1000) i) t;

SELECT reporunner.delete_workflow('test_sort');
