/*
 * Metrics for Prometheus.  metric_samples() is every number, one row per
 * sample; metrics() writes them in the text exposition format 0.0.4, and
 * the queries of docs/prometheus.md read them for
 * prometheus-postgres-exporter.  Both are SQL, inlined into the query that
 * calls them and run as the caller, so row-level security decides whose
 * workflows are counted.
 *
 * Counts of finished executions cover a window (executions created in the
 * last "since", read through execution_workflow_idx, retried steps through
 * step_journal_retried_idx, trigger firings through execution_trigger_idx),
 * never the whole journal: the journal is pruned, so its counts are not
 * counters, and a window keeps the time that of the executions in it.
 * Every arm of the UNION ALL names its family in "metric" as a constant,
 * so that a query which keeps one family (metric = '...', as the
 * exporter's do) plans the other arms away.  The histogram computes each
 * duration once (OFFSET 0 keeps the subquery from being merged into the
 * fourteen FILTERs), as a double (date_part; EXTRACT is numeric).
 * Running executions are the queue's rows a worker holds (ready_at
 * infinity), waiting ones those of execution_wake_idx, each counted once
 * for all workflows, not once per workflow.
 */
CREATE FUNCTION reporunner.metric_samples(since interval DEFAULT '1 hour')
RETURNS TABLE (metric text, workflow text, owner text, status text,
			   trigger_id bigint, trigger_kind text, le double precision,
			   value double precision)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT 'reporunner_executions_created', s.workflow, s.owner::text, c.status,
		   NULL::bigint, NULL::text, NULL::double precision, c.n::double precision
	FROM reporunner.workflow_stats(since) s
		 CROSS JOIN LATERAL (VALUES ('queued', s.queued), ('running', s.running),
									('waiting', s.waiting), ('succeeded', s.succeeded),
									('failed', s.failed), ('canceled', s.canceled)) c(status, n)
	UNION ALL
	SELECT 'reporunner_workflow_retries', s.workflow, s.owner::text, NULL, NULL, NULL, NULL,
		   s.retries::double precision
	FROM reporunner.workflow_stats(since) s
	UNION ALL
	SELECT 'reporunner_execution_duration_seconds' || h.part, w.name,
		   reporunner.owner_name(w.owner)::text, NULL, NULL, NULL, h.le, h.n::double precision
	FROM reporunner.workflow w
		 CROSS JOIN LATERAL (
			SELECT pg_catalog.count(x.d) AS n,
				   COALESCE(pg_catalog.sum(x.d), 0) AS sum,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.005) AS le_0_005,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.01) AS le_0_01,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.025) AS le_0_025,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.05) AS le_0_05,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.1) AS le_0_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.25) AS le_0_25,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 0.5) AS le_0_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 1) AS le_1,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 2.5) AS le_2_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 5) AS le_5,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 10) AS le_10,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 30) AS le_30,
				   pg_catalog.count(*) FILTER (WHERE x.d <= 60) AS le_60
			FROM (SELECT pg_catalog.date_part('epoch', e.finished_at - e.started_at) AS d
				  FROM reporunner.execution e
				  WHERE e.workflow_id = w.id AND e.owner = w.owner
					AND e.created_at >= pg_catalog.now() - since
					AND e.finished_at IS NOT NULL
				  OFFSET 0) x) d
		 CROSS JOIN LATERAL (VALUES
			('_bucket', 0.005::double precision, d.le_0_005),
			('_bucket', 0.01, d.le_0_01),
			('_bucket', 0.025, d.le_0_025),
			('_bucket', 0.05, d.le_0_05),
			('_bucket', 0.1, d.le_0_1),
			('_bucket', 0.25, d.le_0_25),
			('_bucket', 0.5, d.le_0_5),
			('_bucket', 1, d.le_1),
			('_bucket', 2.5, d.le_2_5),
			('_bucket', 5, d.le_5),
			('_bucket', 10, d.le_10),
			('_bucket', 30, d.le_30),
			('_bucket', 60, d.le_60),
			('_bucket', 'Infinity', d.n),
			('_sum', NULL, d.sum),
			('_count', NULL, d.n)) h(part, le, n)
	UNION ALL
	SELECT 'reporunner_workflow_running', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(r.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, e.owner, pg_catalog.count(*) AS n
					FROM reporunner.queue q
						 JOIN reporunner.execution e
						   ON e.id = q.execution_id AND e.owner = q.owner
					WHERE q.ready_at = 'infinity' AND e.status = 'running'
					GROUP BY e.workflow_id, e.owner) r
		   ON r.workflow_id = w.id AND r.owner = w.owner
	UNION ALL
	SELECT 'reporunner_workflow_waiting', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, NULL, NULL, NULL, COALESCE(p.n, 0)::double precision
	FROM reporunner.workflow w
		 LEFT JOIN (SELECT e.workflow_id, e.owner, pg_catalog.count(*) AS n
					FROM reporunner.execution e
					WHERE e.status = 'waiting'
					GROUP BY e.workflow_id, e.owner) p
		   ON p.workflow_id = w.id AND p.owner = w.owner
	UNION ALL
	SELECT 'reporunner_queue_depth', NULL, NULL, NULL, NULL, NULL, NULL,
		   pg_catalog.count(*)::double precision
	FROM reporunner.queue q WHERE q.ready_at < 'infinity'
	UNION ALL
	SELECT 'reporunner_queue_oldest_age_seconds', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.min(q.ready_at)), 0)::double precision
	FROM reporunner.queue q WHERE q.ready_at <= pg_catalog.now()
	UNION ALL
	SELECT 'reporunner_workers_running', NULL, NULL, NULL, NULL, NULL, NULL,
		   COALESCE(pg_catalog.sum(r.workers), 0)::double precision
	FROM reporunner.workers() r
	WHERE r.database = (SELECT d.oid FROM pg_catalog.pg_database d
						WHERE d.datname = pg_catalog.current_database())
	UNION ALL
	SELECT 'reporunner_trigger_firings', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, t.id, t.kind, NULL,
		   (SELECT pg_catalog.count(*) FROM reporunner.execution e
			WHERE e.trigger_id = t.id AND e.owner = t.owner
			  AND e.created_at >= pg_catalog.now() - since)::double precision
	FROM reporunner.trigger t
		 JOIN reporunner.workflow w ON w.id = t.workflow_id AND w.owner = t.owner
	UNION ALL
	SELECT 'reporunner_http_node_retries', w.name, reporunner.owner_name(w.owner)::text,
		   NULL, NULL, NULL, NULL,
		   COALESCE((SELECT pg_catalog.sum(pg_catalog.jsonb_array_length(j.attempts))
					 FROM reporunner.execution e
						  JOIN reporunner.step_journal j
							ON j.execution_id = e.id AND j.owner = e.owner
						  JOIN reporunner.node n ON n.workflow_id = e.workflow_id
							   AND n.version = e.version AND n.name = j.node
							   AND n.owner = e.owner
					 WHERE e.workflow_id = w.id AND e.owner = w.owner AND e.created_at >= pg_catalog.now() - since
					   AND j.attempts IS NOT NULL AND n.type = 'http'), 0)::double precision
	FROM reporunner.workflow w
	WHERE EXISTS (SELECT FROM reporunner.node n
				  WHERE n.workflow_id = w.id AND n.owner = w.owner AND n.type = 'http');
END;
COMMENT ON FUNCTION reporunner.metric_samples(interval) IS 'Every sample of metrics(), one row per metric name and label set, of the workflows visible to the current role; the executions counted are those created in the last "since"';

/*
 * The HTTP requests sent since the server started, of the owners visible
 * to the current role (reporunner.http_stats(), counters in shared memory,
 * src/http/stats.c): by method and status class, the failures (no
 * response, or refused by the SSRF guard) by method and reason, and the
 * bytes received.
 */
CREATE FUNCTION reporunner.http_stats()
RETURNS TABLE (owner oid, method text, outcome text, requests bigint, received_bytes bigint)
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_http_stats';
COMMENT ON FUNCTION reporunner.http_stats() IS 'HTTP requests sent since the server started, by workflow owner (of this database, that the current role may act for), method and outcome (1xx to 5xx, other, error: no response, refused: by the SSRF guard), with the bytes received; counters in shared memory';

CREATE FUNCTION reporunner.http_metric_samples()
RETURNS TABLE (metric text, owner text, method text, status_class text, reason text,
			   value double precision)
LANGUAGE sql VOLATILE
BEGIN ATOMIC
	SELECT CASE WHEN h.outcome IN ('error', 'refused') THEN 'reporunner_http_request_failures_total'
				ELSE 'reporunner_http_requests_total' END,
		   reporunner.owner_name(h.owner)::text, h.method,
		   CASE WHEN h.outcome NOT IN ('error', 'refused') THEN h.outcome END,
		   CASE WHEN h.outcome IN ('error', 'refused') THEN h.outcome END,
		   h.requests::double precision
	FROM reporunner.http_stats() h
	UNION ALL
	SELECT 'reporunner_http_received_bytes_total', reporunner.owner_name(h.owner)::text,
		   NULL, NULL, NULL, pg_catalog.sum(h.received_bytes)::double precision
	FROM reporunner.http_stats() h
	GROUP BY h.owner;
END;
COMMENT ON FUNCTION reporunner.http_metric_samples() IS 'The HTTP counters of metrics(), one row per sample: requests by owner, method and status class, failures by owner, method and reason, bytes received by owner; since the server started';

/*
 * The families in the order metrics() writes them, each with its type and
 * help text, then its samples, one line each, label values escaped
 * (backslash, double quote, line feed).  PL/pgSQL, not SQL: a SQL
 * function's statement is planned without the value of "since", and with
 * a window of unknown width workflow_stats() joined the retried steps to
 * the whole journal (400 ms on 200,000 executions instead of 20); PL/pgSQL
 * plans it for the value given.  Without JIT: the estimated cost, high
 * from the lookups per workflow, had every call compile the query, which
 * took longer than running it (on 200,000 executions, a window of 24
 * hours took 860 ms instead of 80).
 */
CREATE FUNCTION reporunner.metrics(since interval DEFAULT '1 hour')
RETURNS text
LANGUAGE plpgsql STABLE
SET jit = off
AS $$
BEGIN
	RETURN (WITH f(ord, name, type, help) AS (VALUES
		(1, 'reporunner_executions_created', 'gauge',
		 'Executions created in the window (default the last hour), by workflow and their status now'),
		(2, 'reporunner_execution_duration_seconds', 'histogram',
		 'Durations from start to finish of the executions created in the window that have finished'),
		(3, 'reporunner_workflow_retries', 'gauge',
		 'Node retries (failed attempts run again later) in the executions created in the window'),
		(4, 'reporunner_workflow_running', 'gauge',
		 'Executions a background worker runs now'),
		(5, 'reporunner_workflow_waiting', 'gauge',
		 'Executions paused now (a wait node, or waiting for sub-workflows)'),
		(6, 'reporunner_queue_depth', 'gauge',
		 'Queued executions no worker has taken yet, due now or later'),
		(7, 'reporunner_queue_oldest_age_seconds', 'gauge',
		 'How long the queued execution due first has been due, 0 when none is due'),
		(8, 'reporunner_workers_running', 'gauge',
		 'Background workers running for this database'),
		(9, 'reporunner_trigger_firings', 'gauge',
		 'Executions each trigger started in the window'),
		(10, 'reporunner_http_node_retries', 'gauge',
		 'Retries of http nodes (failed attempts run again later) in the executions created in the window'),
		(11, 'reporunner_http_requests_total', 'counter',
		 'HTTP requests that got a response since the server started, by owner, method and status class'),
		(12, 'reporunner_http_request_failures_total', 'counter',
		 'HTTP requests without a response since the server started: reason error (connection, TLS, timeout, size) or refused (SSRF guard)'),
		(13, 'reporunner_http_received_bytes_total', 'counter',
		 'Bytes of HTTP responses (headers and bodies) received since the server started')),
	samples AS (
		SELECT s.metric, s.workflow, s.owner, NULL::text AS method, s.status,
			   NULL::text AS status_class, NULL::text AS reason, s.trigger_id, s.trigger_kind,
			   s.le, s.value
		FROM reporunner.metric_samples(since) s
		UNION ALL
		SELECT h.metric, NULL, h.owner, h.method, NULL, h.status_class, h.reason, NULL, NULL,
			   NULL, h.value
		FROM reporunner.http_metric_samples() h),
	lines(ord, header, k1, k2, k3, k4, k5, k6, line) AS (
		SELECT f.ord, true, NULL, NULL, NULL, NULL::bigint, NULL, NULL::double precision,
			   pg_catalog.format(E'# HELP %s %s\n# TYPE %s %s\n', f.name, f.help, f.name, f.type)
		FROM f
		UNION ALL
		SELECT f.ord, false, s.workflow, s.owner, COALESCE(NULLIF(pg_catalog.concat(s.method, s.status_class, s.reason), ''), s.status),
			   s.trigger_id, s.metric, s.le,
			   s.metric || COALESCE('{' || l.labels || '}', '') || ' ' || s.value::text || E'\n'
		FROM samples s
			 JOIN f ON f.name = s.metric
					   OR (f.type = 'histogram' AND pg_catalog.starts_with(s.metric, f.name || '_'))
			 CROSS JOIN LATERAL (
				SELECT pg_catalog.string_agg(
						   v.label || '="'
						   || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
								  v.value, '\', '\\'), '"', '\"'), E'\n', '\n')
						   || '"', ',' ORDER BY v.ord) AS labels
				FROM (VALUES (1, 'workflow', s.workflow), (2, 'owner', s.owner),
							 (3, 'method', s.method), (4, 'status', s.status),
							 (5, 'status_class', s.status_class), (6, 'reason', s.reason),
							 (7, 'trigger', s.trigger_id::text), (8, 'kind', s.trigger_kind),
							 (9, 'le', CASE WHEN s.le = 'Infinity' THEN '+Inf' ELSE s.le::text END))
					 v(ord, label, value)
				WHERE v.value IS NOT NULL) l)
	SELECT pg_catalog.string_agg(line, '' ORDER BY ord, header DESC, k1, k2, k3, k4, k5, k6)
	FROM lines);
END
$$;
COMMENT ON FUNCTION reporunner.metrics(interval) IS 'Metrics of the workflows visible to the current role in the Prometheus text format 0.0.4: executions created in the last "since" by status, their durations as a histogram, retries (of http nodes apart), trigger firings; running and waiting executions, the queue and the workers now; HTTP requests, failures and bytes received since the server started';
