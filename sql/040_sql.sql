--
-- The "sql" node: parameters inferred from the query, arguments converted
-- to their types, rows converted to items, statements without rows,
-- modes, prepared plans that survive DDL and failed first runs, and every
-- error with its SQLSTATE.
--
-- run(params, items): saves Start -> Q (a sql node with those params) as a
-- new workflow "test_sql" and runs it on the items, through
-- regress.run_node (009_test_helpers) with fresh: the old workflow is
-- deleted first, so each document gets a workflow id of its own even when
-- a failed run rolled its save back.  Returns the result, or the error as
-- "SQLSTATE: message / detail / HINT: hint".
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb DEFAULT '[{}]')
RETURNS text LANGUAGE sql AS $$
	SELECT regress.run_node('sql', params, items, name => 'Q', fresh => true)
$$;

-- regress.save_node('sql', params, name => 'Q', fresh => true) saves that
-- workflow without running it; regress.execute('test_sql') runs it again.

SET timezone TO 'UTC';
CREATE TABLE sql_node_t (
	id int PRIMARY KEY,
	name text,
	price numeric,
	ok boolean,
	at timestamptz,
	doc jsonb,
	raw json,
	tags text[]
);
INSERT INTO sql_node_t VALUES
	(1, 'café ☕', 1.50, true, '2024-01-02 03:04:05.5+00', '{"x": [1, {"y": null}]}',
	 '{"b": 1,  "a": 2}', '{a,"b c"}'),
	(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	(3, 'three', -0.001, false, '1999-12-31 23:59:59+00', '"s"', '[]', '{}');

\pset format unaligned
\pset tuples_only on

------------------------------------------------------------------------
-- Rows become items
------------------------------------------------------------------------

-- one run per item; each row one item, in order; an item matching no row
-- gives none
SELECT pg_temp.run('{"query": "SELECT id, name FROM sql_node_t WHERE id = $1", "args": ["{{ $json.id }}"]}',
				   '[{"id": 3}, {"id": 9}, {"id": 1}]');
SELECT pg_temp.run('{"query": "SELECT id FROM sql_node_t WHERE id <= $1 ORDER BY id DESC", "args": ["{{ $json.n }}"]}',
				   '[{"n": 2}, {"n": 1}]');

-- column types: numbers stay numbers (numeric keeps its scale), text with
-- unicode, booleans, timestamps as ISO strings, jsonb and json nested,
-- arrays as arrays, NULL as null
SELECT pg_temp.run('{"query": "SELECT * FROM sql_node_t ORDER BY id"}');
SELECT pg_temp.run('{"query": "SELECT 42::int2 AS i2, 9007199254740993::int8 AS i8, 1.5::float4 AS f4, ''NaN''::numeric AS nan, ''-infinity''::float8 AS inf, ''2024-02-29''::date AS d, ''12:30''::time AS t, ''1 day 2 hours''::interval AS iv, ''\\x00ff''::bytea AS b, ''a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11''::uuid AS u, ARRAY[[1, 2], [3, NULL]] AS m, ARRAY[''{\"k\": 1}''::jsonb] AS ja, ROW(1, ''x'')::record AS r, NULL::int[] AS n"}');

-- names: unnamed columns get PostgreSQL''s name; of two columns with one
-- name the last wins
SELECT pg_temp.run('{"query": "SELECT 1, 2 AS a, 3 AS a, ''x'' AS \"Mixed Case\""}');

-- a result without rows gives no items
SELECT pg_temp.run('{"query": "SELECT * FROM sql_node_t WHERE false"}', '[{}, {}]');

------------------------------------------------------------------------
-- Arguments: types inferred from the query, values converted
------------------------------------------------------------------------

-- a string or number where an int is expected; a number as text; a
-- parameter used in a cast; booleans
SELECT pg_temp.run('{"query": "SELECT $1 + 1 AS n, $2::text AS t, $3::boolean AS b, $4 || ''!'' AS s FROM (SELECT 1::int AS one) x WHERE one = 1 AND $1 > 0 AND $3 IS NOT NULL",
					 "args": ["{{ $json.n }}", "{{ $json.price }}", "{{ $json.flag }}", "{{ $json.s }}"]}',
				   '[{"n": 41, "price": 1.50, "flag": true, "s": "ünï"}, {"n": "9", "price": 2, "flag": "true", "s": ""}]');

-- parameters PostgreSQL cannot infer, or the query never uses, are text
SELECT pg_temp.run('{"query": "SELECT pg_typeof($1)::text AS t1, $1 IS NULL AS n1, $3 AS v3, pg_typeof($3)::text AS t3",
					 "args": ["x", "unused", 5]}');

-- JSON null is SQL NULL; objects and arrays are JSON text for text
SELECT pg_temp.run('{"query": "SELECT $1::text AS a, $2::text AS b, $3::text AS c, $4::int AS d",
					 "args": [null, {"k": [1, "é"]}, [1, 2], "{{ $json.missing }}"]}');

-- jsonb and json parameters take the JSON value itself, strings included
SELECT pg_temp.run('{"query": "SELECT $1::jsonb AS j, jsonb_typeof($1::jsonb) AS jt, $2::json AS js, json_typeof($2::json) AS jst, $3::jsonb -> ''a'' AS sub",
					 "args": ["{{ $json }}", "str", {"a": [true]}]}',
				   '[{"x": 1, "y": [null, "é"]}]');

-- array parameters take JSON arrays element by element (JSON null is a
-- NULL element; objects become JSON text), or PostgreSQL's array text
SELECT pg_temp.run('{"query": "SELECT $1::int[] AS i, $2::text[] AS t, $3::jsonb[] AS j, $4::int[] AS e, $5::int[] AS s",
					 "args": [[3, null, 1], ["x", {"y": 1}, 2.5], [{"a": 1}, "s", null], [], "{7,8}"]}');
SELECT pg_temp.run('{"query": "SELECT id FROM sql_node_t WHERE id = ANY($1) ORDER BY id", "args": ["{{ $json.ids }}"]}',
				   '[{"ids": [3, 1]}, {"ids": []}]');

-- "args" may be one expression giving the whole array
SELECT pg_temp.run('{"query": "SELECT $1::int * $2::numeric AS product", "args": "{{ $json.pair }}"}',
				   '[{"pair": [6, 7]}, {"pair": ["2", 0.5]}]');

------------------------------------------------------------------------
-- Statements without rows
------------------------------------------------------------------------

-- one {"rows_affected": n} per run
SELECT pg_temp.run('{"query": "INSERT INTO sql_node_t (id, name) VALUES ($1, $2)", "args": ["{{ $json.id }}", "{{ $json.name }}"]}',
				   '[{"id": 10, "name": "ten"}, {"id": 11, "name": "eleven"}]');
SELECT pg_temp.run('{"query": "UPDATE sql_node_t SET ok = $1 WHERE id >= 10", "args": [true]}');
SELECT pg_temp.run('{"query": "UPDATE sql_node_t SET ok = $1 WHERE id = 12345", "args": [false]}');
SELECT pg_temp.run('{"query": "CREATE TABLE sql_node_made (a int)"}');
SELECT pg_temp.run('{"query": "DROP TABLE sql_node_made"}');

-- with RETURNING the rows are the items
SELECT pg_temp.run('{"query": "DELETE FROM sql_node_t WHERE id = $1 RETURNING id, name, ok", "args": ["{{ $json.id }}"]}',
				   '[{"id": 11}, {"id": 10}, {"id": 10}]');

-- several statements: all run, the last one's result is the output
SELECT pg_temp.run('{"query": "INSERT INTO sql_node_t (id) VALUES ($1); DELETE FROM sql_node_t WHERE id = $1; SELECT count(*) AS n FROM sql_node_t",
					 "args": [20]}');

-- a query that is only a comment runs no statement
SELECT pg_temp.run('{"query": "-- nothing"}');

------------------------------------------------------------------------
-- Modes
------------------------------------------------------------------------

-- once: one run for all items, args from the first item
SELECT pg_temp.run('{"query": "SELECT count(*) AS n, $1::text AS first FROM sql_node_t", "args": ["{{ $json.tag }}"], "mode": "once"}',
				   '[{"tag": "a"}, {"tag": "b"}, {"tag": "c"}]');
-- per_item (the default, also when written) runs once per item
SELECT pg_temp.run('{"query": "SELECT $1::text AS tag", "args": ["{{ $json.tag }}"], "mode": "per_item"}',
				   '[{"tag": "a"}, {"tag": "b"}]');

-- no input items: the node does not run
SELECT pg_temp.run('{"query": "INSERT INTO sql_node_t (id) VALUES (99)"}', '[]');
SELECT pg_temp.run('{"query": "INSERT INTO sql_node_t (id) VALUES (99)", "mode": "once"}', '[]');
SELECT count(*) FROM sql_node_t WHERE id = 99;

-- items missing the fields args read give NULL
SELECT pg_temp.run('{"query": "SELECT $1::int AS v, $2::text AS w", "args": ["{{ $json.v }}", "{{ $json.w.deep }}"]}',
				   '[{}, {"v": null, "w": "not an object"}]');

-- many items, one prepared statement
SELECT pg_temp.run('{"query": "INSERT INTO sql_node_t (id, name) VALUES ($1, $2) RETURNING id", "args": ["{{ $json.id }}", "n{{ $json.id }}"]}',
				   (SELECT jsonb_agg(jsonb_build_object('id', i)) FROM generate_series(100, 1099) i))::jsonb -> 999;
SELECT count(*), min(name), max(name) FROM sql_node_t WHERE id BETWEEN 100 AND 1099;
DELETE FROM sql_node_t WHERE id >= 100;

------------------------------------------------------------------------
-- The prepared statement across runs
------------------------------------------------------------------------

-- a first run that fails (the table is missing) is retried on the next run
SELECT regress.save_node('sql', '{"query": "SELECT * FROM sql_node_later WHERE a = $1", "args": [1]}', name => 'Q', fresh => true);
SELECT regress.execute('test_sql');
CREATE TABLE sql_node_later (a int, b text);
INSERT INTO sql_node_later VALUES (1, 'one');
SELECT regress.execute('test_sql');

-- DDL on the table: the statement is analyzed again, with the same types
ALTER TABLE sql_node_later ADD COLUMN c boolean DEFAULT true;
SELECT regress.execute('test_sql');
DROP TABLE sql_node_later;
SELECT regress.execute('test_sql');
CREATE TABLE sql_node_later (a bigint, z text DEFAULT 'new');
INSERT INTO sql_node_later VALUES (1);
SELECT regress.execute('test_sql');
DROP TABLE sql_node_later;

------------------------------------------------------------------------
-- Errors keep their SQLSTATE
------------------------------------------------------------------------

-- from the statement
SELECT pg_temp.run('{"query": "INSERT INTO sql_node_t (id) VALUES ($1)", "args": [1]}');
SELECT pg_temp.run('{"query": "SELECT * FROM sql_node_nope"}');
SELECT pg_temp.run('{"query": "SELEC 1"}');
SELECT pg_temp.run('{"query": "SELECT 1 / $1 AS x", "args": ["{{ $json.d }}"]}', '[{"d": 1}, {"d": 0}]');
SELECT pg_temp.run('{"query": "SELECT $1::int AS x", "args": ["abc"]}');
SELECT pg_temp.run('{"query": "SELECT $1::int AS x", "args": [1.5]}');
SELECT pg_temp.run('{"query": "SELECT $1::int[] AS x", "args": [[[1, 2]]]}');
SELECT pg_temp.run('{"query": "SELECT $1 AS x WHERE $1 = true", "args": [true]}');
-- nothing of a failed run stays: the rows of earlier items are rolled back
SELECT pg_temp.run('{"query": "INSERT INTO sql_node_t (id) VALUES ($1)", "args": ["{{ $json.id }}"]}',
				   '[{"id": 50}, {"id": 51}, {"id": 1}]');
SELECT count(*) FROM sql_node_t WHERE id IN (50, 51);

-- from the node: args that do not fit the query
SELECT pg_temp.run('{"query": "SELECT $1 AS a, $2 AS b", "args": [1]}');
SELECT pg_temp.run('{"query": "SELECT $1 AS a", "args": [1, 2]}');
SELECT pg_temp.run('{"query": "SELECT 1 AS a", "args": [1]}');
SELECT pg_temp.run('{"query": "SELECT $1 AS a"}');
SELECT pg_temp.run('{"query": "SELECT $1 AS a", "args": "{{ $json.args }}"}', '[{"args": [1]}, {"args": {"a": 1}}]');
SELECT pg_temp.run('{"query": "SELECT $1 AS a", "args": "{{ $json.args }}"}', '[{}]');

-- statements a workflow may not run
SELECT pg_temp.run('{"query": "COMMIT"}');
SELECT pg_temp.run('{"query": "SAVEPOINT s"}');
SELECT pg_temp.run('{"query": "COPY sql_node_t TO STDOUT"}');
SELECT pg_temp.run('{"query": "CREATE TEMP TABLE sql_node_tmp (a int)"}');
SELECT pg_temp.run('{"query": "SET ROLE NONE"}');
SELECT pg_temp.run('{"query": "LISTEN sql_node_channel"}');

-- params the document validator refuses
SELECT pg_temp.run('{"query": ""}');
SELECT pg_temp.run('{"query": "SELECT {{ $json.id }}"}');
SELECT pg_temp.run('{"query": 42}');
SELECT pg_temp.run('{"query": "SELECT 1", "args": {"a": 1}}');
SELECT pg_temp.run('{"query": "SELECT 1", "mode": "all"}');
SELECT pg_temp.run('{"args": []}');

\pset tuples_only off
\pset format aligned

SELECT reporunner.delete_workflow('test_sql');
DROP TABLE sql_node_t;
RESET timezone;
