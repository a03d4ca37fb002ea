--
-- The "filter" node: keeps the items whose condition holds.
--
-- run(condition, items): Start -> Filter; returns the result or
-- "SQLSTATE: message / detail".
CREATE FUNCTION pg_temp.run(condition text, items jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	detail text;
BEGIN
	PERFORM reporunner.save_workflow('test_filter', jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'Filter', 'type', 'filter',
							   'params', jsonb_build_object('condition', condition))),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', 'Filter'))));
	-- saved outside the block below: a failed run must not undo the save
	BEGIN
		RETURN reporunner.execute('test_filter', items, '{"save": "none"}')::text;
	EXCEPTION WHEN others THEN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
		RETURN SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
	END;
END
$$;

\pset format unaligned
\pset tuples_only on

-- kept in input order
SELECT pg_temp.run('{{ $json.status == "paid" }}',
				   '[{"id": 1, "status": "paid"}, {"id": 2, "status": "open"}, {"id": 3, "status": "paid"}]');
-- none kept, all kept, no items
SELECT pg_temp.run('{{ $json.n > 100 }}', '[{"n": 1}, {"n": 2}]');
SELECT pg_temp.run('{{ $json.n > 0 }}', '[{"n": 1}, {"n": 2}]');
SELECT pg_temp.run('{{ $json.n > 0 }}', '[]');
-- missing field, null, type mismatch: not kept
SELECT pg_temp.run('{{ $json.n > 0 }}', '[{}, {"n": null}, {"n": "1"}, {"n": 1}]');
-- unicode, nested fields and arrays
SELECT pg_temp.run('{{ exists($json.tags[*] ? (@ == "vip ★")) }}',
				   '[{"id": 1, "tags": ["vip ★"]}, {"id": 2, "tags": ["vip"]}, {"id": 3}]');
SELECT pg_temp.run('{{ $json.customer.country == "NO" }}',
				   '[{"customer": {"country": "NO"}}, {"customer": {"country": "SE"}}, {"customer": "NO"}]');
-- context: compare with $vars is not set here, so use the input size
SELECT pg_temp.run('{{ $input.size() == 2 }}', '[{"a": 1}, {"a": 2}]');
-- a condition that yields something other than a boolean
SELECT pg_temp.run('{{ $json.n }}', '[{"n": false}, {"n": [1]}]');
-- an error inside a comparison makes it unknown, so false (jsonpath's
-- rule); an error outside one fails the node
SELECT pg_temp.run('{{ $json.n / 0 > 1 }}', '[{"n": 1}]');
SELECT pg_temp.run('{{ $json.n / $json.d }}', '[{"n": 1, "d": 0}]');

SELECT reporunner.delete_workflow('test_filter');
