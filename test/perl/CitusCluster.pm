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

# psql on node as role (the bootstrap superuser when undef), returning
# (exit code, stdout, stderr), with SQLSTATEs shown in the errors
sub psql_verbose
{
	my ($class, $node, $sql, $role) = @_;
	my ($out, $err) = ('', '');
	my $rc = $node->psql('postgres', "\\set VERBOSITY verbose\n$sql",
		stdout => \$out, stderr => \$err,
		extra_params => defined $role ? [ '-U', $role ] : []);
	return ($rc, $out, $err);
}

# safe_psql on node as role, through SET ROLE (the session stays the
# bootstrap superuser's)
sub safe_psql_as
{
	my ($class, $node, $role, $sql) = @_;
	return $node->safe_psql('postgres', "SET ROLE $role;\n$sql");
}

# The workload of the scale-out test and benchmark (test/citus): tenants
# (login roles), each with its workflow "book" of two sql steps writing
# one row each into public.ledger, with the port of the server that ran
# the step.  On Citus (distributed true) the ledger is distributed by
# owner, co-located with Reporunner's tables, so the steps run where the
# tenant's rows are.  Call after distribute() on Citus.
sub create_ledger_workflows
{
	my ($class, $node, $distributed, @tenants) = @_;
	my $ledger = q{
CREATE TABLE public.ledger (owner oid NOT NULL, execution bigint NOT NULL,
	step text NOT NULL, port int NOT NULL);
};
	$ledger .= q{SELECT create_distributed_table('public.ledger', 'owner',
	colocate_with => 'reporunner.workflow');
} if $distributed;
	$ledger .= q{
ALTER TABLE public.ledger ENABLE ROW LEVEL SECURITY;
CREATE POLICY ledger_tenant ON public.ledger USING (reporunner.has_owner_access(owner));
GRANT SELECT, INSERT ON public.ledger TO PUBLIC;
};
	$node->safe_psql('postgres', $ledger);
	my $step = sub {
		my ($name) = @_;
		return qq({"name": "$name", "type": "sql", "params": {"mode": "once",
"query": "INSERT INTO public.ledger VALUES (reporunner.current_owner(), \$1, '$name', current_setting('port')::int)",
"args": ["{{ \$execution.id }}"]}});
	};
	my $doc = '{"nodes": [{"name": "Start", "type": "trigger"}, '
	  . $step->('Book') . ', ' . $step->('Confirm') . '],'
	  . ' "connections": [{"from": "Start", "to": "Book"}, {"from": "Book", "to": "Confirm"}],'
	  . ' "settings": {"save": "all"}}';
	foreach my $t (@tenants)
	{
		$node->safe_psql('postgres', "CREATE ROLE $t LOGIN");
		$node->safe_psql('postgres',
			"SELECT reporunner.save_workflow('book', \$\$$doc\$\$)",
			extra_params => [ '-U', $t ]);
	}
	return;
}

# As tenant, start n executions of its workflow "book", in one transaction
sub start_books
{
	my ($class, $node, $tenant, $n) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(reporunner.start('book', '[{}]')) FROM generate_series(1, $n)",
		extra_params => [ '-U', $tenant ]);
}

# Wait until no execution is queued or running (up to timeout seconds);
# returns "succeeded failed other" counts over all executions
sub wait_books
{
	my ($class, $node, $timeout) = @_;
	my $counts = q{SELECT count(*) FILTER (WHERE status = 'succeeded') || ' '
	|| count(*) FILTER (WHERE status = 'failed') || ' '
	|| count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed'))
	FROM reporunner.execution};
	my $result;
	foreach (1 .. $timeout * 5)
	{
		$result = $node->safe_psql('postgres', $counts);
		last if $result =~ / 0$/;
		select(undef, undef, undef, 0.2);
	}
	return $result;
}

1;
