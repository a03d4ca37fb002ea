# Workers end executions by writing the queue and execution rows directly
# (src/catalog/row_write.c) where the tables allow it, and through UPDATE
# and DELETE statements where they do not.  Either way an administrator's
# triggers on reporunner.execution see every end: an AFTER UPDATE OF status
# row trigger (kept on the direct path, which queues after-row triggers
# with the columns it writes), then a BEFORE UPDATE row trigger (which
# sends the ends through the statements).  And the two paths write the
# same row.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('journal_triggers',
	'reporunner.workers_per_database' => 2);

$node->safe_psql(
	'postgres', q{
	CREATE TABLE ends (execution_id bigint, old_status text, new_status text,
		via text);
	CREATE FUNCTION note_end() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO public.ends VALUES (NEW.id, OLD.status, NEW.status, TG_ARGV[0]);
		RETURN NEW;
	END $$;
	CREATE TRIGGER status_changed AFTER UPDATE OF status ON reporunner.execution
		FOR EACH ROW EXECUTE FUNCTION note_end('after');
	CREATE FUNCTION note_wake() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO public.ends VALUES (NEW.id, NULL, NULL, 'wake_at');
		RETURN NEW;
	END $$;
	CREATE TRIGGER wake_changed AFTER UPDATE OF wake_at ON reporunner.execution
		FOR EACH ROW EXECUTE FUNCTION note_wake();
	SELECT reporunner.save_workflow('pure', '{"nodes": [
	  {"name": "Start", "type": "trigger"},
	  {"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.n * 2 }}"}}},
	  {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}}],
	  "connections": [{"from": "Start", "to": "Total"}, {"from": "Total", "to": "Big?"}]}');
	SELECT reporunner.save_workflow('fails', '{"nodes": [
	  {"name": "Start", "type": "trigger"},
	  {"name": "Boom", "type": "sql", "params": {"query": "SELECT 1 / 0", "mode": "once"}}],
	  "connections": [{"from": "Start", "to": "Boom"}]}');
});

# run N, WORKFLOW: start N executions (n = 1 .. N) and wait for them to end
sub run
{
	my ($n, $workflow) = @_;
	$node->safe_psql('postgres',
		"SELECT count(reporunner.start('$workflow', jsonb_build_array(jsonb_build_object('n', i))))
		 FROM generate_series(1, $n) i");
	ok( $node->poll_query_until(
			'postgres', q{SELECT count(*) = 0 FROM reporunner.queue}),
		"$n executions of $workflow ended");
}

# status_changes PATH: after 300 pure and 20 failing executions, the
# after-update trigger saw each change of status once (a pure run ends at
# once; one with a sql node is marked running at its first commit)
sub status_changes
{
	my ($path) = @_;
	is( $node->safe_psql(
			'postgres', q{
			SELECT count(*) || '|' || count(DISTINCT execution_id) || '|' ||
			       string_agg(DISTINCT old_status || '>' || new_status, ',')
			FROM ends WHERE via = 'after'}),
		'340|320|queued>running,queued>succeeded,running>failed',
		"$path: an after-update trigger saw each change of status once");
}

# 1. The direct path: one AFTER UPDATE OF status event per change, none
#    for a column it does not write.
run(300, 'pure');
run(20, 'fails');
status_changes('direct');
is($node->safe_psql('postgres', q{SELECT count(*) FROM ends WHERE via = 'wake_at'}),
	'0', 'direct: a trigger on a column the end does not write did not fire');

# What the direct path wrote, to compare with the statements' rows below.
my $row_shape = q{
	SELECT status, output IS NOT NULL, error ->> 'node', error ->> 'sqlstate',
	       started_at <= finished_at, finished_at IS NOT NULL,
	       json_array_length(steps), count(*)
	FROM reporunner.execution WHERE workflow_id = (SELECT id FROM
	     reporunner.workflow WHERE name = '%s') AND id > %d
	GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1};
my $direct_pure = $node->safe_psql('postgres', sprintf($row_shape, 'pure', 0));
my $direct_fails = $node->safe_psql('postgres', sprintf($row_shape, 'fails', 0));
is($direct_pure, "succeeded|t|||t|t|3|300", 'direct: the succeeded rows');
# (a run with a sql node commits as it goes: its steps are rows)
is($direct_fails, "failed|f|Boom|22012|t|t||20", 'direct: the failed rows');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM reporunner.step
		WHERE execution_id IN (SELECT id FROM reporunner.execution
		      WHERE status = 'succeeded')}),
	'900', 'direct: their steps read through the step view');

# 2. A BEFORE UPDATE row trigger sends the ends through the statements.
$node->safe_psql(
	'postgres', q{
	CREATE FUNCTION keep_row() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		RETURN NEW;
	END $$;
	CREATE TRIGGER before_update BEFORE UPDATE ON reporunner.execution
		FOR EACH ROW EXECUTE FUNCTION keep_row();
	TRUNCATE ends;
});
my $last = $node->safe_psql('postgres', q{SELECT max(id) FROM reporunner.execution});
run(300, 'pure');
run(20, 'fails');
status_changes('statements');
is($node->safe_psql('postgres', sprintf($row_shape, 'pure', $last)),
	$direct_pure, 'statements: the same succeeded rows as the direct path');
is($node->safe_psql('postgres', sprintf($row_shape, 'fails', $last)),
	$direct_fails, 'statements: the same failed rows as the direct path');

$node->stop;
done_testing();
