# Background workers: the launcher runs without a database, a worker runs
# work queued in a database created after the server started, workers
# exit when idle so DROP DATABASE goes through, timers start workers,
# DROP EXTENSION under a worker does not make workers restart in a loop,
# and start() without shared_preload_libraries fails with a clear error.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = ReporunnerNode->create('workers',
	max_prepared_transactions => 2,
	extension => 0);

my $workers_sql =
  "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'reporunner worker'";
my $doc = q({"nodes": [{"name": "Start", "type": "trigger"}]});
my $slow_doc =
  q({"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Sleep", "type": "sql", "params": {"query": "SELECT pg_sleep(1)"}}], "connections": [{"from": "Start", "to": "Sleep"}]});

ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'reporunner launcher' AND datname IS NULL"
	),
	'the launcher runs, connected to no database');
is( $node->safe_psql(
		'postgres',
		"SELECT current_setting('reporunner.workers_per_database') || ' ' || current_setting('reporunner.max_databases')"
	),
	'2 64',
	'settings have their defaults');

# the workers that visit every database after the start leave at once,
# since no database has the extension yet
ok($node->poll_query_until('postgres', $workers_sql, '0'),
	'no worker stays in databases without the extension');

# a database and extension created after the server started
$node->safe_psql('postgres', 'CREATE DATABASE work');
$node->safe_psql('work', 'CREATE EXTENSION reporunner');
$node->safe_psql('work', "SELECT reporunner.save_workflow('wf', '$doc')");
my $id = $node->safe_psql('work', "SELECT reporunner.start('wf', '[{}]')");
is( $node->safe_psql(
		'work', "SELECT status FROM reporunner.wait_for($id, '10s')"),
	'succeeded',
	'a worker runs an execution started in a new database');

# timers and restarts: five databases with an execution due in 12s, and a
# restart before it is due; the launcher visits every database (a few at
# a time), the workers there record the timers and leave, and the
# launcher comes back when they are due (12s: on a busy machine the
# restart and the visits took more than the 4s this once was)
$node->safe_psql('postgres',
	q{CREATE FUNCTION rr_workers(OUT database oid, OUT wanted bool, OUT workers int, OUT next_wake timestamptz) RETURNS SETOF record LANGUAGE c AS 'reporunner', 'reporunner_workers'}
);
my @dbs = map { "d$_" } (1 .. 5);
my %delayed;
foreach my $db (@dbs)
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'CREATE EXTENSION reporunner');
	$node->safe_psql($db, "SELECT reporunner.save_workflow('wf', '$doc')");
	$delayed{$db} = $node->safe_psql($db,
		qq{SELECT reporunner.start('wf', '[{}]', '{"delay": "12s"}')});
}
$node->restart;
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) FROM rr_workers() w JOIN pg_database d ON d.oid = w.database WHERE d.datname LIKE 'd_' AND w.next_wake IS NOT NULL",
		'5'),
	'after a restart, every database is visited and its timer recorded');
my $succeeded = 0;
foreach my $db (@dbs)
{
	$succeeded++
	  if $node->safe_psql($db,
		"SELECT status FROM reporunner.wait_for($delayed{$db}, '30s')") eq
	  'succeeded';
}
is($succeeded, 5, 'delayed executions run when due');
is( $node->safe_psql(
		'd1',
		"SELECT started_at >= created_at + interval '12s' FROM reporunner.execution WHERE id = $delayed{d1}"
	),
	't',
	'and not before');
$node->safe_psql('postgres', "DROP DATABASE $_") foreach @dbs;

# workers leave an idle database within seconds
my $t0 = time;
ok($node->poll_query_until('postgres', $workers_sql, '0'),
	'workers exit when idle');
cmp_ok(time - $t0, '<', 5, 'within seconds');

# the wake-up happens at commit: a prepared transaction cannot have one
my ($ret, $stdout, $stderr) = $node->psql('work',
	"BEGIN; SELECT reporunner.start('wf', '[{}]'); PREPARE TRANSACTION 'p'");
like(
	$stderr,
	qr/cannot PREPARE a transaction that has queued background work/,
	'a transaction that queued work cannot be prepared');

# DROP DATABASE right after the work, while its worker may still be idle
# there, does not fail or hang
$id = $node->safe_psql('work', "SELECT reporunner.start('wf', '[{}]')");
$node->safe_psql('work', "SELECT reporunner.wait_for($id, '10s')");
$t0 = time;
($ret, $stdout, $stderr) = $node->psql('postgres', 'DROP DATABASE work');
is($ret, 0, 'DROP DATABASE of a database with the extension succeeds')
  or diag($stderr);
cmp_ok(time - $t0, '<', 5, 'within seconds');

# DROP EXTENSION under a running worker: the worker fails and the
# database is looked at again only after a pause
$node->safe_psql('postgres', 'CREATE DATABASE again');
$node->safe_psql('again', 'CREATE EXTENSION reporunner');
$node->safe_psql('again',
	"SELECT reporunner.save_workflow('slow', '$slow_doc')");
$node->safe_psql('again',
	"SELECT reporunner.start('slow', '[{}]') FROM generate_series(1, 3)");
$node->safe_psql('postgres',
	'ALTER SYSTEM SET log_min_messages = debug1; SELECT pg_reload_conf()');
$node->poll_query_until('again',
	"SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'reporunner worker' AND wait_event = 'PgSleep'"
) or die 'no execution started';
my $log_offset = -s $node->logfile;
$node->safe_psql('again', 'DROP EXTENSION reporunner CASCADE');
ok($node->poll_query_until('postgres', $workers_sql, '0'),
	'workers leave after DROP EXTENSION');
sleep(2);
my $log = slurp_file($node->logfile, $log_offset);
my $starts = () = $log =~ /starting background worker process "reporunner worker/g;
# (one may start if the first asked for help just before it failed)
cmp_ok($starts, '<=', 1, 'no worker is started again and again');
$node->safe_psql('postgres',
	'ALTER SYSTEM RESET log_min_messages; SELECT pg_reload_conf()');

# the extension comes back and works at once
$node->safe_psql('again', 'CREATE EXTENSION reporunner');
$node->safe_psql('again', "SELECT reporunner.save_workflow('wf', '$doc')");
$id = $node->safe_psql('again', "SELECT reporunner.start('wf', '[{}]')");
is( $node->safe_psql(
		'again', "SELECT status FROM reporunner.wait_for($id, '10s')"),
	'succeeded',
	'a recreated extension runs work right away');

# without shared_preload_libraries there are no workers, and start() says so
$node->adjust_conf('postgresql.conf', 'shared_preload_libraries', "''");
$node->restart;
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'reporunner%'"
	),
	'0',
	'no launcher without shared_preload_libraries');
($ret, $stdout, $stderr) =
  $node->psql('again', "SELECT reporunner.start('wf', '[{}]')");
like(
	$stderr,
	qr/background workers are not running.*\n.*HINT:  Add reporunner to shared_preload_libraries and restart the server\./,
	'start() fails with a hint without shared_preload_libraries');

$node->stop;
done_testing();
