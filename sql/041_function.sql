--
-- The "function" node: which functions it finds, how each kind of return
-- value becomes items, modes, permissions, functions dropped or replaced
-- between runs, and every error with its SQLSTATE.
--
-- run(params, items): saves Start -> F (a function node with those params)
-- as a new workflow "test_function" and runs it on the items, through
-- regress.run_node (009_test_helpers) with fresh: the old workflow is
-- deleted first, so each document gets a workflow id of its own even when
-- a failed run rolled its save back.  Returns the result, or the error as
-- "SQLSTATE: message / detail / HINT: hint".
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb DEFAULT '[{}]')
RETURNS text LANGUAGE sql AS $$
	SELECT regress.run_node('function', params, items, name => 'F', fresh => true)
$$;

-- regress.save_node('function', params, name => 'F', fresh => true) saves
-- that workflow without running it; regress.execute('test_function') runs
-- it again.

CREATE SCHEMA fn_node;
CREATE SCHEMA "Fn Node";

-- jsonb in, jsonb out, in SQL and PL/pgSQL
CREATE FUNCTION fn_node.tag(item jsonb) RETURNS jsonb
LANGUAGE sql AS $$ SELECT item || '{"tagged": true}' $$;
CREATE FUNCTION "Fn Node"."Upper Name"(item jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
	RETURN jsonb_set(item, '{name}', to_jsonb(upper(item->>'name')));
END
$$;
CREATE FUNCTION fn_node.explode(item jsonb) RETURNS jsonb
LANGUAGE sql AS $$ SELECT item->'list' $$;
CREATE FUNCTION fn_node.each(item jsonb) RETURNS SETOF jsonb
LANGUAGE sql AS $$ SELECT e FROM jsonb_array_elements(item->'list') e $$;
CREATE FUNCTION fn_node.keep_paid(item jsonb) RETURNS jsonb
LANGUAGE sql AS $$ SELECT CASE WHEN item->>'status' = 'paid' THEN item END $$;
CREATE FUNCTION fn_node.summary(items jsonb) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('count', jsonb_array_length(items),
							  'total', (SELECT sum((i->>'n')::numeric) FROM jsonb_array_elements(items) i))
$$;

-- other return types
CREATE TYPE fn_node.pair AS (k text, v int);
CREATE FUNCTION fn_node.rows(item jsonb) RETURNS TABLE (id int, label text)
LANGUAGE sql AS $$ SELECT g, item->>'prefix' || g FROM generate_series(1, (item->>'n')::int) g $$;
CREATE FUNCTION fn_node.one_pair(item jsonb) RETURNS fn_node.pair
LANGUAGE sql AS $$ SELECT ROW(item->>'k', (item->>'v')::int)::fn_node.pair $$;
CREATE FUNCTION fn_node.outs(item jsonb, OUT doubled int, OUT name text)
LANGUAGE sql AS $$ SELECT (item->>'n')::int * 2, 'ø' $$;
CREATE FUNCTION fn_node.double(item jsonb) RETURNS int
LANGUAGE plpgsql AS $$ BEGIN RETURN (item->>'n')::int * 2; END $$;
CREATE FUNCTION fn_node.series(item jsonb) RETURNS SETOF int
LANGUAGE sql AS $$ SELECT generate_series(1, (item->>'n')::int) $$;
CREATE FUNCTION fn_node.stamp(item jsonb) RETURNS timestamptz
LANGUAGE sql AS $$ SELECT '2024-05-06 07:08:09+00'::timestamptz $$;
CREATE FUNCTION fn_node.anon(item jsonb) RETURNS record
LANGUAGE sql AS $$ SELECT 1 AS x, 'y'::text AS y $$;
CREATE TABLE fn_node.log (n int, note text);
CREATE FUNCTION fn_node.remember(item jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO fn_node.log VALUES ((item->>'n')::int, (SELECT count(*) FROM fn_node.log)::text);
END
$$;

-- failures
CREATE FUNCTION fn_node.fail(item jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'item % is bad', item->>'n' USING ERRCODE = '22012', DETAIL = 'It really is.';
END
$$;
CREATE FUNCTION fn_node.wrong_arg(item json) RETURNS json LANGUAGE sql AS $$ SELECT item $$;
CREATE FUNCTION fn_node.two_args(item jsonb, n int) RETURNS jsonb LANGUAGE sql AS $$ SELECT item $$;
CREATE PROCEDURE fn_node.proc(item jsonb) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE AGGREGATE fn_node.agg(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb);

SET timezone TO 'UTC';
\pset format unaligned
\pset tuples_only on

------------------------------------------------------------------------
-- Finding the function
------------------------------------------------------------------------

-- schema-qualified; quoted names keep their case and spaces
SELECT pg_temp.run('{"function": "fn_node.tag"}', '[{"a": 1}, {"a": 2}]');
SELECT pg_temp.run('{"function": "\"Fn Node\".\"Upper Name\""}', '[{"name": "zoë"}]');
-- unquoted names are folded to lower case, as in SQL
SELECT pg_temp.run('{"function": "FN_NODE.TAG"}', '[{"a": 1}]');
-- unqualified: found on the workflow's search_path ("$user", public)
SELECT pg_temp.run('{"function": "jsonb_typeof"}', '[{"a": 1}]');
SELECT pg_temp.run('{"function": "tag"}', '[{"a": 1}]');

------------------------------------------------------------------------
-- What the function returns becomes items
------------------------------------------------------------------------

-- jsonb: an object is an item; an array gives its elements, values that
-- are not objects as {"result": v}; other JSON values as {"result": v};
-- SQL NULL gives no item
SELECT pg_temp.run('{"function": "fn_node.explode"}',
				   '[{"list": [{"a": 1}, 2, "three", null, [4], {"b": "é"}]}, {"list": []}, {"list": 5}, {"list": null}, {}]');
SELECT pg_temp.run('{"function": "fn_node.keep_paid"}',
				   '[{"id": 1, "status": "paid"}, {"id": 2, "status": "open"}, {"id": 3, "status": "paid"}]');
-- SETOF jsonb: each row, with the same rules
SELECT pg_temp.run('{"function": "fn_node.each"}',
				   '[{"list": [{"a": 1}, {"a": 2}]}, {"list": []}, {"list": [3, [{"c": 1}]]}]');

-- a row type (TABLE, a composite type, OUT parameters): one item per row
SELECT pg_temp.run('{"function": "fn_node.rows"}', '[{"n": 2, "prefix": "r"}, {"n": 0}, {"n": 1, "prefix": "s"}]');
SELECT pg_temp.run('{"function": "fn_node.one_pair"}', '[{"k": "x", "v": 1}, {}]');
SELECT pg_temp.run('{"function": "fn_node.outs"}', '[{"n": 21}]');

-- any other type: {"result": v}, v converted as to_jsonb() does; NULL is null
SELECT pg_temp.run('{"function": "fn_node.double"}', '[{"n": 21}, {"n": null}]');
SELECT pg_temp.run('{"function": "fn_node.series"}', '[{"n": 3}, {"n": 0}]');
SELECT pg_temp.run('{"function": "fn_node.stamp"}');
SELECT pg_temp.run('{"function": "fn_node.anon"}');
SELECT pg_temp.run('{"function": "pg_catalog.jsonb_pretty"}', '[{"ключ": "значение"}]');

-- void: the input items pass on, after the function ran for each
SELECT pg_temp.run('{"function": "fn_node.remember"}', '[{"n": 1}, {"n": 2}, {"n": 3}]');
SELECT n, note FROM fn_node.log ORDER BY n;

------------------------------------------------------------------------
-- Modes
------------------------------------------------------------------------

-- once: one call with the array of all items
SELECT pg_temp.run('{"function": "fn_node.summary", "mode": "once"}', '[{"n": 1}, {"n": 2.5}, {"x": 0}]');
SELECT pg_temp.run('{"function": "fn_node.remember", "mode": "once"}', '[{"n": 4}, {"n": 5}]');
SELECT n, note FROM fn_node.log ORDER BY n;
-- per_item, written out
SELECT pg_temp.run('{"function": "fn_node.tag", "mode": "per_item"}', '[{"a": 1}]');
-- no input items: the node does not run
SELECT pg_temp.run('{"function": "fn_node.summary", "mode": "once"}', '[]');
SELECT pg_temp.run('{"function": "fn_node.remember"}', '[]');
SELECT count(*) FROM fn_node.log;

------------------------------------------------------------------------
-- The function across runs
------------------------------------------------------------------------

-- missing on the first run, then created, dropped, created with another
-- return type, replaced: each run uses the function as it is then
SELECT regress.save_node('function', '{"function": "fn_node.changing"}', name => 'F', fresh => true);
SELECT regress.execute('test_function');
CREATE FUNCTION fn_node.changing(item jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT '{"v": 1}'::jsonb $$;
SELECT regress.execute('test_function');
DROP FUNCTION fn_node.changing(jsonb);
SELECT regress.execute('test_function');
CREATE FUNCTION fn_node.changing(item jsonb) RETURNS text LANGUAGE sql AS $$ SELECT 'two' $$;
SELECT regress.execute('test_function');
CREATE OR REPLACE FUNCTION fn_node.changing(item jsonb) RETURNS text LANGUAGE sql AS $$ SELECT 'three' $$;
SELECT regress.execute('test_function');
DROP FUNCTION fn_node.changing(jsonb);

------------------------------------------------------------------------
-- Errors
------------------------------------------------------------------------

-- the function's own error, with its SQLSTATE and detail
SELECT pg_temp.run('{"function": "fn_node.fail"}', '[{"n": 7}]');
-- a failing item undoes the calls for earlier items
SELECT pg_temp.run('{"function": "fn_node.remember"}', '[{"n": 8}, {"n": "x"}]');
SELECT count(*) FROM fn_node.log WHERE n = 8;

-- no such function(jsonb)
SELECT pg_temp.run('{"function": "fn_node.missing"}');
SELECT pg_temp.run('{"function": "missing_schema.tag"}');
SELECT pg_temp.run('{"function": "fn_node.wrong_arg"}');
SELECT pg_temp.run('{"function": "fn_node.two_args"}');
SELECT pg_temp.run('{"function": "fn_node.proc"}');
-- not a plain function
SELECT pg_temp.run('{"function": "fn_node.agg"}');

-- the workflow's owner may not execute it
CREATE ROLE fn_node_tenant;
REVOKE EXECUTE ON FUNCTION fn_node.tag(jsonb) FROM PUBLIC;
GRANT USAGE ON SCHEMA fn_node TO fn_node_tenant;
SET ROLE fn_node_tenant;
SELECT reporunner.save_workflow('test_function_tenant', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "F", "type": "function", "params": {"function": "fn_node.tag"}}],
	"connections": [{"from": "Start", "to": "F"}]}');
SELECT regress.execute('test_function_tenant', '[{"a": 1}]');
RESET ROLE;
-- granted: the same workflow now runs
GRANT EXECUTE ON FUNCTION fn_node.tag(jsonb) TO fn_node_tenant;
SET ROLE fn_node_tenant;
SELECT regress.execute('test_function_tenant', '[{"a": 1}]');
RESET ROLE;
-- and revoked again: refused again, on the next run
REVOKE EXECUTE ON FUNCTION fn_node.tag(jsonb) FROM fn_node_tenant;
SET ROLE fn_node_tenant;
SELECT regress.execute('test_function_tenant', '[{"a": 1}]');
SELECT reporunner.delete_workflow('test_function_tenant');
RESET ROLE;

-- params the document validator refuses
SELECT pg_temp.run('{"function": "{{ $json.fn }}"}');
SELECT pg_temp.run('{"function": "a.b.c"}');
SELECT pg_temp.run('{"function": "fn_node.tag()"}');
SELECT pg_temp.run('{"function": ""}');
SELECT pg_temp.run('{"function": "fn_node.tag", "mode": "each"}');
SELECT pg_temp.run('{}');

\pset tuples_only off
\pset format aligned

SELECT reporunner.delete_workflow('test_function');
SET client_min_messages TO warning;
DROP SCHEMA fn_node CASCADE;
DROP SCHEMA "Fn Node" CASCADE;
RESET client_min_messages;
DROP ROLE fn_node_tenant;
RESET timezone;
