# Sessions keep the workflows they found by name between transactions
# (src/catalog/workflow_cache.c): what another session changes, once it
# commits, is what the next call runs, and a workflow deleted between a
# kept lookup and the write of its execution is still noticed.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('kept_workflows',
	max_prepared_transactions => 2);

# doc X: a workflow whose Set node sets x to X
sub doc
{
	my ($x) = @_;
	return qq{{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Set", "type": "set", "params": {"fields": {"x": "$x"}}}],
	"connections": [{"from": "Start", "to": "Set"}]}};
}

sub save
{
	my ($name, $x) = @_;
	$node->safe_psql('postgres',
		"SELECT reporunner.save_workflow('$name', '" . doc($x) . "')");
}

my $runner = $node->background_psql('postgres', on_error_stop => 0);
my $other = $node->background_psql('postgres', on_error_stop => 0);

# run NAME: what the runner's execute() of NAME returns, or its error
sub run
{
	my ($name) = @_;
	my $out = $runner->query(
		"SELECT reporunner.execute('$name', '[{}]')->0->>'x'");
	my $err = $runner->{stderr};
	$runner->{stderr} = '';
	return $err ne '' ? $err : $out;
}

# 1. Another session's committed changes are what the next call runs.
save('kept', 'one');
is(run('kept'), 'one', 'a workflow runs, and its lookup is kept');
is(run('kept'), 'one', 'and runs again from what was kept');
save('kept', 'two');
is(run('kept'), 'two', 'a new version saved by another session runs next');
$node->safe_psql('postgres', q{SELECT reporunner.activate_version('kept', 1)});
is(run('kept'), 'one', 'so does a version activated by another session');
$other->query_safe('BEGIN');
$other->query_safe(q{SELECT reporunner.activate_version('kept', 2)});
is(run('kept'), 'one', 'a change not yet committed is not seen');
$other->query_safe('COMMIT');
is(run('kept'), 'two', 'and is once it has committed');
$node->safe_psql('postgres',
	q{UPDATE reporunner.workflow SET name = 'renamed' WHERE name = 'kept'});
like(run('kept'), qr/workflow "kept" does not exist/,
	'a workflow renamed with plain SQL is no longer found by its old name');
is(run('renamed'), 'two', 'but by its new one');
$node->safe_psql('postgres', q{SELECT reporunner.delete_workflow('renamed')});
save('renamed', 'three');
is(run('renamed'), 'three', 'a workflow deleted and made again runs as the new one');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id
WHERE w.name = 'renamed'}),
	'1',
	'and its execution names the new workflow');
$node->safe_psql('postgres', q{TRUNCATE reporunner.workflow CASCADE});
like(run('renamed'), qr/workflow "renamed" does not exist/,
	'workflows truncated are gone for every session');

# 2. The runner's own changes, in its transaction, are seen at once; rolled
# back, they leave nothing kept.
save('own', 'one');
save('own', 'two');
is(run('own'), 'two', 'the active version runs');
$runner->query_safe('BEGIN');
$runner->query_safe(q{SELECT reporunner.activate_version('own', 1)});
is(run('own'), 'one', 'a version the session activates in its transaction runs in it');
$runner->query_safe('ROLLBACK');
is(run('own'), 'two', 'and once it rolls back, the active version runs again');

# 3. A workflow deleted after a kept lookup, before the execution's row is
# written: the writer waits for the deletion and fails (as without a kept
# lookup, test/t/034_delete_while_writing.pl).
save('doomed', 'one');
is(run('doomed'), 'one', 'the workflow runs and is kept');
my $id = $node->safe_psql('postgres',
	q{SELECT id FROM reporunner.workflow WHERE name = 'doomed'});
$other->query_safe('BEGIN');
$other->query_safe(q{SELECT reporunner.delete_workflow('doomed')});
$runner->query_until(qr/executing/,
	"\\echo executing\nSELECT reporunner.execute('doomed', '[{}]');\n");
ok( $node->poll_query_until(
		'postgres', q{
SELECT count(*) > 0 FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 29298 AND NOT granted}),
	'an execute() from a kept lookup waits for the deletion');
$other->query_safe('COMMIT');
$runner->query('SELECT 1');
like(
	$runner->{stderr},
	qr/ERROR:  version 1 of workflow $id was deleted/,
	'and then fails: the workflow is gone');
$runner->{stderr} = '';
like(run('doomed'), qr/workflow "doomed" does not exist/,
	'the next call no longer finds it');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution WHERE workflow_id = $id"),
	'0', 'and left no execution of the deleted workflow');

# 4. A table trigger's registration is kept too: the rows a session inserts
# later start the version another session activated meanwhile, and none
# once another session dropped the trigger.
save('on_rows', 'one');
save('on_rows', 'two');
$node->safe_psql('postgres', q{
CREATE TABLE rows_in (n int);
SELECT reporunner.on_table('on_rows', 'rows_in', '{insert}', 'row');});
my $trigger = $node->safe_psql('postgres',
	q{SELECT t.id FROM reporunner.trigger t JOIN reporunner.workflow w ON w.id = t.workflow_id WHERE w.name = 'on_rows'});

# versions started by the trigger, in order
sub started_versions
{
	return $node->safe_psql('postgres',
		"SELECT string_agg(version::text, ',' ORDER BY id) FROM reporunner.execution WHERE trigger_id = $trigger"
	);
}
$runner->query_safe('INSERT INTO rows_in VALUES (1)');
$runner->query_safe('INSERT INTO rows_in VALUES (2)');
is(started_versions(), '2,2', 'rows inserted start the active version');
$node->safe_psql('postgres', q{SELECT reporunner.activate_version('on_rows', 1)});
$runner->query_safe('INSERT INTO rows_in VALUES (3)');
is(started_versions(), '2,2,1',
	'a version another session activated is what the next row starts');
$node->safe_psql('postgres', qq{SELECT reporunner.drop_trigger($trigger)});
$runner->query_safe('INSERT INTO rows_in VALUES (4)');
is(started_versions(), '2,2,1', 'a trigger another session dropped starts nothing');

# 5. A transaction that changed workflows cannot be prepared: the session
# that commits it would not announce the change.
my ($ret, $stdout, $stderr) = $node->psql('postgres', q{
BEGIN;
SELECT reporunner.save_workflow('prepared', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
PREPARE TRANSACTION 'changed';});
like(
	$stderr,
	qr/ERROR:  cannot PREPARE a transaction that has changed workflows or trigger registrations/,
	'PREPARE TRANSACTION after a change of workflows is refused');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM reporunner.workflow WHERE name = 'prepared'}),
	'0',
	'and the change rolled back');
($ret, $stdout, $stderr) = $node->psql('postgres', q{
BEGIN;
SELECT count(*) FROM reporunner.workflow;
PREPARE TRANSACTION 'unchanged';
COMMIT PREPARED 'unchanged';});
is($stderr, '', 'a transaction that only read workflows can be prepared');

$runner->quit;
$other->quit;
$node->stop;
done_testing();
