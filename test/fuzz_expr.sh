#!/bin/sh
# fuzz_expr.sh - fuzz the {{ }} expression evaluator (make fuzz-expr).
#
# Runs sql/095_expr_fuzz.sql, the random expression generator that
# pg_regress runs with 1,500 expressions and a fixed seed, on a throwaway
# cluster with FUZZ_EXPRESSIONS expressions (default 100,000) and a seed
# from the clock (FUZZ_SEED, between 0 and 1, to repeat a run).  It prints
# the seed, the counts, and every expression that ended in an unexpected
# SQLSTATE; it exits 1 when there is one or the server crashed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/cluster.sh"

count=${FUZZ_EXPRESSIONS:-100000}
seed=${FUZZ_SEED:-0.$(date +%N)}
work=$(mktemp -d /tmp/reporunner-fuzz-expr.XXXXXX)
trap 'stop_cluster "$work"; rm -rf "$work"' EXIT
give_to_pg "$work"
port=$(free_port)
start_cluster "$work" "$port" || exit 1
cp "$top/sql/095_expr_fuzz.sql" "$work/fuzz.sql"
cat >>"$work/fuzz.sql" <<'SQL'
SELECT coalesce(sqlstate, 'value') AS outcome, count(*) FROM fuzz GROUP BY 1 ORDER BY 2 DESC;
SELECT count(*) AS unexpected FROM fuzz
WHERE sqlstate IS NOT NULL AND sqlstate !~ '^(22|42|0A|54)' AND sqlstate <> '57014' \gset
\if :unexpected
SELECT sqlstate, e FROM fuzz
WHERE sqlstate IS NOT NULL AND sqlstate !~ '^(22|42|0A|54)' AND sqlstate <> '57014';
\quit 1
\endif
SQL
give_to_pg "$work/fuzz.sql"
echo "fuzzing the expression evaluator: $count expressions, seed $seed"
as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -p "$port" -d postgres \
	-c "CREATE EXTENSION reporunner CASCADE" \
	-v fuzz_count="$count" -v fuzz_seed="$seed" -f "$work/fuzz.sql"
status=$?
if grep -Eq 'terminated by signal|PANIC' "$work/server.log"; then
	grep -E 'terminated by signal|PANIC' "$work/server.log" | tail -n 5
	status=1
fi
[ $status -eq 0 ] && echo "fuzz-expr: no unexpected outcome" || echo "fuzz-expr: FAILED (seed $seed)"
exit $status
