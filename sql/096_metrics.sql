--
-- Metrics for Prometheus: metrics() in the text exposition format, over
-- metric_samples(); each role counts the workflows it may see.
--
SET client_min_messages TO warning;

CREATE ROLE metrics_tenant LOGIN;
CREATE ROLE metrics_other LOGIN;
CREATE ROLE metrics_admin LOGIN IN ROLE reporunner_admin;
CREATE SEQUENCE metrics_attempts;
GRANT USAGE ON SEQUENCE metrics_attempts TO metrics_tenant;
CREATE TABLE metrics_orders (id int);
GRANT INSERT ON metrics_orders TO metrics_other;
ALTER TABLE metrics_orders OWNER TO metrics_other;

-- a workflow whose name needs escaping: three that succeed, two that fail
SET ROLE metrics_tenant;
SELECT reporunner.save_workflow(E'orders "EU" \\ main', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Ok?", "type": "if", "params": {"condition": "{{ $json.ok }}"}},
	{"name": "Done", "type": "noop"},
	{"name": "Reject", "type": "stop_and_error", "params": {"message": "not ok"}}],
	"connections": [
	{"from": "Start", "to": "Ok?"},
	{"from": "Ok?", "output": "true", "to": "Done"},
	{"from": "Ok?", "output": "false", "to": "Reject"}]}');
SELECT reporunner.execute(E'orders "EU" \\ main', '[{"ok": true}]', '{"save": "all"}') IS NOT NULL AS succeeded
FROM generate_series(1, 3);
SELECT regress.try($$SELECT reporunner.execute(E'orders "EU" \\ main', '[{"ok": false}]', '{"save": "all"}')$$)
FROM generate_series(1, 2);
-- a background execution whose sql node fails twice and is retried
SELECT reporunner.save_workflow('metrics_flaky', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Flaky", "type": "sql", "retry": {"tries": 5, "delay": "10ms"},
	 "params": {"query": "SELECT 10 / (CASE WHEN nextval(''metrics_attempts'') < 3 THEN 0 ELSE 1 END) AS ok", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Flaky"}]}');
SELECT reporunner.start('metrics_flaky', '[{}]') AS flaky \gset
SELECT status FROM reporunner.wait_for(:flaky);
-- and one that is still queued, due in an hour
SELECT reporunner.start('metrics_flaky', '[{}]', '{"delay": "1h"}') IS NOT NULL AS queued;

-- another tenant's workflow, started by a table trigger
SET ROLE metrics_other;
SELECT reporunner.save_workflow('metrics_other_flow', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.on_table('metrics_other_flow', 'metrics_orders', '{insert}') AS trigger_id \gset
INSERT INTO metrics_orders VALUES (1);
SELECT regress.until($$SELECT count(*) = 1 FROM reporunner.executions
					   WHERE workflow = 'metrics_other_flow' AND status = 'succeeded'$$) AS ran;
RESET ROLE;

-- known durations: 0.02 s, 0.2 s, 2 s, 20 s and 200 s in the order the
-- executions were made, and 3 s for the retried one
UPDATE reporunner.execution e SET finished_at = e.started_at + 0.02 * 10 ^ (d.n - 1) * interval '1 second'
FROM (SELECT x.id, row_number() OVER (ORDER BY x.id) AS n
	  FROM reporunner.execution x JOIN reporunner.workflow w ON w.id = x.workflow_id
	  WHERE w.name = E'orders "EU" \\ main') d
WHERE e.id = d.id;
UPDATE reporunner.execution e SET finished_at = e.started_at + interval '3 seconds'
FROM reporunner.workflow w
WHERE w.id = e.workflow_id AND w.name IN ('metrics_flaky', 'metrics_other_flow')
  AND e.finished_at IS NOT NULL;

-- the tenant's metrics: its own workflows, the queue's and the workers'
-- numbers (which change from run to run: only whether they are there)
SET ROLE metrics_tenant;
SELECT regexp_replace(line, '^(reporunner_(queue_oldest_age_seconds|workers_running)) .*$', '\1 <n>') AS line
FROM regexp_split_to_table(reporunner.metrics(), E'\n') WITH ORDINALITY AS l(line, n)
ORDER BY n;

-- every count of executions is that of the table, by workflow and status
SELECT count(*) AS differences FROM (
	(SELECT workflow, status, value::bigint FROM reporunner.metric_samples()
	 WHERE metric = 'reporunner_executions_created' AND value > 0
	 EXCEPT
	 SELECT workflow, status, count(*) FROM reporunner.executions GROUP BY 1, 2)
	UNION ALL
	(SELECT workflow, status, count(*) FROM reporunner.executions GROUP BY 1, 2
	 EXCEPT
	 SELECT workflow, status, value::bigint FROM reporunner.metric_samples()
	 WHERE metric = 'reporunner_executions_created')) d;
-- the histogram's count and sum are those of the finished executions
SELECT s.workflow, s.value AS histogram_count, c.n AS finished, round(m.value::numeric, 2) AS histogram_sum
FROM reporunner.metric_samples() s
	 JOIN reporunner.metric_samples() m ON m.workflow = s.workflow
		AND m.metric = 'reporunner_execution_duration_seconds_sum'
	 JOIN (SELECT workflow, count(*) AS n FROM reporunner.executions
		   WHERE finished_at IS NOT NULL GROUP BY 1) c ON c.workflow = s.workflow
WHERE s.metric = 'reporunner_execution_duration_seconds_count'
ORDER BY 1;

-- a window that has none of them: zeros, and still every series
SELECT metric, workflow, status, le, value FROM reporunner.metric_samples('0 seconds')
WHERE workflow = 'metrics_flaky' AND (metric <> 'reporunner_execution_duration_seconds_bucket' OR le = 'Infinity')
ORDER BY 1, 3;
SELECT count(*) FILTER (WHERE value <> 0) AS nonzero, count(*) AS samples
FROM reporunner.metric_samples(NULL)
WHERE metric IN ('reporunner_executions_created', 'reporunner_workflow_retries', 'reporunner_trigger_firings')
   OR metric LIKE 'reporunner\_execution\_duration\_seconds\_%';

-- the other tenant sees only its own workflow, with its trigger's firing
SET ROLE metrics_other;
SELECT regexp_replace(line, 'trigger="[0-9]+"', 'trigger="<id>"') AS line
FROM regexp_split_to_table(reporunner.metrics(), E'\n') AS line
WHERE line LIKE '%workflow=%' AND line NOT LIKE '%_bucket%' AND line NOT LIKE '% 0';
SELECT metric, workflow, owner, trigger_id = :trigger_id AS trigger_ok, trigger_kind, value
FROM reporunner.metric_samples() WHERE metric = 'reporunner_trigger_firings';

-- an administrator sees every tenant's
SET ROLE metrics_admin;
SELECT workflow, owner, sum(value) AS executions FROM reporunner.metric_samples()
WHERE metric = 'reporunner_executions_created' GROUP BY 1, 2 ORDER BY 1;
RESET ROLE;

-- HTTP counters (shared memory, not undone by a rollback): two requests
-- the SSRF guard refused (127.0.0.1) and one to an allowed address where
-- nothing listens, counted for their workflow's owner
GRANT reporunner_http TO metrics_tenant;
SET reporunner.http_allow = '127.0.0.2/32';
SET ROLE metrics_tenant;
SELECT reporunner.save_workflow('metrics_http', regress.node_doc('http',
	'{"url": "{{ $json.url }}", "method": "POST", "timeout": "5s"}')) AS saved;
SELECT left(regress.try(format('SELECT reporunner.execute(%L, %L)', 'metrics_http', i)), 5) AS sqlstate
FROM (VALUES ('{"url": "http://127.0.0.1:1/a"}'), ('{"url": "http://127.0.0.1:1/b"}'),
			 ('{"url": "http://127.0.0.2:1/c"}')) t(i);
SELECT method, outcome, requests, received_bytes FROM reporunner.http_stats() ORDER BY 1, 2;
SELECT line FROM regexp_split_to_table(reporunner.metrics(), E'\n') AS line
WHERE line LIKE 'reporunner\_http\_%' ORDER BY 1;
-- the other tenant sees none of them
SET ROLE metrics_other;
SELECT count(*) AS http_rows FROM reporunner.http_stats();
SELECT count(*) AS http_lines FROM regexp_split_to_table(reporunner.metrics(), E'\n') AS line
WHERE line LIKE 'reporunner\_http\_%' AND line NOT LIKE '#%';
SET ROLE metrics_tenant;
SELECT reporunner.delete_workflow('metrics_http');
RESET ROLE;
RESET reporunner.http_allow;

SET ROLE metrics_other;
SELECT reporunner.delete_workflow('metrics_other_flow');
SET ROLE metrics_tenant;
SELECT reporunner.delete_workflow(w) FROM unnest(ARRAY[E'orders "EU" \\ main', 'metrics_flaky']) AS w;
RESET ROLE;
DROP TABLE metrics_orders;
DROP SEQUENCE metrics_attempts;
DROP ROLE metrics_tenant;
DROP ROLE metrics_other;
DROP ROLE metrics_admin;
