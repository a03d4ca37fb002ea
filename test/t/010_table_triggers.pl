# Table triggers at scale: a statement-level trigger turns a bulk insert of
# 100,000 rows into one execution of 100,000 items; a row-level async
# trigger turns it into exactly 100,000 executions, each run once, also
# when the server crashes while the workers are running them; a rolled-back
# insert starts nothing; a sync trigger whose workflow fails rejects the
# insert with the workflow's error.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('table_triggers');
my $rows = 100_000;

$node->safe_psql(
	'postgres', q{
CREATE TABLE bulk (id int PRIMARY KEY, amount int);
CREATE TABLE single (id int PRIMARY KEY, amount int);
CREATE TABLE guarded (id int PRIMARY KEY);
SELECT reporunner.save_workflow('count_rows', '{"nodes": [
	{"name": "Rows", "type": "trigger"},
	{"name": "Pass", "type": "noop"}],
	"connections": [{"from": "Rows", "to": "Pass"}]}');
SELECT reporunner.save_workflow('per_row', '{"nodes": [
	{"name": "Row", "type": "trigger"},
	{"name": "Twice", "type": "set", "params": {"fields": {"twice": "{{ $json.amount * 2 }}"}}}],
	"connections": [{"from": "Row", "to": "Twice"}]}');
SELECT reporunner.save_workflow('refuse', '{"nodes": [
	{"name": "Row", "type": "trigger"},
	{"name": "No", "type": "stop_and_error", "params": {"message": "guarded table"}}],
	"connections": [{"from": "Row", "to": "No"}]}');
SELECT reporunner.on_table('count_rows', 'bulk', '{insert}', 'statement');
SELECT reporunner.on_table('per_row', 'single', '{insert}', 'row');
SELECT reporunner.on_table('refuse', 'guarded', '{insert}', 'row', 'sync');
});

# statement level: one execution, every row an item
$node->safe_psql('postgres',
	"INSERT INTO bulk SELECT i, 1 FROM generate_series(1, $rows) i");
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = 1 FROM reporunner.execution WHERE status = 'succeeded'"),
	'the bulk insert ran one execution');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*), min(jsonb_array_length(input)), min(jsonb_array_length(output)) FROM reporunner.execution"
	),
	"1|$rows|$rows",
	"that execution had $rows items, and passed them all on");
$node->safe_psql('postgres', 'DELETE FROM reporunner.execution');

# a rolled-back insert starts nothing
$node->safe_psql('postgres',
	'BEGIN; INSERT INTO single SELECT i, i FROM generate_series(1, 100) i; ROLLBACK;');
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.execution'),
	'0', 'a rolled-back insert queued no execution');

# row level: one execution per row, each run exactly once, across a crash
$node->safe_psql('postgres',
	"INSERT INTO single SELECT i, i FROM generate_series(1, $rows) i");
is( $node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.execution'),
	$rows, "the insert of $rows rows queued $rows executions");
$node->poll_query_until('postgres',
	"SELECT count(*) > 1000 FROM reporunner.execution WHERE status = 'succeeded'")
  or die "the workers ran nothing";
my $before = $node->safe_psql('postgres',
	"SELECT count(*) FROM reporunner.execution WHERE status = 'succeeded'");
$node->stop('immediate');
cmp_ok($before, '<', $rows, 'the crash came while the workers were running them');
$node->start;
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = $rows FROM reporunner.execution WHERE status = 'succeeded'",
		't'),
	'every execution succeeded, across the crash');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(DISTINCT input -> 0 ->> 'id'), count(*),
				 bool_and((output -> 0 ->> 'twice')::int = 2 * (input -> 0 ->> 'id')::int)
		  FROM reporunner.execution}),
	"$rows|$rows|t",
	'each row had its own execution, none twice, with the right result');

# sync: a failing workflow rejects the insert, with its error
my ($ret, $stdout, $stderr) =
  $node->psql('postgres', 'INSERT INTO guarded VALUES (1)');
isnt($ret, 0, 'the insert into the guarded table failed');
like(
	$stderr,
	qr/workflow "refuse" failed at node "No": guarded table/,
	"with the workflow's error");
is($node->safe_psql('postgres', 'SELECT count(*) FROM guarded'),
	'0', 'and the row is not there');

$node->stop;
done_testing();
