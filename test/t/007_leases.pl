# Leases: executions a worker runs do not block the queue, and the lease of
# a worker that dies is freed.
#
#  - with more long executions running at once (10, each in a sql step
#    that sleeps 6 s) than a claim takes rows (8), executions queued after
#    them still run at once: all of them finish before any long one does;
#  - a worker terminated with pg_terminate_backend() in the middle of a
#    long execution leaves its lease behind; another worker frees it and
#    the execution runs again from its last committed step: every long
#    execution succeeds, and each wrote its ledger row exactly once.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

$PostgreSQL::Test::Utils::timeout_default = 60;

my $node = ReporunnerNode->create('leases',
	max_worker_processes => 24,
	'reporunner.workers_per_database' => 12);

$node->safe_psql(
	'postgres', q{
CREATE TABLE ledger (execution bigint PRIMARY KEY);
SELECT reporunner.save_workflow('long', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Sleep", "type": "sql", "params": {"query": "SELECT pg_sleep(6) IS NULL AS slept", "mode": "once"}},
	{"name": "Record", "type": "sql", "params": {"query": "INSERT INTO ledger VALUES ($1) RETURNING execution", "args": ["{{ $execution.id }}"], "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Sleep"}, {"from": "Sleep", "to": "Record"}]}');
SELECT reporunner.save_workflow('quick', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"n2": "{{ $json.n * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Double"}]}');
});

# 10 long executions, all running (leased) at once
$node->safe_psql('postgres',
	q{SELECT count(reporunner.start('long', '[{}]')) FROM generate_series(1, 10)});
$node->poll_query_until('postgres', q{
SELECT count(*) = 10 FROM reporunner.queue q JOIN reporunner.execution e ON e.id = q.execution_id
WHERE q.lease_owner IS NOT NULL AND e.status = 'running'})
  or die 'the long executions did not all start';

# queued behind them: they run while the long ones still sleep
$node->safe_psql('postgres',
	q{SELECT count(reporunner.start('quick', jsonb_build_array(jsonb_build_object('n', i)))) FROM generate_series(1, 20) AS i});
$node->poll_query_until('postgres', q{
SELECT count(*) = 20 FROM reporunner.executions WHERE workflow = 'quick' AND status = 'succeeded'})
  or die 'the quick executions did not finish';
is($node->safe_psql('postgres', q{
SELECT count(*) FROM reporunner.executions WHERE workflow = 'long' AND status <> 'running'}),
	'0', 'the long executions were all still running ...');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM reporunner.executions WHERE workflow = 'quick' AND status = 'succeeded'
  AND output = jsonb_build_array(input -> 0 || jsonb_build_object('n2', 2 * (input -> 0 ->> 'n')::int))}),
	'20', '... when the 20 executions queued after them had succeeded');

# terminate the worker of one long execution in its sleep (one statement:
# the execution cannot end between choosing it and terminating its worker)
my ($victim, $terminated) = split /\|/, $node->safe_psql('postgres', q{
SELECT q.execution_id, pg_terminate_backend(q.lease_owner)
FROM reporunner.queue q JOIN reporunner.execution e ON e.id = q.execution_id
WHERE e.status = 'running' AND q.lease_owner IS NOT NULL
ORDER BY q.execution_id LIMIT 1});
is($terminated, 't', 'the worker running a long execution was terminated');

$node->poll_query_until('postgres', q{
SELECT count(*) = 10 FROM reporunner.executions WHERE workflow = 'long' AND status = 'succeeded'})
  or die 'the long executions did not all succeed';
is($node->safe_psql('postgres', qq{SELECT status FROM reporunner.executions WHERE id = $victim}),
	'succeeded', 'the execution whose worker was terminated ran again and succeeded');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM ledger l JOIN reporunner.executions e ON e.id = l.execution
WHERE e.workflow = 'long'}),
	'10', 'each long execution wrote its ledger row exactly once');
is($node->safe_psql('postgres', q{SELECT count(*) FROM reporunner.queue}),
	'0', 'nothing is left in the queue, leased or not');

$node->stop;
done_testing();
