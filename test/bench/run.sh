#!/bin/sh
# run.sh - Reporunner's benchmark harness (make bench).
#
# Starts a throwaway cluster (postgres-owned temp folder, durable commits:
# fsync and synchronous_commit on), then measures in ONE run, with pgbench:
#   (a) SELECT 1                                   - the round-trip baseline
#   (b) a one-row INSERT per durable commit        - the commit baseline
#   (c) reporunner.execute() of webhook_if (Trigger -> Set -> If -> Set),
#       with {"save": "none"} and with {"save": "all"}
# at 2 and 8 clients, and prints tps and the ratios (c)/(a) and (c)/(b)
# against their targets.  Then it runs execute() many times in one backend
# and prints that backend's memory before and after.
#
# Timings are informational only: the machines are shared and noisy, so the
# script exits 0 whatever the numbers are, and non-zero only when something
# broke (a query error, a pgbench abort, a server crash).  Ratios against
# baselines measured in the same run are what to compare between runs.
#
# Environment: BENCH_SECONDS (default 10) is the length of each pgbench run;
# BENCH_MEMORY_CALLS (default 1000000) the number of calls in the memory
# test.  Expects "make install" to have run (make bench does it).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/test/cluster.sh"

seconds=${BENCH_SECONDS:-10}
memory_calls=${BENCH_MEMORY_CALLS:-1000000}
clients_list="2 8"
warmup_calls=1000      # calls before the first memory sample (caches fill)
commit_every=1000      # the memory loop commits after this many calls

case "$seconds$memory_calls" in
*[!0-9]*) echo "BENCH_SECONDS and BENCH_MEMORY_CALLS must be whole numbers" >&2; exit 2 ;;
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

work=$(mktemp -d /tmp/reporunner-bench.XXXXXX)
cleanup() {
	stop_cluster "$work"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
give_to_pg "$work"
broken=0

psql_bench() {
	as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$port" -d postgres "$@"
}

# run_scenario NAME CLIENTS SQL: run SQL with pgbench on CLIENTS connections
# for $seconds and print its tps.  On failure print the log to stderr and
# return 1.  Each run also lands in $work/results as "NAME CLIENTS TPS".
run_scenario() {
	script="$work/$1.sql"
	log="$work/$1-$2.log"
	printf '%s\n' "$3" >"$script"
	give_to_pg "$script"
	psql_bench -c CHECKPOINT || return 1
	as_pg pgbench -n -M prepared -c "$2" -j "$2" -T "$seconds" -f "$script" \
		-h "$work/sock" -p "$port" postgres >"$log" 2>&1
	status=$?
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$log")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log")
	if [ $status -ne 0 ] || [ -z "$tps" ] || [ "${failed:-0}" -ne 0 ]; then
		echo "pgbench failed for $1 at $2 clients (exit $status):" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	echo "$1 $2 $tps" >>"$work/results"
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
	esac
}

# execute_sql MODE: the pgbench script that runs webhook_if once.
execute_sql() {
	printf '%s\n' "SELECT reporunner.execute('webhook_if', '$input'::jsonb, '{\"save\": \"$1\"}');"
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

# memory_loop N: a DO block that calls execute() N times, committing every
# $commit_every calls as an application would.
memory_loop() {
	cat <<SQL
DO \$loop\$
DECLARE
	input jsonb := '$input';
BEGIN
	FOR i IN 1..$1 LOOP
		PERFORM reporunner.execute('webhook_if', input, '{"save": "none"}');
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

echo "== Reporunner benchmark"
echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:    $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
	"$(awk '/^MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
echo "load avg:   $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
echo "pgbench:    $(pgbench --version), -n -M prepared -T $seconds, -c/-j in {$clients_list}"

# The cluster: start_cluster's test settings, then durable-commit settings
# appended (later lines win) and a restart.
port=$(free_port)
start_cluster "$work" "$port" || exit 1
stop_cluster "$work"
cat >>"$work/data/postgresql.conf" <<CONF
# benchmark settings (test/bench/run.sh)
fsync = on
synchronous_commit = on
shared_buffers = 1GB
max_wal_size = 8GB
CONF
start_cluster "$work" "$port" || exit 1

psql_bench -v workflow="$workflow" <<'SQL' || exit 1
\pset footer off
SELECT 'server:     PostgreSQL ' || current_setting('server_version') AS line \g (tuples_only format=unaligned)
SELECT 'settings:   ' || string_agg(name || ' = ' || current_setting(name), ', ') AS line
FROM unnest(ARRAY['fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size', 'wal_level',
                  'shared_preload_libraries']) AS name \g (tuples_only format=unaligned)
CREATE EXTENSION reporunner;
CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload jsonb);
SELECT reporunner.save_workflow('webhook_if', :'workflow') \g /dev/null
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
done

echo
printf '%-36s %7s %10s\n' scenario clients tps
for name in select1 insert exec_none exec_all; do
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

# 3. a crash anywhere in the run counts as broken
if ! as_pg pg_isready -q -h "$work/sock" -p "$port" ||
	grep -Eq 'terminated by signal|PANIC' "$work/server.log"; then
	echo "the server crashed during the run:"
	grep -E 'terminated by signal|PANIC|FATAL' "$work/server.log" | tail -n 10
	broken=1
fi

echo
echo "load avg:   $(cut -d' ' -f1-3 /proc/loadavg) (at end)"
if [ $broken -ne 0 ]; then
	echo "bench: something broke (see above)"
	exit 1
fi
echo "bench: done"
