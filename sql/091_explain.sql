--
-- explain(): a version's plan as the executor runs it, one fact per line:
-- order, inputs, where a background run commits, retries, timeouts,
-- on_error, sub-workflow calls, triggers; and its bad input.
--
SET client_min_messages TO warning;

SELECT reporunner.save_workflow('explain_child', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.save_workflow('explain_orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}},
	{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}},
	{"name": "Record", "type": "sql", "params": {"query": "SELECT 1 AS one"},
	 "retry": {"max_delay": "5min", "tries": 5, "delay": "1s", "backoff": 2}, "timeout": "30s"},
	{"name": "Small", "type": "set", "params": {"fields": {"small": true}}, "on_error": "continue"},
	{"name": "Join", "type": "merge", "params": {"mode": "append"}},
	{"name": "Pause", "type": "wait", "params": {"for": "1min"}},
	{"name": "Child", "type": "execute_workflow", "params": {"workflow": "explain_child", "per_item": true},
	 "on_error": "error_output"},
	{"name": "Log failure", "type": "noop", "execute_once": true},
	{"name": "Audit", "type": "noop", "disabled": true},
	{"name": "Notify", "type": "notify", "params": {"channel": "explain_orders"}},
	{"name": "Stray", "type": "set", "params": {"fields": {"x": 1}}},
	{"name": "After stray", "type": "noop"}],
	"connections": [
	{"from": "Start", "to": "Total"},
	{"from": "Total", "to": "Big?"},
	{"from": "Big?", "output": "true", "to": "Record"},
	{"from": "Big?", "output": "false", "to": "Small"},
	{"from": "Record", "to": "Join"},
	{"from": "Small", "to": "Join", "input": 1},
	{"from": "Join", "to": "Pause"},
	{"from": "Pause", "to": "Child"},
	{"from": "Child", "output": "error", "to": "Log failure"},
	{"from": "Child", "to": "Audit"},
	{"from": "Audit", "to": "Notify"},
	{"from": "Stray", "to": "After stray"}],
	"settings": {"timeout": "5min", "concurrency": 2, "error_workflow": "explain_child"}}');
CREATE TABLE explain_orders (id int);
SELECT reporunner.on_table('explain_orders', 'explain_orders', '{insert,update}') > 0 AS table_trigger;
SELECT reporunner.on_notify('explain_orders', 'orders_in') > 0 AS notify_trigger;

-- the active version; trigger ids masked
SELECT regexp_replace(line, 'trigger [0-9]+', 'trigger <id>') AS explain
FROM reporunner.explain('explain_orders') AS line;

-- an older version by number, with a side-effect node last: it commits
-- with the end of the execution
SELECT reporunner.save_workflow('explain_orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Write", "type": "sql", "params": {"query": "SELECT 1 AS one"}}],
	"connections": [{"from": "Start", "to": "Write"}]}', false);
SELECT regexp_replace(line, 'trigger [0-9]+', 'trigger <id>') AS explain
FROM reporunner.explain('explain_orders', 2) AS line;

-- disabled nodes only pass their items on: a disabled sql node is no
-- commit point and a disabled wait does not pause
SELECT reporunner.save_workflow('explain_orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Write", "type": "sql", "params": {"query": "SELECT 1 AS one"}, "disabled": true},
	{"name": "Pause", "type": "wait", "params": {"for": "1min"}, "disabled": true},
	{"name": "Tag", "type": "set", "params": {"fields": {"tagged": true}}}],
	"connections": [{"from": "Start", "to": "Write"}, {"from": "Write", "to": "Pause"},
	{"from": "Pause", "to": "Tag"}]}', false);
SELECT regexp_replace(line, 'trigger [0-9]+', 'trigger <id>') AS explain
FROM reporunner.explain('explain_orders', 3) AS line;

-- the order is the one the executor runs: a depth-first walk, each
-- output's branch in turn; merge waits for both inputs
SELECT reporunner.save_workflow('explain_order', '{"nodes": [
	{"name": "T", "type": "trigger"},
	{"name": "A", "type": "noop"},
	{"name": "B", "type": "noop"},
	{"name": "A2", "type": "noop"},
	{"name": "M", "type": "merge", "params": {"mode": "append"}}],
	"connections": [
	{"from": "T", "to": "A"}, {"from": "T", "to": "B"},
	{"from": "A", "to": "A2"}, {"from": "A2", "to": "M"},
	{"from": "B", "to": "M", "input": 1}]}');
SELECT line FROM reporunner.explain('explain_order') AS line WHERE line ~ '^order';
SELECT reporunner.execute('explain_order', '[{"n": 1}]', '{"save": "all"}') IS NOT NULL AS ran;
SELECT string_agg(s.node, ' -> ' ORDER BY s.ord) AS executed
FROM reporunner.executions e,
	 json_array_elements((SELECT steps FROM reporunner.execution WHERE id = e.id)) WITH ORDINALITY AS j(step, ord),
	 LATERAL (SELECT j.step->>'node' AS node, j.ord) s
WHERE e.workflow = 'explain_order';

-- bad input: unknown workflow, a version that does not exist, no active
-- version, a null name
SELECT regress.try($$SELECT count(*) FROM reporunner.explain('nope')$$);
SELECT regress.try($$SELECT count(*) FROM reporunner.explain('explain_orders', 9)$$);
SELECT regress.try($$SELECT count(*) FROM reporunner.explain('explain_orders', 0)$$);
SELECT regress.try($$SELECT count(*) FROM reporunner.explain(NULL)$$);
SELECT reporunner.save_workflow('explain_inactive', '{"nodes": [{"name": "Start", "type": "trigger"}]}', false);
SELECT regress.try($$SELECT count(*) FROM reporunner.explain('explain_inactive')$$);

-- another tenant: the workflow does not exist for it, even under a name
-- it uses itself
CREATE ROLE explain_tenant;
SET ROLE explain_tenant;
SELECT regress.try($$SELECT count(*) FROM reporunner.explain('explain_orders')$$);
SELECT reporunner.save_workflow('explain_orders', '{"nodes": [{"name": "Mine", "type": "trigger"}]}');
SELECT * FROM reporunner.explain('explain_orders');
SELECT reporunner.delete_workflow('explain_orders');
RESET ROLE;
DROP ROLE explain_tenant;

SELECT reporunner.delete_workflow(w)
FROM unnest(ARRAY['explain_orders', 'explain_child', 'explain_order', 'explain_inactive']) AS w;
DROP TABLE explain_orders;
