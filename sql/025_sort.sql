--
-- The "sort" node: stable, by several keys, with a fixed order across JSON
-- types, missing/null last in ascending order.
--
-- regress.run_node('sort', params, items) (009_test_helpers) runs
-- Start -> Sort with those params on the items and returns the result,
-- or the error as "SQLSTATE: message / detail".

\pset format unaligned
\pset tuples_only on

-- numbers compare numerically (10 after 9.5), ascending by default
SELECT regress.run_node('sort', '{"by": [{"field": "n"}]}', '[{"n": 10}, {"n": 9.5}, {"n": -1}, {"n": 2}, {"n": 1e2}]');
SELECT regress.run_node('sort', '{"by": [{"field": "n", "order": "desc"}]}', '[{"n": 10}, {"n": 9.5}, {"n": -1}, {"n": 2}]');
-- strings compare byte by byte: upper case, lower case, then non-ASCII
SELECT regress.run_node('sort', '{"by": [{"field": "s"}]}',
								'[{"s": "banana"}, {"s": "Banana"}, {"s": "äpple"}, {"s": "apple"}, {"s": "app"}, {"s": ""}, {"s": "日本"}]');
-- booleans: false before true
SELECT regress.run_node('sort', '{"by": [{"field": "b"}]}', '[{"b": true}, {"b": false}, {"b": true}]');
-- mixed types: boolean < number < string < array < object, then null and
-- missing (in input order: they are equal)
SELECT regress.run_node('sort', '{"by": [{"field": "v"}]}',
								'[{"v": {"a": 1}, "i": 1}, {"i": 2}, {"v": "x", "i": 3}, {"v": null, "i": 4},
								  {"v": [1], "i": 5}, {"v": 3, "i": 6}, {"v": false, "i": 7}]');
-- descending reverses all of it: null and missing first
SELECT regress.run_node('sort', '{"by": [{"field": "v", "order": "desc"}]}',
								'[{"v": {"a": 1}, "i": 1}, {"i": 2}, {"v": "x", "i": 3}, {"v": null, "i": 4},
								  {"v": [1], "i": 5}, {"v": 3, "i": 6}, {"v": false, "i": 7}]');
-- arrays and objects follow jsonb ordering
SELECT regress.run_node('sort', '{"by": [{"field": "v"}]}', '[{"v": [2]}, {"v": [1, 2]}, {"v": [1]}, {"v": {"b": 1}}, {"v": {"a": 2}}]');
-- stable: equal keys keep their input order
SELECT regress.run_node('sort', '{"by": [{"field": "k"}]}',
								'[{"k": 2, "i": 1}, {"k": 1, "i": 2}, {"k": 2, "i": 3}, {"k": 1, "i": 4}, {"k": 1, "i": 5}]');
SELECT regress.run_node('sort', '{"by": [{"field": "k", "order": "desc"}]}',
								'[{"k": 2, "i": 1}, {"k": 1, "i": 2}, {"k": 2, "i": 3}, {"k": 1, "i": 4}, {"k": 1, "i": 5}]');
-- several keys, most significant first, each with its own order
SELECT regress.run_node('sort', '{"by": [{"field": "total", "order": "desc"}, {"field": "id"}]}',
								'[{"id": 3, "total": 5}, {"id": 1, "total": 5}, {"id": 2, "total": 9}, {"id": 4}]');
-- keys are literal field names; unicode names
SELECT regress.run_node('sort', '{"by": [{"field": "a.b"}, {"field": "ñ", "order": "desc"}]}',
								'[{"a.b": 1, "ñ": 1}, {"a.b": 1, "ñ": 2}, {"a.b": 0, "a": {"b": 9}}]');
-- no items, one item
SELECT regress.run_node('sort', '{"by": [{"field": "n"}]}', '[]');
SELECT regress.run_node('sort', '{"by": [{"field": "n"}]}', '[{"n": 1}]');
-- "by" and its parts computed from the first item
SELECT regress.run_node('sort', '{"by": "{{ $json.sort }}"}',
								'[{"sort": [{"field": "n", "order": "desc"}], "n": 1}, {"n": 3}, {"n": 2}]');
SELECT regress.run_node('sort', '{"by": [{"field": "{{ $json.key }}", "order": "desc"}]}',
								'[{"key": "n", "n": 1}, {"n": 3}, {"n": 2}]');
-- computed "by" of the wrong shape
SELECT regress.run_node('sort', '{"by": "{{ $json.sort }}"}', '[{"sort": "n"}]');
SELECT regress.run_node('sort', '{"by": "{{ $json.sort }}"}', '[{"sort": []}]');
SELECT regress.run_node('sort', '{"by": "{{ $json.sort }}"}', '[{"sort": [{"field": "n"}, 7]}]');
SELECT regress.run_node('sort', '{"by": "{{ $json.sort }}"}', '[{"sort": [{"order": "asc"}]}]');
SELECT regress.run_node('sort', '{"by": "{{ $json.sort }}"}', '[{"sort": [{"field": 1}]}]');
SELECT regress.run_node('sort', '{"by": "{{ $json.sort }}"}', '[{"sort": [{"field": "n", "order": "down"}]}]');
SELECT regress.run_node('sort', '{"by": [{"field": "{{ $json.key }}"}]}', '[{"key": 5}]');

-- a larger input: the sort agrees with SQL's ORDER BY (ties by position)
SELECT regress.run_node('sort', '{"by": [{"field": "k"}, {"field": "s", "order": "desc"}]}', items)
	= (SELECT jsonb_agg(x ORDER BY (x->>'k')::int, convert_to(x->>'s', 'UTF8') DESC, (x->>'i')::int)::text
	   FROM jsonb_array_elements(items) x) AS same_as_order_by
FROM (SELECT jsonb_agg(jsonb_build_object('i', i, 'k', i % 7, 's', md5(i::text)) ORDER BY i) AS items
	  FROM generate_series(1, 1000) i) t;

SELECT reporunner.delete_workflow('test_sort');
