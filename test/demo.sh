#!/bin/sh
# demo.sh - show Reporunner working on a throwaway cluster.
#
# Starts a cluster in .demo/ inside the work tree (or in a temporary folder
# when the server user cannot reach the work tree), creates the extension,
# saves an example workflow, runs it with execute() and shows its output,
# the rows it wrote and its journal, runs executions in the background
# (one retrying, one waiting for resume()), then table triggers (row and
# statement level), a pg_cron schedule and a NOTIFY starting workflows, an
# http node calling a local test server (test/http_server.py, standing in for
# an API), with a sealed credential, a workflow calling two shipped
# connectors (GitHub, then Slack) against local stand-ins for them
# (test/mock_services.py), then versions and the stored graph,
# a diff of two versions, the workflow as a Mermaid flowchart and a PNG of a
# failed execution (render() to DOT, drawn by Graphviz's dot), a signed
# GitHub-style webhook delivered with curl to the webhook listener, and
# stops the cluster again.
# Expects "make install" to have run.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/cluster.sh"

dir="$top/.demo"
mkdir -p "$dir"
give_to_pg "$dir"
if ! as_pg test -w "$dir"; then
	dir=$(mktemp -d /tmp/reporunner-demo.XXXXXX)
	echo "(the server user cannot write to $top; using $dir)"
fi
rm -rf "$dir/data"
port=$(free_port)
start_cluster "$dir" "$port"
# the webhook listener, on a free port of 127.0.0.1 (a server-start setting)
webhook_port=$(free_tcp_port)
as_pg psql -X -q -h "$dir/sock" -p "$port" -d postgres \
	-c "ALTER SYSTEM SET reporunner.webhook_listen = '127.0.0.1:$webhook_port'"
as_pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w restart >/dev/null

# the API the http node calls: the tests' server, on a free port of 127.0.0.1
rm -f "$dir/http.port"
python3 "$top/test/http_server.py" --port-file "$dir/http.port" >"$dir/http.log" 2>&1 &
http_pid=$!
trap 'kill $http_pid 2>/dev/null; stop_cluster "$dir"' EXIT INT TERM
waited=0
while [ ! -s "$dir/http.port" ]; do
	if [ $waited -ge 100 ]; then
		echo "the test HTTP server did not start" >&2
		cat "$dir/http.log" >&2
		exit 1
	fi
	sleep 0.1
	waited=$((waited + 1))
done
api="http://127.0.0.1:$(cat "$dir/http.port")"

# the services the connectors call: local stand-ins for GitHub and Slack
rm -f "$dir/mock.port"
python3 "$top/test/mock_services.py" --port-file "$dir/mock.port" >"$dir/mock.log" 2>&1 &
mock_pid=$!
trap 'kill $http_pid $mock_pid 2>/dev/null; stop_cluster "$dir"' EXIT INT TERM
waited=0
while [ ! -s "$dir/mock.port" ]; do
	if [ $waited -ge 100 ]; then
		echo "the mock services did not start" >&2
		cat "$dir/mock.log" >&2
		exit 1
	fi
	sleep 0.1
	waited=$((waited + 1))
done
mock="http://127.0.0.1:$(cat "$dir/mock.port")"

# the master key credentials are sealed under: 32 random bytes only the
# server's user can read
rm -f "$dir/master.key"
as_pg sh -c "umask 077 && head -c 32 /dev/urandom > '$dir/master.key'"

psql_demo() {
	as_pg psql -X -v ON_ERROR_STOP=1 -v api="$api" -v mock="$mock" -v key_file="$dir/master.key" \
		-h "$dir/sock" -p "$port" -d postgres "$@"
}

echo "== Reporunner demo: cluster on port $port, data in $dir/data"
psql_demo <<'SQL'
\echo
\echo '-- install the extension'
CREATE EXTENSION reporunner;
SELECT extname, extversion FROM pg_extension WHERE extname = 'reporunner';
SHOW shared_preload_libraries;

\echo
\echo '-- a table the workflow writes to'
CREATE TABLE orders (id int PRIMARY KEY, customer text, total numeric);

\echo
\echo '-- save a workflow: Start -> Total -> Record (SQL) -> Big? -(true)-> Flag'
SELECT reporunner.save_workflow('orders', $${
  "nodes": [
    {"name": "Start",  "type": "trigger"},
    {"name": "Total",  "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}},
    {"name": "Record", "type": "sql", "params": {
       "query": "INSERT INTO orders (id, customer, total) VALUES ($1, $2, $3) RETURNING id, customer, total",
       "args": ["{{ $json.id }}", "{{ $json.customer }}", "{{ $json.total }}"]}},
    {"name": "Big?",   "type": "if",  "params": {"condition": "{{ $json.total > 100 }}"}},
    {"name": "Flag",   "type": "set", "params": {"fields": {"priority": "high",
                                                 "note": "Order {{ $json.id }} from {{ $json.customer }}"}}}
  ],
  "connections": [
    {"from": "Start", "to": "Total"},
    {"from": "Total", "to": "Record"},
    {"from": "Record", "to": "Big?"},
    {"from": "Big?", "output": "true", "to": "Flag"}
  ],
  "settings": {"timeout": "5min"}
}$$) AS version;

\echo
\echo '-- saving the same document again makes no new version'
SELECT reporunner.save_workflow('orders', reporunner.export_workflow('orders')) AS version;

\echo
\echo '-- a broken document is refused as a whole; nothing is saved'
\set ON_ERROR_STOP 0
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Loop", "type": "noop"}], "connections": [{"from": "Start", "to": "Loop"},
  {"from": "Loop", "to": "Loop"}]}');
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Big?", "type": "if", "params": {"condition": "{{ $jsn.total > 1 }}"}}]}');
\set ON_ERROR_STOP 1

\echo
\echo '-- run it: three orders, in this transaction'
SELECT jsonb_pretty(reporunner.execute('orders', '[
  {"id": 1, "customer": "acme",    "price": 12.5, "qty": 10},
  {"id": 2, "customer": "globex",  "price": 3,    "qty": 2},
  {"id": 3, "customer": "initech", "price": 99,   "qty": 3}]')) AS output;
SELECT * FROM orders ORDER BY id;

\echo
\echo '-- the journal: one execution, one step per node'
SELECT id, status, mode, version, finished_at - started_at AS took FROM reporunner.execution;
SELECT s.node, s.status, s.output
FROM reporunner.step s JOIN reporunner.node n
  ON n.name = s.node AND n.version = (SELECT version FROM reporunner.execution WHERE id = s.execution_id)
 AND n.workflow_id = (SELECT workflow_id FROM reporunner.execution WHERE id = s.execution_id)
ORDER BY n.position;

\echo
\echo '-- a failing step fails the call with its own SQLSTATE (23505: order 1 exists)'
\set ON_ERROR_STOP 0
\set VERBOSITY default
SELECT reporunner.execute('orders', '[{"id": 1, "customer": "acme", "price": 1, "qty": 1}]');
\set ON_ERROR_STOP 1

\echo
\echo '-- inside a transaction that rolls back, nothing happened, journal included'
BEGIN;
SELECT reporunner.execute('orders', '[{"id": 4, "customer": "hooli", "price": 500, "qty": 1}]');
ROLLBACK;
SELECT count(*) AS orders, (SELECT count(*) FROM reporunner.execution) AS executions FROM orders;


\echo
\echo '-- in the background: start() returns at once, workers run the executions'
\echo '-- node by node, each SQL step committed with its journal row'
CREATE SEQUENCE flaky_calls;
SELECT reporunner.save_workflow('flaky', $${
  "nodes": [
    {"name": "Start", "type": "trigger"},
    {"name": "Call",  "type": "sql", "retry": {"tries": 5, "delay": "200ms", "backoff": 2},
     "params": {"query": "SELECT 10 / (CASE WHEN nextval('flaky_calls') < 3 THEN 0 ELSE 1 END) AS ok", "mode": "once"}},
    {"name": "Done",  "type": "set", "params": {"fields": {"done": true}}}],
  "connections": [{"from": "Start", "to": "Call"}, {"from": "Call", "to": "Done"}]}$$) AS version;
SELECT reporunner.save_workflow('approval', $${
  "nodes": [
    {"name": "Start",    "type": "trigger"},
    {"name": "Approval", "type": "wait", "params": {"resume": true}},
    {"name": "Approved", "type": "set",  "params": {"fields": {"approved": true}}}],
  "connections": [{"from": "Start", "to": "Approval"}, {"from": "Approval", "to": "Approved"}]}$$) AS version;
SELECT reporunner.start('orders', '[{"id": 10, "customer": "umbrella", "price": 40, "qty": 5}]') AS order_run,
       reporunner.start('flaky', '[{}]') AS flaky_run,
       reporunner.start('approval', '[{"order": 10}]') AS approval_run \gset
SELECT pg_sleep(0.3);
\echo '-- a moment later: the order is done, the flaky call is between retries,'
\echo '-- the approval waits (off the queue, holding no worker)'
SELECT id, workflow, status FROM reporunner.executions WHERE mode = 'start' ORDER BY id;

\echo
\echo '-- resume the approval with a payload'
SELECT reporunner.resume(:approval_run, '{"approved_by": "alice"}') AS resumed;
SELECT id, workflow, status, output FROM reporunner.wait_for(:order_run)
UNION ALL SELECT id, workflow, status, output FROM reporunner.wait_for(:flaky_run)
UNION ALL SELECT id, workflow, status, output FROM reporunner.wait_for(:approval_run);
\echo '-- the flaky step failed twice, then succeeded; each attempt is in the journal'
SELECT node, status, attempt, jsonb_array_length(attempts) AS failed_attempts
FROM reporunner.step WHERE execution_id = :flaky_run AND node = 'Call';

\echo
\echo '-- triggers: each row inserted into new_orders starts a workflow'
\echo '--   Row -> Tier (SQL: the customer''s tier) -> Big? -(true)-> Rush -> Save (SQL: a result table)'
CREATE TABLE customers (name text PRIMARY KEY, tier text);
INSERT INTO customers VALUES ('acme', 'gold'), ('globex', 'silver');
CREATE TABLE new_orders (id int PRIMARY KEY, customer text, amount numeric);
CREATE TABLE order_results (id int, customer text, tier text, rush boolean);
SELECT reporunner.save_workflow('enrich', $${
  "nodes": [
    {"name": "Row",  "type": "trigger"},
    {"name": "Tier", "type": "sql", "params": {
       "query": "SELECT $1::int AS id, $2::text AS customer, $3::numeric AS amount, coalesce((SELECT tier FROM customers WHERE name = $2), 'none') AS tier",
       "args": ["{{ $json.id }}", "{{ $json.customer }}", "{{ $json.amount }}"]}},
    {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.amount > 100 }}"}},
    {"name": "Rush", "type": "set", "params": {"fields": {"rush": true}}},
    {"name": "Save", "type": "sql", "params": {
       "query": "INSERT INTO order_results VALUES ($1, $2, $3, $4) RETURNING id",
       "args": ["{{ $json.id }}", "{{ $json.customer }}", "{{ $json.tier }}", "{{ $json.rush }}"]}}
  ],
  "connections": [{"from": "Row", "to": "Tier"}, {"from": "Tier", "to": "Big?"},
                  {"from": "Big?", "output": "true", "to": "Rush"}, {"from": "Rush", "to": "Save"}]
}$$) AS version;
SELECT reporunner.on_table('enrich', 'new_orders') AS row_trigger;
INSERT INTO new_orders VALUES (1, 'acme', 250), (2, 'globex', 40), (3, 'initech', 900);

\echo
\echo '-- a statement-level trigger: a bulk insert of 1,000 rows is one execution of 1,000 items'
CREATE TABLE bulk_orders (id int, amount numeric);
SELECT reporunner.save_workflow('count_bulk', $${
  "nodes": [{"name": "Rows", "type": "trigger"},
            {"name": "Count", "type": "aggregate", "params": {"aggregations": [
               {"op": "count", "as": "rows"}, {"op": "sum", "field": "amount", "as": "total"}]}}],
  "connections": [{"from": "Rows", "to": "Count"}]
}$$) AS version;
SELECT reporunner.on_table('count_bulk', 'bulk_orders', '{insert}', 'statement') AS statement_trigger;
INSERT INTO bulk_orders SELECT i, i FROM generate_series(1, 1000) AS i;

\echo
\echo '-- a schedule: a pg_cron job that starts count_bulk every five minutes (one tick fired by hand here)'
CREATE EXTENSION pg_cron;
SELECT reporunner.on_schedule('count_bulk', '*/5 * * * *', '[{"amount": 1}]') AS schedule \gset
SELECT jobname, schedule, command FROM cron.job;
SELECT reporunner.fire_schedule(:schedule) IS NOT NULL AS fired;

\echo
\echo '-- a NOTIFY trigger: every notification on channel "new orders" starts enrich,'
\echo '-- the payload (JSON) as its item; the database''s listener LISTENs there'
SELECT reporunner.on_notify('enrich', 'new orders') AS notify_trigger;
-- waits (up to 30 s) until a query says true; pg_stat_activity read afresh
CREATE FUNCTION pg_temp.until(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	done boolean;
BEGIN
	FOR i IN 1..3000 LOOP
		PERFORM pg_stat_clear_snapshot();
		EXECUTE query INTO done;
		IF done THEN
			RETURN true;
		END IF;
		PERFORM pg_sleep(0.01);
	END LOOP;
	RETURN false;
END
$$;
SELECT pg_temp.until($$SELECT EXISTS (SELECT FROM pg_stat_activity
	WHERE backend_type = 'reporunner listener' AND query LIKE '%listening on 1 channel%')$$) AS listening;
SELECT pid, backend_type, query FROM pg_stat_activity WHERE backend_type = 'reporunner listener';
SELECT pg_notify('new orders', '{"id": 4, "customer": "acme", "amount": 300}');
SELECT pg_temp.until($$SELECT EXISTS (SELECT FROM reporunner.execution WHERE mode = 'notify')$$) AS started;

\echo
\echo '-- what the triggers started (the workers ran it), and the result table'
SELECT e.id, e.mode, w.status, jsonb_array_length(e.input) AS items,
       CASE WHEN e.mode IN ('table', 'notify') AND jsonb_array_length(e.input) = 1 THEN e.input -> 0 -> 'id' END AS order_id,
       left(w.output::text, 60) AS output
FROM reporunner.execution e, LATERAL reporunner.wait_for(e.id) w
WHERE e.trigger_id IS NOT NULL ORDER BY e.id;
SELECT * FROM order_results ORDER BY id;
SELECT id, kind, workflow, target, executions FROM reporunner.triggers ORDER BY id;
SELECT reporunner.drop_trigger(:schedule);
\echo '-- the notification''s execution, node by node'
SELECT s.node, s.status, s.output
FROM reporunner.step s JOIN reporunner.execution e ON e.id = s.execution_id
WHERE e.mode = 'notify' ORDER BY s.started_at;

\echo
\echo '-- calling an API: an http node POSTs each order to a service (a local test server'
\echo '-- that echoes what it received) and goes on with its JSON answer'
SELECT reporunner.save_workflow('tell_api', format($doc$
{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Post", "type": "http", "retry": {"tries": 3, "delay": "1s"},
   "params": {"method": "POST", "url": "%s/echo", "body": {"order": "{{ $json.id }}"}}},
  {"name": "Answer", "type": "set", "params": {"fields": {"sent": "{{ $json.json.order }}",
     "key": "{{ $json.headers[\"idempotency-key\"] }}"}, "keep_only": true}}],
 "connections": [{"from": "Start", "to": "Post"}, {"from": "Post", "to": "Answer"}]}$doc$,
  :'api')::jsonb) AS version;
\echo '-- the SSRF guard refuses private addresses, 127.0.0.1 included, until a superuser allows them'
DO $$
BEGIN
  PERFORM reporunner.execute('tell_api', '[{"id": 1}]');
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'refused: %', SQLERRM;
END
$$;
ALTER SYSTEM SET reporunner.http_allow = '127.0.0.1/32';
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SELECT reporunner.execute('tell_api', '[{"id": 1}, {"id": 2}]') AS answers;
\echo '-- in the background, each request carries an Idempotency-Key of (execution, node, item)'
SELECT reporunner.start('tell_api', '[{"id": 3}]') AS api_run \gset
SELECT status, output FROM reporunner.wait_for(:api_run, '30s');

\echo
\echo '-- credentials: a superuser points reporunner.key_file at a 32-byte master key;'
\echo '-- secrets are sealed under it (AES-256-GCM) and never shown again'
ALTER SYSTEM SET reporunner.key_file = :'key_file';
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SELECT reporunner.set_credential('api_token', 'bearer', '{"token": "demo-token-123"}');
SELECT name, type, owner, key_id FROM reporunner.credentials;
SELECT reporunner.save_workflow('tell_api_signed', format($doc$
{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Post", "type": "http", "params": {"method": "POST", "url": "%s/echo",
     "body": {"order": "{{ $json.id }}"}, "credential": "api_token"}},
  {"name": "Answer", "type": "set", "params": {"fields": {"sent": "{{ $json.json.order }}",
     "authorization": "{{ $json.headers.authorization }}"}, "keep_only": true}}],
 "connections": [{"from": "Start", "to": "Post"}, {"from": "Post", "to": "Answer"}]}$doc$,
  :'api')::jsonb) AS version;
\echo '-- the API received the token; the workflow document names only the credential'
SELECT reporunner.execute('tell_api_signed', '[{"id": 4}]') AS answers;
SELECT reporunner.export_workflow('tell_api_signed') -> 'nodes' -> 1 -> 'params' ->> 'credential' AS exported;

\echo
\echo '-- connectors: services described as data, run by the http node; a workflow files a GitHub'
\echo '-- issue and tells Slack about it (base_url points both at local stand-ins)'
SELECT reporunner.set_credential('gh', 'bearer', '{"token": "ghp_demo"}');
SELECT reporunner.set_credential('slack_bot', 'bearer', '{"token": "xoxb-demo"}');
SELECT name, operations FROM reporunner.connectors WHERE name IN ('github', 'slack') ORDER BY name;
SELECT reporunner.save_workflow('report_bug', format($doc$
{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "File", "type": "connector",
   "params": {"connector": "github", "operation": "issues.create", "credential": "gh",
              "base_url": "%1$s/github", "owner": "acme", "repo": "web",
              "title": "{{ $json.summary }}", "labels": ["bug"]}},
  {"name": "Tell", "type": "connector",
   "params": {"connector": "slack", "operation": "chat.postMessage", "credential": "slack_bot",
              "base_url": "%1$s/slack/api", "channel": "#bugs",
              "text": "Filed #{{ $json.number }}: {{ $json.title }}"}}],
 "connections": [{"from": "Start", "to": "File"}, {"from": "File", "to": "Tell"}]}$doc$,
  :'mock')::jsonb) AS version;
SELECT reporunner.execute('report_bug', '[{"summary": "Checkout fails"}]') AS answers;
ALTER SYSTEM RESET reporunner.http_allow;
ALTER SYSTEM RESET reporunner.key_file;
SELECT pg_reload_conf();

\echo
\echo '-- change the threshold: version 2; versions and the stored graph'
SELECT reporunner.save_workflow('orders',
  jsonb_set(reporunner.export_workflow('orders'), '{nodes,3,params,condition}',
            '"{{ $json.total > 500 }}"')) AS version;
SELECT name, owner, active_version, latest_version, versions FROM reporunner.workflows;
SELECT version, active, nodes, created_by FROM reporunner.workflow_versions ORDER BY version;
SELECT n.position, n.name, n.type, n.params
FROM reporunner.node n JOIN reporunner.workflow w
  ON w.id = n.workflow_id AND w.active_version = n.version
ORDER BY n.position;
SELECT e.from_node, e.output, e.to_node
FROM reporunner.edge e JOIN reporunner.workflow w
  ON w.id = e.workflow_id AND w.active_version = e.version
ORDER BY e.from_node;

\echo
\echo '-- roll back to version 1'
SELECT reporunner.activate_version('orders', 1);
SELECT reporunner.export_workflow('orders') #>> '{nodes,3,params,condition}' AS active_condition;

\echo
\echo '-- what changed from version 1 to version 2'
SELECT * FROM reporunner.diff_versions('orders', 1, 2);

\echo
\echo '-- the workflow as a Mermaid flowchart (paste it into any Markdown that renders Mermaid)'
\set QUIET on
\pset format unaligned
\pset tuples_only on
SELECT reporunner.render('orders');
SQL

echo
echo "-- a picture of an execution: order 5 is new, order 1 exists, so Record fails;"
echo "-- render(..., 'dot', {\"execution\": id}) colours each node by its step, and dot draws it"
failed=$(psql_demo -At -c "SELECT reporunner.start('orders', '[
  {\"id\": 5, \"customer\": \"umbrella\", \"price\": 40, \"qty\": 4},
  {\"id\": 1, \"customer\": \"acme\", \"price\": 1, \"qty\": 1}]')")
psql_demo -At -c "SELECT 'execution ' || id || ': ' || status || ' (' || (error->>'message') || ')' FROM reporunner.wait_for($failed, '30s')"
psql_demo -At -c "SELECT reporunner.render('orders', 'dot', jsonb_build_object('execution', $failed))" >"$dir/execution.dot"
dot -Tpng -o "$dir/execution.png" "$dir/execution.dot"
echo "wrote $dir/execution.png (from $dir/execution.dot)"

echo
echo "-- what the stand-ins received from the connectors (method, path, authorization)"
python3 -c '
import json, sys, urllib.request
for r in json.load(urllib.request.urlopen(sys.argv[1] + "/log")):
    print(r["method"], r["path"], r["headers"].get("authorization", "").split(" ")[0], "(token hidden)")' "$mock"

echo
echo "-- a webhook: GitHub-style deliveries to /webhook/github/push, signed with the owner's secret"
psql_demo -q <<'SQL'
ALTER SYSTEM SET reporunner.key_file = :'key_file';
SELECT pg_reload_conf() \g /dev/null
SELECT pg_sleep(0.3) \g /dev/null
SELECT reporunner.set_credential('github_hook', 'bearer', '{"token": "demo-webhook-secret"}') \g /dev/null
SELECT reporunner.save_workflow('on_push', '{"nodes": [
	{"name": "Push", "type": "trigger"},
	{"name": "Note", "type": "set", "params": {"keep_only": true, "fields": {
		"repository": "{{ $json.body.repository }}", "event": "{{ $json.headers[\"x-github-event\"] }}"}}}],
	"connections": [{"from": "Push", "to": "Note"}]}') \g /dev/null
SELECT reporunner.on_webhook('on_push', 'github/push', '{"auth": "github", "credential": "github_hook"}') \g /dev/null
SQL
waited=0
until curl -s -o /dev/null "http://127.0.0.1:$webhook_port/" || [ $waited -ge 50 ]; do
	sleep 0.1
	waited=$((waited + 1))
done
body='{"repository": "acme/shop", "ref": "refs/heads/main"}'
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac demo-webhook-secret | sed 's/^.* //')
echo "\$ curl -X POST http://127.0.0.1:$webhook_port/webhook/github/push -H 'X-Hub-Signature-256: sha256=...' -d '$body'"
answer=$(curl -s -w ' (HTTP %{http_code})' -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \
	-H "X-Hub-Signature-256: sha256=$signature" --data-binary "$body" \
	"http://127.0.0.1:$webhook_port/webhook/github/push")
echo "$answer"
echo "\$ the same with a wrong signature"
curl -s -w ' (HTTP %{http_code})\n' -H 'Content-Type: application/json' \
	-H "X-Hub-Signature-256: sha256=0000" --data-binary "$body" \
	"http://127.0.0.1:$webhook_port/webhook/github/push"
hook=$(echo "$answer" | sed -n 's/.*"execution_id": \([0-9]*\).*/\1/p')
psql_demo -At -c "SELECT 'execution ' || id || ': ' || status || ', output ' || output FROM reporunner.wait_for($hook, '30s')"
psql_demo -q -c "ALTER SYSTEM RESET reporunner.key_file" -c "SELECT pg_reload_conf()" >/dev/null

echo
echo "== demo finished; stopping the cluster"
