# pg_cancel_backend() interrupts an expression that runs long (issue 13,
# src/expr/PLAN.md 6.4): a workflow whose expression calls a callback a
# trillion times, with no node or statement timeout, runs in one session;
# another cancels it, and the execution fails with 57014 at once (the
# evaluator checks for a cancel every 1024 steps), and the session goes on.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = ReporunnerNode->create('expr_cancel');
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('forever', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "E", "type": "set", "params": {"fields": {"r":
		"{{ numberList(1, 1e6).map(x => numberList(1, 1e6).some(y => y < 0)) }}"}}}],
	"connections": [{"from": "Start", "to": "E"}]}')});

my ($stdout, $stderr) = ('', '');
my $psql = IPC::Run::start(
	[
		'psql', '-XAtq', '-v', 'ON_ERROR_STOP=0', '-d', $node->connstr('postgres'),
		'-c', q{SELECT reporunner.execute('forever', '[{}]', '{"save": "none"}')},
		'-c', q{SELECT 'still here'}
	],
	'>', \$stdout, '2>', \$stderr);

ok( $node->poll_query_until(
		'postgres', q{
SELECT count(*) = 1 FROM pg_stat_activity
WHERE state = 'active' AND query LIKE '%reporunner.execute(''forever''%'
  AND pid <> pg_backend_pid()}),
	'the expression is running');
# it keeps running: nothing else would end it
sleep(1);
is( $node->safe_psql(
		'postgres', q{
SELECT pg_cancel_backend(pid) FROM pg_stat_activity
WHERE state = 'active' AND query LIKE '%reporunner.execute(''forever''%'
  AND pid <> pg_backend_pid()}),
	't',
	'pg_cancel_backend() signals it');
ok($psql->finish, 'the session ends normally');
like(
	$stderr,
	qr/workflow "forever" failed at node "E": canceling statement due to user request/,
	'the execution fails with the cancel');
is($stdout, "still here\n", 'the session goes on after the cancel');

done_testing();
