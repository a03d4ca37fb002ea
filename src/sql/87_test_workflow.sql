/*
 * Testing workflows: test_workflow() runs test cases against a version
 * (C, src/catalog/test_workflow.c: each case as execute() would run it,
 * with pinned nodes stubbed, in a subtransaction rolled back after it);
 * test_workflow_tap() prints its rows as TAP, so pg_prove runs workflow
 * tests next to pgTAP ones (docs/testing.md).
 */

CREATE FUNCTION reporunner.test_workflow(workflow text, cases jsonb)
RETURNS TABLE (case_name text, node text, ok boolean, expected jsonb, actual jsonb)
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_test_workflow';
COMMENT ON FUNCTION reporunner.test_workflow(text, jsonb) IS 'Runs test cases ({"name", "input", "pinned", "expected", "version"}) against a workflow as execute() would, pinned nodes (or the version''s pin_data) giving their items without running, each case rolled back; one row per case and expected node: whether its output equals the expected items';

/*
 * The rows of test_workflow() as TAP: the plan, then "ok N - case: node"
 * or "not ok N - case: node" followed by diagnostic lines ("# ...") with
 * both values and, for arrays of items, the first item that differs.
 */
CREATE FUNCTION reporunner.test_workflow_tap(workflow text, cases jsonb)
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	results jsonb;
	r record;
	i integer;
	n integer := 0;
BEGIN
	SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) ORDER BY t.ord), '[]')
	INTO results
	FROM reporunner.test_workflow(workflow, cases) WITH ORDINALITY
		 AS t(case_name, node, ok, expected, actual, ord);
	RETURN NEXT '1..' || pg_catalog.jsonb_array_length(results);
	FOR r IN SELECT x.case_name, x.node, x.ok, x.expected, x.actual
			 FROM pg_catalog.jsonb_to_recordset(results)
				  AS x(case_name text, node text, ok boolean, expected jsonb, actual jsonb)
	LOOP
		n := n + 1;
		RETURN NEXT pg_catalog.format('%s %s - %s: %s',
			CASE WHEN r.ok THEN 'ok' ELSE 'not ok' END, n,
			pg_catalog.replace(r.case_name, '#', '\#'), pg_catalog.replace(r.node, '#', '\#'));
		CONTINUE WHEN r.ok;
		RETURN NEXT '#   expected: ' || COALESCE(r.expected::text, 'not to run');
		RETURN NEXT '#     actual: ' || COALESCE(r.actual::text, 'did not run');
		IF pg_catalog.jsonb_typeof(r.expected) = 'array' AND pg_catalog.jsonb_typeof(r.actual) = 'array' THEN
			IF pg_catalog.jsonb_array_length(r.expected) <> pg_catalog.jsonb_array_length(r.actual) THEN
				RETURN NEXT pg_catalog.format('#   expected %s items, got %s',
					pg_catalog.jsonb_array_length(r.expected), pg_catalog.jsonb_array_length(r.actual));
			END IF;
			FOR i IN 0 .. LEAST(pg_catalog.jsonb_array_length(r.expected),
								pg_catalog.jsonb_array_length(r.actual)) - 1 LOOP
				CONTINUE WHEN r.expected -> i = r.actual -> i;
				RETURN NEXT pg_catalog.format('#   first difference at item %s:', i);
				RETURN NEXT '#     expected ' || (r.expected -> i)::text;
				RETURN NEXT '#          got ' || (r.actual -> i)::text;
				EXIT;
			END LOOP;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION reporunner.test_workflow_tap(text, jsonb) IS 'The rows of test_workflow() as TAP for pg_prove: "1..N", then "ok N - case: node" or "not ok N - case: node" with the expected and actual values and the first item that differs as diagnostics';
