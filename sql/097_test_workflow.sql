--
-- Workflow tests: test_workflow() runs cases against a version, pinned
-- nodes stubbed, each case rolled back; test_workflow_tap() prints TAP.
-- The document key pin_data is checked at save.
--
SET client_min_messages TO warning;

CREATE ROLE wft_tenant LOGIN IN ROLE reporunner_http;
CREATE ROLE wft_other LOGIN;
CREATE SEQUENCE wft_seq;
CREATE TABLE wft_orders (id int, total numeric);
INSERT INTO wft_orders VALUES (1, 50), (2, 150), (3, 300);
CREATE TABLE wft_log (id int, n bigint DEFAULT nextval('wft_seq'));
ALTER TABLE wft_orders OWNER TO wft_tenant;
ALTER TABLE wft_log OWNER TO wft_tenant;
ALTER SEQUENCE wft_seq OWNER TO wft_tenant;

SET ROLE wft_tenant;
-- Load reads the orders, Big splits them by total, Save writes the big
-- ones to wft_log, Notify posts the small ones to a service at 127.0.0.1:9,
-- which the SSRF guard refuses: a request would fail the case.  Notify's
-- items are pinned in the document.
CREATE FUNCTION pg_temp.orders_doc(threshold int) RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('nodes', jsonb_build_array(
		'{"name": "Start", "type": "trigger"}'::jsonb,
		'{"name": "Load", "type": "sql", "params": {"query": "SELECT id, total FROM wft_orders ORDER BY id"}}'::jsonb,
		jsonb_build_object('name', 'Big', 'type', 'if', 'params',
						   jsonb_build_object('condition', format('{{ $json.total > %s }}', threshold))),
		'{"name": "Save", "type": "sql", "params": {"query": "INSERT INTO wft_log (id) VALUES ($1) RETURNING id", "args": ["{{ $json.id }}"]}}'::jsonb,
		'{"name": "Notify", "type": "http", "params": {"method": "POST", "url": "http://127.0.0.1:9/small"}}'::jsonb),
	'connections', '[{"from": "Start", "to": "Load"}, {"from": "Load", "to": "Big"},
					 {"from": "Big", "output": "true", "to": "Save"},
					 {"from": "Big", "output": "false", "to": "Notify"}]'::jsonb,
	'pin_data', '{"Notify": [{"sent": true}]}'::jsonb)
$$;
SELECT reporunner.save_workflow('wft_orders', pg_temp.orders_doc(100)) AS v1;
-- version 2 is broken: the threshold went up by mistake
SELECT reporunner.save_workflow('wft_orders', pg_temp.orders_doc(200), false) AS v2;

-- the cases: what the good version does with the orders as they are, and
-- with a pinned Load (its table is not read); the input is one empty item
-- (without one, as with execute(), the trigger passes nothing on)
\set cases '[{"name": "orders as they are", "input": {}, "expected": {"Big": {"true": [{"id": 2, "total": 150}, {"id": 3, "total": 300}], "false": [{"id": 1, "total": 50}]}, "Save": [{"id": 2}, {"id": 3}], "Notify": [{"sent": true}]}}, {"name": "one big order", "input": {"x": 1}, "pinned": {"Load": [{"id": 7, "total": 1000}]}, "expected": {"Save": [{"id": 7}], "Notify": null}}]'

-- version 1 passes
SELECT * FROM reporunner.test_workflow('wft_orders', :'cases');
-- nothing is left behind: no row in wft_log, no execution; the sequence
-- of wft_log's default is not transactional (Save ran twice)
SELECT count(*) AS logged FROM wft_log;
SELECT count(*) AS executions FROM reporunner.executions WHERE workflow = 'wft_orders';
SELECT last_value AS sequence_after_save FROM wft_seq;
-- the pinned Notify sent no request: the HTTP counters have none
SELECT count(*) AS http_requests FROM reporunner.http_stats();

-- version 2 is caught
SELECT case_name, node, ok, actual FROM reporunner.test_workflow('wft_orders',
	(SELECT jsonb_agg(c || '{"version": 2}') FROM jsonb_array_elements(:'cases') c))
WHERE NOT ok;

-- a pinned sql node does not run: Save pinned, the sequence stays
SELECT last_value AS seq_before FROM wft_seq \gset
SELECT case_name, node, ok FROM reporunner.test_workflow('wft_orders', '[{"name": "save pinned", "input": {},
	"pinned": {"Save": [{"id": 99}], "Notify": []},
	"expected": {"Save": [{"id": 99}], "Notify": []}}]');
SELECT last_value = :seq_before AS sequence_unchanged FROM wft_seq;
-- an empty pinned object uses no pins, not even pin_data: Notify sends its
-- request, which the guard refuses, and the case reports the error
SELECT case_name, node, ok, actual #>> '{error,sqlstate}' AS sqlstate
FROM reporunner.test_workflow('wft_orders', '[{"name": "no pins", "input": {}, "pinned": {},
	"expected": {"Notify": [{"sent": true}]}}]');
SELECT method, outcome, requests FROM reporunner.http_stats();

-- a member of the owner's role tests too; after a case that failed inside
-- a node running as the owner, the session is the member's again, with its
-- own settings
RESET ROLE;
CREATE ROLE wft_member IN ROLE wft_tenant;
SET ROLE wft_member;
SET search_path = wft_nowhere, public;
SELECT reporunner.test_workflow_tap('wft_orders', '[{"name": "no pins", "input": {}, "pinned": {},
	"expected": {"Notify": [{"sent": true}]}}]');
SELECT current_user, current_setting('search_path') AS search_path;
RESET search_path;
RESET ROLE;
DROP ROLE wft_member;
SET ROLE wft_tenant;

-- TAP
SELECT reporunner.test_workflow_tap('wft_orders', :'cases');
SELECT reporunner.test_workflow_tap('wft_orders',
	(SELECT jsonb_agg(c || '{"version": 2}') FROM jsonb_array_elements(:'cases') c));

-- a sub-workflow that fails inside a case journals nothing, where
-- execute() records the failed calls apart from its transaction
SELECT reporunner.save_workflow('wft_child', regress.node_doc('stop_and_error', '{"message": "child failed"}')) AS child;
SELECT reporunner.save_workflow('wft_parent', regress.node_doc('execute_workflow', '{"workflow": "wft_child"}', 'Call')) AS parent;
SELECT case_name, node, ok, actual #>> '{error,sqlstate}' AS sqlstate
FROM reporunner.test_workflow('wft_parent', '[{"name": "child fails", "input": {}, "expected": {"Call": []}}]');
SELECT count(*) AS executions FROM reporunner.executions WHERE workflow IN ('wft_child', 'wft_parent');
SELECT left(regress.try($$SELECT reporunner.execute('wft_parent', '{}')$$), 5) AS sqlstate;
SELECT workflow, status FROM reporunner.executions WHERE workflow IN ('wft_child', 'wft_parent') ORDER BY 1;

-- mistakes in the cases: nothing runs
SELECT regress.try(format('SELECT count(*) FROM reporunner.test_workflow(%L, %L)', w, c))
FROM (VALUES
	('wft_orders', '{}'),
	('wft_orders', '[]'),
	('wft_orders', '[1]'),
	('wft_orders', '[{"expected": {"Load": []}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "pinnd": {}}]'),
	('wft_orders', '[{"name": "a"}]'),
	('wft_orders', '[{"name": "a", "expected": {}}]'),
	('wft_orders', '[{"name": "a", "expected": []}]'),
	('wft_orders', '[{"name": "a", "expected": {"Nope": []}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "pinned": {"Nope": []}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "pinned": {"Load": {"id": 1}}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "pinned": {"Load": [1]}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": 5}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Big": {"maybe": []}}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Big": {"true": [1]}}}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "input": 3}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "version": 0}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "version": 1.5}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "version": 1e30}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "input": [1]}]'),
	('wft_orders', '[{"name": "a", "expected": {"Load": []}, "version": 9}]'),
	('no_such_workflow', '[{"name": "a", "expected": {"Load": []}}]')) t(w, c);
SELECT regress.try($$SELECT count(*) FROM reporunner.test_workflow(NULL, '[]')$$);

-- pin_data is checked when the document is saved
SELECT regress.try(format('SELECT reporunner.save_workflow(''wft_bad'', %L)',
						  regress.node_doc('noop', '{}') || p::jsonb))
FROM (VALUES ('{"pin_data": []}'), ('{"pin_data": {"Nope": []}}'),
			 ('{"pin_data": {"Noop": {"a": 1}}}'), ('{"pin_data": {"Noop": [{"a": 1}, 2]}}')) t(p);
SELECT reporunner.save_workflow('wft_pinned_noop', regress.node_doc('noop', '{}') || '{"pin_data": {"Noop": []}}') AS saved;

-- another tenant's workflow is refused, its tables untouched
SET ROLE wft_other;
SELECT regress.try($$SELECT count(*) FROM reporunner.test_workflow('wft_orders', '[{"name": "a", "expected": {"Load": []}}]')$$);
RESET ROLE;
SELECT count(*) AS logged FROM wft_log;

SET ROLE wft_tenant;
SELECT reporunner.delete_workflow('wft_orders');
SELECT reporunner.delete_workflow(w) FROM unnest(ARRAY['wft_pinned_noop', 'wft_parent', 'wft_child']) w;
DROP FUNCTION pg_temp.orders_doc(int);
RESET ROLE;
DROP TABLE wft_orders, wft_log;
DROP SEQUENCE wft_seq;
DROP ROLE wft_tenant;
DROP ROLE wft_other;
