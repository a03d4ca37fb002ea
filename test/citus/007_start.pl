# Reporunner on Citus: start() through the coordinator.  The queued
# execution is written on the node that holds the tenant's rows, in one
# call Citus delegates there (reporunner.start_on_node()), inside the
# caller's transaction; that node's workers are woken when it commits.  A
# rollback, or a failure later in the same statement, leaves nothing; an
# idempotency key gives one execution; a tenant can neither start
# another's workflow nor call start_on_node() to act as another.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use Test::More;
use Time::HiRes qw(time);

my ($coord, @workers) = CitusCluster->create('start');
my %node_of_port = map { $_->port => $_ } ($coord, @workers);

# psql as the role given, returning (exit code, stdout, stderr), SQLSTATEs shown
sub run_as
{
	my ($node, $role, $sql) = @_;
	return CitusCluster->psql_verbose($node, $sql, $role);
}

$coord->safe_psql('postgres', 'SELECT reporunner.distribute()');
CitusCluster->create_ledger_workflows($coord, 1, 't1', 't2');
my %oid = map { $_ => $coord->safe_psql('postgres', "SELECT '$_'::regrole::oid") } ('t1', 't2');
my $count = sub {
	my ($t) = @_;
	return $coord->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution WHERE owner = $oid{$t}");
};

# one start(), committed: it runs on the tenant's node, soon
my $t0 = time;
my ($rc, $out, $err) = run_as($coord, 't1',
	q{SELECT reporunner.start('book', '[{}]') AS id \gset
SELECT status FROM reporunner.wait_for(:id, '20s')});
is($rc, 0, 'start() through the coordinator') or diag($err);
is($out, 'succeeded', 'the execution ran');
my $took = time - $t0;
ok($took < 10, "and ended within 10 s ($took s)");
my @ports = split /\n/, $coord->safe_psql('postgres',
	"SELECT DISTINCT port FROM public.ledger WHERE owner = $oid{t1}");
is(scalar(@ports), 1, 'both steps ran on one node');
my $home = $node_of_port{ $ports[0] };
isnt($home, $coord, 'a worker node');
is( $home->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution WHERE owner = $oid{t1}"),
	'1', 'the execution row is in the shards of that node');

# a rollback leaves nothing, nor does a failure later in the statement
my $before = $count->('t1');
($rc, $out, $err) = run_as($coord, 't1',
	q{BEGIN; SELECT reporunner.start('book', '[{}]'); ROLLBACK;});
is($rc, 0, 'start() in a transaction rolled back') or diag($err);
($rc, $out, $err) = run_as($coord, 't1',
	q{SELECT reporunner.start('book', '[{}]'), 1 / (3 - g) FROM generate_series(1, 3) g});
like($err, qr/22012/, 'a statement that fails after two start() calls: 22012');
is($count->('t1'), $before, 'neither left an execution');

# several in one transaction, with an idempotency key used twice
($rc, $out, $err) = run_as($coord, 't1',
	q{BEGIN;
SELECT count(reporunner.start('book', '[{}]')) FROM generate_series(1, 20);
SELECT reporunner.start('book', '[{}]', '{"idempotency_key": "k"}')
	= reporunner.start('book', '[{}]', '{"idempotency_key": "k"}');
COMMIT;});
is($rc, 0, 'start() 22 times in one transaction') or diag($err);
is($out, "20\nt", 'the same idempotency key gives the same execution');
is($count->('t1'), $before + 21, 'twenty-one executions');
is(CitusCluster->wait_books($coord, 60), ($before + 21) . ' 0 0', 'all succeed');

# who may: not another tenant's workflow, and not start_on_node() itself
($rc, $out, $err) = run_as($coord, 't2',
	q{SELECT reporunner.start('book', '[{}]', '{"owner": "t1"}')});
isnt($rc, 0, 'a tenant cannot start another\'s workflow');
foreach my $node ($coord, $home)
{
	($rc, $out, $err) = run_as($node, 't2',
		"SELECT reporunner.start_on_node($oid{t1}, 1, 1, 'book', '[{}]', NULL, $oid{t2}, 0, now(), 0)");
	like($err, qr/42501/,
		'a tenant calling start_on_node() gets 42501 (' . $node->name . ')');
}
is($count->('t1'), $before + 21, 'and nothing was queued');

# the level start() was called at counts on the owner's node too, so that
# reporunner.max_call_depth stops a loop of starts that crosses nodes
my $book = $coord->safe_psql('postgres',
	"SELECT id FROM reporunner.workflow WHERE owner = $oid{t1} AND name = 'book'");
($rc, $out, $err) = CitusCluster->psql_verbose($coord,
	"SELECT reporunner.start_on_node($oid{t1}, $book, 1, 'book', '[{}]', NULL, $oid{t1}, 0, now(), 9)");
is($rc, 0, 'start_on_node() called from an execution at level 9') or diag($err);
is( $coord->safe_psql('postgres',
		"SELECT call_level FROM reporunner.execution WHERE id = $out"),
	'10', 'queues one at level 10 on the owner\'s node');
($rc, $out, $err) = CitusCluster->psql_verbose($coord,
	"SELECT reporunner.start_on_node($oid{t1}, $book, 1, 'book', '[{}]', NULL, $oid{t1}, 0, now(), 10)");
like($err, qr/ERROR:  54001: workflow "book" would nest executions deeper than 10 levels/,
	'and none from level 10 (54001)');
is(CitusCluster->wait_books($coord, 60), ($before + 22) . ' 0 0', 'the one queued succeeds');

done_testing();
