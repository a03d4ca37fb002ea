#!/bin/sh
# run.sh - make bench-n8n: n8n and Reporunner side by side, same machine,
# same run, same three workflows (workflows/*.json), loopback only.
#
# 1. A throwaway cluster (test/cluster.sh, durable commits as make bench)
#    with the webhook listener on a free loopback port.  It also holds n8n's
#    own database.
# 2. n8n: bench.sh (installs n8n with install.sh into $N8N_DIR when it is
#    missing) measures n8n's webhook throughput with wrk and prints its
#    "n8n ..." lines.
# 3. Reporunner: import_n8n() of the same three files, then for each
#    scenario and concurrency, $DURATION_S seconds each:
#      via=execute  pgbench calling execute() on the item the Webhook node
#                   makes of wrk-post.lua's body, journal saved (save all)
#      via=start    pgbench calling start() on the same item, then the
#                   workers run the queue: executions done per second from
#                   the first start() to the last end
#      via=webhook  wrk with wrk-post.lua through the webhook listener (the
#                   imported registration: respond when finished, first item)
#    and the RSS of the cluster's processes (backends, workers, listener)
#    sampled meanwhile.
# 4. The ratios against n8n (save=on, n8n's default saving) at the same
#    concurrency, with the targets, and both sides' memory.
#
# Environment: as bench.sh (SCENARIOS, CONCURRENCY, DURATION_S, N8N_DIR,
# SAVE_MODES, WARMUP_S, QUIET_MAX_PCT, QUIET_WAIT_S, ...), defaults
# CONCURRENCY="1 8 32", DURATION_S=20, SAVE_MODES=on, QUIET_WAIT_S=60;
# WORKERS (default 2) is reporunner.workers_per_database; BENCH_N8N_SKIP=1
# measures our side only.  Timings are informational: exit 0 whatever the numbers, non-zero
# when something broke.  Expects "make install" to have run.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/test/cluster.sh"
. "$top/test/bench/common.sh"

SCENARIOS=${SCENARIOS:-"webhook_set webhook_if webhook_set_chain"}
CONCURRENCY=${CONCURRENCY:-"1 8 32"}
DURATION_S=${DURATION_S:-20}
SAVE_MODES=${SAVE_MODES:-on}
WORKERS=${WORKERS:-2}
N8N_DIR=${N8N_DIR:-$HOME/.cache/reporunner-peers/n8n}
drain_limit=300        # seconds the workers get to run what start() queued
QUIET_WAIT_S=${QUIET_WAIT_S:-60}   # bench.sh waits at most this long for an idle machine per run
export SCENARIOS CONCURRENCY DURATION_S SAVE_MODES N8N_DIR QUIET_WAIT_S

# --- tools: node and npm for n8n (Debian packages), wrk (test/setup.sh)
need=""
command -v node >/dev/null || need="$need nodejs"
command -v npm >/dev/null || need="$need npm"
command -v wrk >/dev/null || need="$need wrk"
if [ -n "$need" ] && [ "${BENCH_N8N_SKIP:-0}" != 1 ]; then
	echo "bench-n8n: installing$need" >&2
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null || exit 1
fi

# n8n 1.110 needs Node.js 20 or later (Debian 12's nodejs is 18)
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${BENCH_N8N_SKIP:-0}" != 1 ] && [ "$node_major" -lt 20 ]; then
	echo "bench-n8n: n8n 1.110 needs Node.js 20 or later, and node is $(node --version 2>/dev/null || echo missing):" \
		"install Node.js 20 (NodeSource's Debian packages), or run BENCH_N8N_SKIP=1 make bench-n8n for our side only" >&2
	exit 1
fi

work=$(mktemp -d /tmp/reporunner-bench-n8n.XXXXXX)
sampler_pid=""
cleanup() {
	[ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
	stop_cluster "$work"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
give_to_pg "$work"
broken=0

echo "== n8n and Reporunner side by side"
echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:    $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "load avg:   $(cut -d' ' -f1-3 /proc/loadavg) (at start)"
echo "settings:   scenarios '$SCENARIOS', concurrency '$CONCURRENCY', ${DURATION_S} s each, workers $WORKERS"

start_bench_cluster "reporunner.workers_per_database = $WORKERS
max_connections = 200" || exit 1
postmaster=$(head -n 1 "$work/data/postmaster.pid")
psql_bench -c "CREATE EXTENSION reporunner" >/dev/null || exit 1

# --- n8n, on the same cluster (its own database "n8n")
: >"$work/n8n.txt"
if [ "${BENCH_N8N_SKIP:-0}" != 1 ]; then
	echo
	echo "== n8n (bench.sh; progress in $work/n8n.log while it runs)"
	PG_HOST=127.0.0.1 PG_PORT=$port PG_USER=postgres RESULTS_DIR="$work/n8n-results" \
		bash "$here/bench.sh" >"$work/n8n.txt" 2>"$work/n8n.log"
	status=$?
	cat "$work/n8n.txt"
	if [ $status -ne 0 ]; then
		echo "n8n's bench failed (exit $status):"
		tail -n 20 "$work/n8n.log"
		broken=1
	fi
fi

# --- Reporunner
echo
echo "== Reporunner (import_n8n() of the same workflows)"

# wf_field SCENARIO FIELD: the workflow's name or its Webhook node's path
wf_field() {
	python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))
hook = [n for n in w["nodes"] if n["type"] == "n8n-nodes-base.webhook"][0]
print(w["name"] if sys.argv[2] == "name" else hook["parameters"]["path"])' "$here/workflows/$1.json" "$2"
}

# item PATH: the SQL of the input the webhook listener makes of
# wrk-post.lua's body for PATH, with pgbench's :n as the counter
item() {
	printf "jsonb_build_array(jsonb_build_object('method', 'POST', 'path', '%s', 'headers', '{\"host\": \"127.0.0.1\", \"content-type\": \"application/json\"}'::jsonb, 'query', '{}'::jsonb, 'body', jsonb_build_object('name', 'user' || :n::int, 'value', :n::int %% 100, 'id', :n::int)))" "$1"
}

# cluster_memory: "<sum of VmRSS> <sum of RssAnon>" in kB of the cluster's
# processes (postmaster's children: backends, workers, the listener)
cluster_memory() {
	for p in $postmaster $(ps -o pid= --ppid "$postmaster"); do
		cat "/proc/$p/status" 2>/dev/null
	done | awk '/^VmRSS:/ { r += $2 } /^RssAnon:/ { a += $2 } END { print r + 0, a + 0 }'
}

# sampler OUT: the largest cluster_memory every 0.5 s into OUT
sampler() {
	max_r=0
	max_a=0
	while :; do
		set -- $(cluster_memory)
		[ "$1" -gt "$max_r" ] && max_r=$1
		[ "$2" -gt "$max_a" ] && max_a=$2
		echo "$max_r $max_a" >"$out"
		sleep 0.5
	done
}
start_sampler() {
	out=$1
	: >"$out"
	sampler &
	sampler_pid=$!
}
stop_sampler() {
	kill "$sampler_pid" 2>/dev/null
	wait "$sampler_pid" 2>/dev/null
	sampler_pid=""
	set -- $(cat "$out")
	peak_r=$1 peak_a=$2
	[ "$peak_r" -gt "${all_r:-0}" ] && all_r=$peak_r
	[ "$peak_a" -gt "${all_a:-0}" ] && all_a=$peak_a
}

# pgbench_run NAME CLIENTS SQL: run SQL for $DURATION_S; sets tps, mean_ms, xacts
pgbench_run() {
	printf '\\set n random(1, 1000000)\n%s\n' "$3" >"$work/$1.sql"
	give_to_pg "$work/$1.sql"
	as_pg pgbench -n -M prepared -c "$2" -j "$2" -T "$DURATION_S" -f "$work/$1.sql" \
		-h "$work/sock" -p "$port" postgres >"$work/$1.log" 2>&1
	status=$?
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/$1.log")
	mean_ms=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$work/$1.log")
	xacts=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/$1.log")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/$1.log")
	if [ $status -ne 0 ] || [ -z "$tps" ] || [ "${failed:-0}" -ne 0 ]; then
		echo "pgbench failed for $1 (exit $status):" >&2
		tail -n 20 "$work/$1.log" >&2
		return 1
	fi
}

# smoke SCENARIO NAME PATH: the workflow's answer through execute() and
# through the listener, as bench.sh checks n8n's
smoke() {
	out=$(psql_bench -At -c "SELECT reporunner.execute('$2', $(item "$3" | sed 's/:n/77/g'), '{\"save\": \"none\"}')->0") || return 1
	hook=$(curl -s --max-time 10 -X POST -H 'Content-Type: application/json' \
		-d '{"name":"user77","value":77,"id":77}' "http://127.0.0.1:$webhook_port/webhook/$3") || return 1
	for answer in "$out" "$hook"; do
		case $1 in
		webhook_set) expect='"name": *"user77"' ;;
		webhook_if) expect='"branch": *"high"' ;;
		*) expect='"f9": *"set5"' ;;
		esac
		echo "$answer" | grep -Eq "$expect" || {
			echo "smoke $1: unexpected answer: $answer" >&2
			return 1
		}
	done
	echo "smoke $1: execute() $out; webhook $hook" >"$work/smoke-$1.txt"
}

set -- $(cluster_memory)
idle_r=$1 idle_a=$2
for s in $SCENARIOS; do
	name=$(wf_field "$s" name)
	path=$(wf_field "$s" path)
	psql_bench -v wf="$(cat "$here/workflows/$s.json")" >/dev/null <<'SQL' || { broken=1; continue; }
SELECT reporunner.import_n8n(:'wf');
SQL
	smoke "$s" "$name" "$path" || { broken=1; continue; }
	for c in $CONCURRENCY; do
		# execute(), journal saved
		bg_clear >/dev/null
		start_sampler "$work/mem"
		pgbench_run "execute-$s-$c" "$c" \
			"SELECT reporunner.execute('$name', $(item "$path"), '{\"save\": \"all\"}');" || broken=1
		stop_sampler
		saved=$(psql_bench -At -c "SELECT count(*) FROM reporunner.execution WHERE status = 'succeeded'")
		echo "ours scenario=$s conc=$c save=on via=execute rps=$(printf %.1f "${tps:-0}") mean_ms=${mean_ms:-0} requests=${xacts:-0} execs_saved=$saved rss_max_mb=$((peak_r / 1024)) anon_max_mb=$((peak_a / 1024))" |
			tee -a "$work/ours.txt"

		# start(), until the workers have run everything
		bg_clear >/dev/null
		start_sampler "$work/mem"
		pgbench_run "start-$s-$c" "$c" "SELECT reporunner.start('$name', $(item "$path"));" || broken=1
		wait_drained || broken=1
		stop_sampler
		bg_failures || broken=1
		set -- $(psql_bench -At -F' ' -c "SELECT count(*), coalesce(extract(epoch FROM max(finished_at) - min(created_at)), 0)
			FROM reporunner.execution") 0 0
		echo "ours scenario=$s conc=$c save=on via=start rps=$(awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / (s > 0 ? s : 1) }') started_per_s=$(printf %.1f "${tps:-0}") executions=$1 seconds=$2 rss_max_mb=$((peak_r / 1024)) anon_max_mb=$((peak_a / 1024))" |
			tee -a "$work/ours.txt"

		# the webhook listener, with bench.sh's wrk script
		bg_clear >/dev/null
		start_sampler "$work/mem"
		timeout --kill-after=5 $((DURATION_S + 40)) wrk -t1 -c"$c" -d"${DURATION_S}s" --timeout 10s \
			--latency -s "$here/wrk-post.lua" "http://127.0.0.1:$webhook_port/webhook/$path" \
			>"$work/wrk-$s-$c.txt" 2>&1 || broken=1
		wait_drained || broken=1
		stop_sampler
		bg_failures || broken=1
		r=$(grep '^WRKRESULT' "$work/wrk-$s-$c.txt")
		echo "ours scenario=$s conc=$c save=on via=webhook $(echo "$r" | awk '{
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d requests=%d", v["requests"] / (v["duration_us"] / 1e6),
				v["lat_p50_us"] / 1000, v["lat_p99_us"] / 1000,
				v["err_connect"] + v["err_read"] + v["err_write"] + v["err_status"] + v["err_timeout"], v["requests"] }') rss_max_mb=$((peak_r / 1024)) anon_max_mb=$((peak_a / 1024))" |
			tee -a "$work/ours.txt"
	done
done
echo "ours memory phase=idle rss_mb=$((idle_r / 1024)) anon_mb=$((idle_a / 1024))"
echo "ours memory phase=load_peak rss_mb=$((${all_r:-0} / 1024)) anon_mb=$((${all_a:-0} / 1024))"

# --- ratios against n8n with its default saving, same concurrency
echo
echo "== ratios (ours / n8n save=on, same scenario and concurrency; targets: execute >= 100x, start >= 50x)"
awk '
	FNR == NR && $1 == "n8n" && $2 ~ /^scenario=/ && $4 == "save=on" {
		split($2, s, "="); split($3, c, "="); split($5, r, "="); n8n[s[2] " " c[2]] = r[2]
		quiet[s[2] " " c[2]] = $NF; next }
	FNR == NR && $1 == "n8n" && $2 == "memory" && $4 == "phase=load_peak" {
		split($5, m, "="); split($6, t, "="); n8n_mem = m[2]; n8n_tree = t[2]; next }
	FNR != NR && $1 == "ours" {
		split($2, s, "="); split($3, c, "="); split($5, v, "="); split($6, r, "=")
		ours[s[2] " " c[2] " " v[2]] = r[2]
		if (!(s[2] " " c[2] in seen)) { seen[s[2] " " c[2]] = 1; order[++n] = s[2] " " c[2] } }
	function ratio(key, via, target,   x) {
		if (!(key in n8n) || n8n[key] == 0 || !((key " " via) in ours)) return via "=n/a"
		x = ours[key " " via] / n8n[key]
		return sprintf("%s=%.1fx%s", via, x, target == "" ? "" : (x >= target ? "(meets)" : "(below)"))
	}
	END {
		for (i = 1; i <= n; i++) {
			split(order[i], k, " ")
			printf "ratio scenario=%s conc=%s n8n_rps=%s %s %s %s n8n_%s\n", k[1], k[2],
				(order[i] in n8n) ? n8n[order[i]] : "n/a",
				ratio(order[i], "execute", 100), ratio(order[i], "start", 50), ratio(order[i], "webhook", ""),
				(order[i] in quiet) ? quiet[order[i]] : "quiet=n/a"
		}
		if (n8n_mem != "")
			printf "memory n8n load_peak rss_mb=%s tree_rss_mb=%s (n8n and its task runner)\n", n8n_mem, n8n_tree
	}' "$work/n8n.txt" "$work/ours.txt"
echo "memory ours load_peak rss_mb=$((${all_r:-0} / 1024)) (sum over the cluster processes, shared memory counted in each) anon_mb=$((${all_a:-0} / 1024)) (private memory)"

bench_finish bench-n8n
