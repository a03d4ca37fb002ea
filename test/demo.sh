#!/bin/sh
# demo.sh - show Reporunner working on a throwaway cluster.
#
# Starts a cluster in .demo/ inside the work tree (or in a temporary folder
# when the server user cannot reach the work tree), creates the extension,
# saves an example workflow twice, shows its versions and stored graph, and
# stops the cluster again.  Expects "make install" to have run.
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
trap 'stop_cluster "$dir"' EXIT INT TERM

psql_demo() {
	as_pg psql -X -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -d postgres "$@"
}

echo "== Reporunner demo: cluster on port $port, data in $dir/data"
psql_demo <<'SQL'
\echo
\echo '-- install the extension'
CREATE EXTENSION reporunner;
SELECT extname, extversion FROM pg_extension WHERE extname = 'reporunner';
SHOW shared_preload_libraries;

\echo
\echo '-- save a workflow: Start -> Total -> Big? -(true)-> Flag'
SELECT reporunner.save_workflow('orders', $${
  "nodes": [
    {"name": "Start", "type": "trigger"},
    {"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}},
    {"name": "Big?",  "type": "if",  "params": {"condition": "{{ $json.total > 100 }}"}},
    {"name": "Flag",  "type": "sql", "params": {"query": "update orders set flagged = true where id = $1",
                                                "args": ["{{ $json.id }}"]},
     "retry": {"tries": 5, "delay": "1s", "backoff": 2, "max_delay": "5min"}}
  ],
  "connections": [
    {"from": "Start", "to": "Total"},
    {"from": "Total", "to": "Big?"},
    {"from": "Big?", "output": "true", "to": "Flag"}
  ],
  "settings": {"timeout": "5min"}
}$$) AS version;

\echo
\echo '-- saving the same document again makes no new version'
SELECT reporunner.save_workflow('orders', reporunner.export_workflow('orders')) AS version;

\echo
\echo '-- change the threshold: version 2'
SELECT reporunner.save_workflow('orders',
  jsonb_set(reporunner.export_workflow('orders'), '{nodes,2,params,condition}',
            '"{{ $json.total > 500 }}"')) AS version;

\echo
\echo '-- a broken document is refused as a whole; nothing is saved'
\set ON_ERROR_STOP 0
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Loop", "type": "noop"}], "connections": [{"from": "Start", "to": "Loop"},
  {"from": "Loop", "to": "Loop"}]}');
SELECT reporunner.save_workflow('orders', '{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total >> 1 }}"}}]}');
\set ON_ERROR_STOP 1

\echo
\echo '-- versions'
SELECT name, owner, active_version, latest_version, versions FROM reporunner.workflows;
SELECT version, active, nodes, created_by FROM reporunner.workflow_versions ORDER BY version;

\echo
\echo '-- the stored graph of the active version'
SELECT n.position, n.name, n.type, n.params, n.retry
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
SELECT reporunner.export_workflow('orders') #>> '{nodes,2,params,condition}' AS active_condition;
SQL
echo
echo "== demo finished; stopping the cluster"
