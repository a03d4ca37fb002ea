#!/bin/sh
# build.sh - build and install Citus from the vendored source tarball.
#
# Installs the Debian packages Citus builds with when they are missing,
# extracts ../shared/vendor/citus (or $CITUS_VENDOR) into tmp_citus/,
# applies its one-line PostgreSQL 15 patch, and installs Citus into the
# server of the pg_config first in PATH.  A build already in tmp_citus/ is
# reused, and nothing is done when that server already has Citus.
set -eu

cd "$(dirname "$0")/../.."
VENDOR=${CITUS_VENDOR:-$(pwd)/../shared/vendor/citus}
[ -d "$VENDOR" ] || VENDOR=/work/shared/vendor/citus
VERSION=13.2.2
BUILD=tmp_citus/citus-$VERSION
PKGLIBDIR=$(pg_config --pkglibdir)

if [ -f "$PKGLIBDIR/citus.so" ] && [ -f "$(pg_config --sharedir)/extension/citus.control" ]; then
	exit 0
fi

missing=""
for p in liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "citus: installing$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -f "$BUILD/src/backend/distributed/citus.so" ]; then
	echo "citus: building $VERSION in $BUILD (a few minutes)"
	rm -rf "$BUILD"
	mkdir -p tmp_citus
	tar -xzf "$VENDOR/citus-$VERSION.tar.gz" -C tmp_citus
	(cd "$BUILD" && patch -s -p1 < "$VENDOR/pg15-have_createdb_privilege.patch" &&
		./configure -q --without-libcurl PG_CONFIG="$(command -v pg_config)" >/dev/null &&
		make -s -j2 >/dev/null)
fi
(cd "$BUILD" && make -s install >/dev/null)
echo "citus: installed into $PKGLIBDIR"
