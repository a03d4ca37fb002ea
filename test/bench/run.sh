#!/bin/sh
# run.sh - Reporunner's benchmark harness (make bench).
#
# Starts a throwaway cluster (postgres-owned temp folder, durable commits:
# fsync and synchronous_commit on), then measures in ONE run, with pgbench:
#   (a) SELECT 1                                   - the round-trip baseline
#   (b) a one-row INSERT per durable commit        - the commit baseline
#   (c) reporunner.execute() of webhook_if (Trigger -> Set -> If -> Set),
#       with {"save": "none"} and with {"save": "all"}, and the floor of
#       any saved execute(): {"save": "none"} plus one durable row of its
#       output in (b)'s table, returned as execute() returns it
# at 2 and 8 clients, and prints tps and the ratios (c)/(a) and (c)/(b)
# against their targets, and the floor's ratio to (b).  Then it runs execute() many times in one backend
# and prints that backend's memory before and after.  Then background
# execution, on the same cluster:
#   (d) a bare SKIP LOCKED queue (enqueue, claim + ack)  - the queue baseline
#   (e) start() of webhook_if with 8 clients, until the workers have run
#       everything, at reporunner.workers_per_database 2 and 4
#   (f) a chain of 10 sql steps, a batch of executions queued at once
#   (g) latency of one start() at a time, from its commit to the end
#   (h) one worker's memory over BENCH_WORKER_STEPS steps
#   (i) rows through row-level and statement-level table triggers, against
#       the same inserts into a table without one
#   (j) 10,000 HTTP requests through background executions of an http node
#       to a local nginx, against wrk's raw rate to the same URL
#       (test/bench/http.sh; skipped when nginx or wrk is missing)
#   (k) expressions: execute() of a set node with ten method-heavy {{ }}
#       fields over 100 items, in one backend: evaluations per second, and
#       that backend's memory before and after BENCH_EXPR_EVALUATIONS
#       evaluations
#   (l) metrics() and workflow_stats as a tenant on a journal of
#       BENCH_OBSERVE_EXECUTIONS executions (test/bench/observe.sh)
#   (m) webhook requests/s through the webhook listener on loopback (wrk),
#       against n8n's ~150/s (test/bench/webhook.sh)
#
# Timings are informational only: the machines are shared and noisy, so the
# script exits 0 whatever the numbers are, and non-zero only when something
# broke (a query error, a pgbench abort, a server crash).  Ratios against
# baselines measured in the same run are what to compare between runs.
#
# Environment: BENCH_SECONDS (default 10) is the length of each pgbench run;
# BENCH_MEMORY_CALLS (default 1000000) the number of calls in the memory
# test; BENCH_WORKER_STEPS (default 1000000) the number of steps in the
# worker memory test (0 skips it); BENCH_HTTP_REQUESTS (default 10000) the
# requests of each shape of (j); BENCH_EXPR_EVALUATIONS (default 1000000)
# the evaluations of (k); BENCH_OBSERVE_EXECUTIONS (default 1000000) the
# journal of (l); BENCH_ONLY=http runs only (j), BENCH_ONLY=expr only (k),
# BENCH_ONLY=observe only (l), BENCH_ONLY=webhook only (m), BENCH_ONLY=triggers only (i),
# BENCH_ONLY=execute only (a) to (c) and the memory test; BENCH_TRIGGER_PAIRS
# (default 3) how many times (i) measures each trigger, paused, against the
# bare inserts just before it.  Expects "make install" to have run (make
# bench does it).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/test/cluster.sh"
. "$top/test/bench/http.sh"
. "$top/test/bench/observe.sh"
. "$top/test/bench/webhook.sh"
. "$top/test/bench/common.sh"

seconds=${BENCH_SECONDS:-10}
# (i): paused, each trigger against the bare inserts this many times
trigger_pairs=${BENCH_TRIGGER_PAIRS:-3}
memory_calls=${BENCH_MEMORY_CALLS:-1000000}
clients_list="2 8"
warmup_calls=1000      # calls before the first memory sample (caches fill)
commit_every=1000      # the memory loop commits after this many calls
worker_steps=${BENCH_WORKER_STEPS:-1000000}
expr_evaluations=${BENCH_EXPR_EVALUATIONS:-1000000}
bg_clients=8           # pgbench clients of the queue baseline and of start()
bg_workers_list="2 4"  # reporunner.workers_per_database values tried
queue_prefill=20000    # jobs in the bare queue before its run
chain_executions=1000  # executions of the sql chain, queued in one batch
latency_samples=200    # start() calls in the latency test, one at a time
latency_pause_ms=200   # at most this long (at random) between two of them
worker_warmup=2500     # executions before the worker's first memory sample
feed_chunk=5000        # executions queued beyond what the worker memory test needs
drain_limit=300        # seconds the workers get to run what was queued

case "$seconds$memory_calls$worker_steps$expr_evaluations" in
*[!0-9]*)
	echo "BENCH_SECONDS, BENCH_MEMORY_CALLS, BENCH_WORKER_STEPS and BENCH_EXPR_EVALUATIONS must be whole numbers" >&2
	exit 2
	;;
esac

# The workflow measured: n8n's Webhook -> If -> Set shape, and its input.
workflow='{"nodes": [
   {"name": "Webhook", "type": "trigger"},
   {"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}},
   {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}},
   {"name": "Tag", "type": "set", "params": {"fields": {"tier": "big"}}}],
 "connections": [{"from": "Webhook", "to": "Total"}, {"from": "Total", "to": "Big?"},
                 {"from": "Big?", "output": "true", "to": "Tag"}]}'
input='[{"id": 1, "price": 12.5, "qty": 10, "customer": "acme"}]'

# Background execution: start() of the same workflow with the same input,
# and the bare queue it is compared with: enqueue a job (its own
# transaction), and claim + ack the oldest free one (one transaction).
start_sql="SELECT reporunner.start('webhook_if', '$input');"
enqueue_sql="INSERT INTO bench_jobs (payload) VALUES ('$input');"
claim_sql='DELETE FROM bench_jobs WHERE id = (SELECT id FROM bench_jobs ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *;'

work=$(mktemp -d /tmp/reporunner-bench.XXXXXX)
cleanup() {
	http_nginx_stop
	stop_cluster "$work"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
give_to_pg "$work"
broken=0

# run_scenario NAME CLIENTS SQL [SQL...]: run SQL with pgbench on CLIENTS
# connections for $seconds and print its tps.  With several SQL scripts,
# each client picks one at random for every transaction (all have weight
# 1).  On failure print the log to stderr and return 1.  Each run also
# lands in $work/results as "NAME CLIENTS TPS", and with several scripts
# the tps of script K (1, 2, ...) as "NAME.K CLIENTS TPS"; the WAL it wrote
# per transaction in $work/wal as "NAME CLIENTS BYTES".
run_scenario() {
	name=$1
	nclients=$2
	shift 2
	log="$work/$name-$nclients.log"
	files=""
	k=0
	for sql in "$@"; do
		k=$((k + 1))
		script="$work/$name-$k.sql"
		printf '%s\n' "$sql" >"$script"
		give_to_pg "$script"
		files="$files -f $script@1"
	done
	psql_bench -c CHECKPOINT || return 1
	lsn_before=$(psql_bench -At -c 'SELECT pg_current_wal_lsn()')
	# $files is split on purpose: $work holds no spaces (mktemp)
	as_pg pgbench -n -M prepared -c "$nclients" -j "$nclients" -T "$seconds" $files \
		-h "$work/sock" -p "$port" postgres >"$log" 2>&1
	status=$?
	xacts=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log")
	psql_bench -At -c "SELECT '$name $nclients ' ||
		round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn_before') / greatest(${xacts:-0}, 1))" \
		>>"$work/wal"
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log")
	if [ $status -ne 0 ] || [ -z "$tps" ] || [ "${failed:-0}" -ne 0 ]; then
		echo "pgbench failed for $name at $nclients clients (exit $status):" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	echo "$name $nclients $tps" >>"$work/results"
	if [ $k -gt 1 ]; then
		awk -v n="$name" -v c="$nclients" '
			/^SQL script [0-9]+:/ { k = $3 + 0 }
			k && / tps = / { sub(/.* tps = /, ""); sub(/\).*/, ""); print n "." k, c, $0 }' \
			"$log" >>"$work/results"
	fi
	echo "$tps"
}

# in_list WORD LIST...: whether WORD is one of LIST.
in_list() {
	word=$1
	shift
	for w in "$@"; do
		[ "$w" = "$word" ] && return 0
	done
	return 1
}

# tps_of NAME CLIENTS: the tps measured for a scenario, or nothing.
tps_of() {
	awk -v n="$1" -v c="$2" '$1 == n && $2 == c { print $3 }' "$work/results" 2>/dev/null
}

# label NAME: how a scenario is shown in the table.
label() {
	case $1 in
	select1) echo "(a) SELECT 1" ;;
	insert) echo "(b) INSERT, durable commit" ;;
	exec_none) echo "(c) execute webhook_if, save none" ;;
	exec_all) echo "(c) execute webhook_if, save all" ;;
	exec_floor) echo "(c) floor: save none + one row" ;;
	esac
}

# execute_sql MODE: the pgbench script that runs webhook_if once.
execute_sql() {
	printf '%s\n' "SELECT reporunner.execute('webhook_if', '$input'::jsonb, '{\"save\": \"$1\"}');"
}

# floor_sql: execute() of webhook_if with no journal, its output written
# as one row of bench_insert in the same transaction and returned: what a
# saved execute() costs at the very least (one durable row, one index
# entry), whatever its journal stores.
floor_sql() {
	printf '%s\n' "INSERT INTO bench_insert (payload) SELECT reporunner.execute('webhook_if', '$input'::jsonb, '{\"save\": \"none\"}') RETURNING payload;"
}

# ratio NUMERATOR DENOMINATOR TARGET CLIENTS TEXT: print one ratio line.
ratio() {
	num=$(tps_of "$1" "$4")
	den=$(tps_of "$2" "$4")
	if [ -z "$num" ] || [ -z "$den" ]; then
		why=""
		[ "$have_execute" = f ] && why=" (execute() not available)"
		printf '  %-30s %2s clients: not measured%s\n' "$5" "$4" "$why"
		return
	fi
	awk -v n="$num" -v d="$den" -v t="$3" -v c="$4" -v txt="$5" 'BEGIN {
		r = n / d
		printf "  %-30s %2s clients: %6.3f   target >= %.2f   %s\n", txt, c, r, t,
			(r >= t ? "meets target" : "below target")
	}'
}

# memory_sample PREFIX: psql lines that store this backend's memory in psql
# variables: PREFIX_ctx and PREFIX_used (bytes its memory contexts hold and
# use), PREFIX_rss, PREFIX_anon, PREFIX_shmem and PREFIX_hwm (kB: VmRSS,
# RssAnon, RssShmem and VmHWM from its /proc/self/status).
memory_sample() {
	cat <<'SQL'
SELECT (SELECT sum(total_bytes) FROM pg_backend_memory_contexts) AS ctx,
       (SELECT sum(used_bytes) FROM pg_backend_memory_contexts) AS used,
       (regexp_match(s, 'VmRSS:\s+(\d+)'))[1] AS rss,
       (regexp_match(s, 'RssAnon:\s+(\d+)'))[1] AS anon,
       (regexp_match(s, 'RssShmem:\s+(\d+)'))[1] AS shmem,
       (regexp_match(s, 'VmHWM:\s+(\d+)'))[1] AS hwm
FROM pg_read_file('/proc/self/status') AS s
SQL
	printf '\\gset %s_\n' "$1"
}

# memory_loop N [WORKFLOW INPUT]: a DO block that calls execute() of
# WORKFLOW (webhook_if) on INPUT (an SQL expression; $input quoted) N times,
# committing every $commit_every calls as an application would.
memory_loop() {
	loop_input=${3:-"'$input'"}
	cat <<SQL
DO \$loop\$
DECLARE
	input jsonb := $loop_input;
BEGIN
	FOR i IN 1..$1 LOOP
		PERFORM reporunner.execute('${2:-webhook_if}', input, '{"save": "none"}');
		IF i % $commit_every = 0 THEN
			COMMIT;
		END IF;
	END LOOP;
END
\$loop\$;
SQL
}

# memory_top: the largest memory contexts of this backend.
memory_top() {
	cat <<'SQL'
SELECT name, left(ident, 30) AS ident, parent, total_bytes / 1024 AS total_kb,
       used_bytes / 1024 AS used_kb
FROM pg_backend_memory_contexts ORDER BY total_bytes DESC LIMIT 5;
SQL
}

# memory_script: the psql script of the memory test (psql variables
# "calls" and "warmup" set by the caller).
memory_script() {
	printf '%s\n' '\pset footer off'
	memory_sample fresh
	memory_loop "$warmup_calls"
	memory_sample warm
	printf '%s\n' "\\echo 'largest memory contexts after $warmup_calls warm-up calls:'"
	memory_top
	printf '%s\n' "SELECT clock_timestamp() AS t0 \\gset"
	memory_loop "$memory_calls"
	printf '%s\n' "SELECT extract(epoch FROM clock_timestamp() - :'t0')::numeric AS secs \\gset"
	memory_sample after
	printf '%s\n' "\\echo 'largest memory contexts after' :calls 'more calls:'"
	memory_top
	cat <<'SQL'
\echo 'memory of the backend (kB):'
SELECT point, round(ctx / 1024) AS contexts_kb, round(used / 1024) AS used_kb,
       rss AS "VmRSS_kb", anon AS "RssAnon_kb", shmem AS "RssShmem_kb", hwm AS "VmHWM_kb"
FROM (VALUES (1, 'new session', :fresh_ctx, :fresh_used, :fresh_rss, :fresh_anon,
              :fresh_shmem, :fresh_hwm),
             (2, 'after ' || :'warmup' || ' warm-up calls', :warm_ctx, :warm_used, :warm_rss,
              :warm_anon, :warm_shmem, :warm_hwm),
             (3, 'after ' || :'calls' || ' more calls', :after_ctx, :after_used, :after_rss,
              :after_anon, :after_shmem, :after_hwm))
     AS m(n, point, ctx, used, rss, anon, shmem, hwm)
ORDER BY n;
SELECT format('%s calls in %s s (%s calls/s)', :'calls', round(:secs, 2),
              round(:calls / greatest(:secs, 0.001))) AS line \g (tuples_only format=unaligned)
SELECT format(E'growth over those calls (target <= 1 MB each):\n'
              '  memory contexts %s kB held (%s kB used): %s\n'
              '  VmRSS           %s kB: %s\n'
              '    RssAnon (private memory) %s kB: %s\n'
              '    RssShmem (shared memory touched for the first time, not a leak) %s kB',
              round(g_ctx), round(g_used), mark[1], g_rss, mark[2], g_anon, mark[3], g_shmem) AS line
FROM (SELECT (:after_ctx - :warm_ctx) / 1024.0 AS g_ctx, (:after_used - :warm_used) / 1024.0 AS g_used,
             :after_rss - :warm_rss AS g_rss, :after_anon - :warm_anon AS g_anon,
             :after_shmem - :warm_shmem AS g_shmem) AS g,
     LATERAL (SELECT array_agg(CASE WHEN kb <= 1024 THEN '<= 1 MB' ELSE 'over 1 MB' END ORDER BY i)
              FROM unnest(ARRAY[g_ctx, g_rss, g_anon]) WITH ORDINALITY AS u(kb, i)) AS m(mark)
     \g (tuples_only format=unaligned)
SQL
}

# mark VALUE OP TARGET: "meets target" or "below target"; OP is >= or <=.
mark() {
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0)
		print (ok ? "meets target" : "below target")
	}'
}

# set_workers N: reporunner.workers_per_database = N.  It takes a reload;
# the launcher starts more workers on its next wake-up, and workers beyond
# N leave when they run out of work.
set_workers() {
	psql_bench -c "ALTER SYSTEM SET reporunner.workers_per_database = $1" \
		-c "SELECT pg_reload_conf()" >/dev/null
}

# bg_queue: (d) the bare SKIP LOCKED queue with producers and consumers
# together.  The queue is prefilled, so that a claim always finds a job:
# the claim + ack rate ("queue.2") is the rate of jobs done.
bg_queue() {
	psql_bench -c "TRUNCATE bench_jobs" \
		-c "INSERT INTO bench_jobs (payload) SELECT '$input' FROM generate_series(1, $queue_prefill)" \
		-c "VACUUM ANALYZE bench_jobs" || return 1
	run_scenario queue "$bg_clients" "$enqueue_sql" "$claim_sql" >/dev/null || return 1
	left=$(psql_bench -At -c "SELECT count(*) FROM bench_jobs") || return 1
	printf '  enqueue %.0f/s, claim + ack %.0f/s = %.0f jobs done/s (%s clients; %s jobs queued at the end, %s at the start)\n' \
		"$(tps_of queue.1 "$bg_clients")" "$(tps_of queue.2 "$bg_clients")" \
		"$(tps_of queue.2 "$bg_clients")" "$bg_clients" "$left" "$queue_prefill"
	if [ "$left" -eq 0 ]; then
		echo "  the queue ran empty: claims that found nothing counted as jobs done"
	fi
}

# bg_throughput WORKERS: (e) $bg_clients clients call start() for $seconds,
# then the workers run what is left.  Prints one row; records the
# executions finished per second, from the first start() to the last end,
# as "done_wWORKERS CLIENTS RATE".
bg_throughput() {
	set_workers "$1"
	bg_clear || return 1
	run_scenario "start_w$1" "$bg_clients" "$start_sql" >/dev/null || return 1
	stop=$(psql_bench -At -F' ' -c "SELECT count(*), extract(epoch FROM clock_timestamp())
		FROM reporunner.queue") || return 1
	wait_drained && bg_failures || return 1
	row=$(psql_bench -At -F' ' -c "SELECT count(*), extract(epoch FROM min(created_at)),
		extract(epoch FROM max(finished_at)) FROM reporunner.execution") || return 1
	# $1 workers, $2 executions, $3 first start, $4 last end, $5 left at
	# the stop of the starters, $6 that time
	set -- "$1" $row $stop
	rate=$(awk -v n="$2" -v a="$3" -v b="$4" 'BEGIN { printf "%.1f", n / (b - a) }')
	echo "done_w$1 $bg_clients $rate" >>"$work/results"
	awk -v w="$1" -v st="$(tps_of "start_w$1" "$bg_clients")" -v n="$2" -v a="$3" -v b="$4" \
		-v left="$5" -v t="$6" 'BEGIN {
		printf "  %7d %10.0f %11d %9d %8.1f %12.0f %14.0f %11.0f\n", w, st, n, left, b - a,
			n / (b - a), (n - left) / (t - a), left / (b - t)
	}'
}

# bg_chain WORKERS: (f) queue $chain_executions executions of chain10 in
# one transaction; print the sql steps committed per second while the
# workers run them (from the first step's start to the last end).  Each
# sql step writes one ledger row and commits with its step row: the
# ledger must end with exactly one row per step.
bg_chain() {
	set_workers "$1"
	bg_clear || return 1
	psql_bench -c "TRUNCATE bench_ledger" -c "SELECT count(reporunner.start('chain10', '[{}]'))
		FROM generate_series(1, $chain_executions)" >/dev/null || return 1
	wait_drained && bg_failures || return 1
	row=$(psql_bench -At -F' ' -c "SELECT (SELECT count(*) FROM bench_ledger),
		(SELECT count(DISTINCT (execution_id, step)) FROM bench_ledger),
		extract(epoch FROM greatest((SELECT max(finished_at) FROM reporunner.execution),
		                            (SELECT max(finished_at) FROM reporunner.step))
		                   - (SELECT min(started_at) FROM reporunner.step))") || return 1
	set -- "$1" $row
	if [ "$2" -ne $((chain_executions * 10)) ] || [ "$3" -ne "$2" ]; then
		echo "the ledger holds $2 rows ($3 distinct), not one per step ($((chain_executions * 10)))" >&2
		return 1
	fi
	rate=$(awk -v n="$2" -v s="$4" 'BEGIN { print n / s }')
	printf '  %2d workers: %d executions, %d sql steps in %.2f s: %6.0f steps/s   target >= 2000   %s\n' \
		"$1" "$chain_executions" "$2" "$4" "$rate" "$(mark "$rate" '>=' 2000)"
}

# latency_script: (g) one start() at a time: commit it, note the time, poll
# its status (every millisecond or so) until it has finished, note the
# time; then a pause of up to $latency_pause_ms at random.
latency_script() {
	cat <<SQL
CREATE TABLE bench_latency (n int, id bigint, committed_at timestamptz, seen_at timestamptz);
DO \$lat\$
DECLARE
	x bigint;
	t0 timestamptz;
	s text;
BEGIN
	FOR i IN 1..$latency_samples LOOP
		x := reporunner.start('webhook_if', '$input');
		COMMIT;
		t0 := clock_timestamp();
		LOOP
			SELECT status INTO s FROM reporunner.execution WHERE id = x;
			EXIT WHEN s IN ('succeeded', 'failed', 'canceled');
			IF clock_timestamp() > t0 + interval '10 s' THEN
				RAISE EXCEPTION 'execution % did not finish within 10 s', x;
			END IF;
			PERFORM pg_sleep(0.0002);
		END LOOP;
		INSERT INTO bench_latency VALUES (i, x, t0, clock_timestamp());
		COMMIT;
		PERFORM pg_sleep(random() * $latency_pause_ms / 1000.0);
	END LOOP;
END
\$lat\$;
SELECT format(E'  start() commit -> end: p50 %s ms, p90 %s ms, p99 %s ms, max %s ms   target p50 <= 5 ms   %s\n'
              '  start() commit -> a worker runs it (started_at): p50 %s ms, p99 %s ms\n'
              '  over 50 ms: %s of %s; the fastest %s ms',
              round(p[1], 1), round(p[2], 1), round(p[3], 1), round(top, 1),
              CASE WHEN p[1] <= 5 THEN 'meets target' ELSE 'below target' END,
              round(q[1], 1), round(q[2], 1), slow, n, round(low, 1)) AS line
FROM (SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY total)::numeric[] AS p,
             percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY pickup)::numeric[] AS q,
             max(total) AS top, min(total) AS low, count(*) FILTER (WHERE total > 50) AS slow,
             count(*) AS n
      FROM (SELECT extract(epoch FROM l.seen_at - l.committed_at) * 1000 AS total,
                   extract(epoch FROM e.started_at - l.committed_at) * 1000 AS pickup
            FROM bench_latency l JOIN reporunner.execution e ON e.id = l.id) AS ms) AS stats
\g (tuples_only format=unaligned)
SQL
}

# worker_pids: the pids of the running reporunner workers, one a line.
worker_pids() {
	psql_bench -At -c "SELECT pid FROM pg_stat_activity
		WHERE backend_type = 'reporunner worker' ORDER BY pid"
}

# proc_memory PID: "VmRSS RssAnon RssShmem VmHWM" of a process, in kB.
proc_memory() {
	awk '{ v[$1] = $2 }
		END { print v["VmRSS:"], v["RssAnon:"], v["RssShmem:"], v["VmHWM:"] }' "/proc/$1/status"
}

# context_bytes PID: bytes held by the memory contexts of a server process,
# from the "Grand total" that pg_log_backend_memory_contexts() has it log.
context_bytes() {
	seen=$(grep -c "\[$1\] LOG:  Grand total:" "$work/server.log")
	psql_bench -c "SELECT pg_log_backend_memory_contexts($1)" >/dev/null || return 1
	tries=0
	while [ "$(grep -c "\[$1\] LOG:  Grand total:" "$work/server.log")" -le "$seen" ]; do
		[ $tries -ge 50 ] && return 1
		sleep 0.1
		tries=$((tries + 1))
	done
	grep "\[$1\] LOG:  Grand total:" "$work/server.log" | tail -n 1 |
		sed 's/.*Grand total: \([0-9]*\) bytes.*/\1/'
}

# bg_triggers: (i) rows through table triggers that queue webhook_if for
# the workers, each against the same inserts into a table without a
# trigger, measured just before it: single-row inserts through a row-level
# async trigger ($bg_clients clients), and 10,000-row inserts through a
# statement-level one (2 clients).  Each trigger is measured twice: with
# the workers running the queued executions on the same cores meanwhile,
# and with background execution paused (workers_per_database 0), which is
# what the trigger itself costs the inserting statements.  Paused, each
# trigger is measured $trigger_pairs times, each time right after the bare
# inserts it is compared with, and the median of those ratios is the
# result: on a shared machine the rate of the same inserts moves by a
# fifth within a minute, more than the difference measured.  What the
# workers have not run of one measurement is canceled before the next.
bg_triggers() {
	set_workers 2
	bg_clear || return 1
	for t in trig_bare trig_row trig_stmt; do
		psql_bench -c "CREATE TABLE $t (id bigserial PRIMARY KEY, price numeric, qty int, customer text)" \
			>/dev/null || return 1
	done
	psql_bench -c "SELECT reporunner.on_table('webhook_if', 'trig_row')" \
		-c "SELECT reporunner.on_table('webhook_if', 'trig_stmt', '{insert}', 'statement')" \
		>/dev/null || return 1
	one="(price, qty, customer) VALUES (12.5, 10, 'acme');"
	many="(price, qty, customer) SELECT 12.5, 10, 'acme' FROM generate_series(1, 10000);"
	cancel_queued="SELECT count(reporunner.cancel(execution_id)) FROM reporunner.queue"
	run_scenario trig_bare1 "$bg_clients" "INSERT INTO trig_bare $one" >/dev/null || return 1
	run_scenario trig_row1 "$bg_clients" "INSERT INTO trig_row $one" >/dev/null || return 1
	psql_bench -c "$cancel_queued" >/dev/null || return 1
	run_scenario trig_bare10k 2 "INSERT INTO trig_bare $many" >/dev/null || return 1
	run_scenario trig_stmt10k 2 "INSERT INTO trig_stmt $many" >/dev/null || return 1
	psql_bench -c "$cancel_queued" >/dev/null || return 1
	set_workers 0
	wait_no_workers || return 1
	for i in $(seq 1 "$trigger_pairs"); do
		run_scenario "trig_bare1_p$i" "$bg_clients" "INSERT INTO trig_bare $one" >/dev/null || return 1
		run_scenario "trig_row1_p$i" "$bg_clients" "INSERT INTO trig_row $one" >/dev/null || return 1
		run_scenario "trig_bare10k_p$i" 2 "INSERT INTO trig_bare $many" >/dev/null || return 1
		run_scenario "trig_stmt10k_p$i" 2 "INSERT INTO trig_stmt $many" >/dev/null || return 1
	done
	psql_bench -c "$cancel_queued" >/dev/null || return 1
	set_workers 2
	printf '  %-62s %12s %12s\n' "" "statements/s" "rows/s"
	for row in "trig_bare1 $bg_clients 1 bare table, single-row INSERT" \
		"trig_row1 $bg_clients 1 row-level async trigger, single-row INSERT" \
		"trig_bare1_p1 $bg_clients 1 bare table again, before the first paused run" \
		"trig_row1_p1 $bg_clients 1 the trigger, background execution paused (first)" \
		"trig_bare10k 2 10000 bare table, 10,000-row INSERT" \
		"trig_stmt10k 2 10000 statement-level trigger, 10,000-row INSERT" \
		"trig_bare10k_p1 2 10000 bare table again, before the first paused run" \
		"trig_stmt10k_p1 2 10000 the trigger, background execution paused (first)"; do
		set -- $row
		name=$1 clients=$2 rows=$3
		shift 3
		tps=$(tps_of "$name" "$clients")
		printf '  %-62s %12.0f %12.0f\n' "$* ($clients clients)" "$tps" "$(awk -v t="$tps" -v r="$rows" 'BEGIN { print t * r }')"
	done
	ratio trig_row1 trig_bare1 0.5 "$bg_clients" "row-level async / bare rows"
	paired_ratio trig_row1_p trig_bare1_p 0.5 "$bg_clients" "paused: the trigger only"
	ratio trig_stmt10k trig_bare10k 0.9 2 "statement-level / bare rows"
	paired_ratio trig_stmt10k_p trig_bare10k_p 0.9 2 "paused: the trigger only"
	bg_failures
}

# paired_ratio NUMERATOR DENOMINATOR TARGET CLIENTS TEXT: one ratio line,
# the median of NUMERATOR$i / DENOMINATOR$i for i = 1 .. $trigger_pairs,
# with each of them.
paired_ratio() {
	all=""
	for i in $(seq 1 "$trigger_pairs"); do
		num=$(tps_of "$1$i" "$4")
		den=$(tps_of "$2$i" "$4")
		all="$all $(awk -v n="$num" -v d="$den" 'BEGIN { printf "%.3f", n / d }')"
	done
	echo "$all" | tr ' ' '\n' | grep . | sort -n | awk -v t="$3" -v c="$4" -v txt="$5" -v all="$all" '
		{ r[NR] = $1 }
		END {
			m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
			printf "  %-30s %2s clients: %6.3f   target >= %.2f   %s (median of%s)\n",
				txt, c, m, t, (m >= t ? "meets target" : "below target"), all
		}'
}

# wait_no_workers: wait (at most 30 s) until no reporunner worker runs:
# the workers of earlier runs leave when idle, or when paused
wait_no_workers() {
	waited=0
	while [ -n "$(worker_pids)" ]; do
		if [ $waited -ge 300 ]; then
			echo "the workers of the earlier runs did not leave within 30 s" >&2
			return 1
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
}

# bg_worker_memory: (h) one worker (workers_per_database 1) runs webhook_if
# (4 steps each), all of it queued in one transaction first (with half as
# much again: the worker runs on while it is sampled), so that it
# never runs out of work and stays the same process (a client queueing
# start() by start() cannot keep ahead of a worker, which then goes idle
# and leaves).  Its memory is sampled after $worker_warmup executions and
# again $worker_steps steps later; then what is still queued is canceled.
bg_worker_memory() {
	set_workers 1
	bg_clear || return 1
	wait_no_workers || return 1
	need=$((worker_steps / 4))
	fed=$((worker_warmup + need + need / 2 + feed_chunk))
	psql_bench -c "SELECT count(reporunner.start('webhook_if', '$input'))
		FROM generate_series(1, $fed)" >/dev/null || return 1
	pid=""
	stalled=0
	last=-1
	while :; do
		left=$(psql_bench -At -c "SELECT count(*) FROM reporunner.queue") || return 1
		ran=$((fed - left))
		if [ -z "$pid" ] && [ $ran -ge $worker_warmup ]; then
			pid=$(worker_pids) || return 1
			case $pid in
			'' | *[!0-9]*)
				echo "expected one worker, found: $(echo $pid)" >&2
				return 1
				;;
			esac
			t0=$(date +%s.%N)
			mem0=$(proc_memory "$pid")
			ctx0=$(context_bytes "$pid") || return 1
			ran0=$(($(psql_bench -At -c "SELECT $fed - count(*) FROM reporunner.queue")))
		elif [ -n "$pid" ] && [ $ran -ge $((ran0 + need)) ]; then
			ran1=$(($(psql_bench -At -c "SELECT $fed - count(*) FROM reporunner.queue")))
			t1=$(date +%s.%N)
			mem1=$(proc_memory "$pid")
			ctx1=$(context_bytes "$pid") || return 1
			if [ "$(worker_pids)" != "$pid" ] || [ "$left" -eq 0 ]; then
				echo "the worker did not stay the same process with work queued (now: $(echo $(worker_pids)))" >&2
				return 1
			fi
			break
		fi
		if [ $ran -eq $last ]; then
			stalled=$((stalled + 1))
			if [ $stalled -ge 60 ]; then
				echo "the worker made no progress for 30 s" >&2
				return 1
			fi
		else
			stalled=0
		fi
		last=$ran
		sleep 0.5
	done
	psql_bench -c "SELECT count(reporunner.cancel(execution_id)) FROM reporunner.queue" >/dev/null &&
		bg_failures || return 1
	set_workers 2
	printf '%s\n' "$mem0 $ctx0" "$mem1 $ctx1" | awk -v pid="$pid" -v ran="$((ran1 - ran0))" \
		-v secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v w="$worker_warmup" '
		NR == 1 { split($0, a) } NR == 2 { split($0, b) }
		END {
			printf "  worker pid %s: %d steps (%d executions) after %d warm-up executions, %.0f steps/s\n",
				pid, ran * 4, ran, w, ran * 4 / secs
			printf "  %-26s %9s %9s %9s %9s %12s\n", "kB", "VmRSS", "RssAnon", "RssShmem", "VmHWM", "contexts"
			printf "  %-26s %9d %9d %9d %9d %12.0f\n", "after warm-up", a[1], a[2], a[3], a[4], a[5] / 1024
			printf "  %-26s %9d %9d %9d %9d %12.0f\n", "after " ran * 4 " steps", b[1], b[2], b[3], b[4], b[5] / 1024
			printf "  %-26s %9d %9d %9d %9d %12.0f\n", "growth", b[1] - a[1], b[2] - a[2], b[3] - a[3],
				b[4] - a[4], (b[5] - a[5]) / 1024
			printf "  growth (target <= 5 MB each):\n"
			printf "    RssAnon (private memory) %d kB: %s\n", b[2] - a[2],
				(b[2] - a[2] <= 5120 ? "meets target" : "below target")
			printf "    memory contexts %.0f kB held: %s\n", (b[5] - a[5]) / 1024,
				((b[5] - a[5]) / 1024 <= 5120 ? "meets target" : "below target")
			printf "    VmRSS %d kB: %s; RssShmem %d kB of it is shared buffers touched for the first time\n",
				b[1] - a[1], (b[1] - a[1] <= 5120 ? "meets target" : "below target"), b[3] - a[3]
			printf "      (the tables grow by new pages; not a leak)\n"
		}'
}

echo "== Reporunner benchmark"
echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:    $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	"$(awk '/^MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
echo "load avg:   $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
echo "pgbench:    $(pgbench --version), -n -M prepared -T $seconds, -c/-j in {$clients_list}"

# The cluster, with durable commits (test/bench/common.sh)
start_bench_cluster || exit 1

psql_bench -v workflow="$workflow" <<'SQL' || exit 1
\pset footer off
SELECT 'server:     PostgreSQL ' || current_setting('server_version') AS line \g (tuples_only format=unaligned)
SELECT 'settings:   ' || string_agg(name || ' = ' || current_setting(name), ', ') AS line
FROM unnest(ARRAY['fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size', 'wal_level',
                  'max_worker_processes', 'shared_preload_libraries']) AS name
\g (tuples_only format=unaligned)
CREATE EXTENSION reporunner;
CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload jsonb);
CREATE TABLE bench_jobs (id bigserial PRIMARY KEY, payload jsonb);
CREATE TABLE bench_ledger (execution_id bigint, step text);
SELECT reporunner.save_workflow('webhook_if', :'workflow') \g /dev/null
-- chain10: Start -> S1 -> ... -> S10, each S<n> a sql node that writes one
-- ledger row ($1 is the execution id)
SELECT reporunner.save_workflow('chain10', jsonb_build_object(
  'nodes', '[{"name": "Start", "type": "trigger"}]'::jsonb ||
    (SELECT jsonb_agg(jsonb_build_object('name', 'S' || i, 'type', 'sql', 'params',
       jsonb_build_object('query', format('INSERT INTO bench_ledger VALUES ($1, %L)', 'S' || i),
                          'args', jsonb_build_array('{{ $execution.id }}'), 'mode', 'once'))
       ORDER BY i) FROM generate_series(1, 10) AS i),
  'connections', (SELECT jsonb_agg(jsonb_build_object('from', CASE i WHEN 1 THEN 'Start' ELSE 'S' || (i - 1) END,
                                                      'to', 'S' || i) ORDER BY i)
                  FROM generate_series(1, 10) AS i))) \g /dev/null
SQL
have_execute=$(psql_bench -At -c \
	"SELECT to_regprocedure('reporunner.execute(text,jsonb,jsonb)') IS NOT NULL") || exit 1
exec_modes=""      # the save modes execute() runs without an error
if [ "$have_execute" = t ]; then
	# one call of each mode up front: a broken execute() shows its error
	# here once, and the runs that need it are skipped
	for mode in none all; do
		if psql_bench -c "$(execute_sql "$mode")" >/dev/null; then
			exec_modes="$exec_modes $mode"
		else
			echo "execute():  fails with {\"save\": \"$mode\"} (error above); its runs are skipped"
			broken=1
		fi
	done
else
	echo "execute():  not available (reporunner.execute(text, jsonb, jsonb) does not exist)"
fi

# finish: a crash anywhere in the run counts as broken; the load at the
# end; exit 1 when something broke.
finish() {
	bench_finish bench
}

# (j) HTTP requests through background executions, against wrk
http_section() {
	echo
	echo "(j) $http_requests HTTP requests through background executions to a local nginx," \
		"against wrk to the same URL"
	bench_http || broken=1
}

# (m) webhook requests through the listener, against n8n
webhook_section() {
	echo
	echo "(m) webhook requests/s through the webhook listener (wrk -c8, ${webhook_seconds} s, loopback)"
	bench_webhook || broken=1
}

# (k) expressions: the workflow "methods" (Start -> M, a set node with ten
# method-heavy fields), executed on 100 items: 1,000 evaluations a call.
# After 20 warm-up calls, the backend's memory is sampled, then the calls
# for $expr_evaluations evaluations run (committing every $commit_every),
# then it is sampled again.
expr_fields='{
  "initials": "{{ $json.name.toUpperCase().split(\" \").map(w => w[0]).join(\"\") }}",
  "domain": "{{ $json.email.split(\"@\")[1].toLowerCase() }}",
  "a_tags": "{{ $json.tags.filter(t => t.startsWith(\"a\")).length }}",
  "total": "{{ $json.lines.map(l => l.qty * l.price).reduce((a, b) => a + b, 0).toFixed(2) }}",
  "skus": "{{ $json.lines.pluck(\"sku\").unique().join(\",\") }}",
  "slug": "{{ $json.name.replace(/\\s+/g, \"-\").toLowerCase() }}",
  "due": "{{ $json.created.toDateTime().plus(7, \"days\").toFormat(\"yyyy-MM-dd\") }}",
  "keys": "{{ Object.keys($json).sort().join(\"|\") }}",
  "note": "{{ $json.note.trim().padEnd(20, \".\").slice(0, 20) }}",
  "top": "{{ $json.lines.length > 2 ? $json.lines.sort((a, b) => b.price - a.price)[0].sku : $json.tags.first() }}"}'

expr_section() {
	calls=$(((expr_evaluations + 999) / 1000))
	echo
	echo "(k) expressions: execute() of a set node with ten method-heavy {{ }} fields over 100 items," \
		"$calls calls ($((calls * 1000)) evaluations) in one backend"
	{
		cat <<'SQL'
\pset footer off
SELECT reporunner.save_workflow('methods', jsonb_build_object(
  'nodes', jsonb_build_array(jsonb_build_object('name', 'Start', 'type', 'trigger'),
                             jsonb_build_object('name', 'M', 'type', 'set',
                                                'params', jsonb_build_object('fields', :'fields'::jsonb))),
  'connections', '[{"from": "Start", "to": "M"}]'::jsonb)) \g /dev/null
CREATE TABLE bench_expr_input AS
SELECT jsonb_agg(jsonb_build_object(
         'name', ' Ada  Lovelace ' || i, 'email', 'Ada.' || i || '@Example.COM',
         'tags', jsonb_build_array('alpha', 'beta', 'admin', 'tag' || i % 7),
         'lines', (SELECT jsonb_agg(jsonb_build_object('sku', 'S' || (j % 3), 'qty', j, 'price', 1.25 * j))
                   FROM generate_series(1, 1 + i % 4) AS j),
         'created', '2024-03-' || lpad((1 + i % 28)::text, 2, '0') || 'T10:00:00Z',
         'note', '  note ' || i || '  ')) AS items
FROM generate_series(1, 100) AS i;
SELECT count(*) = 1000 AS evaluations_per_call
FROM jsonb_array_elements(reporunner.execute('methods', (SELECT items FROM bench_expr_input), '{"save": "none"}')) AS o,
     jsonb_object_keys(o) AS k
WHERE k IN ('initials', 'domain', 'a_tags', 'total', 'skus', 'slug', 'due', 'keys', 'note', 'top')
\g (tuples_only format=unaligned)
SQL
		memory_loop 20 methods "(SELECT items FROM bench_expr_input)"
		memory_sample warm
		printf '%s\n' "SELECT clock_timestamp() AS t0 \\gset"
		memory_loop "$calls" methods "(SELECT items FROM bench_expr_input)"
		printf '%s\n' "SELECT extract(epoch FROM clock_timestamp() - :'t0')::numeric AS secs \\gset"
		memory_sample after
		cat <<'SQL'
SELECT format('%s evaluations in %s s: %s evaluations/s', :calls * 1000, round(:secs, 2),
              round(:calls * 1000 / greatest(:secs, 0.001))) AS line \g (tuples_only format=unaligned)
SELECT format('memory growth over them: contexts %s kB held, VmRSS %s kB, RssAnon %s kB: %s',
              round((:after_ctx - :warm_ctx) / 1024.0), :after_rss - :warm_rss, :after_anon - :warm_anon,
              CASE WHEN (:after_ctx - :warm_ctx) / 1024.0 <= 1024 AND :after_anon - :warm_anon <= 1024
                   THEN 'flat (<= 1 MB each)' ELSE 'grew over 1 MB' END) AS line
\g (tuples_only format=unaligned)
DROP TABLE bench_expr_input;
SQL
	} >"$work/expr.sql"
	give_to_pg "$work/expr.sql"
	psql_bench -v fields="$expr_fields" -v calls="$calls" -f "$work/expr.sql"
}

if [ "${BENCH_ONLY:-}" = http ]; then
	http_section
	finish
fi
if [ "${BENCH_ONLY:-}" = expr ]; then
	expr_section || broken=1
	finish
fi
if [ "${BENCH_ONLY:-}" = observe ]; then
	bench_observe || broken=1
	finish
fi
if [ "${BENCH_ONLY:-}" = triggers ]; then
	echo "(i) table triggers that queue webhook_if, against the same inserts without a trigger"
	bg_triggers || broken=1
	finish
fi
if [ "${BENCH_ONLY:-}" = webhook ]; then
	webhook_section
	finish
fi

# 1. throughput: each client count runs every scenario back to back, so the
# ratios compare runs made close together in time.
echo
echo "== throughput ($seconds s per run)"
for c in $clients_list; do
	run_scenario select1 "$c" 'SELECT 1;' >/dev/null || broken=1
	run_scenario insert "$c" \
		"INSERT INTO bench_insert (payload) VALUES ('{\"source\": \"bench\", \"n\": 1}');" \
		>/dev/null || broken=1
	for mode in $exec_modes; do
		run_scenario "exec_$mode" "$c" "$(execute_sql "$mode")" >/dev/null || broken=1
	done
	if in_list none $exec_modes; then
		run_scenario exec_floor "$c" "$(floor_sql)" >/dev/null || broken=1
	fi
done

echo
printf '%-36s %7s %10s\n' scenario clients tps
for name in select1 insert exec_none exec_all exec_floor; do
	for c in $clients_list; do
		tps=$(tps_of "$name" "$c")
		if [ -n "$tps" ]; then
			tps=$(printf '%.0f' "$tps")
		elif [ "${name#exec_}" = "$name" ]; then
			tps=failed
		elif [ "$have_execute" = f ]; then
			tps="execute() not available"
		elif ! in_list "${name#exec_}" $exec_modes; then
			tps="skipped: execute() fails"
		else
			tps=failed
		fi
		printf '%-36s %7s %10s\n' "$(label "$name")" "$c" "$tps"
	done
done
echo
echo "ratios (same run):"
for c in $clients_list; do
	ratio exec_none select1 0.25 "$c" "save none / SELECT 1"
	ratio exec_all insert 0.8 "$c" "save all / INSERT commit rate"
done
echo "the floor of any saved execute() (save none + one durable row), not a target:"
for c in $clients_list; do
	num=$(tps_of exec_floor "$c")
	den=$(tps_of insert "$c")
	[ -n "$num" ] && [ -n "$den" ] &&
		awk -v n="$num" -v d="$den" -v c="$c" 'BEGIN {
			printf "  %-30s %2s clients: %6.3f\n", "floor / INSERT commit rate", c, n / d
		}'
done
echo
echo "WAL written per transaction (bytes, same run, each run after a checkpoint):"
for name in insert exec_none exec_all exec_floor; do
	for c in $clients_list; do
		wal=$(awk -v n="$name" -v c="$c" '$1 == n && $2 == c { print $3 }' "$work/wal" 2>/dev/null)
		[ -n "$wal" ] && printf '  %-34s %7s %10s\n' "$(label "$name")" "$c" "$wal"
	done
done

# 2. memory: one backend, many calls; samples taken inside that backend
# (pg_backend_memory_contexts and its own /proc/self/status).
echo
echo "== memory: one backend, $memory_calls calls of execute(webhook_if, save none)"
if [ "$have_execute" = f ]; then
	echo "execute() not available"
elif ! in_list none $exec_modes; then
	echo "skipped: execute() fails"
elif [ "$memory_calls" -eq 0 ]; then
	echo "skipped (BENCH_MEMORY_CALLS=0)"
else
	memory_script >"$work/memory.sql"
	give_to_pg "$work/memory.sql"
	psql_bench -v calls="$memory_calls" -v warmup="$warmup_calls" -f "$work/memory.sql" || broken=1
fi

[ "${BENCH_ONLY:-}" = execute ] && finish

# 3. background execution: start() and the workers, against a bare queue
# measured in the same run
echo
echo "== background execution (start() and workers; pgbench runs of $seconds s)"
have_start=$(psql_bench -At -c \
	"SELECT to_regprocedure('reporunner.start(text,jsonb,jsonb)') IS NOT NULL") || exit 1
if [ "$have_start" != t ]; then
	echo "start() not available (reporunner.start(text, jsonb, jsonb) does not exist)"
else
	echo "(d) bare SKIP LOCKED queue: enqueue and claim + ack scripts at weight 1"
	bg_queue || broken=1

	echo
	echo "(e) start() of webhook_if from $bg_clients clients for $seconds s, then the workers finish the queue"
	echo "    done/s = executions / (last finished_at - first created_at)"
	printf '  %7s %10s %11s %9s %8s %12s %14s %11s\n' workers started/s executions "left at" \
		seconds done/s "while starting" "after"
	printf '  %7s %10s %11s %9s %8s %12s %14s %11s\n' "" "" "" "stop" "" "" "done/s" "done/s"
	for w in $bg_workers_list; do
		bg_throughput "$w" || broken=1
	done
	queue_rate=$(tps_of queue.2 "$bg_clients")
	for w in $bg_workers_list; do
		rate=$(tps_of "done_w$w" "$bg_clients")
		[ -n "$rate" ] || continue
		printf '  %d workers: %6.0f executions/s   target >= 3000   %s\n' "$w" "$rate" \
			"$(mark "$rate" '>=' 3000)"
		ratio "done_w$w" queue.2 0.5 "$bg_clients" "done/s ($w workers) / bare queue"
	done

	echo
	echo "(f) chain of 10 sql steps, $chain_executions executions queued in one transaction"
	for w in $bg_workers_list; do
		bg_chain "$w" || broken=1
	done

	echo
	echo "(g) latency: $latency_samples executions one at a time, 0-$latency_pause_ms ms apart at random" \
		"(workers_per_database 2); the end is seen by polling every ~1 ms"
	set_workers 2
	latency_script >"$work/latency.sql"
	give_to_pg "$work/latency.sql"
	psql_bench -f "$work/latency.sql" || broken=1

	echo
	echo "(h) worker memory over $worker_steps steps (BENCH_WORKER_STEPS), workers_per_database 1"
	if [ "$worker_steps" -eq 0 ]; then
		echo "skipped (BENCH_WORKER_STEPS=0)"
	else
		bg_worker_memory || broken=1
	fi

	echo
	echo "(i) table triggers that queue webhook_if, against the same inserts without a trigger"
	bg_triggers || broken=1
fi

expr_section || broken=1
bench_observe || broken=1
webhook_section
http_section
finish
