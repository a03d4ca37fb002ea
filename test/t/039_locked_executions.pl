# A tenant's transaction that holds the rows of an execution (a DELETE of
# its workflow, left open): the worker running it waits for that
# transaction, and the execution goes on once it rolls back, or is gone
# once it commits.  The lease of a worker that died meanwhile is given up
# only once the rows are free: the lease sweep of the next worker passes
# over them rather than waiting, so the other tenants' executions run.
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
	'reporunner.workers_per_database' => 1);

$node->safe_psql(
	'postgres', q{
	CREATE ROLE alice LOGIN;
	CREATE ROLE bob LOGIN;
	CREATE TABLE public.effects (execution_id bigint);
	GRANT INSERT, SELECT ON public.effects TO alice;
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

# alice's workflow "slow": a sql step that takes 1.5 s, then another
my $slow_doc = q{{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Note", "type": "sql", "params": {
	  "query": "INSERT INTO public.effects SELECT $1 FROM pg_sleep(1.5)",
	  "args": ["{{ $execution.id }}"], "mode": "once"}},
	{"name": "Then", "type": "sql", "params": {"query": "SELECT 1"}}],
	"connections": [{"from": "Start", "to": "Note"}, {"from": "Note", "to": "Then"}]}};
as('alice', "SELECT reporunner.save_workflow('slow', '$slow_doc')");

# wait_until SQL: poll for at most 30 s; returns whether SQL returned t
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

my $holder = $node->background_psql('postgres', on_error_stop => 0);

# roll the holder's DELETE back: execution ID then succeeds (what says
# how), its sql step having taken effect once
sub rolled_back
{
	my ($id, $what) = @_;
	$holder->query_safe('ROLLBACK');
	ok(wait_until("SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $id"),
		"once the DELETE rolls back, $what");
	is($node->safe_psql('postgres', "SELECT count(*) FROM public.effects WHERE execution_id = $id"),
		'1', 'its sql step took effect once');
}

# bob's executions of "quick" that succeeded number n (within 30 s)
sub quick_succeeded
{
	my ($n) = @_;
	return wait_until(qq{SELECT count(*) = $n FROM reporunner.execution e
		JOIN reporunner.workflow w ON w.id = e.workflow_id
		WHERE w.name = 'quick' AND e.status = 'succeeded'});
}

# the worker waits for a lock
sub worker_waits
{
	return wait_until(q{SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'reporunner worker' AND wait_event_type = 'Lock'});
}

# 1. A DELETE of the workflow, left open, while the worker runs it.
my $slow = as('alice', q{SELECT reporunner.start('slow', '[{}]')});
ok(running_note($slow), 'the worker runs the slow execution');
$holder->query_safe('SET ROLE alice');
$holder->query_safe('BEGIN');
$holder->query_safe(q{DELETE FROM reporunner.workflow WHERE name = 'slow'});
is($node->safe_psql('postgres', "SELECT status FROM reporunner.execution WHERE id = $slow"),
	'running', 'the execution still shows as running while the DELETE is open');

rolled_back($slow, 'the execution goes on and succeeds');
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.queue'),
	'0', 'and nothing is left in the queue');

# 2. The same DELETE, committed.
$slow = as('alice', q{SELECT reporunner.start('slow', '[{}]')});
my $id = $node->safe_psql('postgres',
	"SELECT workflow_id FROM reporunner.execution WHERE id = $slow");
ok(running_note($slow), 'the worker runs another slow execution');
$holder->query_safe('BEGIN');
$holder->query_safe(q{DELETE FROM reporunner.workflow WHERE name = 'slow'});
ok(worker_waits(), 'the worker waits for the DELETE');
$holder->query_safe('COMMIT');
is( $node->safe_psql(
		'postgres',
		"SELECT (SELECT count(*) FROM reporunner.execution WHERE workflow_id = $id)
		     || '|' || (SELECT count(*) FROM reporunner.queue)
		     || '|' || (SELECT count(*) FROM public.effects WHERE execution_id = $slow)"),
	'0|0|0',
	'a committed DELETE leaves neither execution, nor queue row, nor effect');
as('bob', q{SELECT reporunner.start('quick', '[{}]')});
ok(quick_succeeded(1),
	'and the worker goes on');

# 3. The worker running it dies while the DELETE is open: the next
# worker's lease sweep passes over the locked rows instead of waiting, so
# another tenant's executions run; the lease is given up once the DELETE
# has rolled back, and the execution goes on.
as('alice', "SELECT reporunner.save_workflow('slow', '$slow_doc')");
$slow = as('alice', q{SELECT reporunner.start('slow', '[{}]')});
ok(running_note($slow), 'the worker runs a third slow execution');
$holder->query_safe('BEGIN');
$holder->query_safe(q{DELETE FROM reporunner.workflow WHERE name = 'slow'});
ok(worker_waits(), 'the worker waits for the DELETE');
$node->safe_psql('postgres', q{SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE backend_type = 'reporunner worker'});
as('bob', q{SELECT max(reporunner.start('quick', '[{}]')) FROM generate_series(1, 3)});
ok(quick_succeeded(4),
	'a new worker runs another tenant\'s executions while the DELETE is open');
is( $node->safe_psql('postgres', "SELECT lease_owner IS NOT NULL FROM reporunner.queue
		WHERE execution_id = $slow"),
	't', 'the dead worker\'s lease on the held execution is left for later');
rolled_back($slow, 'the lease is given up and the execution succeeds');

# 4. A cancel() left open on a waiting execution whose time has come:
# the claims pass over it instead of waiting, and wake it a second later
# once the cancel has rolled back.
as('alice', q{SELECT reporunner.save_workflow('napper', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Nap", "type": "wait", "params": {"for": "1s"}}],
	"connections": [{"from": "Start", "to": "Nap"}]}')});
my $napper = as('alice', q{SELECT reporunner.start('napper', '[{}]')});
ok(wait_until("SELECT status = 'waiting' FROM reporunner.execution WHERE id = $napper"),
	'an execution waits');
$holder->query_safe('SET ROLE alice');
$holder->query_safe('BEGIN');
$holder->query_safe("SELECT reporunner.cancel($napper)");
sleep(2);
as('bob', q{SELECT reporunner.start('quick', '[{}]')});
ok(quick_succeeded(5),
	'another tenant\'s execution runs while a cancel() of a due one is open');
$holder->query_safe('ROLLBACK');
ok( wait_until(
		"SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $napper"),
	'once the cancel() rolls back, the due execution is woken and succeeds');

$holder->quit;
$node->stop;
done_testing();
