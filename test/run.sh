#!/bin/sh
# run.sh - run every Reporunner test suite on throwaway clusters.
#
# Suites: a link check of the installed module, C unit tests of the document
# validator and a short libFuzzer run on it (test/unit), the
# pg_regress suite (sql/, expected/), pgTAP suites (test/pgtap) through
# pg_prove, and Perl TAP tests with restarts and crashes (test/t).  Prints a
# summary per suite and a last line "N passed, N failed"; exits non-zero if
# anything failed.  Expects "make install" to have run (make test does it).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/cluster.sh"

work=$(mktemp -d /tmp/reporunner-test.XXXXXX)
trap 'stop_cluster "$work/pgtap"; rm -rf "$work"' EXIT INT TERM
# A copy of the tree the server user can write to (the checkout's parent
# folders may not even be readable by it).
mkdir "$work/tree"
(cd "$top" && tar --exclude=.git --exclude=tmp_check --exclude=.demo -cf - .) |
	(cd "$work/tree" && tar -xf -)
give_to_pg "$work"
cd "$work"

passed=0
failed=0

# count SUITE LOGFILE STATUS: add the TAP results in LOGFILE to the totals.
# Tests a suite planned but never ran count as failed, and a suite that
# failed without reporting a failing test counts one failure.
count() {
	ok=$(grep -Ec '^[[:space:]]*ok [0-9]+' "$2")
	notok=$(grep -Ec '^[[:space:]]*not ok [0-9]+' "$2")
	# tests that were planned but never ran (a suite died half-way) failed
	missing=$(sed -n 's/.*You planned \([0-9]*\) tests but ran \([0-9]*\).*/\1 \2/p' "$2" |
		awk '{ m += $1 - $2 } END { print m + 0 }')
	notok=$((notok + missing))
	if [ "$3" -ne 0 ] && [ "$notok" -eq 0 ]; then
		notok=1
	fi
	echo "$1: $ok passed, $notok failed"
	passed=$((passed + ok))
	failed=$((failed + notok))
	if [ "$notok" -ne 0 ]; then
		echo "---- $1 output ----"
		grep -v '^[[:space:]]*ok [0-9]' "$2" | tail -n 80
		echo "----"
	fi
}

# The end of the output is what a CI summary shows: for each failing Perl
# TAP file, the last lines of what it printed (its failed assertions and
# last words, kept by the test framework in regress_log_NAME) and of its
# servers' logs.
tap_digest() {
	sed -n 's/^test\/t\/\([^ ]*\)\.pl *(Wstat.*/\1/p' "$work/tap.log" |
		while read -r name; do
			for log in "$work/tree/tmp_check/log/regress_log_$name" \
				"$work/tree/tmp_check/log/${name}"_*.log; do
				[ -f "$log" ] || continue
				echo "---- $(basename "$log"), last lines ----"
				grep -v 'LOG:  \(statement\|duration\|checkpoint\)' "$log" | tail -n 12
			done
		done
}

# 0. the installed module links safely into the server
sh "$top/test/link_check.sh" >"$work/link.log" 2>&1
count link "$work/link.log" $?

# 1. unit tests of the pure-C document validator
make -s -C "$work/tree/test/unit" >"$work/unit.log" 2>&1
count unit "$work/unit.log" $?

# 1b. libFuzzer on the same validator, briefly (make fuzz runs it longer)
make -s -C "$work/tree/test/unit" fuzz-smoke >"$work/fuzz.log" 2>&1
count fuzz "$work/fuzz.log" $?

# 2. pg_regress, with its own temporary instance
as_pg make -s -C "$work/tree" installcheck >"$work/regress.log" 2>&1
status=$?
# pg_regress 15 prints "test NAME ... ok|FAILED"; turn that into TAP lines.
awk '/\.\.\. ok/ { n++; print "ok " n " - " $0 }
	/\.\.\. FAILED|\.\.\. failed/ { n++; print "not ok " n " - " $0 }' \
	"$work/regress.log" >"$work/regress.tap"
count pg_regress "$work/regress.tap" $status
if [ $status -ne 0 ]; then
	cat "$work/regress.log"
	[ -f "$work/tree/regression.diffs" ] && head -n 200 "$work/tree/regression.diffs"
fi

# 3. pgTAP suites against one throwaway cluster
port=$(free_port)
if start_cluster "$work/pgtap" "$port"; then
	as_pg psql -X -q -h "$work/pgtap/sock" -p "$port" -d postgres \
		-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION reporunner' \
		>"$work/pgtap-setup.log" 2>&1
	as_pg pg_prove -v -h "$work/pgtap/sock" -p "$port" -d postgres -U postgres \
		"$work"/tree/test/pgtap/*.sql >"$work/pgtap.log" 2>&1
	status=$?
	cat "$work/pgtap-setup.log" >>"$work/pgtap.log"
	stop_cluster "$work/pgtap"
else
	echo "could not start the pgTAP cluster" >"$work/pgtap.log"
	status=1
fi
count pgTAP "$work/pgtap.log" $status

# 4. Perl TAP tests with restarts and crashes
pgxs_dir=$(dirname "$(pg_config --pgxs)")/..
(cd "$work/tree" && as_pg env TESTDIR="$work/tree" PG_REGRESS="$pgxs_dir/test/regress/pg_regress" \
	prove -v -I "$pgxs_dir/test/perl" -I test/perl test/t/*.pl) >"$work/tap.log" 2>&1
count TAP "$work/tap.log" $?
tap_digest

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
