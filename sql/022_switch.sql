--
-- The "switch" node: rules, mode "first" and "all", fallback.
--
-- run(params, items): Start -> Switch; every output of Switch goes to a
-- set node tagging the item with the output's name ({"out": name}).  Run
-- through regress.run_workflow (009_test_helpers); returns the result or
-- "SQLSTATE: message / detail".
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	nodes jsonb := '[{"name": "Start", "type": "trigger"}]';
	conns jsonb := '[{"from": "Start", "to": "Switch"}]';
	output text;
BEGIN
	nodes := nodes || jsonb_build_array(
		jsonb_build_object('name', 'Switch', 'type', 'switch', 'params', params));
	FOR output IN
		SELECT coalesce(r->>'output', (o - 1)::text)
		FROM jsonb_array_elements(params->'rules') WITH ORDINALITY AS t(r, o)
		UNION ALL SELECT 'fallback'
	LOOP
		nodes := nodes || jsonb_build_array(jsonb_build_object(
			'name', 'to ' || output, 'type', 'set',
			'params', jsonb_build_object('fields', jsonb_build_object('out', output))));
		conns := conns || jsonb_build_array(jsonb_build_object(
			'from', 'Switch', 'output', output, 'to', 'to ' || output));
	END LOOP;
	RETURN regress.run_workflow('test_switch',
		jsonb_build_object('nodes', nodes, 'connections', conns), items);
END
$$;

\pset format unaligned
\pset tuples_only on

-- mode "first" (the default): the first matching rule; no fallback by
-- default, so the item matching nothing ({"n": 0}) is dropped
SELECT pg_temp.run('{"rules": [{"condition": "{{ $json.n > 10 }}", "output": "big"},
                               {"condition": "{{ $json.n > 5 }}", "output": "medium"},
                               {"condition": "{{ $json.n > 0 }}"}]}',
				   '[{"n": 20}, {"n": 7}, {"n": 1}, {"n": 0}, {"n": 11}]');
-- mode "all": every matching rule
SELECT pg_temp.run('{"mode": "all",
                     "rules": [{"condition": "{{ $json.n > 10 }}", "output": "big"},
                               {"condition": "{{ $json.n > 5 }}", "output": "medium"},
                               {"condition": "{{ $json.n > 0 }}"}]}',
				   '[{"n": 20}, {"n": 7}, {"n": 0}]');
-- fallback true: unmatched items (missing field, null) go to "fallback"
SELECT pg_temp.run('{"fallback": true,
                     "rules": [{"condition": "{{ $json.country == \"DE\" }}", "output": "germany"},
                               {"condition": "{{ $json.country == \"FR\" }}"}]}',
				   '[{"country": "FR"}, {"country": "DE"}, {"country": "IT"}, {}, {"country": null}]');
SELECT pg_temp.run('{"fallback": true, "mode": "all",
                     "rules": [{"condition": "{{ $json.n > 1 }}"}]}',
				   '[{"n": 1}, {"n": 2}]');
-- fallback false: unmatched items are dropped
SELECT pg_temp.run('{"fallback": false, "rules": [{"condition": "{{ $json.n > 1 }}"}]}',
				   '[{"n": 1}, {"n": 2}]');
-- fallback computed per unmatched item; null means false
SELECT pg_temp.run('{"fallback": "{{ $json.keep }}", "rules": [{"condition": "{{ $json.n > 1 }}"}]}',
				   '[{"n": 1, "keep": true}, {"n": 1, "keep": false}, {"n": 1}, {"n": 2, "keep": "ignored"}]');
SELECT pg_temp.run('{"fallback": "{{ $json.keep }}", "rules": [{"condition": "{{ $json.n > 1 }}"}]}',
				   '[{"n": 1, "keep": "yes"}]');
-- no items
SELECT pg_temp.run('{"fallback": true, "rules": [{"condition": "{{ $json.n > 1 }}"}]}', '[]');
-- unicode output names and values
SELECT pg_temp.run('{"rules": [{"condition": "{{ $json.s == \"ü\" }}", "output": "ümlaut"}]}',
				   '[{"s": "ü"}, {"s": "u"}]');
-- a rule's condition that yields a non-boolean fails the node
SELECT pg_temp.run('{"rules": [{"condition": "{{ $json.n > 1 }}"}, {"condition": "{{ $json.n }}"}]}',
				   '[{"n": 2}, {"n": 1}]');
-- in mode "first" later rules are not evaluated once one matched
SELECT pg_temp.run('{"rules": [{"condition": "{{ $json.n > 1 }}"}, {"condition": "{{ $json.n }}"}]}',
				   '[{"n": 2}]');

SELECT reporunner.delete_workflow('test_switch');
