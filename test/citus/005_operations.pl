# Operating Reporunner on Citus: metrics() and metric_samples() through
# the coordinator; retention, each node's workers pruning the executions
# of their own node; ALTER EXTENSION UPDATE at the current version; and a
# tenant's shard group moved to the other worker node, whose workers then
# run the tenant's executions.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use Test::More;

my ($coord, @workers) = CitusCluster->create('ops');
my @tenants = ('t1', 't2');

$coord->safe_psql('postgres', 'SELECT reporunner.distribute()');
CitusCluster->create_ledger_workflows($coord, 1, @tenants);
my %oid = map { $_ => $coord->safe_psql('postgres', "SELECT '$_'::regrole::oid") } @tenants;

# psql as given on the coordinator, returning (exit code, stdout, stderr)
# with SQLSTATEs shown
sub run_sql
{
	my ($sql) = @_;
	return CitusCluster->psql_verbose($coord, $sql);
}

sub as
{
	my ($role, $sql) = @_;
	return CitusCluster->safe_psql_as($coord, $role, $sql);
}

# the port of the node that holds a tenant's shard group
sub home_port
{
	my ($t) = @_;
	return $coord->safe_psql('postgres', qq{
SELECT p.nodeport FROM pg_dist_shard_placement p
WHERE p.shardid = get_shard_id_for_distribution_column('reporunner.execution', $oid{$t})});
}

foreach my $t (@tenants)
{
	is(CitusCluster->start_books($coord, $t, 4), 4, "tenant $t starts 4 executions");
}
is(CitusCluster->wait_books($coord, 120), '8 0 0', 'they all succeed');

# metrics() and metric_samples() through the coordinator, as each tenant
foreach my $t (@tenants)
{
	is( as($t, q{SELECT value FROM reporunner.metric_samples('1 hour')
WHERE metric = 'reporunner_executions_created' AND status = 'succeeded'}),
		'4', "metric_samples() with a literal window, as $t: its own executions");
	is( as($t, q{SELECT string_agg(DISTINCT owner, ',') FROM reporunner.metric_samples()
WHERE workflow IS NOT NULL}),
		$t, "metric_samples(): only $t\'s own workflows, named by their owner");
	is( as($t, q{DO $$DECLARE w interval := '2 hours'; n double precision;
BEGIN
	SELECT value INTO n FROM reporunner.metric_samples(w)
	WHERE metric = 'reporunner_execution_duration_seconds_count';
	IF n IS DISTINCT FROM 4 THEN RAISE EXCEPTION 'count %', n; END IF;
END$$;
SELECT 'ok'}),
		'ok', "metric_samples() with a window in a variable, as $t");
	my $metrics = as($t, 'SELECT reporunner.metrics()');
	like($metrics,
		qr/^reporunner_executions_created\{workflow="book",owner="$t",status="succeeded"\} 4$/m,
		"metrics() as $t: its executions by status");
	like($metrics, qr/^reporunner_execution_duration_seconds_count\{workflow="book",owner="$t"\} 4$/m,
		"metrics() as $t: the histogram");
	like($metrics, qr/^reporunner_queue_depth 0$/m, "metrics() as $t: the queue");
	unlike($metrics, qr/owner="(?!$t")/, "metrics() as $t: no other owner");
}
foreach my $node (@workers)
{
	is( $node->safe_psql('postgres', q{SET ROLE t1;
SELECT value FROM reporunner.metric_samples('1 hour')
WHERE metric = 'reporunner_executions_created' AND status = 'succeeded'}),
		'4', 'metric_samples() through ' . $node->name . ' directly');
}
like($coord->safe_psql('postgres', q{SELECT reporunner.metrics('1 day')}),
	qr/^reporunner_executions_created\{workflow="book",owner="t2",status="succeeded"\} 4$/m,
	'metrics() as the superuser: every owner');

# retention: each node's workers prune the executions their node holds,
# owner by owner; two of each tenant's executions finished three days ago
my %old;
foreach my $t (@tenants)
{
	$old{$t} = join(',', split /\n/, $coord->safe_psql('postgres',
		"SELECT id FROM reporunner.execution WHERE owner = $oid{$t} ORDER BY id LIMIT 2"));
	# constants: Citus refuses stable functions of columns in an UPDATE
	my $then = $coord->safe_psql('postgres', q{SELECT now() - interval '3 days'});
	$coord->safe_psql('postgres', qq{UPDATE reporunner.execution
SET created_at = '$then', started_at = '$then', finished_at = '$then'
WHERE owner = $oid{$t} AND id IN ($old{$t})});
}
my $all_old = join(',', map { $old{$_} } @tenants);
foreach my $node ($coord, @workers)
{
	$node->safe_psql('postgres', q{ALTER SYSTEM SET reporunner.retention = '1d'});
	$node->reload;
}
ok( $coord->poll_query_until('postgres',
		"SELECT count(*) = 0 FROM reporunner.execution WHERE id IN ($all_old)"),
	'the old executions are pruned, on each tenant\'s node');
is( $coord->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.step_journal WHERE execution_id IN ($all_old)"),
	'0', '... with their steps');
foreach my $t (@tenants)
{
	is( $coord->safe_psql('postgres',
			"SELECT count(*) FROM reporunner.execution WHERE owner = $oid{$t}"),
		'2', "$t\'s recent executions stay");
}
foreach my $node ($coord, @workers)
{
	$node->safe_psql('postgres', q{ALTER SYSTEM RESET reporunner.retention});
	$node->reload;
}

# ALTER EXTENSION UPDATE at the current version does nothing, and breaks nothing
my ($rc, $out, $err) = run_sql('ALTER EXTENSION reporunner UPDATE');
is($rc, 0, 'ALTER EXTENSION reporunner UPDATE on a distributed database');
like($err, qr/already installed/, '... is a no-op at the current version');
is(CitusCluster->start_books($coord, 't1', 1), 1, 'start() after it');
is(CitusCluster->wait_books($coord, 60), '5 0 0', 'and the execution runs');

# t1's shard group moves to the other worker node, as Citus's rebalancer
# would move it: the workers there find its executions in their node's
# metadata, and run the new ones where the rows now are
my $from = home_port('t1');
my ($to) = grep { $_->port != $from } @workers;
my $before = $coord->safe_psql('postgres',
	"SELECT max(id) FROM reporunner.execution WHERE owner = $oid{t1}");
my $shard = $coord->safe_psql('postgres',
	"SELECT get_shard_id_for_distribution_column('reporunner.workflow', $oid{t1})");
$coord->safe_psql('postgres',
	"SELECT citus_move_shard_placement($shard, '127.0.0.1', $from, '127.0.0.1', "
	  . $to->port . ", shard_transfer_mode => 'block_writes')");
is(home_port('t1'), $to->port, 't1\'s shard group moved to ' . $to->name);
is(CitusCluster->start_books($coord, 't1', 3), 3, 't1 starts 3 executions after the move');
is(CitusCluster->wait_books($coord, 60), '8 0 0', 'they succeed');
is( $coord->safe_psql('postgres', qq{SELECT string_agg(DISTINCT port::text, ',')
FROM public.ledger WHERE owner = $oid{t1} AND execution > $before}),
	$to->port, 'their steps ran on the node the rows moved to');
is( $to->safe_psql('postgres', q{SET ROLE t1;
SELECT count(*) || ' ' || string_agg(DISTINCT owner, ',') FROM reporunner.executions}),
	'6 t1', 'the tenant sees its executions, old and new, through that node directly');
is( $coord->safe_psql('postgres', q{SET ROLE t2;
SELECT count(*) || ' ' || string_agg(DISTINCT owner, ',') FROM reporunner.executions}),
	'2 t2', 'the other tenant still sees its own only');

# reassign_workflows() cannot change the owners, the distribution column:
# it says so, and the way its hint gives works
($rc, $out, $err) = run_sql(q{SELECT reporunner.reassign_workflows('t1', 't2')});
like($err, qr/0A000: reassign_workflows\(\) is not available on Citus/,
	'reassign_workflows() on Citus: 0A000');
like($err, qr/HINT:  Save the workflows again as the new owner/, '... with a hint');
my $doc = as('t1', q{SELECT reporunner.export_workflow('book')});
is(as('t2', qq{SELECT reporunner.import_workflow('book_of_t1', \$doc\$$doc\$doc\$)}),
	'1', 'the hint\'s way: import_workflow() of the exported document as the new owner');
as('t1', q{SELECT reporunner.delete_workflow('book')});
is( $coord->safe_psql('postgres',
		q{SELECT string_agg(owner || ':' || name, ',' ORDER BY name) FROM reporunner.workflows}),
	't2:book,t2:book_of_t1', '... and delete_workflow() as the old one');
my $moved = as('t2', q{SELECT reporunner.start('book_of_t1', '[{}]')});
ok( $coord->poll_query_until('postgres',
		"SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $moved AND owner = $oid{t2}"),
	'the new owner runs it');

done_testing();
