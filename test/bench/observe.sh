# observe.sh - section (l) of make bench (sourced by run.sh): how long
# metrics() and workflow_stats take on a large journal, and whether their
# plans read it through indexes.
#
# A tenant role, bench_observer, owns the workflow "observed" (webhook_if's
# document).  $observe_executions executions of it are written straight
# into reporunner.execution (as the superuser: running a million would take
# the whole bench), spread evenly over the last 7 days: 95 % succeeded,
# 4 % failed at node "Big?" and 1 % canceled, each lasting 2-50 ms.  Every
# 100th failure also has a step in step_journal that took two attempts.
# Then, as bench_observer (row-level security applies as for any tenant),
# each query runs $observe_runs times and the fastest and the median run
# are printed, with the scans of its plan on the journal's tables.

observe_executions=${BENCH_OBSERVE_EXECUTIONS:-1000000}
observe_runs=5

# observe_fill: the tenant, its workflow and its journal.
observe_fill() {
	psql_bench -v workflow="$workflow" -v n="$observe_executions" <<'SQL'
CREATE ROLE bench_observer;
SET ROLE bench_observer;
SELECT reporunner.save_workflow('observed', :'workflow') \g /dev/null
RESET ROLE;
INSERT INTO reporunner.execution
	(workflow_id, version, owner, status, mode, input, output, error,
	 created_by, created_at, started_at, finished_at)
SELECT w.id, w.active_version, w.owner,
	   CASE WHEN g % 100 < 95 THEN 'succeeded' WHEN g % 100 < 99 THEN 'failed' ELSE 'canceled' END,
	   'start', '[{"id": 1}]', '[{"id": 1, "total": 125}]',
	   CASE WHEN g % 100 BETWEEN 95 AND 98 THEN '{"node": "Big?", "message": "boom", "sqlstate": "P0001"}'::jsonb END,
	   w.owner, t, t, t + (2 + g % 49) * interval '1 ms'
FROM reporunner.workflow w,
	 generate_series(1, :n) g,
	 LATERAL (SELECT now() - (g::float8 / :n) * interval '7 days' AS t) times
WHERE w.name = 'observed';
INSERT INTO reporunner.step_journal
	(execution_id, node, run_index, owner, attempt, status, error, started_at, finished_at, attempts)
SELECT e.id, 'Big?', 0, e.owner, 2, 'failed', e.error, e.started_at, e.finished_at,
	   '[{"attempt": 1, "status": "failed"}]'
FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'observed' AND e.status = 'failed' AND e.id % 100 = 0;
ANALYZE reporunner.execution;
ANALYZE reporunner.step_journal;
SQL
}

# observe_time LABEL SQL [PLANNED]: run SQL $observe_runs times as
# bench_observer and print the fastest and the median time, and the scans
# on the journal's tables in the plan of the query that the SQL expression
# PLANNED gives (default: SQL itself).  metrics() and
# workflow_stats(interval) are PL/pgSQL, and EXPLAIN shows neither's plans:
# PLANNED gives the SQL they run instead (workflow_stats' RETURN QUERY).
observe_time() {
	planned=${3:-"'$(printf '%s' "$2" | sed "s/'/''/g")'"}
	psql_bench -At -v label="$1" -v query="$2" -v planned="$planned" \
		-v runs="$observe_runs" <<'SQL'
SET ROLE bench_observer;
CREATE FUNCTION pg_temp.timed(query text, runs integer)
RETURNS TABLE (best numeric, median numeric)
LANGUAGE plpgsql AS $$
DECLARE
	took numeric[] := '{}';
	t0 timestamptz;
BEGIN
	FOR i IN 1..runs LOOP
		t0 := clock_timestamp();
		EXECUTE query;
		took := took || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
	END LOOP;
	RETURN QUERY SELECT round(min(x), 1),
						round(percentile_disc(0.5) WITHIN GROUP (ORDER BY x), 1)
				 FROM unnest(took) x;
END
$$;
CREATE FUNCTION pg_temp.scans(query text)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	line text;
	found text[] := '{}';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN ' || query LOOP
		IF line ~ '(Seq|Index|Index Only|Bitmap Heap) Scan (using \S+ )?on (execution|step_journal)\M' THEN
			found := found || regexp_replace(line, '^.*?((Seq|Index|Index Only|Bitmap Heap) Scan( using \S+)? on \S+).*$', '\1');
		END IF;
	END LOOP;
	RETURN array_to_string(ARRAY(SELECT DISTINCT unnest(found) ORDER BY 1), '; ');
END
$$;
SELECT format('  %-28s best %7s ms  median %7s ms  %s', :'label', t.best, t.median, s)
FROM pg_temp.timed(:'query', :runs) t, pg_temp.scans(:planned) s;
SQL
}

bench_observe() {
	echo
	echo "(l) metrics() and workflow_stats on a journal of $observe_executions executions" \
		"(7 days), as a tenant; $observe_runs runs each"
	started=$(date +%s)
	observe_fill || return 1
	echo "  journal written in $(($(date +%s) - started)) s"
	for window in '1 hour' '24 hours' '7 days'; do
		observe_time "metrics('$window')" "SELECT length(reporunner.metrics('$window'))" \
			"'SELECT * FROM reporunner.metric_samples(''$window'')'" || return 1
		observe_time "workflow_stats('$window')" \
			"SELECT * FROM reporunner.workflow_stats('$window')" \
			"regexp_replace(regexp_replace((SELECT prosrc FROM pg_catalog.pg_proc
				WHERE oid = 'reporunner.workflow_stats(interval)'::regprocedure),
				'^.*RETURN QUERY|;\\s*END;?\\s*$', '', 'g'), '\\msince\\M', '''$window''::interval', 'g')" ||
			return 1
	done
	psql_bench -c "DELETE FROM reporunner.execution e USING reporunner.workflow w
		WHERE w.id = e.workflow_id AND w.name = 'observed'" \
		-c "SELECT reporunner.delete_workflow('observed')" >/dev/null || return 1
}
