# bench.pl - make bench-citus: durable executions/s on a Citus coordinator
# and two worker nodes, against one PostgreSQL server measured in the same
# run, with the same workload (CitusCluster.pm: three tenants, each
# execution two sql steps into the tenant's ledger).  Prints both rates,
# their ratio, and the share of steps run on the node that holds the
# tenant's rows (target 100 %).  Informational: it fails only when
# something breaks (an execution fails or does not finish).
#
# Environment: BENCH_CITUS_EXECUTIONS (default 2000) executions per tenant.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use Time::HiRes qw(time);
use Test::More;

my $per_tenant = $ENV{BENCH_CITUS_EXECUTIONS} || 2000;
my @tenants = ('t1', 't2', 't3');
my $total = $per_tenant * @tenants;

# every tenant queues its executions at once (in one transaction each);
# the clock runs from the first start() to the end of the last execution;
# also prints how long the start() calls took
sub measure
{
	my ($node) = @_;
	my $began = time;
	CitusCluster->start_books($node, $_, $per_tenant) foreach @tenants;
	my $queued = time - $began;
	my $counts = CitusCluster->wait_books($node, 900);
	my $seconds = time - $began;
	is($counts, "$total 0 0", $node->name . ": every execution succeeded");
	diag(sprintf("%s: start() of %d executions took %.1f s (%.0f/s), the whole run %.1f s",
		$node->name, $total, $queued, $total / $queued, $seconds));
	return $total / $seconds;
}

my $single = PostgreSQL::Test::Cluster->new('bench_single');
$single->init;
$single->append_conf('postgresql.conf',
	"shared_preload_libraries = 'pg_cron, reporunner'\ncron.database_name = 'postgres'\n");
$single->start;
$single->safe_psql('postgres', 'CREATE EXTENSION reporunner');
CitusCluster->create_ledger_workflows($single, 0, @tenants);
my $single_rate = measure($single);
$single->stop;

my ($coord, @workers) = CitusCluster->create('bench');
$coord->safe_psql('postgres', 'SELECT reporunner.distribute()');
CitusCluster->create_ledger_workflows($coord, 1, @tenants);
my $citus_rate = measure($coord);
my $local = $coord->safe_psql('postgres', q{
SELECT round(count(*) FILTER (WHERE l.port = p.nodeport) * 100.0 / count(*), 1)
FROM public.ledger l
JOIN pg_dist_shard_placement p
  ON p.shardid = get_shard_id_for_distribution_column('public.ledger', l.owner)});
my $spread = $coord->safe_psql('postgres', q{
SELECT string_agg(n, ', ' ORDER BY n) FROM (
SELECT l.port || ': ' || count(*) AS n FROM public.ledger l GROUP BY l.port) s});

diag(sprintf("%d durable executions (2 sql steps each), %d tenants", $total,
	scalar @tenants));
diag(sprintf("single node:            %8.0f executions/s", $single_rate));
diag(sprintf("Citus, 3 nodes:         %8.0f executions/s  (%.2f x single node)",
	$citus_rate, $citus_rate / $single_rate));
diag("steps run on the node that holds their rows: $local % (target 100 %)");
diag("steps per node (port: steps): $spread");
done_testing();
