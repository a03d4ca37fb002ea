--
-- The "filter" node: keeps the items whose condition holds.
--
-- regress.run_node('filter', params, items) (009_test_helpers) runs
-- Start -> Filter with those params on the items and returns the result,
-- or the error as "SQLSTATE: message / detail".

\pset format unaligned
\pset tuples_only on

-- kept in input order
SELECT regress.run_node('filter', '{"condition": "{{ $json.status == \"paid\" }}"}',
								  '[{"id": 1, "status": "paid"}, {"id": 2, "status": "open"}, {"id": 3, "status": "paid"}]');
-- none kept, all kept, no items
SELECT regress.run_node('filter', '{"condition": "{{ $json.n > 100 }}"}', '[{"n": 1}, {"n": 2}]');
SELECT regress.run_node('filter', '{"condition": "{{ $json.n > 0 }}"}', '[{"n": 1}, {"n": 2}]');
SELECT regress.run_node('filter', '{"condition": "{{ $json.n > 0 }}"}', '[]');
-- missing field, null, type mismatch: not kept
SELECT regress.run_node('filter', '{"condition": "{{ $json.n > 0 }}"}', '[{}, {"n": null}, {"n": "1"}, {"n": 1}]');
-- unicode, nested fields and arrays
SELECT regress.run_node('filter', '{"condition": "{{ $json.tags?.includes(\"vip ★\") }}"}',
								  '[{"id": 1, "tags": ["vip ★"]}, {"id": 2, "tags": ["vip"]}, {"id": 3}]');
SELECT regress.run_node('filter', '{"condition": "{{ $json.customer.country == \"NO\" }}"}',
								  '[{"customer": {"country": "NO"}}, {"customer": {"country": "SE"}}, {"customer": "NO"}]');
-- context: compare with $vars is not set here, so use the input size
SELECT regress.run_node('filter', '{"condition": "{{ $input.all().length == 2 }}"}', '[{"a": 1}, {"a": 2}]');
-- a condition that yields something other than a boolean
SELECT regress.run_node('filter', '{"condition": "{{ $json.n }}"}', '[{"n": false}, {"n": [1]}]');
-- an error inside a comparison makes it unknown, so false (jsonpath's
-- rule); an error outside one fails the node
SELECT regress.run_node('filter', '{"condition": "{{ $json.n / 0 > 1 }}"}', '[{"n": 1}]');
SELECT regress.run_node('filter', '{"condition": "{{ $json.n / $json.d }}"}', '[{"n": 1, "d": 0}]');

SELECT reporunner.delete_workflow('test_filter');
