--
-- Helpers for the tests of the node types (020_set to 042_notify): save a
-- workflow, run it, and get its result or its error as one line of text.
-- Defined once here, in schema "regress", which 999_uninstall drops.
--
CREATE SCHEMA regress;
-- tests call them as other roles too
GRANT USAGE ON SCHEMA regress TO PUBLIC;

-- try(query): runs a query that gives one value and returns the value as
-- text, or the error as "SQLSTATE: message / detail / HINT: hint" (without
-- the detail or hint part when the error has none).  What the query did is
-- undone when it fails.  Every helper below reports errors through it.
CREATE FUNCTION regress.try(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	result text;
	msg text;
	detail text;
	hint text;
BEGIN
	EXECUTE query INTO result;
	RETURN result;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
		hint = PG_EXCEPTION_HINT;
	RETURN SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '')
		|| coalesce(' / HINT: ' || nullif(hint, ''), '');
END
$$;

-- node_doc(type, params, name): the document of the workflow Start ->
-- name, a node of that type with those params.  The name defaults to the
-- type with a capital initial ("Set").
CREATE FUNCTION regress.node_doc(type text, params jsonb, name text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', n, 'type', type, 'params', params)),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', n)))
	FROM coalesce(name, initcap(type)) AS n
$$;

-- save_workflow(workflow, doc, fresh): saves doc as the workflow and
-- returns the version.  With fresh, the workflow is deleted first, so the
-- document gets a workflow (and a workflow id) of its own.
CREATE FUNCTION regress.save_workflow(workflow text, doc jsonb,
									  fresh boolean DEFAULT false)
RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
	IF fresh AND EXISTS (SELECT FROM reporunner.workflows w WHERE w.name = workflow) THEN
		PERFORM reporunner.delete_workflow(workflow);
	END IF;
	RETURN reporunner.save_workflow(workflow, doc);
END
$$;

-- execute(workflow, items): runs the saved workflow on the items, without
-- a journal; the result, or the error (see try).
CREATE FUNCTION regress.execute(workflow text, items jsonb DEFAULT '[{}]')
RETURNS text LANGUAGE sql AS $$
	SELECT regress.try(format('SELECT reporunner.execute(%L, %L::jsonb, ''{"save": "none"}'')::text',
							  workflow, items))
$$;

-- run_workflow(workflow, doc, items, fresh): saves doc as the workflow and
-- runs it on the items; the result, or the error (see try).
--
-- By default the save and the run fail apart: a document the validator
-- refuses gives its error, and a failed run keeps the saved version.  With
-- fresh, the workflow is deleted first (see save_workflow), and a failed run
-- undoes the delete and the save too.
CREATE FUNCTION regress.run_workflow(workflow text, doc jsonb,
									 items jsonb DEFAULT '[{}]',
									 fresh boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	refused text;
BEGIN
	IF fresh THEN
		-- one query: save_workflow gives the row that execute is run for
		RETURN regress.try(format(
			'SELECT reporunner.execute(%L, %L::jsonb, ''{"save": "none"}'')::text '
			'FROM regress.save_workflow(%L, %L::jsonb, true)',
			workflow, items, workflow, doc));
	END IF;
	-- a saved document gives NULL, a refused one its error
	refused := regress.try(format('SELECT NULL FROM regress.save_workflow(%L, %L::jsonb)',
								  workflow, doc));
	IF refused IS NOT NULL THEN
		RETURN refused;
	END IF;
	RETURN regress.execute(workflow, items);
END
$$;

-- run_node(type, params, items, name, workflow, fresh): run_workflow with
-- the node_doc of Start -> name (a node of that type with those params).
-- The workflow defaults to "test_" and the type ("test_set").
CREATE FUNCTION regress.run_node(type text, params jsonb,
								 items jsonb DEFAULT '[{}]',
								 name text DEFAULT NULL,
								 workflow text DEFAULT NULL,
								 fresh boolean DEFAULT false)
RETURNS text LANGUAGE sql AS $$
	SELECT regress.run_workflow(coalesce(workflow, 'test_' || type),
								regress.node_doc(type, params, name), items, fresh)
$$;

-- save_node(type, params, name, workflow, fresh): save_workflow of what
-- run_node would run, without running it (regress.execute runs it); the
-- version.
CREATE FUNCTION regress.save_node(type text, params jsonb,
								  name text DEFAULT NULL,
								  workflow text DEFAULT NULL,
								  fresh boolean DEFAULT false)
RETURNS integer LANGUAGE sql AS $$
	SELECT regress.save_workflow(coalesce(workflow, 'test_' || type),
								 regress.node_doc(type, params, name), fresh)
$$;

-- until(query): waits (up to 30 s) until the query, which gives one
-- boolean, says true; whether it did.  What it reads of pg_stat_activity
-- is read afresh each time.
CREATE FUNCTION regress.until(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	done boolean;
BEGIN
	FOR i IN 1..3000 LOOP
		PERFORM pg_stat_clear_snapshot();
		EXECUTE query INTO done;
		IF done THEN
			RETURN true;
		END IF;
		PERFORM pg_sleep(0.01);
	END LOOP;
	RETURN false;
END
$$;

-- drain(): waits (up to 30 s) until the background workers have run
-- everything queued; whether they have.
CREATE FUNCTION regress.drain() RETURNS boolean LANGUAGE sql AS $$
	SELECT regress.until('SELECT NOT EXISTS (SELECT FROM reporunner.queue)')
$$;

-- n8n_pinned(wf, name, input, stand_ins): imports the n8n workflow wf
-- (test/n8n/) as name without its pinData, runs it with execute() on
-- input, and tells for each pinned node (but the stand-ins, which become
-- No Operation nodes) whether its output in the journal is the pinned one.
CREATE FUNCTION regress.n8n_pinned(wf jsonb, name text, input jsonb,
								   stand_ins text[] DEFAULT '{}')
RETURNS TABLE (node text, items int, matches boolean) LANGUAGE plpgsql AS $$
DECLARE
	nodes jsonb;
	run bigint;
BEGIN
	SELECT jsonb_agg(CASE WHEN n->>'name' = ANY (stand_ins)
						  THEN n || '{"type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}}'
						  ELSE n END ORDER BY ord)
	INTO nodes FROM jsonb_array_elements(wf->'nodes') WITH ORDINALITY e(n, ord);
	PERFORM reporunner.import_n8n(jsonb_set(wf, '{nodes}', nodes), name, '{"pin_data": false}');
	PERFORM reporunner.execute(name, input);
	SELECT max(e.id) INTO run FROM reporunner.execution e;
	RETURN QUERY
	SELECT p.key, jsonb_array_length(p.value),
		   COALESCE((SELECT s.output->'main' FROM reporunner.step s
					 WHERE s.execution_id = run AND s.node = p.key)
					= (SELECT jsonb_agg(i->'json' ORDER BY o)
					   FROM jsonb_array_elements(p.value) WITH ORDINALITY x(i, o)),
					false)
	FROM jsonb_each(wf->'pinData') p
	WHERE p.key <> ALL (stand_ins)
	ORDER BY p.key;
END
$$;

\pset format unaligned
\pset tuples_only on

-- a value; errors with a detail and a hint, with one of them, with
-- neither; the work of a failed query undone
CREATE FUNCTION pg_temp.fail() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'no' USING DETAIL = 'Why not.', HINT = 'Ask again.';
END
$$;
SELECT regress.try('SELECT 1 + 1');
SELECT regress.try($$SELECT jsonb_build_object('a', 'ü')$$);
SELECT regress.try('SELECT pg_temp.fail()');
SELECT regress.try($$SELECT '{"a": 1'::jsonb$$);
SELECT regress.try('SELECT no_such_function(1)');
SELECT regress.try($$SELECT reporunner.execute('test_helper_missing')$$);
CREATE TEMP TABLE helper_t (a int);
SELECT regress.try('WITH i AS (INSERT INTO helper_t VALUES (1)) SELECT 1 / 0');
SELECT count(*) FROM helper_t;
DROP TABLE helper_t;
DROP FUNCTION pg_temp.fail();

-- the default node name and workflow
SELECT regress.node_doc('set', '{"fields": {"x": 1}}');
SELECT regress.run_node('set', '{"fields": {"x": 1}}');
SELECT name, active_version FROM reporunner.workflows WHERE name = 'test_set';

-- by default a refused document gives its error, and a failed run keeps the
-- saved version
SELECT regress.run_node('set', '{"fields": 1}');
SELECT regress.run_node('set', '{"fields": {"x": "{{ [\"one\"].sum() }}"}}', name => 'Sum');
SELECT active_version FROM reporunner.workflows WHERE name = 'test_set';
SELECT regress.execute('test_set', '[{"a": 1}]');

-- fresh: a workflow of its own each time, and a failed run keeps nothing
SELECT id AS old_id FROM reporunner.workflows WHERE name = 'test_set' \gset
SELECT regress.run_node('set', '{"fields": {"y": 2}}', '[{"a": 1}]', fresh => true);
SELECT id <> :old_id AS new_id, active_version FROM reporunner.workflows WHERE name = 'test_set';
SELECT id AS old_id FROM reporunner.workflows WHERE name = 'test_set' \gset
SELECT regress.run_node('set', '{"fields": {"x": "{{ [\"one\"].sum() }}"}}', name => 'Sum', fresh => true);
SELECT id = :old_id AS same_id, active_version FROM reporunner.workflows WHERE name = 'test_set';

-- saving without running, another name and workflow
SELECT regress.save_node('noop', '{}', name => 'Pass', workflow => 'test_helper', fresh => true);
SELECT regress.execute('test_helper', '[{"b": 2}]');
SELECT regress.run_workflow('test_helper', regress.node_doc('noop', '{}', 'Again'), '[]');
SELECT active_version FROM reporunner.workflows WHERE name = 'test_helper';

-- nothing queued: drained at once
SELECT regress.drain();

\pset format aligned
\pset tuples_only off
SELECT reporunner.delete_workflow('test_set');
SELECT reporunner.delete_workflow('test_helper');
