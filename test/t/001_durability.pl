# Saved workflows survive a crash: every version, node and edge that was
# committed is there after an immediate shutdown and restart, and a save
# that was in flight when the server died leaves nothing half-written.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('durability',
	shared_preload_libraries => "'pg_cron, reporunner'",
	'cron.database_name' => "'postgres'");
is( $node->safe_psql('postgres', 'SHOW reporunner.max_document_size'),
	'1MB', 'settings are defined when preloaded');

my $doc = q({"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}]});
foreach my $i (1 .. 20)
{
	$node->safe_psql('postgres',
		"SELECT reporunner.save_workflow('wf$i', '$doc')");
}
$node->safe_psql('postgres',
	q{SELECT reporunner.save_workflow('wf1', '{"nodes": [{"name": "Start", "type": "trigger"}]}')}
);

# a save left uncommitted when the server dies
my $open = $node->background_psql('postgres');
$open->query_safe('BEGIN');
$open->query_safe("SELECT reporunner.save_workflow('in_flight', '$doc')");

$node->stop('immediate');
eval { $open->quit; };
$node->start;

is( $node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.workflow'),
	'20', 'every committed workflow is back after a crash');
is( $node->safe_psql(
		'postgres', 'SELECT count(*) FROM reporunner.workflow_version'),
	'21',
	'every committed version is back');
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.node'),
	'41', 'every committed node is back');
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.edge'),
	'20', 'every committed edge is back');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM reporunner.workflow WHERE name = 'in_flight'"),
	'0',
	'an uncommitted save left nothing');
is( $node->safe_psql(
		'postgres',
		"SELECT reporunner.export_workflow('wf2') = '$doc'::jsonb"),
	't',
	'a saved document exports unchanged after the crash');
is( $node->safe_psql(
		'postgres',
		"SELECT active_version FROM reporunner.workflows WHERE name = 'wf1'"),
	'2',
	'the active version survives the crash');

# the extension works in a second database of the same cluster
$node->safe_psql('postgres', 'CREATE DATABASE second');
$node->safe_psql('second', 'CREATE EXTENSION reporunner');
is( $node->safe_psql(
		'second', "SELECT reporunner.save_workflow('wf1', '$doc')"),
	'1',
	'a second database has its own workflows');
$node->safe_psql('postgres', 'DROP DATABASE second');

$node->stop;
done_testing();
