--
-- The "limit" node: the first or last "max" items.
--
-- regress.run_node('limit', params, items) (009_test_helpers) runs
-- Start -> Limit with those params on the items and returns the result,
-- or the error as "SQLSTATE: message / detail".

CREATE TEMP TABLE five AS
	SELECT jsonb_agg(jsonb_build_object('i', i) ORDER BY i) AS items
	FROM generate_series(1, 5) i;

\pset format unaligned
\pset tuples_only on

-- from the start (the default) and from the end
SELECT regress.run_node('limit', '{"max": 2}', items) FROM five;
SELECT regress.run_node('limit', '{"max": 2, "from": "start"}', items) FROM five;
SELECT regress.run_node('limit', '{"max": 2, "from": "end"}', items) FROM five;
-- zero, exactly all, more than all
SELECT regress.run_node('limit', '{"max": 0}', items) FROM five;
SELECT regress.run_node('limit', '{"max": 0, "from": "end"}', items) FROM five;
SELECT regress.run_node('limit', '{"max": 5, "from": "end"}', items) FROM five;
SELECT regress.run_node('limit', '{"max": 99}', items) FROM five;
SELECT regress.run_node('limit', '{"max": 99, "from": "end"}', items) FROM five;
-- no items
SELECT regress.run_node('limit', '{"max": 3}', '[]');
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[]');
-- computed once, for the first item
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"n": 2, "i": 1}, {"n": 0, "i": 2}, {"n": 9, "i": 3}]');
SELECT regress.run_node('limit', '{"max": "{{ $json.n - 1 }}", "from": "end"}', '[{"n": 2, "i": 1}, {"i": 2}, {"i": 3}]');
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"n": 2.0, "i": 1}, {"i": 2}, {"i": 3}]');
-- above the largest integer: all items
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"n": 100000000000000000000000000000, "i": 1}, {"i": 2}]');
-- computed values that are not counts
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"n": 1.5}]');
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"n": -1}]');
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"n": "3"}]');
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"i": 1}]');
SELECT regress.run_node('limit', '{"max": "{{ $json.n }}"}', '[{"n": [1]}]');

SELECT reporunner.delete_workflow('test_limit');
DROP TABLE five;
