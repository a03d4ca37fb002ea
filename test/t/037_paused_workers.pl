# reporunner.workers_per_database = 0 pauses background execution: no
# worker starts for queued work or due timers, running workers leave after
# their batch, and raising it again runs everything that waited, once.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('paused_workers',
	'reporunner.workers_per_database' => 2);

$node->safe_psql(
	'postgres', q{
	CREATE TABLE ledger (execution_id bigint);
	SELECT reporunner.save_workflow('slow', '{"nodes": [
	  {"name": "Start", "type": "trigger"},
	  {"name": "Note", "type": "sql", "params": {
	    "query": "INSERT INTO ledger SELECT $1 FROM pg_sleep(0.005)",
	    "args": ["{{ $execution.id }}"], "mode": "once"}}],
	  "connections": [{"from": "Start", "to": "Note"}]}');
});

# set_workers N: reporunner.workers_per_database, reloaded
sub set_workers
{
	my ($n) = @_;
	$node->safe_psql('postgres',
		"ALTER SYSTEM SET reporunner.workers_per_database = $n");
	$node->reload;
}

my $no_workers = q{SELECT count(*) = 0 FROM pg_stat_activity
	WHERE backend_type = 'reporunner worker'};

# 1. Paused: what is queued, and what falls due, waits.
set_workers(0);
ok($node->poll_query_until('postgres', $no_workers), 'paused: no worker runs');
$node->safe_psql(
	'postgres', q{
	SELECT count(reporunner.start('slow', '[{}]')) FROM generate_series(1, 10);
	SELECT reporunner.start('slow', '[{}]', '{"delay": "200ms"}');
});
sleep(2);
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FILTER (WHERE status = 'queued') || '|' ||
		         (SELECT count(*) FROM reporunner.queue) || '|' ||
		         (SELECT count(*) FROM ledger)
		  FROM reporunner.execution}),
	'11|11|0',
	'while paused, queued and delayed executions stay queued');
is($node->safe_psql('postgres', $no_workers), 't', 'and no worker started');

# resume N, WHAT: raise the setting again; then N executions have
# succeeded, each noted once in the ledger
sub resume
{
	my ($n, $what) = @_;
	set_workers(2);
	ok( $node->poll_query_until(
			'postgres',
			"SELECT count(*) = $n FROM reporunner.execution WHERE status = 'succeeded'"),
		"resumed: $what");
	is( $node->safe_psql(
			'postgres',
			q{SELECT count(*) || '|' || count(DISTINCT execution_id) FROM ledger}),
		"$n|$n", "$what: each execution once");
}

# 2. Resumed: everything that waited runs, once.
resume(11, 'every execution that waited runs');

# 3. Pausing while the workers drain a backlog: they leave after their
# batch, the rest stays queued, and nothing is lost or run twice.
$node->safe_psql('postgres',
	q{SELECT count(reporunner.start('slow', '[{}]')) FROM generate_series(1, 3000)});
$node->poll_query_until('postgres',
	q{SELECT count(*) > 0 FROM ledger WHERE execution_id > (SELECT max(id) - 3000 FROM reporunner.execution)})
  or die 'the workers did not start on the backlog';
set_workers(0);
ok($node->poll_query_until('postgres', $no_workers),
	'paused during a backlog: the workers leave');
my ($queued, $running) = split /\|/, $node->safe_psql(
	'postgres',
	q{SELECT count(*) FILTER (WHERE status = 'queued') || '|' ||
	         count(*) FILTER (WHERE status = 'running')
	  FROM reporunner.execution});
cmp_ok($queued, '>', 0, "the rest of the backlog stays queued ($queued)");
is($running, '0', 'no execution is left running');
resume(3011, 'the backlog finishes');

done_testing();
