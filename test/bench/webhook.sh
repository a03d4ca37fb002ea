# webhook.sh - make bench's webhook section (m); sourced by
# test/bench/run.sh, whose cluster ($work, $port; its postgresql.conf sets
# reporunner.webhook_listen to 127.0.0.1:$webhook_port), psql_bench,
# bg_clear, wait_drained and bg_failures it uses.
#
# wrk -t1 -c8 -d${webhook_seconds}s POSTs a small JSON body to a webhook
# (auth none, respond immediately) of webhook_if, through the webhook
# listener on loopback; every answer is 202 and queues one execution.
# Printed: wrk's requests/s against n8n's ~150/s (its documented single
# instance figure for a webhook workflow), the answers that were not 202,
# and whether the workers ran every execution queued.  Each request is a
# durable commit of its own, one at a time: the rate is bound by fsync.  Skipped, with a
# message, when wrk is missing.

webhook_seconds=5       # length of the wrk run
webhook_n8n_rate=150    # n8n's webhook requests/s, single instance

bench_webhook() {
	if ! command -v wrk >/dev/null; then
		echo "skipped: wrk is missing"
		return 0
	fi
	bg_clear >/dev/null || return 1
	psql_bench -c "SELECT reporunner.on_webhook('webhook_if', 'bench')" >/dev/null || return 1
	cat >"$work/webhook.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"id": 1, "price": 12.5, "qty": 10, "customer": "acme"}'
wrk.headers["Content-Type"] = "application/json"
LUA
	wrk -t1 -c8 -d"${webhook_seconds}s" -s "$work/webhook.lua" \
		"http://127.0.0.1:$webhook_port/webhook/bench" >"$work/webhook.wrk" 2>&1 || {
		cat "$work/webhook.wrk" >&2
		return 1
	}
	rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/webhook.wrk")
	requests=$(awk '/requests in/ { print $1 }' "$work/webhook.wrk")
	refused=$(awk '/Non-2xx/ { print $NF }' "$work/webhook.wrk")
	wait_drained || return 1
	queued=$(psql_bench -At -c "SELECT count(*) FROM reporunner.execution") || return 1
	printf '  %s requests in %s s: %.0f requests/s (n8n ~%d/s: x%.1f); not 202: %s\n' \
		"$requests" "$webhook_seconds" "$rate" "$webhook_n8n_rate" \
		"$(awk -v r="$rate" -v n="$webhook_n8n_rate" 'BEGIN { print r / n }')" "${refused:-0}"
	echo "  executions queued and run: $queued (one per 202; wrk does not count the" \
		"requests still in flight when it stops)"
	bg_failures || return 1
	psql_bench -c "SELECT reporunner.drop_trigger(id) FROM reporunner.trigger WHERE kind = 'webhook'" \
		>/dev/null
}
