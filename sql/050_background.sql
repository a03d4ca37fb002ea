--
-- Background execution: start() queues, a worker runs it step by step,
-- wait_for() waits for the end.
--
-- reach_status(execution, status): waits until the execution has that status
CREATE FUNCTION pg_temp.reach_status(target bigint, wanted text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	now_status text;
BEGIN
	FOR i IN 1..2000 LOOP
		SELECT e.status INTO now_status FROM reporunner.execution e WHERE e.id = target;
		EXIT WHEN now_status = wanted;
		PERFORM pg_sleep(0.01);
	END LOOP;
	RETURN now_status;
END
$$;

CREATE TABLE bg_ledger (execution bigint, step text, at timestamptz DEFAULT now(),
						PRIMARY KEY (execution, step));
SELECT reporunner.save_workflow('bg', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}},
	{"name": "Record", "type": "sql", "params": {"query": "INSERT INTO bg_ledger (execution, step) VALUES ($1, $2) RETURNING step", "args": ["{{ $execution.id }}", "record"], "mode": "once"}},
	{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.step == \"record\" }}"}}],
	"connections": [{"from": "Start", "to": "Total"}, {"from": "Total", "to": "Record"}, {"from": "Record", "to": "Big?"}]}');

-- start() returns at once; a worker runs the execution after the commit
SELECT reporunner.start('bg', '[{"price": 2, "qty": 3}]') AS id \gset
SELECT status IN ('queued', 'running', 'succeeded') AS accepted FROM reporunner.executions WHERE id = :id;
SELECT status, mode, output, error FROM reporunner.wait_for(:id, '30s');
SELECT s.node, s.status FROM reporunner.step s
JOIN reporunner.execution e ON e.id = s.execution_id
JOIN reporunner.node n ON n.workflow_id = e.workflow_id AND n.version = e.version AND n.name = s.node
WHERE s.execution_id = :id ORDER BY n.position;
SELECT count(*) AS ledger_rows FROM bg_ledger WHERE execution = :id;
SELECT count(*) AS queued FROM reporunner.queue;

-- a rolled-back start() leaves nothing
BEGIN;
SELECT reporunner.start('bg', '[{"price": 1, "qty": 1}]') AS rolled_back \gset
ROLLBACK;
SELECT count(*) AS executions FROM reporunner.execution WHERE id = :rolled_back;
SELECT count(*) AS queued FROM reporunner.queue;

-- the same idempotency key returns the same execution
SELECT reporunner.start('bg', '[{"price": 1, "qty": 1}]', '{"idempotency_key": "order-7"}') AS first \gset
SELECT reporunner.start('bg', '[{"price": 9, "qty": 9}]', '{"idempotency_key": "order-7"}') = :first AS same;
SELECT status FROM reporunner.wait_for(:first);
SELECT count(*) AS executions_with_key FROM reporunner.execution WHERE idempotency_key = 'order-7';

-- a failing step fails the execution, with the step and the SQLSTATE
SELECT reporunner.save_workflow('bg_fail', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Divide", "type": "sql", "params": {"query": "SELECT 1 / 0 AS x", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Divide"}]}');
SELECT reporunner.start('bg_fail', '[{}]') AS failing \gset
SELECT status, error ->> 'sqlstate' AS sqlstate, error ->> 'node' AS node, error ->> 'message' AS message
FROM reporunner.wait_for(:failing);
SELECT node, status, error ->> 'sqlstate' AS sqlstate FROM reporunner.step WHERE execution_id = :failing ORDER BY node;

-- workers claim executions in batches and run pure ones in one transaction:
-- one failing in a batch neither loses nor repeats the others, and its
-- journal keeps the steps it ran before failing
SELECT reporunner.save_workflow('bg_batch', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"n2": "{{ $json.n * 2 }}"}}},
	{"name": "Unlucky?", "type": "if", "params": {"condition": "{{ $json.n % 7 == 3 }}"}},
	{"name": "Fail", "type": "stop_and_error", "params": {"message": "unlucky {{ $json.n }}"}},
	{"name": "Done", "type": "noop"}],
	"connections": [{"from": "Start", "to": "Double"}, {"from": "Double", "to": "Unlucky?"},
	                {"from": "Unlucky?", "output": "true", "to": "Fail"},
	                {"from": "Unlucky?", "output": "false", "to": "Done"}]}');
SELECT count(reporunner.start('bg_batch', jsonb_build_array(jsonb_build_object('n', i))))
FROM generate_series(1, 60) AS i;
SELECT count(w.status) AS ended FROM reporunner.executions e,
	LATERAL reporunner.wait_for(e.id, '30s') AS w
WHERE e.workflow = 'bg_batch' AND w.status IN ('succeeded', 'failed');
SELECT status, count(*), sum((input -> 0 ->> 'n')::int) AS sum_n,
	bool_and(CASE status WHEN 'failed' THEN error ->> 'message' LIKE '%: unlucky ' || (input -> 0 ->> 'n')
	                     ELSE output = jsonb_build_array(input -> 0 || jsonb_build_object('n2', 2 * (input -> 0 ->> 'n')::int)) END) AS right_result
FROM reporunner.executions WHERE workflow = 'bg_batch' GROUP BY status ORDER BY status;
SELECT s.node, s.status, count(*) AS steps FROM reporunner.step s
JOIN reporunner.executions e ON e.id = s.execution_id
WHERE e.workflow = 'bg_batch' AND e.status = 'failed' GROUP BY 1, 2 ORDER BY 1;

-- a delayed start waits its turn; wait_for gives up after its timeout
SELECT reporunner.start('bg', '[{"price": 1, "qty": 1}]', '{"delay": "1h"}') AS later \gset
SELECT status FROM reporunner.wait_for(:later, '200ms');
DELETE FROM reporunner.queue WHERE execution_id = :later;

-- retries: a failing node runs again after its delay, growing by backoff;
-- each failed attempt is recorded in the step
CREATE SEQUENCE flaky_attempts;
SELECT reporunner.save_workflow('bg_flaky', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Flaky", "type": "sql", "retry": {"tries": 5, "delay": "100ms", "backoff": 2},
	 "params": {"query": "SELECT 10 / (CASE WHEN nextval(''flaky_attempts'') < 3 THEN 0 ELSE 1 END) AS ok", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Flaky"}]}');
SELECT reporunner.start('bg_flaky', '[{}]') AS flaky \gset
SELECT status, output FROM reporunner.wait_for(:flaky);
SELECT node, status, attempt, jsonb_array_length(attempts) AS failed_attempts
FROM reporunner.step WHERE execution_id = :flaky AND node = 'Flaky';
SELECT a ->> 'attempt' AS attempt, a -> 'error' ->> 'sqlstate' AS sqlstate,
	   (a ->> 'retry_at')::timestamptz - (a ->> 'failed_at')::timestamptz
		 BETWEEN interval '100 ms' * power(2, (a ->> 'attempt')::int - 1)
			 AND interval '100 ms' * power(2, (a ->> 'attempt')::int - 1) + interval '1 s' AS backoff_as_configured
FROM reporunner.step, jsonb_array_elements(attempts) AS a
WHERE execution_id = :flaky AND node = 'Flaky';

-- tries run out: the execution fails with the last error
SELECT reporunner.save_workflow('bg_flaky', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Flaky", "type": "sql", "retry": {"tries": 2, "delay": "10ms"},
	 "params": {"query": "SELECT 1 / 0 AS never", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Flaky"}]}');
SELECT reporunner.start('bg_flaky', '[{}]') AS exhausted \gset
SELECT status, error ->> 'sqlstate' AS sqlstate FROM reporunner.wait_for(:exhausted);
SELECT status, attempt, jsonb_array_length(attempts) AS failed_attempts
FROM reporunner.step WHERE execution_id = :exhausted AND node = 'Flaky';
DROP SEQUENCE flaky_attempts;

-- cancel(): a queued execution is canceled at once, and only once
SELECT reporunner.start('bg', '[{"price": 1, "qty": 1}]', '{"delay": "1h"}') AS to_cancel \gset
SELECT reporunner.cancel(:to_cancel) AS canceled;
SELECT reporunner.cancel(:to_cancel) AS canceled_again;
SELECT status, finished_at IS NOT NULL AS finished FROM reporunner.executions WHERE id = :to_cancel;
SELECT count(*) AS queued FROM reporunner.queue WHERE execution_id = :to_cancel;
-- a running execution is interrupted at once, even inside a long sql step
SELECT reporunner.save_workflow('bg_slow', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Sleep", "type": "sql", "params": {"query": "SELECT pg_sleep(60) IS NULL AS slept", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Sleep"}]}');
SELECT reporunner.start('bg_slow', '[{}]') AS slow \gset
SELECT pg_temp.reach_status(:slow, 'running');
SELECT pg_sleep(0.2);
SELECT reporunner.cancel(:slow) AS canceled;
SELECT status, finished_at - started_at < interval '30 s' AS promptly FROM reporunner.wait_for(:slow, '30s');
SELECT count(*) AS steps_of_the_canceled_run FROM reporunner.step WHERE execution_id = :slow AND node = 'Sleep';
SELECT reporunner.delete_workflow('bg_slow');
SELECT reporunner.cancel(-1);

-- wait nodes: the execution leaves the queue and comes back on time
SELECT reporunner.save_workflow('bg_wait', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Pause", "type": "wait", "params": {"for": "300ms"}},
	{"name": "After", "type": "set", "params": {"fields": {"after": true}}}],
	"connections": [{"from": "Start", "to": "Pause"}, {"from": "Pause", "to": "After"}]}');
SELECT reporunner.start('bg_wait', '[{"n": 1}]') AS paused \gset
SELECT status, output, finished_at - started_at >= interval '300 ms' AS waited
FROM reporunner.wait_for(:paused);
SELECT node, status FROM reporunner.step WHERE execution_id = :paused AND node = 'Pause';

-- wait for resume(): the payload becomes the waiting node's output
SELECT reporunner.save_workflow('bg_approve', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Approval", "type": "wait", "params": {"resume": true}},
	{"name": "Approved", "type": "set", "params": {"fields": {"approved": true}}}],
	"connections": [{"from": "Start", "to": "Approval"}, {"from": "Approval", "to": "Approved"}]}');
SELECT reporunner.start('bg_approve', '[{"order": 7}]') AS approval \gset
SELECT pg_temp.reach_status(:approval, 'waiting');
SELECT count(*) AS queued_while_waiting FROM reporunner.queue WHERE execution_id = :approval;
SELECT reporunner.resume(:approval, '{"by": "alice"}') AS resumed;
SELECT status, output FROM reporunner.wait_for(:approval);
SELECT reporunner.resume(:approval) AS resumed_again;
-- without a payload, the node passes its own input on
SELECT reporunner.start('bg_approve', '[{"order": 8}]') AS approval2 \gset
SELECT pg_temp.reach_status(:approval2, 'waiting');
SELECT reporunner.resume(:approval2) AS resumed;
SELECT status, output FROM reporunner.wait_for(:approval2);
-- a waiting execution can be canceled
SELECT reporunner.start('bg_approve', '[{"order": 9}]') AS approval3 \gset
SELECT pg_temp.reach_status(:approval3, 'waiting');
SELECT reporunner.cancel(:approval3) AS canceled;
SELECT status FROM reporunner.wait_for(:approval3);
-- execute() cannot pause
SELECT reporunner.execute('bg_wait', '[{}]', '{"save": "none"}');
-- a wait node needs exactly one of for, until, resume: refused when saved,
-- so that no execution (or error workflow) can meet it in a worker
SELECT reporunner.save_workflow('bg_bad_wait', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "W", "type": "wait", "params": {"for": "1s", "resume": true}}],
	"connections": [{"from": "Start", "to": "W"}]}');
SELECT count(*) AS saved FROM reporunner.workflow WHERE name = 'bg_bad_wait';

-- retry(): a failed execution runs again from its failed step, reusing
-- what succeeded before it
CREATE TABLE bg_switch (fail boolean);
INSERT INTO bg_switch VALUES (true);
CREATE TABLE bg_records (execution bigint, node text);
SELECT reporunner.save_workflow('bg_retry', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Record", "type": "sql", "params": {"query": "INSERT INTO bg_records VALUES ($1, ''Record'') RETURNING node", "args": ["{{ $execution.id }}"], "mode": "once"}},
	{"name": "Check", "type": "sql", "params": {"query": "SELECT 1 / (CASE WHEN fail THEN 0 ELSE 1 END) AS ok FROM bg_switch", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Record"}, {"from": "Record", "to": "Check"}]}');
SELECT reporunner.start('bg_retry', '[{}]') AS to_retry \gset
SELECT status, error ->> 'node' AS node FROM reporunner.wait_for(:to_retry);
UPDATE bg_switch SET fail = false;
SELECT reporunner.retry(:to_retry) AS retried \gset
SELECT status, mode, parent_id = :to_retry AS child, attempt, output FROM reporunner.wait_for(:retried);
SELECT count(*) AS records FROM bg_records;
-- from a named node: that node and those after it run again
SELECT reporunner.retry(:to_retry, 'Record') AS retried_from \gset
SELECT status, output FROM reporunner.wait_for(:retried_from);
SELECT count(*) AS records FROM bg_records;
-- (ids vary with the tests before this one: they are masked)
SELECT regexp_replace(regress.try(format('SELECT reporunner.retry(%s)', :retried)),
					  'execution \d+', 'execution N') AS retry_succeeded;
SELECT regexp_replace(regress.try(format('SELECT reporunner.retry(%s, %L)', :to_retry, 'Nope')),
					  'execution \d+', 'execution N') AS retry_unknown_node;
DROP TABLE bg_switch, bg_records;

-- an error workflow starts when an execution fails, with the failure as input
SELECT reporunner.save_workflow('bg_alerts', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Seen", "type": "noop"}], "connections": [{"from": "Start", "to": "Seen"}]}');
SELECT reporunner.save_workflow('bg_fail2', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Divide", "type": "sql", "params": {"query": "SELECT 1 / 0 AS x", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Divide"}],
	"settings": {"error_workflow": "bg_alerts"}}');
SELECT reporunner.start('bg_fail2', '[{"order": 1}]') AS failing2 \gset
SELECT status FROM reporunner.wait_for(:failing2);
SELECT id AS alert FROM reporunner.execution WHERE parent_id = :failing2 \gset
SELECT status, workflow, input -> 0 ->> 'workflow' AS failed_workflow, input -> 0 ->> 'node' AS node,
	   input -> 0 -> 'error' ->> 'sqlstate' AS sqlstate,
	   (input -> 0 ->> 'execution')::bigint = :failing2 AS links_back
FROM reporunner.wait_for(:alert);

SELECT mode FROM reporunner.executions WHERE id = :alert;
-- an error workflow that fails starts no error workflow of its own, so two
-- naming each other cannot loop
SELECT reporunner.save_workflow('bg_loop_a', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Fail", "type": "stop_and_error", "params": {"message": "a failed"}}],
	"connections": [{"from": "Start", "to": "Fail"}], "settings": {"error_workflow": "bg_loop_b"}}');
SELECT reporunner.save_workflow('bg_loop_b', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Fail", "type": "stop_and_error", "params": {"message": "b failed"}}],
	"connections": [{"from": "Start", "to": "Fail"}], "settings": {"error_workflow": "bg_loop_a"}}');
SELECT reporunner.start('bg_loop_a', '[{}]') AS loop_a \gset
SELECT status FROM reporunner.wait_for(:loop_a);
SELECT id AS loop_b FROM reporunner.execution WHERE parent_id = :loop_a \gset
SELECT status, mode, input -> 0 ->> 'workflow' AS failed_workflow FROM reporunner.wait_for(:loop_b);
SELECT pg_sleep(0.3);
SELECT count(*) AS started_by_the_failed_error_workflow FROM reporunner.execution WHERE parent_id = :loop_b;
SELECT reporunner.delete_workflow('bg_loop_a');
SELECT reporunner.delete_workflow('bg_loop_b');

-- settings.concurrency: excess executions stay queued; runs never overlap
CREATE TABLE bg_spans (execution bigint PRIMARY KEY, started timestamptz, ended timestamptz);
SELECT reporunner.save_workflow('bg_one_at_a_time', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Begin", "type": "sql", "params": {"query": "INSERT INTO bg_spans VALUES ($1, clock_timestamp()) RETURNING execution", "args": ["{{ $execution.id }}"], "mode": "once"}},
	{"name": "End", "type": "sql", "params": {"query": "UPDATE bg_spans SET ended = clock_timestamp() FROM pg_sleep(0.1) WHERE execution = $1", "args": ["{{ $execution.id }}"], "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Begin"}, {"from": "Begin", "to": "End"}],
	"settings": {"concurrency": 1}}');
SELECT reporunner.start('bg_one_at_a_time', '[{}]') AS c1 \gset
SELECT reporunner.start('bg_one_at_a_time', '[{}]') AS c2 \gset
SELECT reporunner.start('bg_one_at_a_time', '[{}]') AS c3 \gset
SELECT (SELECT status FROM reporunner.wait_for(:c1)), (SELECT status FROM reporunner.wait_for(:c2)),
	   (SELECT status FROM reporunner.wait_for(:c3));
SELECT count(*) AS overlapping FROM bg_spans a JOIN bg_spans b
	ON a.execution < b.execution AND a.started < b.ended AND b.started < a.ended;
SELECT count(*) AS runs FROM bg_spans;
DROP TABLE bg_spans;

-- retention: finished executions and their steps go
SELECT reporunner.prune_executions('0 seconds') > 0 AS pruned;
SELECT count(*) AS finished_left FROM reporunner.execution WHERE finished_at IS NOT NULL;
SELECT count(*) AS steps_left FROM reporunner.step s
WHERE NOT EXISTS (SELECT FROM reporunner.execution e WHERE e.id = s.execution_id);
CREATE ROLE rr_pruner;
SET ROLE rr_pruner;
SELECT reporunner.prune_executions('0 seconds');
RESET ROLE;
DROP ROLE rr_pruner;

-- tenancy in the workers: node code runs as the workflow's owner, so a
-- tenant's workflow sees only its rows; a dropped owner fails the run
CREATE ROLE bg_tenant_a LOGIN;
CREATE ROLE bg_tenant_b LOGIN;
SET ROLE bg_tenant_b;
SELECT reporunner.save_workflow('bg_mine', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
RESET ROLE;
SET ROLE bg_tenant_a;
SELECT reporunner.save_workflow('bg_mine', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Who", "type": "sql", "params": {"query": "SELECT current_user AS who, (SELECT count(*) FROM reporunner.workflow) AS visible", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Who"}]}');
SELECT reporunner.start('bg_mine', '[{}]') AS mine \gset
SELECT reporunner.start('bg_mine', '[{}]', '{"delay": "3s"}') AS orphaned \gset
RESET ROLE;
SELECT status, output FROM reporunner.wait_for(:mine);
SELECT count(*) AS all_workflows_for_the_superuser FROM reporunner.workflow WHERE name = 'bg_mine';
DELETE FROM reporunner.workflow WHERE name = 'bg_mine' AND owner = 'bg_tenant_b'::regrole;
DROP ROLE bg_tenant_b;
-- here DROP ROLE refuses a role that owns workflows; from a database
-- without them it cannot tell
DROP ROLE bg_tenant_a;
\c postgres
DROP ROLE bg_tenant_a;
\c contrib_regression
SELECT status, error ->> 'message' AS message FROM reporunner.wait_for(:orphaned);
DELETE FROM reporunner.workflow WHERE name = 'bg_mine';

-- identity: workers act as an owner only while it may log in, or is a team
-- role (a direct member of reporunner_team); else the run fails with 28000
-- before any node runs
CREATE ROLE bg_person LOGIN;
CREATE ROLE bg_team NOLOGIN;
\set who_workflow '{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Who", "type": "sql", "params": {"query": "SELECT current_user AS who", "mode": "once"}}], "connections": [{"from": "Start", "to": "Who"}]}'
SET ROLE bg_person;
SELECT reporunner.save_workflow('bg_who', :'who_workflow');
SELECT reporunner.start('bg_who', '[{}]') AS person_ok \gset
SET ROLE bg_team;
SELECT reporunner.save_workflow('bg_who', :'who_workflow');
SELECT reporunner.start('bg_who', '[{}]') AS team_refused \gset
RESET ROLE;
SELECT status, output FROM reporunner.wait_for(:person_ok);
SELECT status, error ->> 'sqlstate' AS sqlstate, error ->> 'message' AS message
FROM reporunner.wait_for(:team_refused);
SELECT count(*) AS steps_run FROM reporunner.step WHERE execution_id = :team_refused;
GRANT reporunner_team TO bg_team;
SET ROLE bg_team;
SELECT reporunner.start('bg_who', '[{}]') AS team_ok \gset
RESET ROLE;
SELECT status, output FROM reporunner.wait_for(:team_ok);
-- revoking LOGIN stops the person's runs; being in a team role does not
-- make up for it (only direct membership of reporunner_team counts)
ALTER ROLE bg_person NOLOGIN;
GRANT bg_team TO bg_person;
SET ROLE bg_person;
SELECT reporunner.start('bg_who', '[{}]') AS person_revoked \gset
RESET ROLE;
SELECT status, error ->> 'sqlstate' AS sqlstate, error ->> 'message' AS message
FROM reporunner.wait_for(:person_revoked);
SELECT count(*) AS steps_run FROM reporunner.step WHERE execution_id = :person_revoked;
DELETE FROM reporunner.workflow WHERE name = 'bg_who';
REVOKE reporunner_team FROM bg_team;
DROP ROLE bg_person;
DROP ROLE bg_team;

-- bad calls
SELECT reporunner.start('nope');
SELECT reporunner.start('bg', '[1]');
SELECT reporunner.start('bg', '[]', '{"save": "none"}');
SELECT reporunner.start('bg', '[]', '{"delay": "soon"}');
SELECT reporunner.start('bg', '[]', '{"idempotency_key": ""}');
SELECT reporunner.wait_for(-1);

SELECT reporunner.delete_workflow('bg');
SELECT reporunner.delete_workflow('bg_fail');
SELECT reporunner.delete_workflow('bg_flaky');
SELECT reporunner.delete_workflow('bg_wait');
SELECT reporunner.delete_workflow('bg_approve');
SELECT reporunner.delete_workflow('bg_alerts');
SELECT reporunner.delete_workflow('bg_retry');
SELECT reporunner.delete_workflow('bg_fail2');
SELECT reporunner.delete_workflow('bg_one_at_a_time');
DROP TABLE bg_ledger;
