#!/bin/sh
# sqlsmith.sh - random SQL from a tenant against a cluster with workflows,
# executions and busy workers (make test-sqlsmith).
#
# Starts a throwaway cluster with Reporunner, two tenants with workflows (one
# shared), journaled and queued executions and a steady trickle of start()s,
# then lets sqlsmith send random queries as one tenant for SQLSMITH_SECONDS
# (600 by default).  Passes when no server process crashed, panicked or
# failed an assertion, as the server log tells.  Prints TAP and a last line
# "N passed, N failed".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/cluster.sh"
seconds=${SQLSMITH_SECONDS:-600}

if ! command -v sqlsmith >/dev/null 2>&1; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get install -y -qq --no-install-recommends sqlsmith >/dev/null
fi

work=$(mktemp -d /tmp/reporunner-sqlsmith.XXXXXX)
trap 'stop_cluster "$work"; rm -rf "$work"' EXIT INT TERM
give_to_pg "$work"
port=$(free_port)
start_cluster "$work" "$port" || exit 1
psql_as() {
	as_pg psql -X -q -h "$work/sock" -p "$port" -d postgres -U "$1" -v ON_ERROR_STOP=1 "$@"
}

psql_as postgres <<'SQL' >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
CREATE EXTENSION reporunner;
CREATE ROLE smith LOGIN;
CREATE ROLE other LOGIN;
SET ROLE other;
SELECT reporunner.save_workflow('shared', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "S", "type": "set", "params": {"fields": {"seen": "{{ $json.n }}"}}}],
	"connections": [{"from": "Start", "to": "S"}]}');
SELECT reporunner.share_workflow('shared', 'smith');
SET ROLE smith;
SELECT reporunner.save_workflow('mine', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Q", "type": "sql", "params": {"query": "select 1 as one"}},
	{"name": "W", "type": "wait", "params": {"for": "1h"}}],
	"connections": [{"from": "Start", "to": "Q"}, {"from": "Q", "to": "W"}]}');
SELECT reporunner.execute('shared', '[{"n": 1}]', '{"owner": "other"}');
SELECT count(reporunner.start('mine', jsonb_build_array(jsonb_build_object('n', g)))) FROM generate_series(1, 50) g;
SQL

# a steady trickle of background work while sqlsmith runs
(
	end=$(($(date +%s) + seconds))
	while [ "$(date +%s)" -lt "$end" ]; do
		as_pg psql -X -q -h "$work/sock" -p "$port" -d postgres -U smith \
			-c "SELECT reporunner.start('mine', '[{}]')" >/dev/null 2>&1
		sleep 1
	done
) &
trickle=$!

timeout "$seconds" sqlsmith --verbose --target="host=$work/sock port=$port dbname=postgres user=smith" \
	>"$work/sqlsmith.log" 2>&1
kill "$trickle" 2>/dev/null
wait "$trickle" 2>/dev/null

n=0
failed=0
check() {
	n=$((n + 1))
	if grep -Eq "$2" "$work/server.log"; then
		echo "not ok $n - $1"
		grep -E -B2 -A8 "$2" "$work/server.log" | head -n 60
		failed=$((failed + 1))
	else
		echo "ok $n - $1"
	fi
}
check "no server process was terminated by a signal" "terminated by signal"
check "no PANIC" "PANIC:"
check "no assertion failed" "TRAP:"
n=$((n + 1))
if as_pg pg_isready -q -h "$work/sock" -p "$port"; then
	echo "ok $n - the server still answers"
else
	echo "not ok $n - the server does not answer"
	failed=$((failed + 1))
fi
queries=$(grep -o 'queries: [0-9]*' "$work/sqlsmith.log" | tail -n 1)
echo "# sqlsmith for $seconds s: ${queries:-no count}"
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
