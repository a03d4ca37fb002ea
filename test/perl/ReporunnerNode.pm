# ReporunnerNode.pm - a throwaway PostgreSQL node for Reporunner's TAP
# tests (test/t): initialized, with Reporunner preloaded and its settings,
# started, and the extension created in database "postgres".
#
#   my $node = ReporunnerNode->create('name',
#       'reporunner.workers_per_database' => 2);
#
# Settings are written to postgresql.conf in name order after these
# defaults, which a test may override:
#
#   shared_preload_libraries = 'reporunner'
#   max_worker_processes = 16
#   log_statement = none
#
# With extension => 0 among the arguments, no extension is created.
package ReporunnerNode;

use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;

sub create
{
	my ($class, $name, %settings) = @_;
	my $extension = exists $settings{extension} ? delete $settings{extension} : 1;
	my %conf = (
		shared_preload_libraries => "'reporunner'",
		max_worker_processes => 16,
		log_statement => 'none',
		%settings);
	my $node = PostgreSQL::Test::Cluster->new($name);

	$node->init;
	$node->append_conf('postgresql.conf',
		join('', map { "$_ = $conf{$_}\n" } sort keys %conf));
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION reporunner') if $extension;
	return $node;
}

1;
