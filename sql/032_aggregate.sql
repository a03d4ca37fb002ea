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

\pset format aligned
\pset tuples_only off
SELECT reporunner.delete_workflow('test_aggregate');
