# pg_dump and restore of a database that uses Reporunner, in both formats
# (pg_dump -Fc with pg_restore, and plain pg_dump with psql): every
# workflow, version, share, execution (steps in its row and in
# step_journal), queue row, table trigger, pg_cron schedule, dedup key and
# id sequence comes back as it was, and works: the restored table
# triggers fire with their registrations, a waiting execution resumes with
# its journaled steps, a queued one runs, dedup keys are remembered, and
# new workflows, executions and triggers get ids of their own.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

# pg_cron lives in one database, cron.database_name: the dump is restored
# under the same name
my $node = ReporunnerNode->create(
	'dump_restore',
	shared_preload_libraries => "'pg_cron, reporunner'",
	'cron.database_name' => "'app'",
	'cron.use_background_workers' => 'on',
	extension => 0);
$node->safe_psql('postgres', 'CREATE DATABASE app');
$node->safe_psql(
	'app', q{
CREATE EXTENSION pg_cron;
CREATE EXTENSION reporunner;
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
GRANT USAGE ON SCHEMA cron TO alice;
CREATE TABLE orders (id int PRIMARY KEY, amount numeric);
CREATE TABLE results (id int, doubled numeric, via text);
GRANT ALL ON orders, results TO alice;
SET ROLE alice;
-- two versions, the second active
SELECT reporunner.save_workflow('on_order', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"doubled": "{{ $json.amount * 2 }}"}}}],
	"connections": [{"from": "Start", "to": "Double"}]}');
SELECT reporunner.save_workflow('on_order', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Double", "type": "set", "params": {"fields": {"doubled": "{{ $json.amount * 2 }}"}}},
	{"name": "Keep", "type": "sql", "params": {"query": "INSERT INTO public.results VALUES ($1, $2, $3)",
		"args": ["{{ $json.id }}", "{{ $json.doubled }}", "{{ $json._trigger.event }}"]}}],
	"connections": [{"from": "Start", "to": "Double"}, {"from": "Double", "to": "Keep"}]}');
SELECT reporunner.share_workflow('on_order', 'bob');
SELECT reporunner.save_workflow('approve', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Approval", "type": "wait", "params": {"resume": true}},
	{"name": "Approved", "type": "set", "params": {"fields": {"approved": true}}}],
	"connections": [{"from": "Start", "to": "Approval"}, {"from": "Approval", "to": "Approved"}]}');
SELECT reporunner.save_workflow('dedup', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Once", "type": "remove_duplicates", "params": {"scope": "workflow", "fields": ["k"]}}],
	"connections": [{"from": "Start", "to": "Once"}]}');
SELECT reporunner.execute('dedup', '[{"k": 1}, {"k": 2}]');
SELECT reporunner.on_table('on_order', 'orders', '{insert}', 'row');
SELECT reporunner.on_table('on_order', 'orders', '{insert}', 'statement');
SELECT reporunner.on_schedule('dedup', '0 3 * * *', '[{"k": 3}]');
INSERT INTO orders VALUES (1, 10), (2, 20);
});
my $approval =
  $node->safe_psql('app', q{SET ROLE alice; SELECT reporunner.start('approve', '[{"order": 7}]')});
my $delayed = $node->safe_psql('app',
	q{SET ROLE alice; SELECT reporunner.start('on_order', '[{"id": 9, "amount": 9}]', '{"delay": "1h"}')});
ok( $node->poll_query_until(
		'app', qq{SELECT (SELECT status FROM reporunner.execution WHERE id = $approval) = 'waiting'
			AND (SELECT count(*) FROM reporunner.queue) = 1}),
	'the executions ran; one waits for resume(), one is queued for later');

# Everything Reporunner keeps, one line per fact, ids and all
my $facts_query = q{
SELECT string_agg(f, E'\n' ORDER BY f) FROM (
	SELECT format('workflow %s %s owner=%s active=%s', id, name, owner::regrole, active_version)
	FROM reporunner.workflow
	UNION ALL
	SELECT format('version %s/%s by %s: %s', workflow_id, version, created_by::regrole, definition)
	FROM reporunner.workflow_version
	UNION ALL
	SELECT format('%s nodes, %s edges', (SELECT count(*) FROM reporunner.node),
				  (SELECT count(*) FROM reporunner.edge))
	UNION ALL
	SELECT format('share %s with %s', workflow_id, grantee::regrole) FROM reporunner.workflow_share
	UNION ALL
	SELECT format('execution %s of %s/%s %s %s trigger=%s in=%s out=%s', id, workflow_id, version,
				  status, mode, trigger_id, input, output)
	FROM reporunner.execution
	UNION ALL
	SELECT format('step %s %s %s %s', execution_id, node, status, output) FROM reporunner.step
	UNION ALL
	SELECT format('%s steps in step_journal', count(*)) FROM reporunner.step_journal
	UNION ALL
	SELECT format('queued %s', execution_id) FROM reporunner.queue
	UNION ALL
	SELECT format('registration %s %s of %s on %s %s by %s', id, kind, workflow_id, target,
				  options, created_by::regrole)
	FROM reporunner.trigger
	UNION ALL
	SELECT format('pg trigger %s', pg_get_triggerdef(oid)) FROM pg_trigger
	WHERE tgname LIKE 'reporunner%'
	UNION ALL
	SELECT format('job %s %s %s as %s', jobname, schedule, command, username) FROM cron.job
	UNION ALL
	SELECT format('%s dedup keys of %s', count(*), workflow_id) FROM reporunner.dedup_key
	GROUP BY workflow_id
	UNION ALL
	SELECT format('sequence %s at %s', s, v.last_value)
	FROM unnest(ARRAY['workflow', 'execution', 'credential', 'trigger']) AS s,
		 LATERAL (SELECT * FROM pg_sequences
				  WHERE schemaname = 'reporunner' AND sequencename = s || '_id_seq') v
) facts(f)};
my $facts = $node->safe_psql('app', $facts_query);
like($facts, qr/execution \d+ of \d+\/\d+ succeeded table trigger=1 /,
	'the row-level trigger ran executions');
like($facts, qr/execution \d+ of \d+\/\d+ succeeded table trigger=2 /,
	'and the statement-level one');
like($facts, qr/job reporunner_3 0 3 \* \* \* SELECT reporunner.fire_schedule\(3\) as alice/,
	'the schedule has its pg_cron job');
cmp_ok(
	$node->safe_psql('app', 'SELECT count(*) FROM reporunner.step_journal'),
	'>', 0, 'steps are kept in step_journal');
cmp_ok(
	$node->safe_psql('app', 'SELECT count(*) FROM reporunner.execution WHERE steps IS NOT NULL'),
	'>', 0, 'and in execution.steps');

my $dir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok([ 'pg_dump', '-Fc', '-f', "$dir/app.dump", 'app' ],
	'pg_dump -Fc');
$node->command_ok([ 'pg_dump', '-f', "$dir/app.sql", 'app' ], 'pg_dump, plain');
my $max_ids = $node->safe_psql('app',
	q{SELECT (SELECT max(id) FROM reporunner.workflow) || ' ' ||
			 (SELECT max(id) FROM reporunner.execution) || ' ' ||
			 (SELECT max(id) FROM reporunner.trigger)});
my ($max_workflow, $max_execution, $max_trigger) = split / /, $max_ids;

# Restore the dump into a new database app, then check that everything is
# back and works (pg_restore in one transaction, as the README advises;
# psql table by table)
sub restored_ok
{
	my ($format, @restore) = @_;

	$node->safe_psql('postgres', 'DROP DATABASE app WITH (FORCE)');
	$node->safe_psql('postgres', 'CREATE DATABASE app');
	$node->command_ok(\@restore, "$format: restored");
	is($node->safe_psql('app', $facts_query),
		$facts, "$format: every workflow, execution, step, trigger, job and sequence is back as it was");

	# a due execution in the queue, and a table change: the restored row
	# and statement triggers fire (their argument is the registration's id)
	$node->safe_psql('app',
		"UPDATE reporunner.queue SET ready_at = now() WHERE execution_id = $delayed");
	$node->safe_psql('app', 'SET ROLE alice; INSERT INTO orders VALUES (3, 30)');
	ok( $node->poll_query_until(
			'app', q{SELECT count(*) = 0 FROM reporunner.queue}),
		"$format: the workers ran what was queued");
	is( $node->safe_psql(
			'app', q{SELECT string_agg(id || ' ' || doubled || ' ' || coalesce(via, 'statement'), ', '
				ORDER BY id, via) FROM results WHERE id IN (3, 9)}),
		'3 60 insert, 3 60 statement, 9 18 statement',
		"$format: the row-level and the statement-level trigger fired, the queued execution ran");
	is( $node->safe_psql(
			'app', qq{SELECT string_agg(DISTINCT trigger_id::text, ',')
				FROM reporunner.execution WHERE id > $max_execution AND mode = 'table'}),
		'1,2', "$format: under their restored registrations");

	# the waiting execution resumes with the step it journaled before
	$node->safe_psql('app', "SET ROLE alice; SELECT reporunner.resume($approval, '{\"by\": \"bob\"}')");
	is( $node->safe_psql(
			'app', "SELECT status, output FROM reporunner.wait_for($approval, '60s')"),
		'succeeded|[{"by": "bob", "approved": true}]',
		"$format: a waiting execution resumes");
	is( $node->safe_psql(
			'app', "SELECT string_agg(node || ' ' || status, ', ' ORDER BY started_at, node)
				FROM reporunner.step WHERE execution_id = $approval"),
		'Start succeeded, Approval succeeded, Approved succeeded',
		"$format: its steps are the ones journaled before the dump, and the rest");

	# dedup keys seen before the dump are remembered
	is( $node->safe_psql(
			'app', q{SET ROLE alice; SELECT reporunner.execute('dedup', '[{"k": 1}, {"k": 3}]')}),
		'[{"k": 3}]', "$format: keys seen before the dump are still known");

	# the schedule's registration and job are intact
	my $tick = $node->safe_psql('app', 'SET ROLE alice; SELECT reporunner.fire_schedule(3)');
	is( $node->safe_psql(
			'app', "SELECT status, input FROM reporunner.wait_for($tick, '60s')"),
		'succeeded|[{"k": 3}]', "$format: the schedule fires");

	# new rows get ids of their own
	my $new = $node->safe_psql(
		'app', q{SET ROLE alice;
		SELECT reporunner.save_workflow('fresh', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
		SELECT id FROM reporunner.workflow WHERE name = 'fresh';
		SELECT reporunner.start('fresh');
		SELECT reporunner.on_table('fresh', 'orders');});
	my (undef, $workflow, $execution, $trigger) = split /\n/, $new;
	ok( $workflow > $max_workflow && $execution > $max_execution && $trigger > $max_trigger,
		"$format: a new workflow, execution and trigger get new ids ($workflow, $execution, $trigger)");

	# executions of a shared workflow remain the grantee's to run
	is( $node->safe_psql(
			'app', q{SET ROLE bob;
				SELECT reporunner.execute('on_order', '[{"id": 4, "amount": 4}]', '{"owner": "alice"}')}),
		'[{"rows_affected": 1}]', "$format: the workflow is still shared");
	return;
}

restored_ok('custom format',
	'pg_restore', '--single-transaction', '-d', 'app', "$dir/app.dump");
restored_ok('plain format',
	'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'app', '-f', "$dir/app.sql");

$node->stop;
done_testing();
