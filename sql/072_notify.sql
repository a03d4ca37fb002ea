--
-- NOTIFY triggers: reporunner.on_notify() and its bad inputs, the listener
-- starting one execution per notification (payload as input), the triggers
-- view, drop_trigger() and delete_workflow().  (test/t/012 sends 10,000
-- notifications, restarts the server and breaks the listener's connection.)
--
SET client_min_messages TO warning;
SELECT reporunner.save_workflow('on_event', '{"nodes": [
	{"name": "Event", "type": "trigger"},
	{"name": "Seen", "type": "set", "params": {"fields": {"seen": true}}}],
	"connections": [{"from": "Event", "to": "Seen"}]}');
-- the listener LISTENs on n channels
CREATE FUNCTION pg_temp.listening(n int) RETURNS boolean LANGUAGE sql AS $$
	SELECT regress.until(format($q$SELECT EXISTS (SELECT FROM pg_stat_activity
		WHERE backend_type = 'reporunner listener'
		AND query LIKE 'reporunner: listening on %s channel%%')$q$, n))
$$;
-- n executions have ended
CREATE FUNCTION pg_temp.ended(n int) RETURNS boolean LANGUAGE sql AS $$
	SELECT regress.until(format($q$SELECT count(*) >= %s FROM reporunner.execution
		WHERE status IN ('succeeded', 'failed')$q$, n))
$$;

-- bad input: nothing is registered
SELECT reporunner.on_notify('nope', 'events');
SELECT reporunner.on_notify('on_event', '');
SELECT reporunner.on_notify('on_event', repeat('x', 64));
SELECT reporunner.on_notify('on_event', 'reporunner_execution');
SELECT reporunner.on_notify('on_event', NULL);
SELECT reporunner.on_notify(NULL, 'events');
SELECT count(*) AS registrations FROM reporunner.trigger;

-- channels are taken as pg_notify() takes them: names that need quoting too
SELECT reporunner.on_notify('on_event', 'Order Events') AS spaced \gset
SELECT reporunner.on_notify('on_event', 'say "hi"') AS quoted \gset
SELECT reporunner.on_notify('on_event', repeat('x', 63)) AS longest \gset
SELECT kind, target, options, created_by::regrole = current_user::regrole AS mine
FROM reporunner.trigger ORDER BY id;
SELECT pg_temp.listening(3);

-- one execution per notification: a JSON object is an item, an array of
-- objects the items, anything else {"payload": text}; each gets _trigger
SELECT pg_notify('Order Events', '{"order": 1}');
SELECT pg_notify('Order Events', '[{"order": 2}, {"order": 3}]');
SELECT pg_notify('say "hi"', 'hello');
SELECT pg_notify('say "hi"', '[1, 2]');
SELECT pg_notify(repeat('x', 63), '');
SELECT pg_notify('nobody listens here', 'lost');
SELECT pg_temp.ended(5);
SELECT t.target, e.mode, e.status, e.input #- '{0,_trigger,pid}' #- '{1,_trigger,pid}' AS input,
	   (e.input -> 0 -> '_trigger' ->> 'pid')::int > 0 AS has_pid, e.output -> 0 ->> 'seen' AS seen
FROM reporunner.execution e JOIN reporunner.trigger t ON t.id = e.trigger_id
ORDER BY e.id;
SELECT kind, workflow, target, executions, last_fired IS NOT NULL AS fired
FROM reporunner.triggers ORDER BY id;

-- drop_trigger: the listener stops listening on the channel
SELECT reporunner.drop_trigger(:spaced);
\set VERBOSITY sqlstate
SELECT reporunner.drop_trigger(:spaced);
\set VERBOSITY default
SELECT pg_temp.listening(2);
SELECT target FROM reporunner.triggers ORDER BY id;
DELETE FROM reporunner.execution;

-- a tenant cannot register for another tenant's workflow, nor for one
-- only shared with it; for its own it may
CREATE ROLE rr_notify_tenant LOGIN;
CREATE ROLE rr_notify_other LOGIN;
SET ROLE rr_notify_tenant;
SELECT reporunner.save_workflow('tenant_event', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.on_notify('tenant_event', 'tenant events') IS NOT NULL AS registered;
SELECT reporunner.share_workflow('tenant_event', 'rr_notify_other');
SET ROLE rr_notify_other;
SELECT reporunner.on_notify('tenant_event', 'stolen');
SELECT reporunner.on_notify('on_event', 'stolen');
SELECT count(*) AS visible FROM reporunner.triggers;
RESET ROLE;
SELECT target, owner, created_by FROM reporunner.triggers ORDER BY id;
-- its workflow runs as its owner, for the role that registered it
SELECT pg_temp.listening(3);
SELECT pg_notify('tenant events', '{"from": "anyone"}');
SELECT pg_temp.ended(1);
SELECT status, owner::regrole, created_by::regrole, input -> 0 ->> 'from' AS sent_by
FROM reporunner.execution;

-- delete_workflow takes its NOTIFY triggers with it
SELECT reporunner.delete_workflow('on_event');
SET ROLE rr_notify_tenant;
SELECT reporunner.delete_workflow('tenant_event');
RESET ROLE;
SELECT count(*) AS registrations FROM reporunner.trigger;
DELETE FROM reporunner.execution;
DROP ROLE rr_notify_tenant;
DROP ROLE rr_notify_other;
