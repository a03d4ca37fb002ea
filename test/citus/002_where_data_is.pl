# Reporunner on Citus: execution where the data is.  Three tenants save a
# workflow of two sql steps writing into their own ledger (distributed by
# owner, co-located with Reporunner's tables) and start 1,000 background
# executions each through the coordinator.  Every execution succeeds, run
# by the background workers of the node that holds the tenant's shards;
# each tenant's execution and step rows live on that node only; the
# ledger has every step exactly once, although a worker node is killed
# and restarted while the executions run; and tenants stay isolated.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use Test::More;

my $per_tenant = 1000;
my ($coord, @workers) = CitusCluster->create('where');
my @tenants = ('t1', 't2', 't3');
my %node_of_port = map { $_->port => $_ } ($coord, @workers);

$coord->safe_psql('postgres', 'SELECT reporunner.distribute()');
CitusCluster->create_ledger_workflows($coord, 1, @tenants);

# where each tenant's rows are: the node of its shard of the execution table
my %home;
foreach my $t (@tenants)
{
	$home{$t} = $coord->safe_psql('postgres', qq{
SELECT p.nodeport FROM pg_dist_shard_placement p
WHERE p.shardid = get_shard_id_for_distribution_column('reporunner.execution', '$t'::regrole::oid)});
}
note('home nodes: ' . join(', ', map { "$_ on $home{$_}" } @tenants));

# each tenant starts its executions through the coordinator, in one transaction
is(CitusCluster->start_books($coord, $_, $per_tenant), $per_tenant,
	"tenant $_ starts $per_tenant executions through the coordinator")
  foreach @tenants;

# a worker node holding a tenant's shards dies while its executions run
my ($victim) = grep { $_->port == $home{t1} } @workers;
$victim = $workers[0] unless defined $victim;
my $done_sql = q{SELECT count(*) FROM reporunner.execution WHERE status = 'succeeded'};
foreach (1 .. 300)
{
	last if $coord->safe_psql('postgres', $done_sql) > 0;
	select(undef, undef, undef, 0.1);
}
$victim->stop('immediate');
$victim->start;
note('restarted ' . $victim->name . ' after '
	  . $coord->safe_psql('postgres', $done_sql) . ' executions had succeeded');

is(CitusCluster->wait_books($coord, 240), (3 * $per_tenant) . ' 0 0',
	'every execution succeeds, across the restart');

foreach my $t (@tenants)
{
	my $oid = $coord->safe_psql('postgres', "SELECT '$t'::regrole::oid");
	my $home = $node_of_port{ $home{$t} };
	my ($exec_shard, $step_shard) = split /\|/, $coord->safe_psql('postgres', qq{
SELECT get_shard_id_for_distribution_column('reporunner.execution', $oid),
	get_shard_id_for_distribution_column('reporunner.step_journal', $oid)});
	is( $home->safe_psql('postgres', qq{
SELECT (SELECT count(*) FROM reporunner.execution_$exec_shard WHERE owner = $oid)
	|| ' ' || (SELECT count(*) FROM reporunner.step_journal_$step_shard WHERE owner = $oid)}),
		"$per_tenant " . (3 * $per_tenant),
		"tenant $t: its execution and step rows are in the shards on its node");
	is( join(',', map { $_->safe_psql('postgres',
				"SELECT count(*) FROM pg_class WHERE relname IN ('execution_$exec_shard', 'step_journal_$step_shard')") }
			  grep { $_->port != $home{$t} } ($coord, @workers)),
		'0,0',
		"tenant $t: no other node holds a shard of its rows");
	is( $coord->safe_psql('postgres', qq{
SELECT count(*) || ' ' || count(DISTINCT (execution, step))
FROM public.ledger WHERE owner = $oid}),
		(2 * $per_tenant) . ' ' . (2 * $per_tenant),
		"tenant $t: the ledger has each step exactly once");
	is( $coord->safe_psql('postgres', qq{
SELECT string_agg(DISTINCT port::text, ',') FROM public.ledger WHERE owner = $oid}),
		$home{$t},
		"tenant $t: every step ran on the node that holds its rows");
}

# the share of executions run where their rows are, for make bench-citus
is( $coord->safe_psql('postgres', q{
SELECT count(*) FILTER (WHERE l.port = p.nodeport) * 100 / count(*)
FROM public.ledger l
JOIN pg_dist_shard_placement p
  ON p.shardid = get_shard_id_for_distribution_column('public.ledger', l.owner)}),
	'100', '100 % of the steps ran on the node that holds them');

# tenants stay isolated, through the coordinator and each worker node
foreach my $node ($coord, @workers)
{
	foreach my $t (@tenants)
	{
		is( $node->safe_psql('postgres', qq{
SELECT (SELECT count(*) || '/' || count(DISTINCT owner) FROM reporunner.execution)
	|| ' ' || (SELECT count(DISTINCT owner) FROM reporunner.step_journal)
	|| ' ' || (SELECT count(DISTINCT owner) FROM public.ledger)},
				extra_params => [ '-U', $t ]),
			"$per_tenant/1 1 1",
			"tenant $t sees only its own executions, steps and ledger through "
			  . $node->name);
	}
	my ($rc, $out, $err) = $node->psql('postgres',
		"SELECT reporunner.start('book', '[{}]', '{\"owner\": \"t2\"}')",
		extra_params => [ '-U', 't1' ]);
	isnt($rc, 0, 'a tenant cannot start another\'s workflow through ' . $node->name);
}

done_testing();
