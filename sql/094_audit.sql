--
-- The audit log: every audited action, as a tenant (alice), as a team role
-- she acts for with SET ROLE, as an administrator and as a superuser; the
-- rows each role sees; no secret and no item data in any row; a rolled
-- back action leaves no row; tenants cannot insert, change or delete rows;
-- prune_audit().
--
SET client_min_messages TO warning;
CREATE EXTENSION pg_cron;
CREATE ROLE regress_audit_alice LOGIN;
CREATE ROLE regress_audit_bob LOGIN;
CREATE ROLE regress_audit_team NOLOGIN;
GRANT reporunner_team TO regress_audit_team;
GRANT regress_audit_team TO regress_audit_alice;
CREATE ROLE regress_audit_app NOLOGIN;
CREATE ROLE regress_audit_admin LOGIN IN ROLE reporunner_admin;
CREATE ROLE regress_audit_carol LOGIN;
CREATE ROLE regress_audit_dave LOGIN;
CREATE SCHEMA regress_audit AUTHORIZATION regress_audit_alice;
GRANT USAGE ON SCHEMA cron TO regress_audit_alice;
COPY (SELECT 1 WHERE false) TO PROGRAM
	'umask 077 && head -c 32 /dev/urandom > regress_audit_1.key && head -c 32 /dev/urandom > regress_audit_2.key';
SET reporunner.key_file = 'regress_audit_1.key';

-- the rows this test writes, with superusers' names made stable
SELECT coalesce(max(id), 0) AS start FROM reporunner.audit \gset
CREATE FUNCTION regress.audit_role(name text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN r.rolsuper THEN '(superuser)' ELSE name END
	FROM pg_roles r WHERE r.rolname = name
$$;
CREATE VIEW regress.audit_rows WITH (security_invoker = true) AS
SELECT regress.audit_role(session_role) AS session_role,
	   regress.audit_role(acting_role) AS acting_role,
	   regress.audit_role(owner::regrole::text) AS owner,
	   action, object_kind,
	   CASE WHEN object_kind = 'master_key' THEN 'KEY' ELSE object_name END AS object_name,
	   object_id IS NOT NULL AS has_id,
	   from_version AS "from", to_version AS "to",
	   CASE WHEN action = 'rotate_key' THEN details - 'credentials' ELSE details END AS details
FROM reporunner.audit WHERE id > :start ORDER BY id;
GRANT SELECT ON regress.audit_rows TO PUBLIC;

-- alice: workflows, versions, shares, triggers, credentials
SET SESSION AUTHORIZATION regress_audit_alice;
CREATE TABLE regress_audit.orders (id integer, total numeric);
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"}]}');   -- identical: no row
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}]}', false);
SELECT reporunner.activate_version('orders', 2);
SELECT reporunner.activate_version('orders', 2);   -- already active: no row
SELECT reporunner.share_workflow('orders', 'regress_audit_app');
SELECT reporunner.share_workflow('orders', 'regress_audit_app');   -- shared already: no row
SELECT reporunner.unshare_workflow('orders', 'regress_audit_app');
SELECT reporunner.unshare_workflow('orders', 'regress_audit_app');   -- not shared: no row
SELECT reporunner.on_table('orders', 'regress_audit.orders', '{insert,update}', 'row', 'async', '{{ $json.total > 10 }}') > 0 AS table_trigger;
SELECT reporunner.on_notify('orders', 'regress_audit_channel') AS notify_trigger \gset
SELECT reporunner.on_schedule('orders', '0 3 * * *', '[{"note": "ITEM-DATA-CANARY"}]') > 0 AS schedule;
SELECT reporunner.drop_trigger(:notify_trigger);
SELECT reporunner.set_credential('api', 'bearer', '{"token": "SECRET-CANARY-1"}');
SELECT reporunner.set_credential('api', 'basic', '{"user": "u", "password": "SECRET-CANARY-2"}');
SELECT reporunner.drop_credential('api');
SELECT reporunner.set_credential('kept', 'bearer', '{"token": "SECRET-CANARY-3"}');
SELECT reporunner.export_workflow('orders') IS NOT NULL AS exported;   -- a read: no row
-- her own UPDATEs and DELETEs of workflow rows are audited too
UPDATE reporunner.workflow SET name = 'orders_v2' WHERE name = 'orders';
UPDATE reporunner.workflow SET name = 'orders' WHERE name = 'orders_v2';
UPDATE reporunner.workflow SET active_version = NULL WHERE name = 'orders';
UPDATE reporunner.workflow SET active_version = 1 WHERE name = 'orders';
UPDATE reporunner.workflow SET updated_at = now() WHERE name = 'orders';   -- no row
-- import makes the triggers; importing again changes nothing and writes nothing
SELECT reporunner.export_workflow('orders') AS document \gset
SELECT reporunner.import_workflow('copy', :'document');
SELECT reporunner.import_workflow('copy', :'document');
SELECT count(*) AS copy_triggers FROM reporunner.trigger t JOIN reporunner.workflow w ON w.id = t.workflow_id WHERE w.name = 'copy';
DROP TABLE regress_audit.orders;   -- takes its table triggers along
-- acting for the team with SET ROLE: session alice, acting and owner the team
SET ROLE regress_audit_team;
SELECT reporunner.save_workflow('team_flow', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
RESET ROLE;

-- an action rolled back, or failing, leaves no row
SELECT count(*) AS before FROM reporunner.audit \gset
BEGIN;
SELECT reporunner.save_workflow('ghost', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.set_credential('ghost', 'bearer', '{"token": "SECRET-CANARY-4"}');
ROLLBACK;
SELECT regress.try($$SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Bad", "type": "nope"}]}')$$) LIKE '22023%' AS invalid_refused;
SELECT regress.try($$SELECT reporunner.drop_credential('none')$$);
SELECT regress.try($$SELECT reporunner.delete_workflow('none')$$);
SELECT count(*) - :before AS new_rows FROM reporunner.audit;

-- tenants write no row themselves: no INSERT, UPDATE, DELETE or TRUNCATE
SELECT regress.try($$INSERT INTO reporunner.audit (session_role, acting_role, owner, action, object_kind) VALUES ('x', 'x', 'regress_audit_alice'::regrole, 'save', 'workflow') RETURNING id$$);
SELECT regress.try($$INSERT INTO reporunner.audit (session_role, acting_role, owner, action, object_kind) VALUES ('x', 'x', 'regress_audit_bob'::regrole, 'save', 'workflow') RETURNING id$$);
SELECT regress.try($$UPDATE reporunner.audit SET action = 'save' RETURNING id$$);
SELECT regress.try($$DELETE FROM reporunner.audit RETURNING id$$);
SELECT regress.try($$TRUNCATE reporunner.audit$$);
SELECT regress.try($$SELECT reporunner.prune_audit('0')$$);
SELECT count(*) - :before AS new_rows FROM reporunner.audit;
RESET SESSION AUTHORIZATION;

-- an administrator acts on alice's workflow: acting role admin, owner alice
SET SESSION AUTHORIZATION regress_audit_admin;
SELECT reporunner.activate_version('orders', 2);
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "B", "type": "noop"}], "connections": [{"from": "Start", "to": "B"}]}');
SELECT reporunner.delete_workflow('orders');   -- its triggers go with it, without rows of their own
SELECT reporunner.prune_audit('1 day');
RESET SESSION AUTHORIZATION;

-- bob
SET SESSION AUTHORIZATION regress_audit_bob;
SELECT reporunner.save_workflow('bobs', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
RESET SESSION AUTHORIZATION;

-- a superuser: rotating the key, reassigning a role's workflows
SET reporunner.key_file = 'regress_audit_2.key';
SET reporunner.old_key_file = 'regress_audit_1.key';
SELECT reporunner.rotate_key() > 0 AS rotated;
RESET reporunner.old_key_file;
SET SESSION AUTHORIZATION regress_audit_carol;
SELECT reporunner.save_workflow('carols', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
RESET SESSION AUTHORIZATION;
SELECT reporunner.reassign_workflows('regress_audit_carol', 'regress_audit_dave');

-- every row this test wrote
SELECT * FROM regress.audit_rows;
-- nowhere a secret, nor the schedule's items
SELECT count(*) AS leaks FROM reporunner.audit a
WHERE a::text ~ '(SECRET|ITEM-DATA)-CANARY';
SELECT count(*) AS untimed FROM reporunner.audit WHERE id > :start AND (at IS NULL OR at > now());

-- who sees what: each tenant its own rows, the admin theirs and its own,
-- not the superusers' (alice also sees the team's: she is a member)
SET SESSION AUTHORIZATION regress_audit_alice;
SELECT owner, count(*) FROM regress.audit_rows GROUP BY owner ORDER BY owner;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION regress_audit_bob;
SELECT owner, count(*) FROM regress.audit_rows GROUP BY owner ORDER BY owner;
SELECT count(*) AS alices_rows FROM reporunner.audit WHERE owner = 'regress_audit_alice'::regrole;
SELECT regress.try($$UPDATE reporunner.audit SET details = '{}' WHERE owner = 'regress_audit_bob'::regrole RETURNING id$$);
SELECT regress.try($$DELETE FROM reporunner.audit WHERE owner = 'regress_audit_bob'::regrole RETURNING id$$);
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION regress_audit_admin;
SELECT owner, count(*) FROM regress.audit_rows GROUP BY owner ORDER BY owner;
RESET SESSION AUTHORIZATION;

-- not even a superuser updates or truncates rows while the trigger is on;
-- deleting stays possible (this is a log of the API, not tamper-proof)
SELECT regress.try($$UPDATE reporunner.audit SET action = 'save' RETURNING id$$);
SELECT regress.try($$TRUNCATE reporunner.audit$$);

-- prune_audit: the old rows go, and the pruning is audited
SELECT regress.try($$SELECT reporunner.prune_audit('-1 day')$$);
SELECT regress.try($$SELECT reporunner.prune_audit(NULL)$$) IS NULL AS strict;
SELECT reporunner.prune_audit('0') > 0 AS pruned;
SELECT regress.audit_role(acting_role), action, details->'deleted' > '0' AS deleted_some, details->'older_than_seconds' AS older_than_seconds
FROM reporunner.audit ORDER BY id;

-- clean up
SELECT reporunner.delete_workflow(name) FROM reporunner.workflow
WHERE owner IN ('regress_audit_alice'::regrole, 'regress_audit_bob'::regrole,
				'regress_audit_team'::regrole, 'regress_audit_dave'::regrole);
SET SESSION AUTHORIZATION regress_audit_alice;
SELECT reporunner.drop_credential('kept');
RESET SESSION AUTHORIZATION;
DELETE FROM reporunner.audit;
DROP VIEW regress.audit_rows;
DROP FUNCTION regress.audit_role(text);
DROP SCHEMA regress_audit;
DROP EXTENSION pg_cron;
DROP ROLE regress_audit_alice, regress_audit_bob, regress_audit_team, regress_audit_app,
	regress_audit_admin, regress_audit_carol, regress_audit_dave;
COPY (SELECT 1 WHERE false) TO PROGRAM 'rm -f regress_audit_1.key regress_audit_2.key';
