# cancel() while workers run batches: no deadlock, nothing lost.
#
# Workers claim up to 8 queued executions at a time and keep their queue
# rows locked while they run them; cancel() deletes an execution's queue
# row and marks it canceled.  Both lock the queue row before the execution
# row, so they can wait for each other but never deadlock.  Here two
# workers drain 3 x 4,000 executions of a pure workflow and a sql workflow
# while transactions of 300 cancel() calls each cancel every third queued
# execution, oldest first.  Every cancel statement must succeed, and every
# execution must end succeeded or canceled, with a ledger row exactly for
# the sql steps whose step row says they ran (a cancel can come between
# the step's commit and the end).  Last, a cancel() transaction that locks
# every ready execution and rolls back must not leave them stranded.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

$PostgreSQL::Test::Utils::timeout_default = 60;

my $node = ReporunnerNode->create('cancel_race',
	'reporunner.workers_per_database' => 2);

$node->safe_psql(
	'postgres', q{
CREATE TABLE ledger (execution bigint PRIMARY KEY);
SELECT reporunner.save_workflow('pure', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.n * 2 }}"}}},
	{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}}],
	"connections": [{"from": "Start", "to": "Total"}, {"from": "Total", "to": "Big?"}]}');
SELECT reporunner.save_workflow('writes', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Record", "type": "sql", "params": {"query": "INSERT INTO ledger VALUES ($1) RETURNING execution", "args": ["{{ $execution.id }}"], "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Record"}]}');
});

my $cancel_errors = 0;
for my $round (1 .. 3)
{
	$node->safe_psql(
		'postgres', q{
SELECT count(reporunner.start(CASE WHEN i % 4 = 0 THEN 'writes' ELSE 'pure' END,
                              jsonb_build_array(jsonb_build_object('n', i))))
FROM generate_series(1, 4000) AS i;
});
	# while the workers run, cancel a third of what is queued, oldest
	# first (the rows the workers are claiming), in several transactions
	for my $sweep (1 .. 5)
	{
		my ($ret, $stdout, $stderr) = $node->psql('postgres', q{
SELECT count(reporunner.cancel(execution_id))
FROM (SELECT execution_id FROM reporunner.queue WHERE execution_id % 3 = 0
      ORDER BY execution_id LIMIT 300) AS q;
});
		if ($ret != 0)
		{
			$cancel_errors++;
			diag("round $round, sweep $sweep: $stderr");
		}
	}
	$node->poll_query_until('postgres',
		q{SELECT count(*) = 0 FROM reporunner.queue})
	  or die "round $round: the queue did not drain:\n"
	  . $node->safe_psql('postgres', q{
SELECT 'queue: ' || count(*) || ' rows, ' || count(lease_owner) || ' leased by '
       || coalesce(string_agg(DISTINCT lease_owner::text, ','), 'nobody')
       || ', ready ' || count(*) FILTER (WHERE ready_at <= now())
FROM reporunner.queue
UNION ALL
SELECT 'process: ' || pid || ' ' || backend_type || ' ' || coalesce(query, '')
FROM pg_stat_activity WHERE backend_type LIKE 'reporunner%'});
}

is($cancel_errors, 0, 'every cancel() sweep ran without an error (no deadlock)');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.execution WHERE status NOT IN ('succeeded', 'canceled')}),
	'0', 'every execution ended succeeded or canceled');
cmp_ok($node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.execution WHERE status = 'canceled'}),
	'>', 0, 'some executions were canceled while the workers ran');
is($node->safe_psql('postgres', q{
SELECT count(*) FROM reporunner.execution e
JOIN reporunner.workflow w ON w.id = e.workflow_id
LEFT JOIN ledger l ON l.execution = e.id
LEFT JOIN reporunner.step s ON s.execution_id = e.id AND s.node = 'Record'
WHERE w.name = 'writes'
  AND ((l.execution IS NOT NULL) <> coalesce(s.status = 'succeeded', false)
       OR (e.status = 'succeeded' AND l.execution IS NULL))}),
	'0', 'a sql step wrote its ledger row exactly when its step row says it ran, and every succeeded one did');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_stat_database WHERE datname = 'postgres' AND deadlocks > 0}),
	'0', 'the server saw no deadlock');

# A cancel() transaction that holds every ready queue row and then rolls
# back: the workers skipped those rows while it lasted, and must come back
# for them without being woken, since nothing commits that would wake them.
$node->safe_psql('postgres', q{
SELECT count(reporunner.start('pure', jsonb_build_array(jsonb_build_object('n', i)),
                              '{"delay": "2s"}'))
FROM generate_series(1, 100) AS i;
});
my $canceler = $node->background_psql('postgres');
$canceler->query_safe('BEGIN');
$canceler->query_safe(
	'SELECT count(reporunner.cancel(execution_id)) FROM reporunner.queue');
# the executions become ready, a worker finds them all locked, and the
# worker's idle time (1 s) passes
sleep(5);
$canceler->query_safe('ROLLBACK');
$canceler->quit;
ok( $node->poll_query_until('postgres',
		q{SELECT count(*) = 0 FROM reporunner.queue}),
	'executions a rolled-back cancel() had locked run without a wake-up');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.execution WHERE status NOT IN ('succeeded', 'canceled')}),
	'0', 'and they succeeded');

# A node that fails after cancel() committed, with an error of its own
# rather than the cancel (here a handler turns the cancel into another
# error), has tries left: its retry must not queue the canceled execution
# again.  It did: the execution became "queued" with no queue row, a run
# nobody would ever take up.
$node->safe_psql('postgres', q{
CREATE FUNCTION stubborn() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_sleep(30);
	RETURN 1;
EXCEPTION WHEN query_canceled THEN
	RAISE EXCEPTION 'interrupted while cleaning up';
END
$$;
SELECT reporunner.save_workflow('stubborn', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Q", "type": "sql", "params": {"query": "select stubborn()"},
	 "retry": {"tries": 3, "delay": "10ms"}}],
	"connections": [{"from": "Start", "to": "Q"}]}');
});
my $stubborn = $node->safe_psql('postgres', q{SELECT reporunner.start('stubborn', '[{}]')});
$node->poll_query_until('postgres', qq{
SELECT count(*) = 1 FROM pg_stat_activity WHERE query LIKE '%execution $stubborn node "Q"'})
  or die 'the stubborn node did not start';
sleep(1);    # into its pg_sleep()
is($node->safe_psql('postgres', "SELECT reporunner.cancel($stubborn)"), 't',
	'cancel() of an execution whose node turns the cancel into another error');
$node->poll_query_until('postgres', qq{
SELECT count(*) = 0 FROM pg_stat_activity WHERE query LIKE '%execution $stubborn node "Q"'})
  or die 'the stubborn node did not stop';
sleep(1);    # past the retry delay
is($node->safe_psql('postgres', qq{
SELECT e.status || ' ' || (SELECT count(*) FROM reporunner.queue WHERE execution_id = e.id)
FROM reporunner.execution e WHERE e.id = $stubborn}),
	'canceled 0', 'the failed attempt with tries left leaves it canceled');

$node->stop;
done_testing();
