# A loop in a background run survives a crash of its worker mid-loop
# (issue 17): Loop Over Items over 300 items in batches of 10, whose body
# is a sql node that inserts one ledger row per batch (the batch's first
# item, a primary key: a batch written twice fails the execution).  The
# worker is killed (SIGKILL) once some batches are written; the server
# restarts, the execution resumes from its journal, and in the end every
# batch has its ledger row exactly once, the execution succeeded with all
# 30 batches on "done", and the journal has each run of the body once,
# run_index 0 to 29.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

$PostgreSQL::Test::Utils::timeout_default = 60;

# a SIGKILL of a worker must make the postmaster reinitialize, not stop
my $node = ReporunnerNode->create('loops_crash',
	'reporunner.workers_per_database' => 1,
	restart_after_crash => 'on');

$node->safe_psql(
	'postgres', q{
CREATE TABLE ledger (batch integer PRIMARY KEY, written_at timestamptz DEFAULT clock_timestamp());
});

# each batch's write sleeps 0.2 s, so that the loop is still going when the
# worker is killed
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('loop_ledger', '{
	"nodes": [
		{"name": "Start", "type": "trigger"},
		{"name": "Loop", "type": "split_in_batches", "params": {"batch_size": 10}},
		{"name": "Write", "type": "sql", "params": {
			"query": "INSERT INTO ledger (batch) VALUES ($1) RETURNING batch, pg_sleep(0.2) IS NULL AS slept",
			"args": ["{{ $json.n }}"], "mode": "once"}},
		{"name": "Done", "type": "noop"}],
	"connections": [
		{"from": "Start", "to": "Loop"},
		{"from": "Loop", "output": "loop", "to": "Write"},
		{"from": "Write", "to": "Loop"},
		{"from": "Loop", "output": "done", "to": "Done"}]}')});

my $id = $node->safe_psql('postgres',
	q{SELECT reporunner.start('loop_ledger',
		(SELECT jsonb_agg(jsonb_build_object('n', i)) FROM generate_series(1, 300) AS i))}
);

# some batches written, not all
$node->poll_query_until('postgres', 'SELECT count(*) >= 3 FROM ledger')
  or die 'the loop wrote no ledger rows';
my $pid = $node->safe_psql('postgres',
	q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'reporunner worker' LIMIT 1});
ok($pid ne '', 'a worker runs the loop');
my $before = $node->safe_psql('postgres', 'SELECT count(*) FROM ledger');
ok($before < 30, "the worker is killed mid-loop ($before of 30 batches written)");
my $offset = -s $node->logfile;
kill(9, $pid) == 1 or die "could not kill worker $pid";

# the postmaster restarts everything, and the execution goes on
my $t0 = time;
while (time < $t0 + 60)
{
	last
	  if slurp_file($node->logfile, $offset) =~
	  /\(PID $pid\) was terminated by signal 9.*database system is ready to accept connections/s;
	usleep(50_000);
}
$node->poll_query_until('postgres',
	"SELECT status IN ('succeeded', 'failed') FROM reporunner.execution WHERE id = $id")
  or die 'the execution did not end after the crash';

is($node->safe_psql('postgres', "SELECT status FROM reporunner.execution WHERE id = $id"),
	'succeeded', 'the execution resumed mid-loop and succeeded');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) || ' ' || count(DISTINCT batch) || ' ' ||
	   (array_agg(batch ORDER BY batch) = ARRAY(SELECT generate_series(1, 291, 10)))
FROM ledger}),
	'30 30 true',
	'every batch has its ledger row exactly once');
is( $node->safe_psql(
		'postgres', qq{
SELECT jsonb_array_length(output) FROM reporunner.execution WHERE id = $id}),
	'30', 'the loop gave every batch on "done"');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) || ' ' || count(DISTINCT run_index) || ' ' || min(run_index) || ' ' || max(run_index)
FROM reporunner.step WHERE execution_id = $id AND node = 'Write'}),
	'30 30 0 29',
	'the journal has each run of the body once, by run_index');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) || ' ' || max(run_index)
FROM reporunner.step WHERE execution_id = $id AND node = 'Loop'}),
	'31 30',
	'and each run of the loop node');

$node->stop;
done_testing();
