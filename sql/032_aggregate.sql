--
-- The "aggregate" node: groups in first-seen order, every op, exact
-- numbers, missing and null values, computed params, and errors.
--
-- run(params, items): Start -> Agg with params, through regress.run_node
-- (009_test_helpers); returns the result or "SQLSTATE: message / detail",
-- for a document the validator refuses too.
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.run_node('aggregate', params, items, name => 'Agg')
$$;

-- one aggregation per op, over the field "v"
CREATE FUNCTION pg_temp.every_op() RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_agg(jsonb_build_object('op', op, 'field', 'v'))
	FROM unnest(ARRAY['collect', 'count', 'count_distinct', 'sum', 'min', 'max',
					  'avg', 'first', 'last', 'concat']) op
$$;

\pset format unaligned
\pset tuples_only on

-- no group_by: one item over all items; default names are <op>_<field>,
-- and "count" for a count of items
SELECT pg_temp.run(jsonb_build_object('aggregations', pg_temp.every_op() || '[{"op": "count"}]'),
	'[{"v": 3}, {"v": 1.5}, {"w": 9}, {"v": 3.0}, {"v": null}, {"v": -2}]');
-- strings: collect, count, count_distinct, first, last and concat
SELECT pg_temp.run('{"aggregations": [{"op": "collect", "field": "s"}, {"op": "count_distinct", "field": "s"},
									  {"op": "first", "field": "s"}, {"op": "last", "field": "s"},
									  {"op": "concat", "field": "s"}]}',
	'[{"s": "b"}, {"s": "a"}, {"s": "b"}, {"s": "ünï"}, {"s": "日本"}]');
-- concat joins with ", " and writes non-strings as JSON; nulls and missing
-- values are skipped, as by string_agg
SELECT pg_temp.run('{"aggregations": [{"op": "concat", "field": "s", "as": "all"}]}',
	'[{"s": "a"}, {"s": 1.50}, {"s": null}, {}, {"s": true}, {"s": [1, "x"]}, {"s": {"k": "v"}}, {"s": ""}]');
-- collect keeps nulls and skips missing values; first and last take null
-- as a value
SELECT pg_temp.run('{"aggregations": [{"op": "collect", "field": "v"}, {"op": "first", "field": "v"},
									  {"op": "last", "field": "v"}]}',
	'[{"x": 1}, {"v": null}, {"v": {"o": [1]}}, {"v": null}, {"x": 2}]');
-- count with a field counts values that are not null; count_distinct
-- compares as jsonb, so 1 and 1.0 are one value, "1" another
SELECT pg_temp.run('{"aggregations": [{"op": "count"}, {"op": "count", "field": "v"},
									  {"op": "count_distinct", "field": "v"}]}',
	'[{"v": 1}, {"v": 1.0}, {"v": "1"}, {"v": null}, {}, {"v": [1]}, {"v": [1.00]}, {"v": {"a": 1}}]');

-- numbers are exact (numeric): no binary floating point errors, no
-- overflow; avg has trailing zeros trimmed
SELECT pg_temp.run('{"aggregations": [{"op": "sum", "field": "v"}, {"op": "avg", "field": "v"},
									  {"op": "min", "field": "v"}, {"op": "max", "field": "v"}]}',
	'[{"v": 0.1}, {"v": 0.2}, {"v": 100000000000000000000000000000}, {"v": -0.3}]');
SELECT pg_temp.run('{"aggregations": [{"op": "avg", "field": "v"}, {"op": "sum", "field": "v"}]}',
	'[{"v": 1}, {"v": 2}, {"v": 2}]');
SELECT pg_temp.run('{"aggregations": [{"op": "avg", "field": "v"}]}', '[{"v": 1e-20}, {"v": 1.5e-20}]');
-- min and max keep the value as written
SELECT pg_temp.run('{"aggregations": [{"op": "min", "field": "v"}, {"op": "max", "field": "v"}]}',
	'[{"v": 2.50}, {"v": 7}, {"v": 2.5}, {"v": 7.000}]');
-- only missing and null values: null results, 0 for the counts, and
-- collect keeps the null
SELECT pg_temp.run(jsonb_build_object('aggregations', pg_temp.every_op()), '[{"w": 1}, {"v": null}]');
SELECT pg_temp.run(jsonb_build_object('aggregations', pg_temp.every_op()), '[{"w": 1}]');

-- groups, in the order their first item came; each output item holds the
-- group_by fields
SELECT pg_temp.run('{"group_by": ["customer"],
					 "aggregations": [{"op": "count", "as": "orders"}, {"op": "sum", "field": "total", "as": "revenue"}]}',
	'[{"customer": "b", "total": 5}, {"customer": "a", "total": 1}, {"customer": "b", "total": 2.5},
	  {"customer": "c"}, {"customer": "a", "total": 10}]');
-- several group fields; a group value may be of any JSON type (1 and 1.0
-- group together); a missing group field is its own group, apart from
-- null, and is left out of the output item
SELECT pg_temp.run('{"group_by": ["g", "h"], "aggregations": [{"op": "collect", "field": "i"}]}',
	'[{"g": 1, "h": "x", "i": 1}, {"g": 1.0, "h": "x", "i": 2}, {"g": 1, "h": "y", "i": 3},
	  {"h": "x", "i": 4}, {"g": null, "h": "x", "i": 5}, {"g": [1], "h": {"k": 1}, "i": 6},
	  {"g": [1], "h": {"k": 1}, "i": 7}, {"i": 8}]');
-- unicode group values and field names
SELECT pg_temp.run('{"group_by": ["städt"], "aggregations": [{"op": "sum", "field": "größe", "as": "Σ"}]}',
	'[{"städt": "Zürich", "größe": 1}, {"städt": "東京", "größe": 2}, {"städt": "Zürich", "größe": 3}]');
-- a result named like a group field or an earlier result replaces it
SELECT pg_temp.run('{"group_by": ["g"], "aggregations": [{"op": "count", "as": "g"}, {"op": "sum", "field": "v", "as": "x"},
														 {"op": "max", "field": "v", "as": "x"}]}',
	'[{"g": "a", "v": 1}, {"g": "a", "v": 2}]');
-- an empty group_by is no grouping
SELECT pg_temp.run('{"group_by": [], "aggregations": [{"op": "count"}]}', '[{"g": 1}, {"g": 2}]');
-- no items: the node does not run, so nothing comes out, grouped or not
SELECT pg_temp.run('{"aggregations": [{"op": "count"}]}', '[]');

-- sum, min, max and avg take numbers and nulls only; the error names the
-- field and the item (counting from 0)
SELECT pg_temp.run('{"aggregations": [{"op": "sum", "field": "v"}]}', '[{"v": 1}, {"v": null}, {"v": "2"}]');
SELECT pg_temp.run('{"aggregations": [{"op": "avg", "field": "v"}]}', '[{"v": {"n": 1}}]');
SELECT pg_temp.run('{"aggregations": [{"op": "min", "field": "v"}]}', '[{"v": true}]');
SELECT pg_temp.run('{"aggregations": [{"op": "max", "field": "v"}]}', '[{"v": [1]}]');
-- a missing field is never an error
SELECT pg_temp.run('{"aggregations": [{"op": "max", "field": "v"}]}', '[{"w": "x"}]');

-- params computed once, for the first item
SELECT pg_temp.run('{"group_by": "{{ $json.by }}", "aggregations": [{"op": "count"}]}',
	'[{"by": ["k"], "k": 1}, {"k": 2}, {"k": 1}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}',
	'[{"aggs": [{"op": "sum", "field": "n", "as": "total"}, {"op": "count"}], "n": 2}, {"n": 3}]');
SELECT pg_temp.run('{"aggregations": [{"op": "sum", "field": "{{ $json.f }}"}]}', '[{"f": "a", "a": 1}, {"a": 2}]');
-- a computed group_by that gives no result means no grouping
SELECT pg_temp.run('{"group_by": "{{ $json.nope }}", "aggregations": [{"op": "count"}]}', '[{"k": 1}, {"k": 2}]');
-- computed params of the wrong shape
SELECT pg_temp.run('{"group_by": "{{ $json.by }}", "aggregations": [{"op": "count"}]}', '[{"by": "k"}]');
SELECT pg_temp.run('{"group_by": "{{ $json.by }}", "aggregations": [{"op": "count"}]}', '[{"by": ["k", 1]}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": {"op": "count"}}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": []}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": [{"op": "count"}, "sum"]}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": [{"field": "v"}]}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": [{"op": "median", "field": "v"}]}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": [{"op": "sum"}]}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": [{"op": "sum", "field": 1}]}]');
SELECT pg_temp.run('{"aggregations": "{{ $json.aggs }}"}', '[{"aggs": [{"op": "count", "as": false}]}]');

-- the validator's side
SELECT pg_temp.run('{}', '[]');
SELECT pg_temp.run('{"aggregations": []}', '[]');
SELECT pg_temp.run('{"aggregations": [{"op": "sum"}]}', '[]');
SELECT pg_temp.run('{"aggregations": [{"op": "median", "field": "v"}]}', '[]');
SELECT pg_temp.run('{"group_by": "k", "aggregations": [{"op": "count"}]}', '[]');

-- a larger input: the same as SQL's aggregates
SELECT pg_temp.run('{"group_by": ["g"], "aggregations": [{"op": "count"}, {"op": "sum", "field": "v"},
					 {"op": "min", "field": "v"}, {"op": "max", "field": "v"}, {"op": "avg", "field": "v"},
					 {"op": "count_distinct", "field": "v"}]}', items)::jsonb
	= (SELECT jsonb_agg(jsonb_build_object('g', g, 'count', n, 'sum_v', s, 'min_v', lo, 'max_v', hi,
										   'avg_v', trim_scale(a), 'count_distinct_v', d) ORDER BY first)
	   FROM (SELECT x->'g' AS g, count(*) AS n, sum((x->>'v')::numeric) AS s, min((x->>'v')::numeric) AS lo,
					max((x->>'v')::numeric) AS hi, avg((x->>'v')::numeric) AS a,
					count(DISTINCT (x->>'v')::numeric) AS d, min(o) AS first
			 FROM jsonb_array_elements(items) WITH ORDINALITY e(x, o)
			 GROUP BY x->'g') q) AS same_as_sql
FROM (SELECT jsonb_agg(jsonb_build_object('g', (i * 7) % 13, 'v', (i * 31) % 101 / 4.0) ORDER BY i) AS items
	  FROM generate_series(1, 2000) i) s;

-- n8n's Aggregate: skip_nulls leaves out nulls (also inside arrays),
-- merge_lists appends an array's elements; dot_notation reads paths
SELECT pg_temp.run('{"aggregations": [{"op": "collect", "field": "v", "as": "kept"},
	{"op": "collect", "field": "v", "as": "skipped", "skip_nulls": true},
	{"op": "collect", "field": "v", "as": "merged", "merge_lists": true},
	{"op": "collect", "field": "v", "as": "both", "skip_nulls": true, "merge_lists": true}]}',
	'[{"v": 1}, {"v": null}, {}, {"v": [2, null, [3]]}, {"v": "x"}]');
SELECT pg_temp.run('{"dot_notation": true, "aggregations": [{"op": "collect", "field": "o.k", "as": "k"}]}',
	'[{"o": {"k": 1}}, {"o.k": 2}, {"o": {}}]');
-- items: all item data in one list, or only some fields, or all but some
-- (items left with no field are left out)
SELECT pg_temp.run('{"aggregations": [{"op": "items", "as": "data"}]}', '[{"a": 1, "b": 2}, {"b": 3}]');
SELECT pg_temp.run('{"aggregations": [{"op": "items", "as": "data", "include_fields": ["a"]}]}', '[{"a": 1, "b": 2}, {"b": 3}]');
SELECT pg_temp.run('{"aggregations": [{"op": "items", "as": "data", "exclude_fields": ["a"]}]}', '[{"a": 1, "b": 2}, {"a": 3}]');
SELECT pg_temp.run('{"group_by": ["g"], "aggregations": [{"op": "items"}]}', '[{"g": 1, "n": 1}, {"g": 2}, {"g": 1, "n": 3}]');
SELECT pg_temp.run('{"aggregations": [{"op": "collect", "field": "v", "skip_nulls": "yes"}]}', '[]');
SELECT pg_temp.run('{"aggregations": "{{ [{op: ''collect'', field: ''v'', merge_lists: 1}] }}"}', '[{"v": 1}]');
SELECT pg_temp.run('{"aggregations": "{{ [{op: ''items'', include_fields: ''a''}] }}"}', '[{"v": 1}]');

-- The "summarize" node: n8n's Summarize.  sum(params, items) runs it.
CREATE FUNCTION pg_temp.sum(params jsonb, items jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.run_node('summarize', params, items, name => 'Sum')
$$;
-- every aggregation, named as n8n names them; sums and averages are
-- JavaScript doubles over the numbers only; min and max compare with
-- JavaScript's < over the values that are not empty; count, count_unique,
-- append and concatenate leave out missing, null and ""
SELECT pg_temp.sum('{"aggregations": [{"op": "sum", "field": "v"}, {"op": "average", "field": "v"},
	{"op": "min", "field": "v"}, {"op": "max", "field": "v"}, {"op": "count", "field": "v"},
	{"op": "count_unique", "field": "v"}, {"op": "append", "field": "v"}, {"op": "concatenate", "field": "v"}]}',
	'[{"v": 1}, {"v": "7"}, {"v": null}, {"v": ""}, {"v": 0.1}, {"v": 0.2}, {}, {"v": 1}, {"v": {"k": [1]}}]');
-- include_empty keeps them (null, and missing as null in lists); any separator;
-- objects as JSON, missing as "undefined"
SELECT pg_temp.sum('{"aggregations": [{"op": "count", "field": "v", "include_empty": true},
	{"op": "count_unique", "field": "v", "include_empty": true}, {"op": "append", "field": "v", "include_empty": true},
	{"op": "concatenate", "field": "v", "include_empty": true, "separator": " | "}]}',
	'[{"v": null}, {}, {"v": ""}, {"v": [1, "a"]}, {"v": true}]');
-- no numbers: sum 0, average null, min and max null
SELECT pg_temp.sum('{"aggregations": [{"op": "sum", "field": "v"}, {"op": "average", "field": "v"},
	{"op": "min", "field": "v"}]}', '[{"v": "x"}, {"w": 1}]');
-- groups: keyed by text (1 and "1" are one group, written "1"), array
-- indexes first in ascending order, then the others as they came; nested
-- by the first field; null is the group "null", missing "undefined"
SELECT pg_temp.sum('{"split_by": ["g"], "aggregations": [{"op": "count", "field": "n"}]}',
	'[{"g": "b", "n": 1}, {"g": 10, "n": 1}, {"g": "1", "n": 1}, {"g": 1, "n": 1}, {"g": null, "n": 1}, {"n": 1}, {"g": 2, "n": 1}, {"g": {"x": 1}, "n": 1}]');
SELECT pg_temp.sum('{"split_by": ["a", "b"], "aggregations": [{"op": "append", "field": "n"}]}',
	'[{"a": "red", "b": "foo", "n": 1}, {"a": "blue", "b": "x", "n": 2}, {"a": "red", "b": "bar", "n": 3}, {"a": "blue", "b": "foo", "n": 4}]');
-- typed_groups (n8n 1.1): the first field's values back as numbers and null
SELECT pg_temp.sum('{"split_by": ["g"], "typed_groups": true, "aggregations": [{"op": "count", "field": "n"}]}',
	'[{"g": 2, "n": 1}, {"g": null, "n": 1}, {"g": "x", "n": 1}, {"g": "", "n": 1}]');
-- skip_empty_groups: items whose group is missing, "" or false are left out
SELECT pg_temp.sum('{"split_by": ["g"], "skip_empty_groups": true, "aggregations": [{"op": "count", "field": "n"}]}',
	'[{"g": "", "n": 1}, {"g": false, "n": 1}, {"n": 1}, {"g": 0, "n": 1}, {"g": null, "n": 1}]');
-- single_item: one item of objects keyed by the groups
SELECT pg_temp.sum('{"split_by": ["a", "b"], "single_item": true, "aggregations": [{"op": "sum", "field": "n"}]}',
	'[{"a": "x", "b": 1, "n": 1}, {"a": "x", "b": 2, "n": 2}, {"a": "y", "b": 1, "n": 3}]');
-- dot_notation: fields are paths; output names with "_" for "." and " "
SELECT pg_temp.sum('{"dot_notation": true, "split_by": ["p.k"], "aggregations": [{"op": "max", "field": "p.v"}, {"op": "count", "field": "a b"}]}',
	'[{"p": {"k": "x", "v": 3}, "a b": 1}, {"p": {"k": "x", "v": 5}}]');
-- a field no item has: n8n's error, or with ignore_missing a count of 0
SELECT pg_temp.sum('{"aggregations": [{"op": "count", "field": "nope"}]}', '[{"v": 1}]');
SELECT pg_temp.sum('{"aggregations": [{"op": "count", "field": "nope"}], "ignore_missing": true}', '[{"v": 1}]');
-- computed params, and bad ones
SELECT pg_temp.sum('{"split_by": "{{ [$json.by] }}", "aggregations": [{"op": "count", "field": "{{ $json.by }}"}]}',
	'[{"by": "g", "g": 1}, {"g": 1}]');
SELECT pg_temp.sum('{"aggregations": "{{ [{op: ''median'', field: ''v''}] }}"}', '[{"v": 1}]');
SELECT pg_temp.sum('{"aggregations": "{{ [{op: ''sum''}] }}"}', '[{"v": 1}]');
SELECT pg_temp.sum('{"aggregations": "{{ [{op: ''sum'', field: ''v'', include_empty: 1}] }}"}', '[{"v": 1}]');
SELECT pg_temp.sum('{"aggregations": "{{ [] }}"}', '[{"v": 1}]');
SELECT pg_temp.sum('{"aggregations": [{"op": "median", "field": "v"}]}', '[]');
SELECT pg_temp.sum('{"aggregations": [{"op": "sum"}]}', '[]');
SELECT pg_temp.sum('{"aggregations": []}', '[]');
SELECT pg_temp.sum('{"aggregations": [{"op": "sum", "field": "v"}], "single_item": "{{ true }}"}', '[]');
SELECT pg_temp.sum('{"aggregations": [{"op": "sum", "field": "v"}], "group_by": ["g"]}', '[]');
SELECT reporunner.delete_workflow('test_summarize');

\pset format aligned
\pset tuples_only off
SELECT reporunner.delete_workflow('test_aggregate');
