#!/bin/sh
# link_check.sh - TAP test: the installed module imports no function from a
# library (jansson, libcurl, OpenSSL) under a name that the server
# executable also exports.  The dynamic linker would bind such a call to the
# server's function instead (jansson's json_object() against the SQL
# json_object(), for one), which crashes the backend.  And every function it
# imports from the server exists there: a module built with
# -DUSE_ASSERT_CHECKING (as CI builds it) against a server built without
# must not need the functions only assert-enabled servers have.
#
# (libpq itself exports a few functions the server defines too, from the
# same source: pg_char_to_encoding() and the like, lo_read(), lo_write().
# Its own calls of the encoding functions bind to the server's, as they do
# for dblink, postgres_fdw and walreceiver; the module calls none of them,
# and nothing it calls in libpq reaches lo_read() or lo_write().)
set -u

so="$(pg_config --pkglibdir)/reporunner.so"
server="$(pg_config --bindir)/postgres"

tmp="${TMPDIR:-/tmp}/rr_link_check.$$"
mkdir -p "$tmp"
nm -D --defined-only "$server" | awk '{ print $3 }' | sort -u >"$tmp/server"
# what the module imports, without symbol versions
nm -D --undefined-only "$so" | awk '{ sub(/@.*/, "", $2); print $2 }' | sort -u >"$tmp/imports"
# functions the module means to take from the server that a library it
# needs exports as well: the server's come first, as they should
# (pqsignal(): the processes' signal handlers; libpq exports its own copy
# for old clients)
from_server="pqsignal"
n=0
status=0
# every library the module needs (libc aside), by what it defines: libpq's
# symbols carry no version, so the version does not tell where they come from
: >"$tmp/needed"
for lib in $(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -v -e '^libc\.' -e '^ld-linux'); do
	n=$((n + 1))
	path=$(ldd "$so" | awk -v lib="$lib" '$1 == lib { print $3 }')
	nm -D --defined-only "$path" | awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/lib"
	cat "$tmp/lib" >>"$tmp/needed"
	clashes=$(comm -12 "$tmp/imports" "$tmp/lib" | comm -12 - "$tmp/server" |
		grep -vx -e "$from_server" | tr '\n' ' ')
	if [ -z "$clashes" ]; then
		echo "ok $n - no function from $lib is shadowed by the server"
	else
		echo "not ok $n - functions from $lib shadowed by the server: $clashes"
		status=1
	fi
done
# what the server, the libraries it loads and those the module needs define
for lib in $(ldd "$server" | awk '/=> \// { print $3 }'); do
	nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $3); print $3 }'
done | sort -u - "$tmp/server" "$tmp/needed" >"$tmp/loaded"
n=$((n + 1))
missing=$(nm -D --undefined-only "$so" | awk '$1 == "U" && $2 !~ /@/ { print $2 }' |
	sort -u | comm -23 - "$tmp/loaded" | tr '\n' ' ')
if [ -z "$missing" ]; then
	echo "ok $n - every function the module takes from the server exists there"
else
	echo "not ok $n - functions the server does not define: $missing"
	status=1
fi
rm -rf "$tmp"
echo "1..$n"
[ "$n" -gt 0 ] || status=1
exit $status
