# Schedules with a real pg_cron: a "* * * * *" schedule starts its workflow
# at the next minute tick, once per tick; a tick fired again (by hand, as a
# retried job or a restart around the tick would) starts nothing more; and
# drop_trigger() removes the job.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create(
	'schedule',
	shared_preload_libraries => "'pg_cron, reporunner'",
	'cron.database_name' => "'postgres'",
	'cron.use_background_workers' => 'on');
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION pg_cron;
SELECT reporunner.save_workflow('every_minute', '{"nodes": [
	{"name": "Tick", "type": "trigger"},
	{"name": "Stamp", "type": "set", "params": {"fields": {"ran": true}}}],
	"connections": [{"from": "Tick", "to": "Stamp"}]}');
});
my $id = $node->safe_psql('postgres',
	q{SELECT reporunner.on_schedule('every_minute', '* * * * *', '[{"from": "cron"}]')});

# pg_cron runs the job at the next minute boundary: at most about 60 s
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) > 0 FROM reporunner.execution WHERE mode = 'schedule' AND status = 'succeeded'},
		't'),
	'the schedule started its workflow at a real tick');
is( $node->safe_psql(
		'postgres',
		q{SELECT input, output FROM reporunner.execution WHERE mode = 'schedule' ORDER BY id LIMIT 1}),
	'[{"from": "cron"}]|[{"ran": true, "from": "cron"}]',
	'with the schedule\'s input');

# the same tick fired again starts nothing more
my $ticks = $node->safe_psql('postgres',
	q{SELECT count(*) FROM reporunner.execution WHERE mode = 'schedule'});
$node->safe_psql('postgres', "SELECT reporunner.fire_schedule($id)");
$node->safe_psql('postgres', "SELECT reporunner.fire_schedule($id)");
cmp_ok(
	$node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.execution WHERE mode = 'schedule'}),
	'<=', $ticks + 1,
	'two more runs of the current tick started at most one execution');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM (SELECT idempotency_key FROM reporunner.execution
		  WHERE mode = 'schedule' GROUP BY 1 HAVING count(*) > 1) x}),
	'0', 'no tick has two executions');

# drop_trigger() takes the job with it
$node->safe_psql('postgres', "SELECT reporunner.drop_trigger($id)");
is($node->safe_psql('postgres', 'SELECT count(*) FROM cron.job'),
	'0', 'the pg_cron job is gone');

$node->stop;
done_testing();
