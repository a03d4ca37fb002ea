--
-- Schedules: reporunner.on_schedule() makes a pg_cron job whose command is
-- fixed text; fire_schedule() queues one execution per tick.  (The
-- schedules here never come due while the test runs; test/t/011 waits for
-- a real tick.)
--
SET client_min_messages TO warning;
SELECT reporunner.save_workflow('nightly', '{"nodes": [{"name": "Start", "type": "trigger"}]}');

-- without pg_cron in this database: a clear error, nothing registered
SELECT reporunner.on_schedule('nightly', '0 3 * * *');
SELECT count(*) AS registrations FROM reporunner.trigger;

CREATE EXTENSION pg_cron;
-- bad input: nothing registered, no job
SELECT reporunner.on_schedule('nightly', 'every night');
-- six fields (seconds first): pg_cron 1.4 would read the first five
SELECT reporunner.on_schedule('nightly', '*/5 * * * * *');
SELECT reporunner.on_schedule('nightly', '0 3 * *');
SELECT reporunner.on_schedule('nightly', '61 * * * *');
SELECT reporunner.on_schedule('nightly', '*/5 * * * * 30 seconds');
SELECT reporunner.on_schedule('nightly', '0 3 * * *', '"text"');
SELECT reporunner.on_schedule('nightly', '0 3 * * *', '[1, 2]');
SELECT reporunner.on_schedule('nightly', NULL);
SELECT reporunner.on_schedule('nope', '0 3 * * *');
SELECT count(*) AS registrations FROM reporunner.trigger;
SELECT count(*) AS jobs FROM cron.job;

-- the job runs fixed text naming the registration, as its maker
SELECT reporunner.on_schedule('nightly', '0 0 1 1 *', '[{"report": "yearly"}]') AS yearly \gset
SELECT jobname = 'reporunner_' || :yearly AS named,
	   command = 'SELECT reporunner.fire_schedule(' || :yearly || ')' AS fixed_command,
	   schedule, username = current_user AS as_maker
FROM cron.job;
SELECT kind, target, options FROM reporunner.trigger;

-- a tick queues one execution; a second run of the same tick, the same one
SELECT reporunner.fire_schedule(:yearly) AS first \gset
SELECT reporunner.fire_schedule(:yearly) = :first AS same_execution;
SELECT mode, status IN ('queued', 'running', 'succeeded') AS started, input,
	   idempotency_key LIKE 'schedule ' || :yearly || ' %:00+00:00' AS keyed_by_tick
FROM reporunner.execution;
SELECT kind, workflow, target, executions, last_fired IS NOT NULL AS fired
FROM reporunner.triggers;
SELECT reporunner.fire_schedule(-1);

-- only its maker (or a member) may fire it; for a role that may not see
-- it, it does not exist (its id tells nothing)
CREATE ROLE rr_schedule_other;
SET ROLE rr_schedule_other;
SELECT regexp_replace(regress.try(format($$SELECT reporunner.fire_schedule(%s)$$, :yearly)), 'schedule [0-9]+', 'schedule N') AS refused;
RESET ROLE;
DROP ROLE rr_schedule_other;

-- drop_trigger and delete_workflow take the job with the registration
SELECT reporunner.drop_trigger(:yearly);
SELECT count(*) AS jobs FROM cron.job;
SELECT reporunner.on_schedule('nightly', '0 0 1 1 *') IS NOT NULL AS scheduled;
SELECT count(*) AS jobs FROM cron.job;
SELECT reporunner.delete_workflow('nightly');
SELECT count(*) AS jobs FROM cron.job;
SELECT count(*) AS registrations FROM reporunner.trigger;
-- a job of the same name made by hand is not the schedule's: it stays
SELECT reporunner.save_workflow('nightly', '{"nodes": [{"name": "Start", "type": "trigger"}]}') IS NOT NULL AS saved;
SELECT reporunner.on_schedule('nightly', '0 0 1 1 *') AS sched \gset
SELECT cron.unschedule('reporunner_' || :sched);
SELECT cron.schedule('reporunner_' || :sched, '0 0 1 1 *', 'SELECT 1') > 0 AS hand_made;
SELECT reporunner.drop_trigger(:sched);
SELECT jobname = 'reporunner_' || :sched AS same_name, command FROM cron.job;
SELECT cron.unschedule('reporunner_' || :sched);
SELECT reporunner.delete_workflow('nightly');
DELETE FROM reporunner.execution;
DROP EXTENSION pg_cron;
