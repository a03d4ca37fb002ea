#!/bin/sh
# run.sh - Reporunner's Citus test suite (make test-citus), or with
# "bench" its benchmark (make bench-citus, test/citus/bench.pl).
#
# Builds and installs Citus (test/citus/build.sh) and Reporunner into the
# server of the pg_config first in PATH, then runs the TAP tests in
# test/citus/*.pl, each of which starts its own coordinator and two worker
# nodes on loopback (test/perl/CitusCluster.pm), as the postgres user in a
# copy of the tree it owns.  Prints "N passed, N failed" at the end.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/test/cluster.sh"

sh "$top/test/citus/build.sh" || exit 1
(cd "$top" && make -s install >/dev/null) || exit 1

work=$(mktemp -d /tmp/reporunner-citus.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/tree"
(cd "$top" && tar --exclude=.git --exclude=tmp_check --exclude=tmp_citus --exclude=.demo -cf - .) |
	(cd "$work/tree" && tar -xf -)
give_to_pg "$work"

pgxs_dir=$(dirname "$(pg_config --pgxs)")/..
if [ "${1:-}" = bench ]; then
	(cd "$work/tree" && as_pg env TESTDIR="$work/tree" PG_REGRESS="$pgxs_dir/test/regress/pg_regress" \
		prove -v -I "$pgxs_dir/test/perl" -I test/perl test/citus/bench.pl) 2>&1
	exit $?
fi
(cd "$work/tree" && as_pg env TESTDIR="$work/tree" PG_REGRESS="$pgxs_dir/test/regress/pg_regress" \
	prove -v -I "$pgxs_dir/test/perl" -I test/perl test/citus/[0-9]*.pl) >"$work/tap.log" 2>&1
status=$?
cat "$work/tap.log"
if [ $status -ne 0 ]; then
	for log in "$work"/tree/tmp_check/log/regress_log_*; do
		echo "=== $log"
		tail -n 30 "$log"
	done
fi
passed=$(grep -c '^ok ' "$work/tap.log")
failed=$(grep '^not ok ' "$work/tap.log" | grep -vc '# TODO')
todo=$(grep '^not ok ' "$work/tap.log" | grep -c '# TODO')
# a test file that died counts as one failure
[ $status -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed, $todo to do (docs/scaling.md)"
exit $status
