#!/bin/sh
# link_check.sh - TAP test: the installed module imports no function from a
# library (jansson, libcurl, OpenSSL) under a name that the server
# executable also exports.  The dynamic linker would bind such a call to the
# server's function instead (jansson's json_object() against the SQL
# json_object(), for one), which crashes the backend.  And every function it
# imports from the server exists there: a module built with
# -DUSE_ASSERT_CHECKING (as CI builds it) against a server built without
# must not need the functions only assert-enabled servers have.
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
# what the server and the libraries it loads define
for lib in $(ldd "$server" | awk '/=> \// { print $3 }'); do
	nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $3); print $3 }'
done | sort -u - "${TMPDIR:-/tmp}/rr_server_syms.$$" >"${TMPDIR:-/tmp}/rr_loaded_syms.$$"
n=$((n + 1))
missing=$(nm -D --undefined-only "$so" | awk '$1 == "U" && $2 !~ /@/ { print $2 }' |
	sort -u | comm -23 - "${TMPDIR:-/tmp}/rr_loaded_syms.$$" | tr '\n' ' ')
if [ -z "$missing" ]; then
	echo "ok $n - every function the module takes from the server exists there"
else
	echo "not ok $n - functions the server does not define: $missing"
	status=1
fi
rm -f "${TMPDIR:-/tmp}/rr_server_syms.$$" "${TMPDIR:-/tmp}/rr_loaded_syms.$$"
echo "1..$n"
[ "$n" -gt 0 ] || status=1
exit $status
