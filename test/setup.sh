#!/bin/sh
# setup.sh - install the Debian packages that Reporunner builds and tests with.
#
# Does nothing when every package is already present; otherwise runs
# apt-get update once and installs only what is missing.  Needs root (or
# sudo) only when something is missing.
set -eu

PACKAGES="postgresql-15 postgresql-server-dev-15 postgresql-15-cron
postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl libcurl4-openssl-dev libjansson-dev libssl-dev liblz4-dev
libmicrohttpd-dev libpq-dev libipc-run-perl nginx wrk curl openssl python3 pkg-config make gcc clang graphviz
prometheus prometheus-postgres-exporter"

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
# nginx, prometheus and prometheus-postgres-exporter are only test peers
# (and promtool): never let the packages start system-wide servers that
# would hold ports 80, 9090 and 9187 on the build machine.  A policy-rc.d
# that denies every start does that while they install, unless the machine
# has its own.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
