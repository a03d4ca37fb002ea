#!/bin/sh
# link_check.sh - TAP test: the installed module imports no function from a
# library (jansson, libcurl, OpenSSL) under a name that the server
# executable also exports.  The dynamic linker would bind such a call to the
# server's function instead (jansson's json_object() against the SQL
# json_object(), for one), which crashes the backend.
set -u

so="$(pg_config --pkglibdir)/reporunner.so"
server="$(pg_config --bindir)/postgres"

nm -D --defined-only "$server" | awk '{ print $3 }' | sort -u >"${TMPDIR:-/tmp}/rr_server_syms.$$"
n=0
status=0
for lib in $(nm -D --undefined-only "$so" | awk -F@ '/@lib/ && !/@libc|@ld-linux/ { print $2 }' | sort -u); do
	n=$((n + 1))
	clashes=$(nm -D --undefined-only "$so" | awk -v lib="$lib" -F'[ @]+' '$0 ~ "@" lib { print $3 }' |
		sort -u | comm -12 - "${TMPDIR:-/tmp}/rr_server_syms.$$" | tr '\n' ' ')
	if [ -z "$clashes" ]; then
		echo "ok $n - no function from $lib is shadowed by the server"
	else
		echo "not ok $n - functions from $lib shadowed by the server: $clashes"
		status=1
	fi
done
rm -f "${TMPDIR:-/tmp}/rr_server_syms.$$"
echo "1..$n"
[ "$n" -gt 0 ] || status=1
exit $status
