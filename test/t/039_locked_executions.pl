# A tenant's transaction that holds the rows of an execution a worker runs
# (deleting its workflow, canceling it) does not hold the worker: the
# worker waits for those rows at most reporunner.worker_lock_timeout,
# leaves the execution, and runs the other tenants' executions meanwhile.
# The execution it left goes on from its last committed step once that
# transaction rolls back, or is gone once it commits; node code still
# waits for locks as the server is configured to.
#
# Every wait here is bounded (wait_until, poll_query_until).
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

# One worker, so that a worker held by one tenant would hold up the other.
my $node = ReporunnerNode->create('locked_executions',
	'reporunner.workers_per_database' => 1,
	'reporunner.worker_lock_timeout' => "'500ms'");

$node->safe_psql(
	'postgres', q{
	CREATE ROLE alice LOGIN;
	CREATE ROLE bob LOGIN;
	CREATE TABLE public.effects (execution_id bigint);
	GRANT INSERT, SELECT ON public.effects TO alice;
	SET ROLE alice;
	SELECT reporunner.save_workflow('slow', '{"nodes": [
	  {"name": "Start", "type": "trigger"},
	  {"name": "Note", "type": "sql", "params": {
	    "query": "INSERT INTO public.effects SELECT $1 FROM pg_sleep(1.5)",
	    "args": ["{{ $execution.id }}"], "mode": "once"}},
	  {"name": "Then", "type": "sql", "params": {"query": "SELECT 1"}}],
	  "connections": [{"from": "Start", "to": "Note"}, {"from": "Note", "to": "Then"}]}');
	SELECT reporunner.save_workflow('waiter', '{"nodes": [
	  {"name": "Start", "type": "trigger"},
	  {"name": "Wait", "type": "sql", "params": {
	    "query": "SELECT pg_advisory_xact_lock(4242)", "mode": "once"}}],
	  "connections": [{"from": "Start", "to": "Wait"}]}');
	RESET ROLE;
	SET ROLE bob;
	SELECT reporunner.save_workflow('quick', '{"nodes": [
	  {"name": "Start", "type": "trigger"},
	  {"name": "Set", "type": "set", "params": {"fields": {"done": "yes"}}}],
	  "connections": [{"from": "Start", "to": "Set"}]}');
});

# as ROLE, SQL
sub as
{
	my ($role, $sql) = @_;
	return $node->safe_psql('postgres', "SET ROLE $role; $sql");
}

# wait_until SQL: poll for at most 30 s (the worker's lock waits are
# 0.5 s); returns whether SQL returned t
sub wait_until
{
	my ($sql) = @_;
	for (1 .. 300)
	{
		return 1 if $node->safe_psql('postgres', $sql) eq 't';
		usleep(100_000);
	}
	return 0;
}

# the worker runs node "Note" of execution ID
sub running_note
{
	my ($id) = @_;
	return wait_until(qq{SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'reporunner worker'
		  AND query LIKE '%execution $id node "Note"%'});
}

my $log_offset = -s $node->logfile;
my $holder = $node->background_psql('postgres', on_error_stop => 0);

# 1. A DELETE of the workflow, left open, while the worker runs it.
my $slow = as('alice', q{SELECT reporunner.start('slow', '[{}]')});
ok(running_note($slow), 'the worker runs the slow execution');
$holder->query_safe('SET ROLE alice');
$holder->query_safe('BEGIN');
$holder->query_safe(q{DELETE FROM reporunner.workflow WHERE name = 'slow'});
my $quick = as('bob',
	q{SELECT max(reporunner.start('quick', '[{}]')) FROM generate_series(1, 3)});
ok( wait_until(
		q{SELECT count(*) = 3 FROM reporunner.execution e
		  JOIN reporunner.workflow w ON w.id = e.workflow_id
		  WHERE w.name = 'quick' AND e.status = 'succeeded'}),
	'another tenant\'s executions run while the DELETE is still open');
ok( $node->wait_for_log(
		qr/LOG:  execution $slow is locked by another transaction, and left to run again once that has ended/,
		$log_offset),
	'the worker left the execution whose rows the DELETE holds, and says so');
is($node->safe_psql('postgres', "SELECT status FROM reporunner.execution WHERE id = $slow"),
	'running', 'which still shows as running to others');

$holder->query_safe('ROLLBACK');
ok( wait_until(
		"SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $slow"),
	'once the DELETE rolls back, the execution is taken up again and succeeds');
is( $node->safe_psql(
		'postgres', "SELECT count(*) FROM public.effects WHERE execution_id = $slow"),
	'1',
	'its sql step took effect once: the run the DELETE interrupted was rolled back');
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.queue'),
	'0', 'and nothing is left in the queue');

# 2. The same DELETE, committed.
$log_offset = -s $node->logfile;
$slow = as('alice', q{SELECT reporunner.start('slow', '[{}]')});
my $id = $node->safe_psql('postgres',
	"SELECT workflow_id FROM reporunner.execution WHERE id = $slow");
ok(running_note($slow), 'the worker runs another slow execution');
$holder->query_safe('BEGIN');
$holder->query_safe(q{DELETE FROM reporunner.workflow WHERE name = 'slow'});
ok( $node->wait_for_log(qr/LOG:  execution $slow is locked by another transaction/,
		$log_offset),
	'the worker leaves it');
$holder->query_safe('COMMIT');
is( $node->safe_psql(
		'postgres',
		"SELECT (SELECT count(*) FROM reporunner.execution WHERE workflow_id = $id)
		     || '|' || (SELECT count(*) FROM reporunner.queue)
		     || '|' || (SELECT count(*) FROM public.effects WHERE execution_id = $slow)"),
	'0|0|0',
	'a committed DELETE leaves neither execution, nor queue row, nor effect');
as('bob', q{SELECT reporunner.start('quick', '[{}]')});
ok( wait_until(
		q{SELECT count(*) = 4 FROM reporunner.execution e
		  JOIN reporunner.workflow w ON w.id = e.workflow_id
		  WHERE w.name = 'quick' AND e.status = 'succeeded'}),
	'and the worker goes on');

# 3. Node code waits for a lock as long as it is configured to, however
# short the worker's own waits.
$holder->query_safe('RESET ROLE');
$holder->query_safe('SELECT pg_advisory_lock(4242)');
my $waiter = as('alice', q{SELECT reporunner.start('waiter', '[{}]')});
ok( wait_until(
		q{SELECT count(*) = 1 FROM pg_stat_activity
		  WHERE backend_type = 'reporunner worker' AND wait_event_type = 'Lock'}),
	'a sql step waits for a lock another session holds');
sleep(2);
is($node->safe_psql('postgres', "SELECT status FROM reporunner.execution WHERE id = $waiter"),
	'running', 'longer than reporunner.worker_lock_timeout, still running');
$holder->query_safe('SELECT pg_advisory_unlock(4242)');
ok( wait_until(
		"SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $waiter"),
	'and succeeds once it gets the lock');

$holder->quit;
$node->stop;
done_testing();
