--
-- The "split_out" node: one item per element of an array field, with or
-- without the item's other fields, under the field's name or another.
--
-- run(params, items): Start -> Split with params, through regress.run_node
-- (009_test_helpers); returns the result or "SQLSTATE: message / detail",
-- for a document the validator refuses too.
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.run_node('split_out', params, items, name => 'Split')
$$;

\pset format unaligned
\pset tuples_only on

-- without keep_fields: object elements become the items themselves, other
-- elements are wrapped under the field's name; items in input order
SELECT pg_temp.run('{"field": "lines"}',
	'[{"id": 1, "lines": [{"sku": "a", "qty": 2}, {"sku": "b"}]}, {"id": 2, "lines": [{"sku": "c"}]}]');
SELECT pg_temp.run('{"field": "tags"}', '[{"id": 1, "tags": ["x", 2, true, null, [3, 4]]}]');
SELECT pg_temp.run('{"field": "v"}', '[{"v": [{"a": 1}, "s", {"b": 2}]}]');
-- with a destination, every element is wrapped under it
SELECT pg_temp.run('{"field": "lines", "destination": "line"}',
	'[{"id": 1, "lines": [{"sku": "a"}, "loose"]}]');

-- keep_fields: the item with the element in place of the array
SELECT pg_temp.run('{"field": "lines", "keep_fields": true}',
	'[{"id": 1, "lines": [{"sku": "a"}, {"sku": "b"}], "note": "n"}]');
-- ... or under the destination, the array field removed; a field named
-- like the destination is replaced
SELECT pg_temp.run('{"field": "lines", "keep_fields": true, "destination": "line"}',
	'[{"id": 1, "lines": [{"sku": "a"}, 7], "line": "old"}]');
-- destination equal to the field: the same as none
SELECT pg_temp.run('{"field": "lines", "keep_fields": true, "destination": "lines"}',
	'[{"id": 1, "lines": [1, 2]}]');
SELECT pg_temp.run('{"field": "lines", "keep_fields": false}', '[{"id": 1, "lines": [1, 2]}]');

-- missing fields and empty arrays give nothing; null gives one item, as in
-- n8n; an object splits into its values; any other value into itself
SELECT pg_temp.run('{"field": "v"}', '[{"id": 1}, {"id": 2, "v": null}, {"id": 3, "v": []}, {"id": 4, "v": [4]}]');
SELECT pg_temp.run('{"field": "v"}', '[{"id": 1, "v": "scalar"}, {"id": 2, "v": {"o": 1}}, {"id": 3, "v": 0}]');
SELECT pg_temp.run('{"field": "v", "keep_fields": true}', '[{"id": 1, "v": "scalar"}, {"id": 2, "v": {"o": 1}}]');
-- nested arrays are split one level only
SELECT pg_temp.run('{"field": "m", "keep_fields": true}', '[{"m": [[1, 2], [3]]}]');
-- field names are literal keys; unicode names and values
SELECT pg_temp.run('{"field": "a.b"}', '[{"a.b": [1, 2], "a": {"b": [9]}}]');
SELECT pg_temp.run('{"field": "straße", "destination": "städte", "keep_fields": true}',
	'[{"straße": ["Zürich", "東京"], "n": 1}]');
-- no items
SELECT pg_temp.run('{"field": "v"}', '[]');

-- params computed per item
SELECT pg_temp.run('{"field": "{{ $json.which }}"}',
	'[{"which": "a", "a": [1, 2], "b": [3]}, {"which": "b", "a": [1], "b": [3]}]');
SELECT pg_temp.run('{"field": "v", "keep_fields": "{{ $json.keep }}", "destination": "{{ $json.dest }}"}',
	'[{"v": [1], "keep": true, "dest": "x"}, {"v": [2], "keep": false, "dest": "y"}]');
SELECT pg_temp.run('{"field": "list_{{ $json.n }}"}', '[{"n": 1, "list_1": [{"ok": true}]}]');
-- a computed keep_fields or destination that gives no result means the default
SELECT pg_temp.run('{"field": "v", "keep_fields": "{{ $json.nope }}", "destination": "{{ $json.nope }}"}',
	'[{"v": [1], "k": 0}]');
-- computed values of the wrong type name the item
SELECT pg_temp.run('{"field": "{{ $json.which }}"}', '[{"which": "v", "v": [1]}, {"which": 5}]');
SELECT pg_temp.run('{"field": "{{ $json.which }}"}', '[{"v": [1]}]');
SELECT pg_temp.run('{"field": "v", "keep_fields": "{{ $json.keep }}"}', '[{"v": [1], "keep": "yes"}]');
SELECT pg_temp.run('{"field": "v", "destination": "{{ $json.dest }}"}', '[{"v": [1], "dest": ["x"]}]');

-- several fields: the k-th item holds the k-th element of each, under the
-- field's name (objects too); the longest decides how many items
SELECT pg_temp.run('{"fields": ["a", "b"]}', '[{"a": [1, 2, 3], "b": [{"x": 1}], "c": 0}]');
SELECT pg_temp.run('{"fields": ["a", "b"], "destinations": ["x", "y"], "keep_fields": true}',
	'[{"a": [1, 2], "b": {"p": "q"}, "c": 0}, {"c": 1}]');
-- dot_notation: names are paths; a literal key with dots wins, as lodash's
-- get reads it; keep_fields removes the path
SELECT pg_temp.run('{"field": "o.list", "dot_notation": true, "keep_fields": true}',
	'[{"o": {"list": [1, 2], "k": 3}, "z": 4}]');
SELECT pg_temp.run('{"field": "o.list", "dot_notation": true}', '[{"o.list": ["lit"], "o": {"list": [1]}}]');
SELECT pg_temp.run('{"field": "o.list"}', '[{"o.list": ["lit"], "o": {"list": [1]}}]');
SELECT pg_temp.run('{"field": "rows[1]", "dot_notation": true}', '[{"rows": [[0], [5, 6]]}]');
-- include_fields: the selected other fields (paths read with dot_notation,
-- stored under the name as written); a missing one is left out
SELECT pg_temp.run('{"field": "v", "include_fields": ["id", "nope"]}', '[{"id": 1, "v": [{"a": 1}, 2], "w": 0}]');
SELECT pg_temp.run('{"field": "v", "include_fields": ["m.n"], "dot_notation": true}', '[{"m": {"n": 5}, "v": [1]}]');
-- the fields to split and destinations may be computed per item
SELECT pg_temp.run('{"fields": "{{ $json.which }}", "destinations": "{{ [''out''] }}"}',
	'[{"which": ["a"], "a": [1]}, {"which": ["b"], "b": [2]}]');
-- bad inputs
SELECT pg_temp.run('{"fields": "{{ [''a'', ''b''] }}", "destinations": "{{ [''x''] }}"}', '[{"a": [1]}]');
SELECT pg_temp.run('{"fields": ["a", "b"], "destinations": ["x"]}', '[]');
SELECT pg_temp.run('{"field": "a", "fields": ["b"]}', '[]');
SELECT pg_temp.run('{"fields": []}', '[]');
SELECT pg_temp.run('{"field": "a", "keep_fields": true, "include_fields": ["b"]}', '[]');
SELECT pg_temp.run('{"field": "a", "include_fields": []}', '[]');
SELECT pg_temp.run('{"field": "a", "destinations": ["b"]}', '[]');
SELECT pg_temp.run('{"fields": ["a"], "destination": "b"}', '[]');
SELECT pg_temp.run('{"field": "a", "dot_notation": "{{ true }}"}', '[]');

-- the validator's side
SELECT pg_temp.run('{}', '[]');
SELECT pg_temp.run('{"field": 1}', '[]');
SELECT pg_temp.run('{"field": "v", "keep_fields": "yes"}', '[]');
SELECT pg_temp.run('{"field": "v", "into": "w"}', '[]');

-- a larger input: as many items as SQL's jsonb_array_elements gives
SELECT jsonb_array_length(pg_temp.run('{"field": "v", "keep_fields": true}', items)::jsonb)
	= (SELECT count(*) FROM jsonb_array_elements(items) i, jsonb_array_elements(i->'v')) AS same_count
FROM (SELECT jsonb_agg(jsonb_build_object('id', i, 'v', (SELECT coalesce(jsonb_agg(j), '[]') FROM generate_series(1, i % 7) j)))
			 AS items
	  FROM generate_series(1, 500) i) s;

\pset format aligned
\pset tuples_only off
SELECT reporunner.delete_workflow('test_split_out');
