--
-- Saving and exporting workflows: versions, round trips, the graph tables.
--
\set doc1 '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}}, {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}}, {"name": "Flag", "type": "sql", "params": {"query": "update orders set flagged = true where id = $1", "args": ["{{ $json.id }}"]}, "retry": {"tries": 5, "delay": "1s", "backoff": 2, "max_delay": "5min"}, "on_error": "stop", "timeout": "30s"}], "connections": [{"from": "Start", "to": "Total"}, {"from": "Total", "to": "Big?"}, {"from": "Big?", "output": "true", "to": "Flag"}], "settings": {"timeout": "5min", "concurrency": 10, "error_workflow": "alerts", "save": "all"}}'

-- the first save creates version 1 and makes it active
SELECT reporunner.save_workflow('orders', :'doc1');
SELECT name, owner = current_user AS mine, active_version, latest_version, versions
FROM reporunner.workflows;

-- export returns exactly what was saved
SELECT reporunner.export_workflow('orders') = :'doc1'::jsonb AS same;
SELECT reporunner.export_workflow('orders', 1) = :'doc1'::jsonb AS same;
SELECT jsonb_pretty(reporunner.export_workflow('orders', format => 'native'));

-- the graph in relational form
SELECT name, position, type, params, retry, on_error, timeout, execute_once,
	   always_output_data, disabled
FROM reporunner.node ORDER BY position;
SELECT from_node, output, to_node, input FROM reporunner.edge ORDER BY from_node;
SELECT count(*) AS owners_match FROM reporunner.node n
JOIN reporunner.workflow w ON w.id = n.workflow_id WHERE n.owner = w.owner;

-- saving an identical document (other key order, other spacing) makes no version
SELECT reporunner.save_workflow('orders',
	'{"settings": {"save": "all", "error_workflow": "alerts", "concurrency": 10, "timeout": "5min"},
	  "connections": [{"to": "Total", "from": "Start"}, {"from": "Total", "to": "Big?"}, {"from": "Big?", "output": "true", "to": "Flag"}],
	  "nodes": [{"type": "trigger", "name": "Start"}, {"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}}, {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}}, {"name": "Flag", "type": "sql", "params": {"query": "update orders set flagged = true where id = $1", "args": ["{{ $json.id }}"]}, "retry": {"tries": 5, "delay": "1s", "backoff": 2, "max_delay": "5min"}, "on_error": "stop", "timeout": "30s"}]}');
SELECT count(*) AS versions FROM reporunner.workflow_version;

-- a changed document makes version 2, active by default
\set doc2 '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Done", "type": "noop", "disabled": true, "notes": "ünïcødé ✓"}], "connections": [{"from": "Start", "to": "Done"}]}'
SELECT reporunner.save_workflow('orders', :'doc2');
SELECT active_version, latest_version, versions FROM reporunner.workflows;
SELECT reporunner.export_workflow('orders') = :'doc2'::jsonb AS same;
SELECT reporunner.export_workflow('orders', 1) = :'doc1'::jsonb AS v1_unchanged;
SELECT version, name, type, disabled, notes FROM reporunner.node
WHERE version = 2 ORDER BY position;

-- saving without activating keeps the active version
\set doc3 '{"nodes": [{"name": "Start", "type": "trigger"}]}'
SELECT reporunner.save_workflow('orders', :'doc3', activate => false);
SELECT active_version, latest_version, versions FROM reporunner.workflows;
SELECT reporunner.export_workflow('orders') = :'doc2'::jsonb AS active_is_v2;
SELECT reporunner.export_workflow('orders', 3) = :'doc3'::jsonb AS v3_saved;

-- saving a document identical to the latest version activates it when asked
SELECT reporunner.save_workflow('orders', :'doc3');
SELECT active_version, latest_version, versions FROM reporunner.workflows;

-- a document identical to an older version (not the latest) is a new version
SELECT reporunner.save_workflow('orders', :'doc1');
SELECT version, active FROM reporunner.workflow_versions ORDER BY version;

-- a rolled-back save leaves nothing behind
BEGIN;
SELECT reporunner.save_workflow('temporary', :'doc3');
ROLLBACK;
SELECT count(*) FROM reporunner.workflow WHERE name = 'temporary';

-- bad names and bad calls
SELECT reporunner.save_workflow('', :'doc3');
SELECT reporunner.save_workflow(repeat('x', 129), :'doc3');
SELECT reporunner.save_workflow(E'tab\there', :'doc3');
SELECT reporunner.save_workflow('nulls', NULL) IS NULL AS strict;
SELECT reporunner.export_workflow(NULL);
SELECT reporunner.export_workflow('nope');
SELECT reporunner.export_workflow('orders', 99);
SELECT reporunner.export_workflow('orders', format => 'yaml');
SELECT count(*) AS workflows FROM reporunner.workflow;
