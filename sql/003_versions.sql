--
-- Activating versions and deleting workflows.
--
\set a '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}]}'
\set b '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "B", "type": "limit", "params": {"max": 1}}], "connections": [{"from": "Start", "to": "B"}]}'

SELECT reporunner.save_workflow('flip', :'a');
SELECT reporunner.save_workflow('flip', :'b');

-- activate the older version: export follows, nothing else changes
SELECT reporunner.activate_version('flip', 1);
SELECT name, active_version, latest_version, versions FROM reporunner.workflows
WHERE name = 'flip';
SELECT reporunner.export_workflow('flip') = :'a'::jsonb AS active_is_v1;
SELECT version, active, nodes FROM reporunner.workflow_versions
WHERE name = 'flip' ORDER BY version;

-- activating the active version again is harmless
SELECT reporunner.activate_version('flip', 1);
SELECT active_version FROM reporunner.workflows WHERE name = 'flip';

-- and back to the newest
SELECT reporunner.activate_version('flip', 2);
SELECT reporunner.export_workflow('flip') = :'b'::jsonb AS active_is_v2;

-- missing versions and workflows
SELECT reporunner.activate_version('flip', 3);
SELECT reporunner.activate_version('flip', 0);
SELECT reporunner.activate_version('nope', 1);
SELECT active_version FROM reporunner.workflows WHERE name = 'flip';

-- a workflow saved but never activated has no active version to export
SELECT reporunner.save_workflow('dormant', :'a', activate => false);
SELECT reporunner.export_workflow('dormant');
SELECT reporunner.export_workflow('dormant', 1) = :'a'::jsonb AS same;

-- deleting removes the workflow, its versions, nodes and edges
SELECT id AS flip_id FROM reporunner.workflow WHERE name = 'flip' \gset
SELECT (SELECT count(*) FROM reporunner.workflow_version WHERE workflow_id = :flip_id) AS versions,
	   (SELECT count(*) FROM reporunner.node WHERE workflow_id = :flip_id) AS nodes,
	   (SELECT count(*) FROM reporunner.edge WHERE workflow_id = :flip_id) AS edges;
SELECT reporunner.delete_workflow('flip');
SELECT (SELECT count(*) FROM reporunner.workflow WHERE id = :flip_id) AS workflows,
	   (SELECT count(*) FROM reporunner.workflow_version WHERE workflow_id = :flip_id) AS versions,
	   (SELECT count(*) FROM reporunner.node WHERE workflow_id = :flip_id) AS nodes,
	   (SELECT count(*) FROM reporunner.edge WHERE workflow_id = :flip_id) AS edges;
SELECT reporunner.delete_workflow('flip');

-- the name can be used again and starts from version 1
SELECT reporunner.save_workflow('flip', :'b');
SELECT reporunner.delete_workflow('flip');
SELECT reporunner.delete_workflow('dormant');

-- the active version must exist: checked even for direct updates
UPDATE reporunner.workflow SET active_version = 42 WHERE name = 'orders';
-- a tenant too: it may point its workflow at one of its versions only; it
-- may insert a workflow row directly, but not choose its id
CREATE ROLE rr_tenant;
SET ROLE rr_tenant;
SELECT reporunner.save_workflow('mine', :'a');
SELECT reporunner.save_workflow('mine', :'b');
UPDATE reporunner.workflow SET active_version = 1 WHERE name = 'mine';
UPDATE reporunner.workflow SET active_version = 3 WHERE name = 'mine';
SELECT active_version FROM reporunner.workflows WHERE name = 'mine';
INSERT INTO reporunner.workflow (id, owner, name) VALUES (1000, current_user::regrole, 'chosen');
INSERT INTO reporunner.workflow (owner, name) VALUES (current_user::regrole, 'direct');
SELECT name, active_version FROM reporunner.workflows ORDER BY name;
SELECT reporunner.delete_workflow('mine');
SELECT reporunner.delete_workflow('direct');
RESET ROLE;
DROP ROLE rr_tenant;

-- the owner of a workflow with versions cannot change, not even for a
-- superuser: every copy of the owner column stays in step
CREATE ROLE rr_other;
UPDATE reporunner.workflow SET owner = 'rr_other'::regrole WHERE name = 'orders';
DROP ROLE rr_other;

-- direct inserts obey the same name rules as save_workflow
\set VERBOSITY terse
INSERT INTO reporunner.workflow (owner, name) VALUES ('pg_database_owner'::regrole, E'bad\nname');
INSERT INTO reporunner.workflow (owner, name) VALUES ('pg_database_owner'::regrole, '');
\set VERBOSITY default
