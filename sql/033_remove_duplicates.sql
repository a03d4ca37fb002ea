--
-- The "remove_duplicates" node: within one run (scope "input") and across
-- the executions of a workflow (scope "workflow", backed by
-- reporunner.dedup_key): keys, first-item-wins, rollback, tenancy.
--
-- run(params, items): Start -> Dedup with params, in workflow "test_dedup",
-- through regress.run_node (009_test_helpers); returns the result or
-- "SQLSTATE: message / detail", for a document the validator refuses too.
CREATE FUNCTION pg_temp.run(params jsonb, items jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT regress.run_node('remove_duplicates', params, items, name => 'Dedup',
							workflow => 'test_dedup')
$$;

\pset format unaligned
\pset tuples_only on

-- whole items (the default): equal as jsonb, whatever the key order; 1 and
-- 1.0 are equal, "1" is not; the first of each kept, in input order
SELECT pg_temp.run('{}',
	'[{"a": 1, "b": 2, "i": 0}, {"b": 2, "a": 1, "i": 0}, {"a": 1.0, "b": 2, "i": 0}, {"a": "1", "b": 2, "i": 0},
	  {"n": [1, {"x": null}]}, {"n": [1, {"x": null}]}, {}, {}]');
-- by fields: the rest of the item does not matter; the first item wins
SELECT pg_temp.run('{"fields": ["email"]}',
	'[{"email": "a@x", "n": 1}, {"email": "b@x", "n": 2}, {"email": "a@x", "n": 3}, {"email": "A@x", "n": 4}]');
SELECT pg_temp.run('{"fields": ["a", "b"]}',
	'[{"a": 1, "b": 1, "n": 1}, {"a": 1, "b": 2, "n": 2}, {"a": 1, "b": 1.00, "n": 3}, {"b": 1, "a": 1, "n": 4}]');
-- a missing field is a value of its own: apart from null, equal to missing
SELECT pg_temp.run('{"fields": ["k"]}',
	'[{"n": 1}, {"k": null, "n": 2}, {"n": 3}, {"k": null, "n": 4}, {"k": 0, "n": 5}]');
-- an empty list of fields means the whole item; unicode keys and values
SELECT pg_temp.run('{"fields": []}', '[{"a": 1}, {"a": 2}, {"a": 1}]');
SELECT pg_temp.run('{"fields": ["städt"]}',
	'[{"städt": "Zürich", "n": 1}, {"städt": "東京", "n": 2}, {"städt": "Zürich", "n": 3}, {"städt": "Zurich", "n": 4}]');
-- no duplicates, no items
SELECT pg_temp.run('{"fields": ["k"]}', '[{"k": 1}, {"k": 2}]');
SELECT pg_temp.run('{}', '[]');
-- "fields" computed once, for the first item; no result means all fields
SELECT pg_temp.run('{"fields": "{{ $json.keys }}"}',
	'[{"keys": ["k"], "k": 1}, {"k": 1, "x": 1}, {"k": 2}]');
SELECT pg_temp.run('{"fields": "{{ $json.keys }}"}', '[{"k": 1}, {"k": 1}, {"k": 1, "x": 1}]');
SELECT pg_temp.run('{"fields": ["{{ $json.key }}"]}', '[{"key": "k", "k": 1}, {"k": 1}, {"k": 2}]');
-- computed values of the wrong shape
SELECT pg_temp.run('{"fields": "{{ $json.keys }}"}', '[{"keys": "k"}]');
SELECT pg_temp.run('{"fields": "{{ $json.keys }}"}', '[{"keys": ["k", {"f": 1}]}]');
-- except_fields: every top-level key of any item but those
SELECT pg_temp.run('{"except_fields": ["id"]}',
	'[{"id": 1, "a": 1}, {"id": 2, "a": 1}, {"id": 3, "a": 2}, {"id": 4, "a": 1, "b": 0}]');
-- dot_notation: fields are paths; all fields are the leaf paths of every
-- item ("o.k", "l.0"), except_fields then those of the first item
SELECT pg_temp.run('{"fields": ["o.k"], "dot_notation": true}',
	'[{"o": {"k": 1, "x": 1}}, {"o": {"k": 1, "x": 2}}, {"o": {"k": 2}}]');
SELECT pg_temp.run('{"dot_notation": true}',
	'[{"o": {"k": 1}, "l": [1]}, {"o": {"k": 1}, "l": [1]}, {"o": {"k": 1}, "l": [2]}]');
SELECT pg_temp.run('{"except_fields": ["o.x"], "dot_notation": true}',
	'[{"o": {"k": 1, "x": 1}}, {"o": {"k": 1, "x": 2}}, {"o": {"k": 2, "x": 1}}]');
-- remove_other_fields: only the compared fields (paths as nested objects)
SELECT pg_temp.run('{"fields": ["a"], "remove_other_fields": true}', '[{"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 2, "b": 3}]');
SELECT pg_temp.run('{"except_fields": ["b"], "remove_other_fields": true}', '[{"a": 1, "b": 1, "c": 0}, {"a": 1, "b": 2, "c": 0}]');
SELECT pg_temp.run('{"fields": ["o.k"], "dot_notation": true, "remove_other_fields": true}',
	'[{"o": {"k": 1, "x": 1}, "y": 0}, {"o": {"k": 1}}]');
-- strict_fields: n8n's checks (null is allowed)
SELECT pg_temp.run('{"fields": ["a"], "strict_fields": true}', '[{"a": 1}, {"a": null}, {"a": 1}]');
SELECT pg_temp.run('{"fields": ["a"], "strict_fields": true}', '[{"a": 1}, {"b": 1}]');
SELECT pg_temp.run('{"fields": ["a.b"], "strict_fields": true}', '[{"a": {"b": 1}}]');
SELECT pg_temp.run('{"fields": ["a"], "strict_fields": true}', '[{"a": 1}, {"a": null}, {"a": "1"}]');
SELECT pg_temp.run('{"strict_fields": true}', '[{"a": 1}, {"a": 1, "b": 2}]');
SELECT pg_temp.run('{"fields": [""], "strict_fields": true}', '[{"a": 1}]');
-- bad params
SELECT pg_temp.run('{"fields": ["a"], "except_fields": ["b"]}', '[]');
SELECT pg_temp.run('{"except_fields": []}', '[]');
SELECT pg_temp.run('{"remove_other_fields": "{{ true }}"}', '[]');
SELECT pg_temp.run('{"except_fields": "{{ $json.x }}"}', '[{"x": 5}]');
-- scope "input" writes nothing down
SELECT count(*) AS keys_recorded FROM reporunner.dedup_key;
-- the validator's side
SELECT pg_temp.run('{"scope": "forever"}', '[]');
SELECT pg_temp.run('{"fields": "email"}', '[]');
SELECT pg_temp.run('{"fields": [1]}', '[]');

-- scope "workflow": keys seen by earlier executions are dropped too
SELECT pg_temp.run('{"fields": ["email"], "scope": "workflow"}',
	'[{"email": "a@x", "n": 1}, {"email": "b@x", "n": 2}, {"email": "a@x", "n": 3}]');
SELECT pg_temp.run('{"fields": ["email"], "scope": "workflow"}',
	'[{"email": "b@x", "n": 4}, {"email": "c@x", "n": 5}, {"email": "c@x", "n": 6}]');
SELECT pg_temp.run('{"fields": ["email"], "scope": "workflow"}', '[{"email": "a@x"}, {"email": "c@x"}]');
-- the table holds one row per key: the SHA-256 of the key's jsonb text,
-- owned by the workflow's owner
SELECT d.node, d.key_hash = sha256(convert_to('{"email": "a@x"}', 'UTF8')) AS is_a,
	   octet_length(d.key_hash) AS bytes, d.owner = w.owner AS owner_ok
FROM reporunner.dedup_key d JOIN reporunner.workflow w ON w.id = d.workflow_id
ORDER BY d.created_at, is_a DESC;
-- numbers are hashed with trailing zeros trimmed: 2.50 after 2.5 is old
SELECT pg_temp.run('{"fields": ["p"], "scope": "workflow"}', '[{"p": 2.5}, {"p": [1.0, {"q": 3.000}]}]');
SELECT pg_temp.run('{"fields": ["p"], "scope": "workflow"}', '[{"p": 2.50}, {"p": [1, {"q": 3}]}, {"p": 25}]');
-- a new version of the workflow keeps the node's history; here the node
-- compares whole items, and the whole item {"p": 2.5} is the key that
-- fields ["p"] made of {"p": 2.5} before
SELECT pg_temp.run('{"scope": "workflow"}', '[{"p": 2.5}, {"p": 2.5}]');
SELECT pg_temp.run('{"scope": "workflow"}', '[{"p": 2.5}, {"p": 7}]');
SELECT count(*) AS keys_recorded FROM reporunner.dedup_key;
-- deleting rows makes keys new again
DELETE FROM reporunner.dedup_key WHERE key_hash = sha256(convert_to('{"email": "b@x"}', 'UTF8'));
SELECT pg_temp.run('{"fields": ["email"], "scope": "workflow"}', '[{"email": "a@x"}, {"email": "b@x"}]');

-- the keys are written in the caller's transaction: a rollback forgets them
BEGIN;
SELECT pg_temp.run('{"fields": ["email"], "scope": "workflow"}', '[{"email": "d@x"}]');
SELECT pg_temp.run('{"fields": ["email"], "scope": "workflow"}', '[{"email": "d@x"}]');
ROLLBACK;
SELECT pg_temp.run('{"fields": ["email"], "scope": "workflow"}', '[{"email": "d@x"}]');

-- an execution that fails after the node records nothing
SELECT reporunner.save_workflow('test_dedup_fail', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Dedup", "type": "remove_duplicates", "params": {"scope": "workflow"}},
	{"name": "Fail", "type": "stop_and_error", "params": {"message": "no"}}],
	"connections": [{"from": "Start", "to": "Dedup"}, {"from": "Dedup", "to": "Fail"}]}') AS version;
\set VERBOSITY terse
SELECT reporunner.execute('test_dedup_fail', '[{"x": 1}]', '{"save": "none"}');
\set VERBOSITY default
SELECT count(*) AS keys_of_failed
FROM reporunner.dedup_key d JOIN reporunner.workflow w ON w.id = d.workflow_id
WHERE w.name = 'test_dedup_fail';

-- two nodes of one workflow keep separate histories
SELECT reporunner.save_workflow('test_dedup_two', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "First", "type": "remove_duplicates", "params": {"scope": "workflow", "fields": ["k"]}},
	{"name": "Second", "type": "remove_duplicates", "params": {"scope": "workflow", "fields": ["k"]}}],
	"connections": [{"from": "Start", "to": "First"}, {"from": "Start", "to": "Second"}]}') AS version;
SELECT reporunner.execute('test_dedup_two', '[{"k": 1}]', '{"save": "none"}');
SELECT reporunner.execute('test_dedup_two', '[{"k": 1}, {"k": 2}]', '{"save": "none"}');
SELECT node, count(*) FROM reporunner.dedup_key d JOIN reporunner.workflow w ON w.id = d.workflow_id
WHERE w.name = 'test_dedup_two' GROUP BY node ORDER BY node;

\pset format aligned
\pset tuples_only off

-- tenancy: a tenant's node writes rows owned by the tenant; another tenant
-- neither sees them nor can add rows to the first one's workflow
CREATE ROLE rr_dedup_a;
CREATE ROLE rr_dedup_b;
SET ROLE rr_dedup_a;
SELECT reporunner.save_workflow('tenant_dedup', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Dedup", "type": "remove_duplicates", "params": {"scope": "workflow"}}],
	"connections": [{"from": "Start", "to": "Dedup"}]}') AS version;
SELECT reporunner.execute('tenant_dedup', '[{"k": 1}, {"k": 2}]', '{"save": "none"}');
SELECT reporunner.execute('tenant_dedup', '[{"k": 1}, {"k": 3}]', '{"save": "none"}');
SELECT count(*) AS own_keys, bool_and(owner = 'rr_dedup_a'::regrole) AS owned FROM reporunner.dedup_key;
RESET ROLE;
CREATE TEMP TABLE tenant_workflow AS
	SELECT id FROM reporunner.workflow WHERE name = 'tenant_dedup';
GRANT SELECT ON tenant_workflow TO rr_dedup_b;
SET ROLE rr_dedup_b;
SELECT count(*) AS visible_keys FROM reporunner.dedup_key;
INSERT INTO reporunner.dedup_key (workflow_id, node, key_hash, owner)
	SELECT id, 'Dedup', sha256('x'), 'rr_dedup_a'::regrole FROM tenant_workflow;
INSERT INTO reporunner.dedup_key (workflow_id, node, key_hash, owner)
	SELECT id, 'Dedup', sha256('x'), 'rr_dedup_b'::regrole FROM tenant_workflow;
UPDATE reporunner.dedup_key SET node = 'X';
DELETE FROM reporunner.dedup_key;
SET ROLE rr_dedup_a;
-- the owner may delete its keys (here: the first run's)
DELETE FROM reporunner.dedup_key WHERE key_hash = sha256(convert_to('{"k": 1}', 'UTF8'));
SELECT reporunner.execute('tenant_dedup', '[{"k": 1}, {"k": 2}]', '{"save": "none"}');
-- deleting the workflow deletes its keys
SELECT reporunner.delete_workflow('tenant_dedup');
RESET ROLE;
SELECT count(*) AS tenant_keys_left FROM reporunner.dedup_key WHERE owner = 'rr_dedup_a'::regrole;
DROP TABLE tenant_workflow;
DROP ROLE rr_dedup_a;
DROP ROLE rr_dedup_b;

SELECT reporunner.delete_workflow('test_dedup');
SELECT reporunner.delete_workflow('test_dedup_fail');
SELECT reporunner.delete_workflow('test_dedup_two');
SELECT count(*) AS keys_left FROM reporunner.dedup_key;
