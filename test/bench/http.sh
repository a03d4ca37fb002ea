# http.sh - make bench's HTTP section (j); sourced by test/bench/run.sh,
# whose cluster ($work, $port), psql_bench, set_workers, bg_clear,
# bg_failures, worker_pids, proc_memory and mark it uses.
#
# A local nginx (a throwaway configuration in $work/nginx, run as the
# server user, never the system's nginx) serves a small static JSON on
# 127.0.0.1.  The raw baseline is wrk -t2 -c64 -d5s against that URL.
# Then 10,000 requests through background executions of an http node,
# reporunner.http_allow = '127.0.0.1/32', two workers,
# reporunner.max_workers_per_owner = 0 (the bench is one owner),
# reporunner.http_max_concurrency and reporunner.http_max_per_host 64 (one
# host here), in two shapes queued in one transaction each:
#   (1) 100 executions x 100 items (one request per item)
#   (2) 10,000 executions x 1 item
# (BENCH_HTTP_REQUESTS changes the 10,000.)
# Each is measured as requests/s from the first start (created_at) to the
# last execution's end (finished_at), and printed with its ratio to wrk
# and the targets (>= 5,000 requests/s, >= 0.3 x wrk).  The workers' RSS
# (the sum over the reporunner workers) is sampled at the start, the
# middle and the end of each shape: flat means the end is within 10 % +
# 5 MB of the middle.  A shape still running after $http_limit seconds is
# cut there (what is left is canceled) and its rate is over what was done.
# Skipped, with a message, when nginx or wrk is missing.

http_requests=${BENCH_HTTP_REQUESTS:-10000}  # requests per shape
http_concurrency=64     # wrk connections; reporunner.http_max_concurrency
http_limit=45           # seconds a shape may run before the rest is canceled
http_wrk_seconds=5      # length of the raw wrk run

# http_nginx_stop: stop the throwaway nginx, if it runs.
http_nginx_stop() {
	[ -n "${http_dir:-}" ] && [ -f "$http_dir/nginx.pid" ] || return 0
	as_pg nginx -p "$http_dir" -c "$http_dir/nginx.conf" -e "$http_dir/error.log" \
		-s stop >/dev/null 2>&1
	rm -f "$http_dir/nginx.pid"
}

# http_nginx_start: start nginx on a free port of 127.0.0.1 serving
# $http_dir/www; sets http_url.  Returns 1 when it does not answer.
http_nginx_start() {
	http_dir="$work/nginx"
	mkdir -p "$http_dir/www" "$http_dir/tmp"
	printf '%s\n' '{"id": 1, "name": "bench", "ok": true, "tags": ["a", "b"]}' \
		>"$http_dir/www/item.json"
	http_port=$(free_port)
	cat >"$http_dir/nginx.conf" <<CONF
# throwaway configuration of test/bench/http.sh
worker_processes 1;
daemon on;
pid $http_dir/nginx.pid;
error_log $http_dir/error.log warn;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $http_dir/tmp/body;
	proxy_temp_path $http_dir/tmp/proxy;
	fastcgi_temp_path $http_dir/tmp/fastcgi;
	uwsgi_temp_path $http_dir/tmp/uwsgi;
	scgi_temp_path $http_dir/tmp/scgi;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$http_port;
		location / {
			root $http_dir/www;
			default_type application/json;
		}
	}
}
CONF
	give_to_pg "$http_dir"
	# as the server user: no root-owned nginx, and no "user" directive needed
	as_pg nginx -p "$http_dir" -c "$http_dir/nginx.conf" -e "$http_dir/error.log" || {
		cat "$http_dir/error.log" >&2
		return 1
	}
	http_url="http://127.0.0.1:$http_port/item.json"
	tries=0
	until wrk -t1 -c1 -d1s "$http_url" 2>/dev/null | grep -q '^Requests/sec'; do
		[ $tries -ge 20 ] && {
			echo "nginx does not answer on $http_url" >&2
			cat "$http_dir/error.log" >&2
			return 1
		}
		sleep 0.2
		tries=$((tries + 1))
	done
}

# http_workers_rss: "count VmRSS RssAnon" summed over the running workers
# (kB).
http_workers_rss() {
	for pid in $(worker_pids); do
		[ -r "/proc/$pid/status" ] && echo "$(proc_memory "$pid")"
	done | awk '{ n++; rss += $1; anon += $2 } END { print n + 0, rss + 0, anon + 0 }'
}

# http_shape NAME EXECUTIONS ITEMS: queue EXECUTIONS executions of
# http_get over ITEMS items each in one transaction; wait until they ran
# (at most $http_limit s), sampling the workers' memory; print the row.
# Records "NAME RATE" in $work/http.
http_shape() {
	name=$1 executions=$2 items=$3
	total=$((executions * items))
	bg_clear >/dev/null || return 1
	psql_bench -c "SELECT count(reporunner.start('http_get',
		(SELECT jsonb_agg(jsonb_build_object('i', i)) FROM generate_series(1, $items) i)))
		FROM generate_series(1, $executions)" >/dev/null || return 1
	t0=$(date +%s)
	m_start="" m_middle="" m_end="" cut=""
	while :; do
		left=$(psql_bench -At -c "SELECT count(*) FROM reporunner.queue") || return 1
		done_n=$((executions - left))
		mem=$(http_workers_rss)
		# start: the first sample with a worker running; middle: once half
		# is done; end: the last sample with work left
		if [ -z "$m_start" ] && [ "${mem%% *}" -gt 0 ]; then
			m_start=$mem
		fi
		if [ -z "$m_middle" ] && [ $((done_n * 2)) -ge "$executions" ] && [ "${mem%% *}" -gt 0 ]; then
			m_middle=$mem
		fi
		[ "$left" -gt 0 ] && [ "${mem%% *}" -gt 0 ] && m_end=$mem
		[ "$left" -eq 0 ] && break
		if [ $(($(date +%s) - t0)) -ge "$http_limit" ]; then
			cut=$left
			psql_bench -c "SELECT count(reporunner.cancel(execution_id)) FROM reporunner.queue" \
				>/dev/null || return 1
			break
		fi
		sleep 0.2
	done
	bg_failures || return 1
	row=$(psql_bench -At -F' ' -c "SELECT count(*) FILTER (WHERE status = 'succeeded'),
		extract(epoch FROM max(finished_at) FILTER (WHERE status = 'succeeded') - min(created_at))
		FROM reporunner.execution") || return 1
	set -- $row
	ok_execs=$1 secs=$2
	requests=$((ok_execs * items))
	rate=$(awk -v n="$requests" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
	echo "$name $rate" >>"$work/http"
	note=""
	[ -n "$cut" ] && note="  (cut at $http_limit s: $cut executions canceled)"
	printf '  %-34s %8d %8.1f %10.0f %8.3f%s\n' "$name" "$requests" "$secs" "$rate" \
		"$(awk -v r="$rate" -v w="$http_raw" 'BEGIN { printf "%.3f", (w > 0 ? r / w : 0) }')" "$note"
	# memory: count VmRSS RssAnon at each point
	printf '%s\n' "${m_start:-0 0 0}" "${m_middle:-${m_end:-0 0 0}}" "${m_end:-0 0 0}" |
		awk '{ n[NR] = $1; rss[NR] = $2; anon[NR] = $3 }
		END {
			printf "    workers RSS kB (workers): start %d (%d), middle %d (%d), end %d (%d); RssAnon %d, %d, %d\n",
				rss[1], n[1], rss[2], n[2], rss[3], n[3], anon[1], anon[2], anon[3]
			flat = rss[3] <= rss[2] * 1.10 + 5120
			printf "    memory %s: the end is %s 10 %% + 5 MB of the middle\n",
				flat ? "flat" : "NOT flat", flat ? "within" : "beyond"
		}'
}

# bench_http: section (j).
bench_http() {
	for tool in nginx wrk; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "  skipped: $tool is not installed (test/setup.sh installs nginx and wrk)"
			return 0
		fi
	done
	http_nginx_start || return 1
	echo "  nginx $(nginx -v 2>&1 | sed 's/.*\///'), 1 worker process, on $http_url (access log off)"

	http_raw=$(wrk -t2 -c"$http_concurrency" -d"${http_wrk_seconds}s" "$http_url" 2>&1 |
		sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p')
	if [ -z "$http_raw" ]; then
		echo "  wrk gave no result" >&2
		return 1
	fi
	printf '  raw: wrk -t2 -c%d -d%ds: %.0f requests/s\n' "$http_concurrency" "$http_wrk_seconds" "$http_raw"

	# one owner runs everything here: with the default max_workers_per_owner
	# its executions with side effects would hold one worker at a time; and
	# all requests go to one host, so its limit is the global one
	psql_bench -c "ALTER SYSTEM SET reporunner.http_allow = '127.0.0.1/32'" \
		-c "ALTER SYSTEM SET reporunner.max_workers_per_owner = 0" \
		-c "ALTER SYSTEM SET reporunner.http_max_concurrency = $http_concurrency" \
		-c "ALTER SYSTEM SET reporunner.http_max_per_host = $http_concurrency" >/dev/null || return 1
	concurrency="reporunner.http_max_concurrency = reporunner.http_max_per_host = $http_concurrency"
	set_workers 2
	psql_bench -c "SELECT reporunner.save_workflow('http_get', jsonb_build_object('nodes',
		jsonb_build_array(jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'Get', 'type', 'http', 'params',
				jsonb_build_object('url', '$http_url', 'response', 'json'))),
		'connections', jsonb_build_array(jsonb_build_object('from', 'Start', 'to', 'Get'))))" \
		>/dev/null || return 1
	echo "  workers_per_database 2, max_workers_per_owner 0 (one owner here), http_allow '127.0.0.1/32',"
	echo "  $concurrency"
	echo "  requests/s = requests of succeeded executions / (last finished_at - first created_at)"
	printf '  %-34s %8s %8s %10s %8s\n' shape requests seconds requests/s "÷ wrk"
	http_shape "(1) $((http_requests / 100)) executions x 100 items" $((http_requests / 100)) 100 ||
		return 1
	http_shape "(2) $http_requests executions x 1 item" "$http_requests" 1 || return 1
	for shape in 1 2; do
		rate=$(awk -v k="($shape)" '$1 == k { print $NF }' "$work/http")
		printf '  (%d) %6.0f requests/s   target >= 5000   %s;   %.3f x wrk   target >= 0.3   %s\n' \
			"$shape" "$rate" "$(mark "$rate" '>=' 5000)" \
			"$(awk -v r="$rate" -v w="$http_raw" 'BEGIN { print r / w }')" \
			"$(mark "$(awk -v r="$rate" -v w="$http_raw" 'BEGIN { print r / w }')" '>=' 0.3)"
	done
	psql_bench -c "ALTER SYSTEM RESET reporunner.http_allow" \
		-c "ALTER SYSTEM RESET reporunner.max_workers_per_owner" \
		-c "ALTER SYSTEM RESET reporunner.http_max_concurrency" \
		-c "ALTER SYSTEM RESET reporunner.http_max_per_host" >/dev/null || return 1
	psql_bench -c "SELECT pg_reload_conf()" >/dev/null || return 1
	http_nginx_stop
}
