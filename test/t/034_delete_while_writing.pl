# Deleting a workflow while executions of it are being written, and
# deleting executions that are queued.
#
# Executions name their version without a foreign key: a writer holds a
# lock of the workflow, and deleting the workflow takes it exclusively
# before it deletes the executions (src/catalog/version_hold.c).  Here the
# two meet in both orders, under READ COMMITTED and REPEATABLE READ, through
# execute() and start(), and through a tenant's own DELETE: no execution is
# ever left without its workflow, and none that committed is lost
# unnoticed.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('delete_while_writing');

my $doc = q{{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Set", "type": "set", "params": {"fields": {"x": "1"}}}],
	"connections": [{"from": "Start", "to": "Set"}]}};

# save NAME: a workflow; returns its id
sub save
{
	my ($name) = @_;
	$node->safe_psql('postgres',
		"SELECT reporunner.save_workflow('$name', '$doc')");
	return $node->safe_psql('postgres',
		"SELECT id FROM reporunner.workflow WHERE name = '$name'");
}

# executions_of ID: how many executions name workflow ID
sub executions_of
{
	my ($id) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution WHERE workflow_id = $id");
}

# a transaction waits for the lock of a workflow
sub waits_for_workflow_lock
{
	return $node->poll_query_until('postgres', q{
SELECT count(*) > 0 FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 29298 AND NOT granted});
}

my $writer = $node->background_psql('postgres', on_error_stop => 0);
my $deleter = $node->background_psql('postgres', on_error_stop => 0);

# 1. The writer first: the deletion waits for it, then deletes what it wrote.
my $id = save('first');
$writer->query_safe('BEGIN');
$writer->query_safe(q{SELECT reporunner.execute('first', '[{"n": 1}]')});
$writer->query_safe(q{SELECT reporunner.start('first', '[{"n": 2}]')});
$deleter->query_until(qr/deleting/,
	"\\echo deleting\nSELECT reporunner.delete_workflow('first');\n");
ok(waits_for_workflow_lock(),
	'delete_workflow() waits for a transaction writing executions of the workflow');
$writer->query_safe('COMMIT');
$deleter->query_safe('SELECT 1');
is($deleter->{stderr}, '', 'and succeeds once it has committed');
is(executions_of($id), '0',
	'the executions that transaction wrote (execute() and start()) are deleted with the workflow');
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.queue'),
	'0', 'and so is the queued one\'s queue row');

# 2. The deletion first: the writer waits for it, then fails, writing nothing.
$id = save('second');
$deleter->query_safe('BEGIN');
$deleter->query_safe(q{SELECT reporunner.delete_workflow('second')});
$writer->query_until(qr/executing/,
	"\\echo executing\nSELECT reporunner.execute('second', '[{\"n\": 3}]');\n");
ok(waits_for_workflow_lock(),
	'an execute() of a workflow being deleted waits for the deletion');
$deleter->query_safe('COMMIT');
$writer->query('SELECT 1');
like(
	$writer->{stderr},
	qr/ERROR:  version 1 of workflow $id was deleted/,
	'and then fails: the workflow is gone');
$writer->{stderr} = '';
is(executions_of($id), '0', 'leaving no execution behind');

# the same for start()
$id = save('third');
$deleter->query_safe('BEGIN');
$deleter->query_safe(q{SELECT reporunner.delete_workflow('third')});
$writer->query_until(qr/starting/,
	"\\echo starting\nSELECT reporunner.start('third', '[{\"n\": 4}]');\n");
ok(waits_for_workflow_lock(), 'a start() waits for the deletion too');
$deleter->query_safe('COMMIT');
$writer->query('SELECT 1');
like(
	$writer->{stderr},
	qr/ERROR:  version 1 of workflow $id was deleted/,
	'and then fails');
$writer->{stderr} = '';
is(executions_of($id), '0', 'leaving neither execution nor queue row')
  and is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.queue'),
	'0', 'nor queue row');

# a deletion rolled back lets the waiting writer through
$id = save('fourth');
$deleter->query_safe('BEGIN');
$deleter->query_safe(q{SELECT reporunner.delete_workflow('fourth')});
$writer->query_until(qr/executing/,
	"\\echo executing\nSELECT reporunner.execute('fourth', '[{\"n\": 5}]');\n");
ok(waits_for_workflow_lock(), 'a writer waits for a deletion');
$deleter->query_safe('ROLLBACK');
$writer->query('SELECT 1');
is($writer->{stderr}, '', 'that rolls back, and then succeeds');
is(executions_of($id), '1', 'with its execution written');

# 3. A deletion under REPEATABLE READ whose snapshot predates an execution
# fails rather than missing it, as a foreign key's cascade does.
$id = save('fifth');
$deleter->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$deleter->query_safe('SELECT count(*) FROM reporunner.workflow');
$node->safe_psql('postgres',
	q{SELECT reporunner.execute('fifth', '[{"n": 6}]')});
$deleter->query(q{SELECT reporunner.delete_workflow('fifth')});
like(
	$deleter->{stderr},
	qr/ERROR:  could not serialize access due to concurrent update/,
	'a REPEATABLE READ deletion that cannot see a committed execution fails (40001)');
$deleter->{stderr} = '';
$deleter->query_safe('ROLLBACK');
is(executions_of($id), '1', 'and deletes nothing');
$node->safe_psql('postgres', q{SELECT reporunner.delete_workflow('fifth')});
is(executions_of($id), '0', 'a deletion retried deletes the workflow and its execution');

# 4. A tenant's own DELETE of its workflow deletes its executions too,
# although it may not delete executions itself.
$node->safe_psql('postgres', q{CREATE ROLE tenant LOGIN});
$id = $node->safe_psql('postgres', qq{
SET ROLE tenant;
SELECT reporunner.save_workflow('own', '$doc');
SELECT reporunner.execute('own', '[{"n": 7}]');
SELECT id FROM reporunner.workflow WHERE name = 'own';});
$id = (split /\n/, $id)[-1];
is(executions_of($id), '1', 'a tenant\'s execution is journaled');
my ($ret, $stdout, $stderr) = $node->psql('postgres', qq{
SET ROLE tenant;
DELETE FROM reporunner.execution WHERE workflow_id = $id;});
like($stderr, qr/permission denied for table execution/,
	'a tenant may not delete executions');
$node->safe_psql('postgres', q{
SET ROLE tenant;
DELETE FROM reporunner.workflow WHERE name = 'own';});
is(executions_of($id), '0', 'but deleting its workflow deletes them');

# 5. Queue rows name their execution without a foreign key either: deleting
# a queued execution deletes its queue row.
$node->safe_psql('postgres', q{SELECT reporunner.save_workflow('queued', '}
	  . $doc . q{')});
my $queued = $node->safe_psql('postgres', q{
SELECT reporunner.start('queued', '[{"n": 8}]', '{"delay": "1 hour"}')});
is($node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.queue WHERE execution_id = $queued"),
	'1', 'a delayed execution waits in the queue');
$node->safe_psql('postgres',
	"DELETE FROM reporunner.execution WHERE id = $queued");
is($node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.queue WHERE execution_id = $queued"),
	'0', 'deleting the execution deletes its queue row');

$writer->quit;
$deleter->quit;
$node->stop;
done_testing();
