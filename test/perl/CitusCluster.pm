# CitusCluster.pm - a throwaway Citus cluster for Reporunner's Citus TAP
# tests (test/citus): a coordinator and two worker nodes on loopback, each
# with shared_preload_libraries = 'citus, pg_cron, reporunner', Citus and
# Reporunner created in database "postgres", the workers added to the
# coordinator (which creates Reporunner there too).
#
#   my ($coord, @workers) = CitusCluster->create('name');
#
# Each node is a PostgreSQL::Test::Cluster, so tests restart or stop them
# as usual.  Nodes reach each other on 127.0.0.1 by TCP.
package CitusCluster;

use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;

sub create
{
	my ($class, $name, %settings) = @_;
	my %conf = (
		shared_preload_libraries => "'citus, pg_cron, reporunner'",
		listen_addresses => "'127.0.0.1'",
		max_worker_processes => 32,
		max_connections => 100,
		max_prepared_transactions => 100,
		'cron.database_name' => "'postgres'",
		log_statement => 'none',
		%settings);
	my @nodes;
	foreach my $role ('coordinator', 'worker1', 'worker2')
	{
		my $node = PostgreSQL::Test::Cluster->new("${name}_$role");
		$node->init;
		$node->append_conf('postgresql.conf',
			join('', map { "$_ = $conf{$_}\n" } sort keys %conf));
		# loopback connections between the nodes, as the test's superuser
		$node->append_conf('pg_hba.conf', "host all all 127.0.0.1/32 trust\n");
		$node->start;
		$node->safe_psql('postgres', 'CREATE EXTENSION citus');
		push @nodes, $node;
	}
	my ($coord, @workers) = @nodes;
	$coord->safe_psql('postgres',
		"SELECT citus_set_coordinator_host('127.0.0.1', " . $coord->port . ")");
	$coord->safe_psql('postgres',
		"SELECT citus_add_node('127.0.0.1', " . $_->port . ")")
	  foreach @workers;
	$coord->safe_psql('postgres', 'CREATE EXTENSION reporunner');
	return @nodes;
}

1;
