#!/bin/sh
# setup.sh - install the Debian packages that Reporunner builds and tests with.
#
# Does nothing when every package is already present; otherwise runs
# apt-get update once and installs only what is missing.  Needs root (or
# sudo) only when something is missing.
set -eu

PACKAGES="postgresql-15 postgresql-server-dev-15 postgresql-15-cron
postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl libcurl4-openssl-dev libjansson-dev libssl-dev
libpq-dev libipc-run-perl nginx wrk python3 pkg-config make gcc clang graphviz"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "setup: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# nginx is only a test peer: never let the package start a system-wide server
# that would hold port 80 on the build machine.
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
