--
-- Webhook triggers: reporunner.on_webhook() and its bad inputs (path,
-- options, workflow, credential, a path taken, another tenant's workflow),
-- the triggers view, export and import, drop_trigger().  (test/t/028 sends
-- requests to the listener.)
--
SET client_min_messages TO warning;
SELECT reporunner.save_workflow('on_hook', '{"nodes": [
	{"name": "Request", "type": "trigger"},
	{"name": "Seen", "type": "set", "params": {"fields": {"seen": true}}}],
	"connections": [{"from": "Request", "to": "Seen"}]}');
SELECT reporunner.save_workflow('other_hook', '{"nodes": [{"name": "Request", "type": "trigger"}]}');

-- bad paths: nothing is registered
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', '')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', '/orders')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders/')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'a//b')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', '../etc')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'a b')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', repeat('x', 201))$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', NULL)$$);
-- bad options
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '[]')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"respond": "later"}')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"auth": "oauth"}')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"auth": "github"}')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"credential": "gh"}')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"respond": "when_finished", "timeout": "soon"}')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"colour": "red"}')$$);
-- an unknown workflow
SELECT regress.try($$SELECT reporunner.on_webhook('nope', 'orders')$$);
-- credentials: the owner's, of the type the scheme takes
COPY (SELECT 1 WHERE false) TO PROGRAM 'umask 077 && head -c 32 /dev/urandom > regress_webhook.key';
SET reporunner.key_file = 'regress_webhook.key';
SELECT reporunner.set_credential('token_header', 'header', '{"name": "X-Token", "value": "s3cret"}');
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"auth": "github", "credential": "missing"}')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders', '{"auth": "github", "credential": "token_header"}')$$);
SELECT count(*) AS registrations FROM reporunner.trigger;

-- a path serves one workflow
SELECT reporunner.on_webhook('on_hook', 'orders/paid.v1',
	'{"auth": "header", "credential": "token_header", "respond": "when_finished"}') AS hook \gset
SELECT regress.try($$SELECT reporunner.on_webhook('on_hook', 'orders/paid.v1')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('other_hook', 'orders/paid.v1')$$);
SELECT kind, workflow, target, options, executions FROM reporunner.triggers;

-- export carries it; importing the document again makes nothing new, and
-- another workflow cannot import it while the path is taken
SELECT reporunner.export_workflow('on_hook') -> 'triggers' AS exported;
SELECT reporunner.import_workflow('on_hook', reporunner.export_workflow('on_hook')) > 0 AS imported;
SELECT count(*) AS registrations FROM reporunner.trigger;
SELECT regress.try($$SELECT reporunner.import_workflow('copied_hook', reporunner.export_workflow('on_hook'))$$);
SELECT count(*) AS workflows FROM reporunner.workflow WHERE name = 'copied_hook';

-- a tenant cannot register for another tenant's workflow, nor take its path
CREATE ROLE rr_webhook_tenant LOGIN;
CREATE ROLE rr_webhook_other LOGIN;
SET ROLE rr_webhook_tenant;
SELECT reporunner.save_workflow('tenant_hook', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.on_webhook('tenant_hook', 'tenant') IS NOT NULL AS registered;
SET ROLE rr_webhook_other;
SELECT reporunner.save_workflow('other_tenant_hook', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT regress.try($$SELECT reporunner.on_webhook('tenant_hook', 'stolen')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('other_tenant_hook', 'tenant')$$);
SELECT count(*) AS visible FROM reporunner.triggers;
SET ROLE rr_webhook_tenant;
SELECT reporunner.delete_workflow('tenant_hook');
SET ROLE rr_webhook_other;
SELECT reporunner.delete_workflow('other_tenant_hook');
RESET ROLE;
DROP ROLE rr_webhook_tenant;
DROP ROLE rr_webhook_other;

-- drop_trigger() frees the path
SELECT reporunner.drop_trigger(:hook);
SELECT reporunner.on_webhook('other_hook', 'orders/paid.v1') > 0 AS taken_again;
SELECT reporunner.delete_workflow('on_hook');
SELECT reporunner.delete_workflow('other_hook');
SELECT reporunner.drop_credential('token_header');
RESET reporunner.key_file;
SELECT count(*) AS registrations FROM reporunner.trigger;

-- a path is unique also when the registrations' transactions are
-- REPEATABLE READ: the check under the path's lock reads with the latest
-- snapshot, so it sees a registration that committed after this
-- transaction's snapshot was taken (another session, through dblink)
CREATE EXTENSION dblink;
SELECT dblink_connect('hook_other',
	format('host=%s port=%s dbname=%s user=%s',
		   coalesce(nullif(trim(split_part(current_setting('unix_socket_directories'), ',', 1)), ''), 'localhost'),
		   current_setting('port'), current_database(), current_user));
SELECT reporunner.save_workflow('rr_hook', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) AS registrations_seen FROM reporunner.trigger;
SELECT * FROM dblink('hook_other',
	$$SELECT reporunner.on_webhook('rr_hook', 'same/path') > 0$$) AS t(registered boolean);
SELECT count(*) AS still_seen FROM reporunner.trigger;
SELECT reporunner.on_webhook('rr_hook', 'same/path');
ROLLBACK;
SELECT count(*) AS registrations FROM reporunner.trigger WHERE target = 'same/path';
SELECT dblink_disconnect('hook_other');
DROP EXTENSION dblink;
SELECT reporunner.delete_workflow('rr_hook');
SELECT count(*) AS registrations FROM reporunner.trigger;
