# A backlog drains through the claims' indexes (rr_store_run_kept_indexed
# in src/catalog/store.c), with statistics of a queue that was long and is
# nearly empty.  On a bench cluster, statistics left by a long churn made
# the claim's plan read the whole queue and sort it at every claim: with a
# backlog of 60,000 executions the workers ran 4,000 a second, 94 % of
# their CPU in that sort (20,000 a second once planned without sequential
# scans).  A test cannot make the planner choose that plan on purpose;
# these stale statistics are the nearest it comes, and the bound below
# fails if the claims read the queue whole for any reason.  Counted as
# sequential scans of reporunner.queue while the workers drain a backlog.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('claim_plan',
	'reporunner.workers_per_database' => 2);
my $backlog = 20000;

$node->safe_psql(
	'postgres', q{
	ALTER TABLE reporunner.queue SET (autovacuum_enabled = false);
	SELECT reporunner.save_workflow('pure', '{"nodes": [
	  {"name": "Start", "type": "trigger"},
	  {"name": "Set", "type": "set", "params": {"fields": {"twice": "{{ $json.n * 2 }}"}}}],
	  "connections": [{"from": "Start", "to": "Set"}]}');
});

# Statistics of a queue that was long and is nearly empty: many pages, one
# live row, due in 2100.  A plan made on them expects almost no row, and
# none ready, however many there are later in the same pages.  ANALYZE
# also makes every kept plan on the queue be made again, on these.
$node->safe_psql(
	'postgres', qq{
	SELECT count(reporunner.start('pure', '[{"n": 0}]', '{"run_at": "2100-01-01"}'))
	FROM generate_series(1, 1000);
	SELECT reporunner.start('pure', '[{"n": 0}]', '{"run_at": "2100-01-01"}');
	SELECT count(reporunner.cancel(execution_id)) FROM reporunner.queue
	WHERE execution_id < (SELECT max(execution_id) FROM reporunner.queue);
	VACUUM ANALYZE reporunner.queue;
});
is( $node->safe_psql(
		'postgres',
		q{SELECT reltuples FROM pg_class WHERE oid = 'reporunner.queue'::regclass}),
	'1',
	'the queue\'s statistics see one row');

# seq_scans(STAYING): sequential scans of reporunner.queue so far, once
# the workers that ran have exited (they leave after a second without work,
# and report their statistics when they do), but STAYING (default none)
sub seq_scans
{
	my ($staying) = @_;
	$staying //= 0;
	$node->poll_query_until('postgres',
		qq{SELECT count(*) = $staying FROM pg_stat_activity
		  WHERE backend_type = 'reporunner worker'})
	  or die 'the workers did not exit';
	return $node->safe_psql('postgres',
		q{SELECT seq_scan FROM pg_stat_user_tables
		  WHERE relid = 'reporunner.queue'::regclass});
}

my $before = seq_scans();
$node->safe_psql('postgres',
	"SELECT count(reporunner.start('pure', jsonb_build_array(jsonb_build_object('n', i))))
	 FROM generate_series(1, $backlog) AS i");
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 1 FROM reporunner.queue},
		't'),
	'the workers drain the backlog');
my $scans = seq_scans() - $before;
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FILTER (WHERE status = 'succeeded'
		         AND output->0->>'twice' = (input->0->>'n')::int * 2 || ''),
		         count(*) FILTER (WHERE status NOT IN ('queued', 'canceled'))
		  FROM reporunner.execution}),
	"$backlog|$backlog",
	'every execution of the backlog ran once, with its own input');
# Hundreds of claims: reading the queue whole for each one shows here.
cmp_ok($scans, '<', 50,
	"the claims read the queue through its indexes ($scans sequential scans)");

# queue_reads(STAYING): rows read from reporunner.queue so far (by
# sequential scans, and entries read from its indexes), once the workers
# have exited, but STAYING
sub queue_reads
{
	seq_scans(@_);
	return $node->safe_psql(
		'postgres', q{
		SELECT t.seq_tup_read + (SELECT sum(i.idx_tup_read) FROM pg_stat_user_indexes i
		                         WHERE i.relid = t.relid)
		FROM pg_stat_user_tables t WHERE t.relid = 'reporunner.queue'::regclass});
}

# A worker that finds nothing to claim looks for the next delayed
# execution (SQL_NEXT_WAKE) by index: with 20,000 executions due in 2100
# queued, a trickle of executions run one at a time reads a few rows of
# the queue each, not every delayed one (a plain min(ready_at) did, at
# every claim that found nothing).  With the stale statistics above, the
# end of each run read every queue row of the owner as well, when it was
# a statement (DELETE ... WHERE execution_id = $1 AND owner = $2 planned
# on queue_owner_idx); a run now ends by primary key
# (src/catalog/row_write.c), whatever the statistics.
$node->safe_psql('postgres',
	"SELECT count(reporunner.start('pure', '[{\"n\": 0}]', '{\"run_at\": \"2100-01-01\"}'))
	 FROM generate_series(1, $backlog)");
my $reads_before = queue_reads();
for my $n (1 .. 20)
{
	my $id = $node->safe_psql('postgres',
		"SELECT reporunner.start('pure', '[{\"n\": $n}]')");
	$node->poll_query_until('postgres',
		"SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $id")
	  or die "execution $id did not run";
}
my $reads = queue_reads() - $reads_before;
cmp_ok($reads, '<', $backlog,
	"20 executions among $backlog delayed ones read $reads rows of the queue");

# The same for the other changes of one execution among the backlog, each
# a statement naming the execution and its owner before (planned on
# queue_owner_idx with these statistics, each read all 20,000 queue rows
# of the owner): cancel() (420,021 rows read for 20 cancels), a retry
# after a failed attempt (200,127 for 10) and a pause at a wait node
# (100,082 for 5).  They now change the rows by primary key.
my $to_cancel = $node->safe_psql('postgres', q{
SELECT string_agg(id::text, ',') FROM (SELECT id FROM reporunner.execution
WHERE status = 'queued' ORDER BY id DESC LIMIT 20) e});
my $queued_before = $node->safe_psql('postgres', q{SELECT count(*) FROM reporunner.queue});
$reads_before = queue_reads();
$node->safe_psql('postgres', qq{
SELECT count(reporunner.cancel(id)) FROM unnest('{$to_cancel}'::bigint[]) AS id});
$reads = queue_reads() - $reads_before;
cmp_ok($reads, '<', $backlog, "20 cancels among the backlog read $reads rows of the queue");
is($node->safe_psql('postgres', qq{
SELECT (SELECT count(*) FROM reporunner.execution WHERE id IN ($to_cancel) AND status = 'canceled')
  || ' ' || ($queued_before - (SELECT count(*) FROM reporunner.queue))}),
	'20 20', 'the 20 executions are canceled, and out of the queue, no other one');

$node->safe_psql('postgres', q{
SELECT reporunner.save_workflow('flaky', '{"nodes": [
  {"name": "Start", "type": "trigger"},
  {"name": "Q", "type": "sql", "params": {"query": "select 1/0"}, "retry": {"tries": 3, "delay": "10ms"}}],
  "connections": [{"from": "Start", "to": "Q"}]}');
SELECT reporunner.save_workflow('pause', '{"nodes": [
  {"name": "Start", "type": "trigger"},
  {"name": "W", "type": "wait", "params": {"for": "1s"}}],
  "connections": [{"from": "Start", "to": "W"}]}');
});

# run workflow $name $count times, one after the other, until $status
sub run_one_by_one
{
	my ($name, $count, $status) = @_;
	for my $n (1 .. $count)
	{
		my $id = $node->safe_psql('postgres', "SELECT reporunner.start('$name', '[{}]')");
		$node->poll_query_until('postgres',
			"SELECT status = '$status' FROM reporunner.execution WHERE id = $id")
		  or die "execution $id of $name did not become $status";
	}
}
$reads_before = queue_reads();
run_one_by_one('flaky', 5, 'failed');
$reads = queue_reads() - $reads_before;
cmp_ok($reads, '<', $backlog, "5 executions retried twice each read $reads rows of the queue");
is($node->safe_psql('postgres', q{
SELECT string_agg(DISTINCT s.attempt::text || ' ' || jsonb_array_length(s.attempts), ',')
FROM reporunner.step s JOIN reporunner.executions e ON e.id = s.execution_id
WHERE e.workflow = 'flaky' AND s.node = 'Q'}),
	'3 2', 'each failed at its third attempt, with two retries journaled');
$reads_before = queue_reads();
run_one_by_one('pause', 5, 'succeeded');
$reads = queue_reads() - $reads_before;
cmp_ok($reads, '<', $backlog, "5 executions paused at a wait node read $reads rows of the queue");

# An owner at its reporunner.max_workers_per_owner (1 here: 2 workers)
# with a ready backlog: the other worker's claims pass over its rows.
# They read them to the end of the queue, looking for other owners'
# (20,000 rows per claim, 400,000 for this trickle); they now read a
# window of the queue's head, and find other owners' heads as before.
$node->safe_psql('postgres', q{
CREATE ROLE hog LOGIN;
SET ROLE hog;
SELECT reporunner.save_workflow('long', '{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Q", "type": "sql", "params": {"query": "select pg_sleep(60)"}}],
  "connections": [{"from": "Start", "to": "Q"}]}');
SELECT reporunner.save_workflow('quick', '{"nodes": [{"name": "Start", "type": "trigger"},
  {"name": "Q", "type": "sql", "params": {"query": "select 1"}}],
  "connections": [{"from": "Start", "to": "Q"}]}');
});
my $long = $node->safe_psql('postgres', q{SET ROLE hog; SELECT reporunner.start('long', '[{}]')});
$node->poll_query_until('postgres',
	"SELECT status = 'running' FROM reporunner.execution WHERE id = $long")
  or die 'the long execution did not start';
$node->safe_psql('postgres', qq{SET ROLE hog;
SELECT count(reporunner.start('quick', '[{}]')) FROM generate_series(1, $backlog)});
$reads_before = queue_reads(1);
run_one_by_one('pure', 20, 'succeeded');
$reads = queue_reads(1) - $reads_before;
cmp_ok($reads, '<', $backlog,
	"20 executions beside a busy owner's $backlog ready ones read $reads rows of the queue");
is($node->safe_psql('postgres', qq{
SELECT count(*) FILTER (WHERE status = 'running') || ' ' || count(*) FILTER (WHERE status = 'queued')
FROM reporunner.executions WHERE workflow IN ('long', 'quick')}),
	"1 $backlog", 'and the busy owner ran no more than its one execution meanwhile');
$node->safe_psql('postgres', q{
SELECT count(reporunner.cancel(id)) FROM reporunner.execution
WHERE status IN ('queued', 'running') AND owner = 'hog'::regrole});

done_testing();
