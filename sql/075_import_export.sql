--
-- Moving a workflow with its triggers: export_workflow() lists them under
-- "triggers" (kind, target, options; no id, no role), import_workflow()
-- makes them again through on_table(), on_schedule() and on_notify() as
-- the importer,
-- and save_workflow() saves such a document without making them.
--
SET client_min_messages TO warning;
CREATE EXTENSION pg_cron;
CREATE TABLE orders (id int PRIMARY KEY, amount numeric);
SELECT reporunner.save_workflow('on_order', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"doubled": "{{ $json.amount * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Double"}]}');

-- a workflow without triggers exports as it was saved
SELECT reporunner.export_workflow('on_order') ? 'triggers' AS has_triggers;
SELECT reporunner.on_table('on_order', 'orders', '{insert,update}', 'row', 'async',
	'{{ $json.amount > 10 }}') IS NOT NULL AS row_trigger;
SELECT reporunner.on_table('on_order', 'orders', '{insert,truncate}', 'statement') IS NOT NULL AS statement_trigger;
SELECT reporunner.on_schedule('on_order', '0 3 * * *', '[{"amount": 1}]') IS NOT NULL AS schedule;
SELECT reporunner.on_notify('on_order', 'Order Events') IS NOT NULL AS notify;
-- with them, its triggers are listed in the order they were made
SELECT jsonb_pretty(reporunner.export_workflow('on_order') - 'nodes' - 'connections');
SELECT reporunner.export_workflow('on_order') - 'triggers' =
	   (SELECT definition FROM reporunner.workflow_versions WHERE name = 'on_order') AS rest_as_saved;
SELECT reporunner.export_workflow('on_order') AS exported \gset

-- save_workflow() saves the document without its triggers, and says so
SET client_min_messages TO notice;
SELECT reporunner.save_workflow('copy', :'exported');
SET client_min_messages TO warning;
SELECT reporunner.export_workflow('copy') ? 'triggers' AS copy_has_triggers,
	   reporunner.export_workflow('copy') = :'exported'::jsonb - 'triggers' AS copy_same;
-- saving the export over its own workflow is no new version
SELECT reporunner.save_workflow('on_order', :'exported');
SELECT reporunner.delete_workflow('copy');

-- the shape of "triggers" is checked with the document
SELECT reporunner.validate_workflow(:'exported');
\set VERBOSITY sqlstate
SELECT reporunner.validate_workflow('{"nodes": [{"name": "Start", "type": "trigger"}], "triggers": {}}');
\set VERBOSITY default
SELECT reporunner.validate_workflow('{"nodes": [{"name": "Start", "type": "trigger"}], "triggers": [{"kind": "table"}]}');
SELECT reporunner.validate_workflow('{"nodes": [{"name": "Start", "type": "trigger"}], "triggers": [{"kind": "table", "target": "orders", "id": 1}]}');

-- import_workflow() under another name: the same triggers, made again
SELECT reporunner.import_workflow('imported', :'exported');
SELECT workflow, kind, target, options, created_by FROM reporunner.triggers
WHERE workflow = 'imported' ORDER BY id;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';
SELECT count(*) AS jobs FROM cron.job;
-- importing again changes nothing (nor does a trigger written with defaults
-- left out, when the workflow has it)
SELECT reporunner.import_workflow('imported', :'exported');
SELECT reporunner.import_workflow('imported', :'exported'::jsonb || '{"triggers": [
	{"kind": "table", "target": "orders", "options": {"events": ["truncate", "insert"], "level": "statement"}}]}');
SELECT count(*) AS triggers, count(DISTINCT options) AS different
FROM reporunner.triggers WHERE workflow = 'imported';
-- and it exports as the workflow it came from
SELECT reporunner.export_workflow('imported') = :'exported'::jsonb AS round_trip;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';
SELECT count(*) AS jobs FROM cron.job;
-- the triggers of both fire
INSERT INTO orders VALUES (1, 50), (2, 5);
SELECT regress.drain();
SELECT w.name, t.options ->> 'level' AS level, e.status, e.output
FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
	 JOIN reporunner.trigger t ON t.id = e.trigger_id
ORDER BY w.name, level, e.output::text;
DELETE FROM reporunner.execution;

-- bad documents: an error naming the trigger, and nothing made, not even
-- the workflow or the triggers before the bad one
CREATE FUNCTION pg_temp.import_bad(triggers jsonb) RETURNS void LANGUAGE sql AS $$
	SELECT reporunner.import_workflow('bad',
		'{"nodes": [{"name": "Start", "type": "trigger"}], "triggers": [
			{"kind": "table", "target": "public.orders"}]}'::jsonb
		|| jsonb_build_object('triggers',
			'[{"kind": "table", "target": "public.orders"}]'::jsonb || triggers))
$$;
-- (the error, with what names the trigger, once; then the SQLSTATE,
-- message, detail and hint of each)
SELECT pg_temp.import_bad('[{"kind": "table", "target": "no_such_table"}]');
SELECT t AS bad_triggers, regress.try(format('SELECT pg_temp.import_bad(%L)', t)) AS error
FROM unnest(ARRAY[
	'[{"kind": "email", "target": "/orders"}]',
	'[{"kind": "notify", "target": ""}]',
	'[{"kind": "table", "target": "orders", "options": {"when": "always"}}]',
	'[{"kind": "schedule", "target": "0 3 * * *", "options": {"mode": "sync"}}]',
	'[{"kind": "table", "target": "orders", "options": {"events": "insert"}}]',
	'[{"kind": "table", "target": "orders", "options": {"events": ["insert", 1]}}]',
	'[{"kind": "table", "target": "orders", "options": {"level": 1}}]',
	'[{"kind": "table", "target": "orders", "options": {"events": ["bogus"]}}]',
	'[{"kind": "table", "target": "orders", "options": {"events": ["truncate"], "level": "row"}}]',
	'[{"kind": "table", "target": "nope.orders"}]',
	'[{"kind": "table", "target": "orders ("}]',
	'[{"kind": "table", "target": "reporunner.triggers"}]',
	'[{"kind": "schedule", "target": "every night"}]',
	'[{"kind": "schedule", "target": "0 3 * * *", "options": {"input": "text"}}]',
	'[{"kind": "table"}]',
	'["table"]']) AS t;
SELECT count(*) AS bad_workflows FROM reporunner.workflows WHERE name = 'bad';
SELECT count(*) AS triggers FROM reporunner.trigger;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';
SELECT count(*) AS jobs FROM cron.job;
-- null arguments: nothing to do
SELECT reporunner.import_workflow(NULL, :'exported') IS NULL AS null_name,
	   reporunner.import_workflow('bad', NULL) IS NULL AS null_document;

-- another role imports with its own rights: it needs the TRIGGER privilege
-- on the table, and pg_cron's schema for the schedule
CREATE ROLE rr_importer LOGIN;
SET ROLE rr_importer;
SELECT reporunner.import_workflow('theirs', :'exported');
SELECT count(*) AS workflows FROM reporunner.workflows;
RESET ROLE;
GRANT TRIGGER ON orders TO rr_importer;
SET ROLE rr_importer;
SELECT reporunner.import_workflow('theirs', :'exported');
RESET ROLE;
GRANT USAGE ON SCHEMA cron TO rr_importer;
SET ROLE rr_importer;
SELECT reporunner.import_workflow('theirs', :'exported');
SELECT workflow, kind, target, owner, created_by FROM reporunner.triggers ORDER BY id;
RESET ROLE;
-- its workflow runs as it, whoever changes the table
INSERT INTO orders VALUES (3, 30);
SELECT regress.drain();
SELECT w.name, e.owner::regrole, e.created_by::regrole, e.status, e.output
FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'theirs' ORDER BY e.id;

SET ROLE rr_importer;
SELECT reporunner.delete_workflow('theirs');
RESET ROLE;
SELECT reporunner.delete_workflow('imported');
SELECT reporunner.delete_workflow('on_order');
SELECT count(*) AS triggers FROM reporunner.trigger;
SELECT count(*) AS pg_triggers FROM pg_trigger WHERE tgname LIKE 'reporunner%';
SELECT count(*) AS jobs FROM cron.job;
DELETE FROM reporunner.execution;
DROP TABLE orders;
REVOKE USAGE ON SCHEMA cron FROM rr_importer;
DROP ROLE rr_importer;
DROP EXTENSION pg_cron;
