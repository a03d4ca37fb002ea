# cluster.sh - helpers to run throwaway PostgreSQL clusters; sourced by
# test/run.sh and test/demo.sh.
#
# initdb and postgres refuse to run as root, so when we are root every
# server command runs as the "postgres" user, in folders that user owns.

PGBIN=${PGBIN:-$(pg_config --bindir)}

# Run a command as the user that owns the servers.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- env PATH="$PGBIN:$PATH" "$@"
	else
		env PATH="$PGBIN:$PATH" "$@"
	fi
}

# Give a folder to the server user.
give_to_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		chown -R postgres:postgres "$1"
	fi
}

# A TCP port nobody listens on, from a range the default cluster avoids.
free_port() {
	port=$((55000 + $$ % 2000))
	# pg_isready exits with 2 when nothing answers on the port
	while as_pg pg_isready -q -h 127.0.0.1 -p "$port" -t 1; [ $? -ne 2 ]; do
		port=$((port + 1))
	done
	echo "$port"
}

# A free TCP port of 127.0.0.1 for a listener other than PostgreSQL (the
# webhook listener): the kernel picks one.
free_tcp_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_cluster DIR PORT: initdb DIR (if new) and start it on PORT with its
# socket in DIR/sock and Reporunner and pg_cron preloaded.
start_cluster() {
	dir=$1
	port=$2
	mkdir -p "$dir"
	give_to_pg "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg initdb -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log"
			return 1
		}
		as_pg mkdir -p "$dir/sock"
		cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
shared_preload_libraries = 'pg_cron, reporunner'
cron.database_name = 'postgres'
fsync = off
CONF
	fi
	as_pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w start >/dev/null || {
		cat "$dir/server.log"
		return 1
	}
}

stop_cluster() {
	as_pg pg_ctl -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}
