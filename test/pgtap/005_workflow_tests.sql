--
-- 005_workflow_tests.sql - workflow tests run by pg_prove, as docs/testing.md
-- shows a team doing in CI: reporunner.test_workflow_tap() prints its own
-- TAP plan and lines, so this file uses no pgTAP function at all.
--
-- Runs as a superuser; makes a tenant, its table and its workflow inside
-- the transaction and rolls everything back.  The workflow's Notify node
-- posts to an address the SSRF guard refuses, so the cases pass only
-- because the document pins it (pin_data); its Save node writes to a table
-- that stays empty, since each case is rolled back.
--
BEGIN;
CREATE ROLE wft_shop LOGIN IN ROLE reporunner_http;
CREATE TABLE wft_orders (id int, total numeric);
CREATE TABLE wft_big (id int);
INSERT INTO wft_orders VALUES (1, 50), (2, 150);
ALTER TABLE wft_orders OWNER TO wft_shop;
ALTER TABLE wft_big OWNER TO wft_shop;
SET LOCAL ROLE wft_shop;

SELECT reporunner.save_workflow('orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Load", "type": "sql", "params": {"query": "SELECT id, total FROM wft_orders ORDER BY id"}},
	{"name": "Big", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}},
	{"name": "Save", "type": "sql", "params": {"query": "INSERT INTO wft_big VALUES ($1) RETURNING id", "args": ["{{ $json.id }}"]}},
	{"name": "Notify", "type": "http", "params": {"method": "POST", "url": "http://127.0.0.1:9/small"}}],
	"connections": [{"from": "Start", "to": "Load"}, {"from": "Load", "to": "Big"},
	{"from": "Big", "output": "true", "to": "Save"},
	{"from": "Big", "output": "false", "to": "Notify"}],
	"pin_data": {"Notify": [{"sent": true}]}}') AS version \gset

SELECT * FROM reporunner.test_workflow_tap('orders', '[
	{"name": "orders of the table", "input": {},
	 "expected": {"Big": {"true": [{"id": 2, "total": 150}], "false": [{"id": 1, "total": 50}]},
				  "Save": [{"id": 2}], "Notify": [{"sent": true}]}},
	{"name": "a big order alone", "input": {}, "pinned": {"Load": [{"id": 9, "total": 900}]},
	 "expected": {"Save": [{"id": 9}], "Notify": null}}]');

ROLLBACK;
