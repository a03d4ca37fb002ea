# common.sh - the benchmark cluster: starting it, its psql, waiting for
# background executions, the end of a run; shared by make bench (test/bench/run.sh) and make
# bench-n8n (test/bench/n8n/run.sh), sourced after test/cluster.sh.  Uses
# the caller's $work and $drain_limit.

# start_bench_cluster [SETTINGS]: a cluster in $work on a free port ($port)
# with the webhook listener on a free loopback port ($webhook_port):
# start_cluster's test settings, then durable-commit settings and SETTINGS
# (postgresql.conf lines) appended (later lines win) and a restart.
start_bench_cluster() {
	port=$(free_port)
	webhook_port=$(free_tcp_port)
	start_cluster "$work" "$port" || return 1
	stop_cluster "$work"
	cat >>"$work/data/postgresql.conf" <<CONF
# benchmark settings (test/bench/common.sh)
reporunner.webhook_listen = '127.0.0.1:$webhook_port'
fsync = on
synchronous_commit = on
shared_buffers = 1GB
max_wal_size = 8GB
max_worker_processes = 16
${1:-}
CONF
	start_cluster "$work" "$port"
}

# psql_bench ARGS...: psql on the cluster's database postgres, stopping at
# the first error
psql_bench() {
	as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$port" -d postgres "$@"
}

# bg_clear: forget the executions of earlier runs (this cluster is thrown
# away), so that each measurement reads only its own.
bg_clear() {
	psql_bench -c "SET client_min_messages = warning" \
		-c "TRUNCATE reporunner.execution CASCADE"
}

# wait_drained: wait until the queue is empty, that is until the workers
# have run everything started so far; at most $drain_limit seconds.
# Returns 1 on timeout or error.
wait_drained() {
	waited=0
	while left=$(psql_bench -At -c "SELECT count(*) FROM reporunner.queue") &&
		[ "$left" -gt 0 ]; do
		if [ $waited -ge $((drain_limit * 2)) ]; then
			echo "the workers did not run everything in $drain_limit s: $left executions left" >&2
			return 1
		fi
		sleep 0.5
		waited=$((waited + 1))
	done
	[ "$left" = 0 ]
}

# bg_failures: print the executions that failed and return 1, if any
# (the bench cancels some on purpose).
bg_failures() {
	bad=$(psql_bench -At -c "SELECT count(*) FROM reporunner.execution
		WHERE status NOT IN ('succeeded', 'canceled')") || return 1
	[ "$bad" -eq 0 ] && return 0
	echo "$bad executions did not succeed:" >&2
	psql_bench -c "SELECT status, error, count(*) FROM reporunner.execution
		WHERE status NOT IN ('succeeded', 'canceled') GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5" >&2
	return 1
}

# bench_finish NAME: a crash anywhere in the run counts as broken; the load
# at the end; exit 1 when something broke ($broken), else 0.
bench_finish() {
	if ! as_pg pg_isready -q -h "$work/sock" -p "$port" ||
		grep -Eq 'terminated by signal|PANIC' "$work/server.log"; then
		echo "the server crashed during the run:"
		grep -E 'terminated by signal|PANIC|FATAL' "$work/server.log" | tail -n 10
		broken=1
	fi

	echo
	echo "load avg:   $(cut -d' ' -f1-3 /proc/loadavg) (at end)"
	if [ "$broken" -ne 0 ]; then
		echo "$1: something broke (see above)"
		exit 1
	fi
	echo "$1: done"
	exit 0
}
