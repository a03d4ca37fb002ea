# A failed execute() is journaled apart from the caller's transaction
# (issue 10): a run that fails inside a transaction that then rolls back
# leaves a failed execution with its failing step, and a crash right after
# does not lose it.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('failed_call');
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('boom', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Tag", "type": "set", "params": {"fields": {"tagged": true}}},
	{"name": "Divide", "type": "sql", "params": {"query": "SELECT 1 / 0 AS x", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Tag"}, {"from": "Tag", "to": "Divide"}]}');
});

my ($ret, $stdout, $stderr) = $node->psql('postgres', q{
BEGIN;
CREATE TABLE callers_work (id int);
SELECT reporunner.execute('boom', '[{"order": 7}]');
ROLLBACK;
});
like($stderr, qr/workflow "boom" failed at node "Divide": division by zero/,
	'the call fails with the node\'s error');

# a crash right after the failed call
$node->stop('immediate');
$node->start;

is($node->safe_psql('postgres', q{SELECT to_regclass('callers_work') IS NULL}),
	't', 'the caller\'s own work was rolled back');
is($node->safe_psql('postgres', q{
SELECT status || ' ' || (error ->> 'sqlstate') || ' ' || (error ->> 'recorded_apart')
  || ' ' || (error -> 'items')::text FROM reporunner.execution}),
	'failed 22012 true [{"order": 7, "tagged": true}]',
	'the failed execution survived the rollback and the crash, with the items that reached the failing node');
is($node->safe_psql('postgres', q{
SELECT string_agg(node || ':' || status, ' ' ORDER BY started_at) FROM reporunner.step}),
	'Start:succeeded Tag:succeeded Divide:failed',
	'with the steps that ran and the failing one');

$node->stop;
done_testing();
