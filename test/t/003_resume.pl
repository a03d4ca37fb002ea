# Background executions survive crashes: every step that committed stays
# done exactly once, and every execution that a crash interrupted resumes
# from its last committed step after the server comes back.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('resume');

$node->safe_psql(
	'postgres', q{
CREATE TABLE ledger (execution bigint, step text, PRIMARY KEY (execution, step));
});

# five sql steps, each inserting its (execution, step) row; the slow one
# gives the crash something to interrupt
my @steps = map {
	qq({"name": "S$_", "type": "sql", "params": {"query": "INSERT INTO ledger VALUES (\$1, \$2) RETURNING step", "args": ["{{ \$execution.id }}", "S$_"], "mode": "once"}})
} (1 .. 5);
$steps[2] =~
  s/RETURNING step/RETURNING step, pg_sleep(0.05) IS NULL AS slept/;
my $connections = join(', ',
	'{"from": "Start", "to": "S1"}',
	map { qq({"from": "S$_", "to": "S@{[$_ + 1]}"}) } (1 .. 4));
my $doc =
  qq({"nodes": [{"name": "Start", "type": "trigger"}, @{[join(', ', @steps)]}], "connections": [$connections]});
$node->safe_psql('postgres',
	"SELECT reporunner.save_workflow('chain', '$doc')");

my $executions = 40;
$node->safe_psql('postgres',
	"SELECT reporunner.start('chain', '[{}]') FROM generate_series(1, $executions)"
);

# crash the server while the workers are in the middle of it
$node->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM ledger")
  or die "no step ran";
my $before = $node->safe_psql('postgres',
	"SELECT count(*) FROM reporunner.execution WHERE status = 'succeeded'");
$node->stop('immediate');
cmp_ok($before, '<', $executions, 'the crash came while executions were running');
$node->start;

my $done = $node->poll_query_until(
	'postgres',
	"SELECT count(*) = $executions FROM reporunner.execution WHERE status = 'succeeded'"
);
ok($done, 'every execution succeeded after the crash');
is( $node->safe_psql('postgres', 'SELECT count(*) FROM ledger'),
	$executions * 5,
	'every step of every execution ran');
is( $node->safe_psql(
		'postgres',
		'SELECT count(*) FROM (SELECT execution FROM ledger GROUP BY execution HAVING count(*) <> 5) x'
	),
	'0',
	'no execution has a missing or doubled step');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM reporunner.step WHERE status <> 'succeeded'"),
	'0',
	'every journaled step succeeded');
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.queue'),
	'0', 'the queue is empty');

$node->stop;
done_testing();
