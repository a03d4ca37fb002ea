--
-- What runs now: reporunner.activity shows, per process, the execution
-- and node it runs, to the roles that may act for the workflow's owner;
-- a worker also says so in pg_stat_activity.
--
SET client_min_messages TO warning;

CREATE ROLE activity_tenant LOGIN;
CREATE ROLE activity_other LOGIN;

-- a session running execute(): a node that reads the view sees itself,
-- in the session's own process; a sub-workflow run inline shows over its
-- caller, which shows again once it has returned
SET ROLE activity_tenant;
SELECT reporunner.save_workflow('activity_inner', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Look inside", "type": "sql", "params": {"mode": "once",
	 "query": "SELECT workflow, process, mode, node, execution_id IS NULL AS no_id FROM reporunner.activity WHERE pid = pg_backend_pid()"}}],
	"connections": [{"from": "Start", "to": "Look inside"}]}');
SELECT reporunner.save_workflow('activity_outer', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "execute_workflow", "params": {"workflow": "activity_inner"}},
	{"name": "Inner saw", "type": "noop"},
	{"name": "Look after", "type": "sql", "params": {"mode": "once",
	 "query": "SELECT workflow, process, mode, node, execution_id IS NULL AS no_id FROM reporunner.activity WHERE pid = pg_backend_pid()"}}],
	"connections": [{"from": "Start", "to": "Call"}, {"from": "Call", "to": "Inner saw"},
	{"from": "Call", "to": "Look after"}]}');
SELECT jsonb_pretty(reporunner.execute('activity_inner', '[{}]', '{"save": "none"}'));
SELECT jsonb_pretty(reporunner.execute('activity_outer', '[{}]', '{"save": "none"}'));
-- with a journal, the execution has its id already
SELECT reporunner.execute('activity_inner', '[{}]', '{"save": "all"}') -> 0 -> 'no_id' AS no_id;
-- and nothing once it has ended
SELECT count(*) AS running_now FROM reporunner.activity WHERE pid = pg_backend_pid();

-- a background worker at a node: the node waits for a lock this session
-- holds
RESET ROLE;
SELECT pg_advisory_lock(9301);
SET ROLE activity_tenant;
SELECT reporunner.save_workflow('activity_locked', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Wait for the lock", "type": "sql",
	 "params": {"query": "SELECT pg_advisory_xact_lock(9301) IS NULL AS locked", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Wait for the lock"}]}');
SELECT reporunner.start('activity_locked', '[{}]') AS locked \gset
SELECT regress.until(format('SELECT EXISTS (SELECT FROM reporunner.activity WHERE execution_id = %s AND node = %L)',
							:locked, 'Wait for the lock')) AS at_the_node;
SELECT process, workflow, version, mode, node, owner,
	   pid <> pg_backend_pid() AS another_process,
	   node_started >= execution_started AS node_after_start,
	   node_started <= now() + interval '1 minute' AS node_started_ok
FROM reporunner.activity WHERE execution_id = :locked;

-- pg_stat_activity says the same, once the worker waits for the lock
RESET ROLE;
SELECT regress.until(format('SELECT EXISTS (SELECT FROM pg_stat_activity WHERE wait_event_type = %L'
							' AND pid = (SELECT pid FROM reporunner.activity WHERE execution_id = %s))',
							'Lock', :locked)) AS waiting_for_the_lock;
SELECT backend_type, application_name,
	   query = format('reporunner: workflow "activity_locked" execution %s node "Wait for the lock"', :locked) AS query_says_it,
	   wait_event_type
FROM pg_stat_activity
WHERE pid = (SELECT pid FROM reporunner.activity WHERE execution_id = :locked);

-- another tenant sees nothing of it, through the view or the function
SET ROLE activity_other;
SELECT count(*) AS visible FROM reporunner.activity;
SELECT count(*) AS visible FROM reporunner.activity_entries();
RESET ROLE;
-- an administrator sees it
SELECT count(*) AS visible_to_superuser FROM reporunner.activity WHERE execution_id = :locked;

-- once the node has its lock, the execution ends and leaves the view
SELECT pg_advisory_unlock(9301);
SELECT status FROM reporunner.wait_for(:locked);
SELECT regress.until(format('SELECT NOT EXISTS (SELECT FROM reporunner.activity WHERE execution_id = %s)', :locked)) AS gone;

SET ROLE activity_tenant;
SELECT reporunner.delete_workflow(w)
FROM unnest(ARRAY['activity_inner', 'activity_outer', 'activity_locked']) AS w;
RESET ROLE;
DROP ROLE activity_tenant;
DROP ROLE activity_other;
