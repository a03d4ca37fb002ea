--
-- The "sort" node, as n8n's Sort: by several keys, strings lower-cased,
-- values compared as lodash's isEqual and lt do (JavaScript's rules), V8's
-- sort below 64 items; a key no item has is an error; random order.
--
-- regress.run_node('sort', params, items) (009_test_helpers) runs
-- Start -> Sort with those params on the items and returns the result,
-- or the error as "SQLSTATE: message / detail".

\pset format unaligned
\pset tuples_only on

-- numbers compare numerically (10 after 9.5), ascending by default
SELECT regress.run_node('sort', '{"by": [{"field": "n"}]}', '[{"n": 10}, {"n": 9.5}, {"n": -1}, {"n": 2}, {"n": 1e2}]');
SELECT regress.run_node('sort', '{"by": [{"field": "n", "order": "desc"}]}', '[{"n": 10}, {"n": 9.5}, {"n": -1}, {"n": 2}]');
-- strings compare lower-cased ("banana" and "Banana" are equal and keep
-- their order), by UTF-16 code units
SELECT regress.run_node('sort', '{"by": [{"field": "s"}]}',
								'[{"s": "banana"}, {"s": "Banana"}, {"s": "äpple"}, {"s": "apple"}, {"s": "app"}, {"s": ""}, {"s": "日本"}]');
-- booleans: false before true
SELECT regress.run_node('sort', '{"by": [{"field": "b"}]}', '[{"b": true}, {"b": false}, {"b": true}]');
-- mixed types: as numbers unless both are strings (null and false are 0,
-- [1] is 1); what is NaN (a missing field, "x", an object) is "greater"
-- both ways round, so V8's insertion sort decides, as it does in n8n
SELECT regress.run_node('sort', '{"by": [{"field": "v"}]}',
								'[{"v": {"a": 1}, "i": 1}, {"i": 2}, {"v": "x", "i": 3}, {"v": null, "i": 4},
								  {"v": [1], "i": 5}, {"v": 3, "i": 6}, {"v": false, "i": 7}]');
-- descending: the same comparator, the other way
SELECT regress.run_node('sort', '{"by": [{"field": "v", "order": "desc"}]}',
								'[{"v": {"a": 1}, "i": 1}, {"i": 2}, {"v": "x", "i": 3}, {"v": null, "i": 4},
								  {"v": [1], "i": 5}, {"v": 3, "i": 6}, {"v": false, "i": 7}]');
-- arrays as numbers ([2] is 2, [1, 2] NaN), objects NaN
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
-- with dot_notation, paths (a key with the dots as it is wins, as lodash's
-- get reads it)
SELECT regress.run_node('sort', '{"by": [{"field": "a.b"}], "dot_notation": true}',
								'[{"a": {"b": 3}}, {"a": {"b": 1}}, {"a.b": 2}]');
SELECT regress.run_node('sort', '{"by": [{"field": "l[1]", "order": "desc"}], "dot_notation": true}',
								'[{"l": [0, 1]}, {"l": [0, 5]}, {"l": [9]}]');
-- numbers in text against numbers: compared as numbers; text against text
-- as text ("10" < "9")
SELECT regress.run_node('sort', '{"by": [{"field": "v"}]}', '[{"v": "10"}, {"v": 9}, {"v": " 2 "}, {"v": true}]');
SELECT regress.run_node('sort', '{"by": [{"field": "v"}]}', '[{"v": "10"}, {"v": "9"}, {"v": "0x1F"}]');
-- a field no item has: n8n's error
SELECT regress.run_node('sort', '{"by": [{"field": "n"}, {"field": "nope"}]}', '[{"n": 1}, {"n": 2}]');
SELECT regress.run_node('sort', '{"by": [{"field": "a.b"}]}', '[{"a": {"b": 1}}]');
SELECT regress.run_node('sort', '{"by": [{"field": "n"}]}', '[{"n": null}, {"m": 1}]');
-- random: the same items in some order
SELECT (SELECT jsonb_agg(x ORDER BY (x->>'i')::int) FROM jsonb_array_elements(
			regress.run_node('sort', '{"random": true}', items)::jsonb) x) = items AS same_items
FROM (SELECT jsonb_agg(jsonb_build_object('i', i) ORDER BY i) AS items FROM generate_series(1, 50) i) t;
-- bad params
SELECT regress.run_node('sort', '{}', '[]');
SELECT regress.run_node('sort', '{"random": true, "by": [{"field": "n"}]}', '[]');
SELECT regress.run_node('sort', '{"random": "{{ true }}"}', '[]');
SELECT regress.run_node('sort', '{"by": [{"field": "n"}], "dot_notation": 1}', '[]');
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
