# Sub-workflows survive crashes: a chain top -> middle -> leaf of waiting
# calls, interrupted by the crash of a worker and by an immediate stop,
# still runs every call exactly once and every caller goes on with its
# calls' results.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('subworkflows',
	'reporunner.workers_per_database' => 2,
	'restart_after_crash' => 'on');

$node->safe_psql(
	'postgres', q{
CREATE TABLE ledger (execution bigint, step text, PRIMARY KEY (execution, step));
});

# leaf: doubles x, then a slow sql step records its execution and returns x
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('leaf', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"x": "{{ $json.x * 2 }}"}}},
	{"name": "Record", "type": "sql", "params": {"query": "INSERT INTO ledger SELECT $1, ''leaf'' FROM pg_sleep(0.02) RETURNING $2::int AS x", "args": ["{{ $execution.id }}", "{{ $json.x }}"], "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Double"}, {"from": "Double", "to": "Record"}]}');
SELECT reporunner.save_workflow('middle', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Leaves", "type": "execute_workflow", "params": {"workflow": "leaf", "per_item": true, "input": {"x": "{{ $json.x }}"}}},
	{"name": "Record", "type": "sql", "params": {"query": "INSERT INTO ledger VALUES ($1, ''middle'') RETURNING step", "args": ["{{ $execution.id }}"], "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Leaves"}, {"from": "Leaves", "to": "Record"}]}');
SELECT reporunner.save_workflow('top', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Middle", "type": "execute_workflow", "params": {"workflow": "middle"}}],
	"connections": [{"from": "Start", "to": "Middle"}]}');
});

my $tops = 20;

# run: start the tops, crash with crash_sql once some leaves ran, and
# check that everything finished exactly once
sub run_through_crash
{
	my ($label, $crash) = @_;

	$node->safe_psql('postgres',
		'TRUNCATE ledger; DELETE FROM reporunner.execution');
	$node->safe_psql('postgres',
		"SELECT reporunner.start('top', '[{\"x\": 1}, {\"x\": 2}, {\"x\": 3}]') FROM generate_series(1, $tops)"
	);
	$node->poll_query_until('postgres',
		"SELECT count(*) >= 5 FROM ledger WHERE step = 'leaf'")
	  or die "no leaf ran";
	my $before = $node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id WHERE w.name = 'top' AND e.status = 'succeeded'"
	);
	$crash->();
	cmp_ok($before, '<', $tops, "$label: the crash came while calls were running");

	ok( $node->poll_query_until(
			'postgres',
			"SELECT count(*) = $tops FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id WHERE w.name = 'top' AND e.status = 'succeeded'"
		),
		"$label: every top execution succeeded");
	is( $node->safe_psql(
			'postgres', q{
SELECT w.name, count(*), count(*) FILTER (WHERE e.status = 'succeeded')
FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
GROUP BY w.name ORDER BY w.name}),
		"leaf|@{[$tops * 3]}|@{[$tops * 3]}\nmiddle|$tops|$tops\ntop|$tops|$tops",
		"$label: one middle per top and three leaves per middle, none doubled");
	is( $node->safe_psql(
			'postgres', q{
SELECT count(*) FROM reporunner.execution c JOIN reporunner.execution p ON p.id = c.parent_id
WHERE c.mode = 'subworkflow' AND p.status = 'succeeded'}),
		$tops * 4,
		"$label: every call is a child of its caller");
	is( $node->safe_psql('postgres',
			"SELECT step, count(*) FROM ledger GROUP BY step ORDER BY step"),
		"leaf|@{[$tops * 3]}\nmiddle|$tops",
		"$label: every leaf and middle recorded itself exactly once");
	is( $node->safe_psql(
			'postgres', q{
SELECT DISTINCT e.output FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'middle'}),
		'[{"step": "middle"}]',
		"$label: each middle went on after its leaves");
	is( $node->safe_psql(
			'postgres', q{
SELECT DISTINCT s.output FROM reporunner.step s JOIN reporunner.execution e ON e.id = s.execution_id
JOIN reporunner.workflow w ON w.id = e.workflow_id WHERE w.name = 'middle' AND s.node = 'Leaves'}),
		'{"main": [{"x": 2}, {"x": 4}, {"x": 6}]}',
		"$label: each middle collected its leaves' results in item order");
	is( $node->safe_psql(
			'postgres', q{
SELECT DISTINCT e.output FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'top'}),
		'[{"step": "middle"}]',
		"$label: each top went on with its middle's result");
	is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.queue'),
		'0', "$label: the queue is empty");
	return;
}

# a worker crashes (the postmaster restarts every process)
run_through_crash(
	'worker killed',
	sub {
		my $pid = $node->safe_psql('postgres',
			"SELECT pid FROM pg_stat_activity WHERE backend_type LIKE 'reporunner worker%' LIMIT 1"
		);
		die "no worker" if $pid eq '';
		kill 'KILL', $pid;
	});

# the whole server stops without a shutdown checkpoint
run_through_crash(
	'immediate stop',
	sub {
		$node->stop('immediate');
		$node->start;
	});

$node->stop;
done_testing();
