# NOTIFY triggers with a real listener: 10,000 notifications in four
# transactions start exactly 10,000 executions, all succeeding with their
# payloads (JSON objects and plain text); a trigger registered while the
# listener runs starts executions; a dropped one starts none; after a
# restart, and after its connection is terminated (the listener process
# stays and reconnects), new notifications start executions again.
# Channels here need quoting: "Order Events", say "hi".
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = ReporunnerNode->create('notify');
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('on_event', '{"nodes": [
	{"name": "Event", "type": "trigger"},
	{"name": "Seen", "type": "set", "params": {"fields": {"seen": true}}}],
	"connections": [{"from": "Event", "to": "Seen"}]}');
-- sends a notification and says whether an earlier one with the same
-- payload started an execution (the notification is sent at commit)
CREATE FUNCTION probe(channel text, payload text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify(channel, payload);
	RETURN EXISTS (SELECT FROM reporunner.execution
				   WHERE input -> 0 ->> 'payload' = payload);
END
$$;
});

# waits until executions started by trigger $id have all ended, $n of them
# at least
sub wait_ended
{
	my ($id, $n) = @_;
	return $node->poll_query_until(
		'postgres', qq{
SELECT count(*) >= $n AND bool_and(status IN ('succeeded', 'failed'))
FROM reporunner.execution WHERE trigger_id = $id});
}

sub listener_pid
{
	return $node->safe_psql('postgres',
		q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'reporunner listener'});
}

my $orders = $node->safe_psql('postgres',
	q{SELECT reporunner.on_notify('on_event', 'Order Events')});
ok( $node->poll_query_until(
		'postgres', q{
SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'reporunner listener'
AND query LIKE 'reporunner: listening on 1 channel %'}),
	'the listener listens on the channel');

# 10,000 notifications in four transactions: half JSON, half plain text
$node->safe_psql(
	'postgres', q{
SELECT count(pg_notify('Order Events', json_build_object('n', i)::text)) FROM generate_series(1, 2500) i;
SELECT count(pg_notify('Order Events', json_build_object('n', i)::text)) FROM generate_series(2501, 5000) i;
SELECT count(pg_notify('Order Events', 'text ' || i)) FROM generate_series(5001, 7500) i;
SELECT count(pg_notify('Order Events', 'text ' || i)) FROM generate_series(7501, 10000) i;
});
ok(wait_ended($orders, 10000), 'the executions of 10,000 notifications ended');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*), count(*) FILTER (WHERE status = 'succeeded' AND output -> 0 ->> 'seen' = 'true'),
	   count(DISTINCT input -> 0 ->> 'n'), count(DISTINCT input -> 0 ->> 'payload'),
	   count(*) FILTER (WHERE mode = 'notify' AND jsonb_array_length(input) = 1
						AND input -> 0 -> '_trigger' ->> 'channel' = 'Order Events')
FROM reporunner.execution WHERE trigger_id = $orders}),
	'10000|10000|5000|5000|10000',
	'exactly 10,000 executions, one per notification, all succeeded');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM reporunner.execution WHERE trigger_id = $orders
AND NOT (input -> 0 ->> 'n' ~ '^[0-9]+\$' AND (input -> 0 ->> 'n')::int BETWEEN 1 AND 5000
		 AND NOT input -> 0 ? 'payload'
		 OR input -> 0 ->> 'payload' ~ '^text [0-9]+\$'
		 AND substr(input -> 0 ->> 'payload', 6)::int BETWEEN 5001 AND 10000)}),
	'0', 'JSON payloads are the items, plain text is {"payload": text}');

# a trigger registered while the listener runs: it listens there too
my $hi = $node->safe_psql('postgres',
	q{SELECT reporunner.on_notify('on_event', 'say "hi"')});
ok($node->poll_query_until('postgres', q{SELECT probe('say "hi"', 'new trigger')}),
	'a trigger registered while the listener runs starts executions');

# a dropped trigger starts nothing: a notification after the others on its
# channel shows they were all received
$node->safe_psql('postgres', "SELECT reporunner.drop_trigger($orders)");
ok( $node->poll_query_until(
		'postgres', q{
SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'reporunner listener'
AND query LIKE 'reporunner: listening on 1 channel %'}),
	'the listener stops listening on the dropped trigger\'s channel');
$node->safe_psql('postgres',
	q{SELECT pg_notify('Order Events', 'after the drop ' || i) FROM generate_series(1, 10) i});
$node->safe_psql('postgres', q{SELECT pg_notify('say "hi"', 'marker')});
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 1 FROM reporunner.execution WHERE input -> 0 ->> 'payload' = 'marker'}
	),
	'a later notification on another channel started its execution');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM reporunner.execution
WHERE trigger_id = $orders OR input -> 0 ->> 'payload' LIKE 'after the drop%'}),
	'10000', 'the dropped trigger started nothing more');

# after a restart the listener comes back
$node->restart;
ok($node->poll_query_until('postgres', q{SELECT probe('say "hi"', 'after the restart')}),
	'after a restart, notifications start executions again');

# its connection terminated, the listener reconnects (the same process),
# and says so once in the log
my $pid = listener_pid();
my $log_offset = -s $node->logfile;
$node->safe_psql(
	'postgres', q{
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE application_name = 'reporunner listener' AND backend_type = 'client backend'});
ok($node->poll_query_until('postgres', q{SELECT probe('say "hi"', 'after the kill')}),
	'after its connection was terminated, notifications start executions again');
is(listener_pid(), $pid, 'the same listener reconnected');
my $log = slurp_file($node->logfile, $log_offset);
is(scalar(() = $log =~ /reporunner listener of database "postgres" lost its connection/g),
	1, 'the log says once that the connection was lost');
is(scalar(() = $log =~ /reporunner listener of database "postgres" listens again/g),
	1, 'and once that it listens again');

# a transaction that deletes a workflow, left open, holds up no other
# trigger's notifications: the listener does not wait for it, and drops
# (and logs) those of the workflow being deleted
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('doomed', '{"nodes": [{"name": "Event", "type": "trigger"}]}');
SELECT reporunner.on_notify('doomed', 'doomed');
});
ok( $node->poll_query_until(
		'postgres', q{
SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'reporunner listener'
AND query LIKE 'reporunner: listening on 2 channels %'}),
	'the listener listens on the doomed workflow\'s channel');
$log_offset = -s $node->logfile;
my $deleter = $node->background_psql('postgres');
$deleter->query_safe(q{BEGIN; DELETE FROM reporunner.workflow WHERE name = 'doomed'});
$node->safe_psql('postgres', q{SELECT pg_notify('doomed', 'while deleting')});
ok($node->poll_query_until('postgres', q{SELECT probe('say "hi"', 'while a deletion is open')}),
	'another trigger\'s notification starts its execution while a deletion is open');
$deleter->query_safe('ROLLBACK');
$deleter->quit;
is( $node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id WHERE w.name = 'doomed'}),
	'0', 'the one of the workflow being deleted started nothing');
like(slurp_file($node->logfile, $log_offset),
	qr/notifications on channel "doomed" start nothing for trigger \d+: workflow "doomed" is being deleted/,
	'and the log says why');
$node->safe_psql('postgres', q{SELECT reporunner.delete_workflow('doomed')});

# a cancel has nothing to stop while the listener waits
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
ok($node->poll_query_until('postgres', q{SELECT probe('say "hi"', 'after a cancel')}),
	'a canceled listener still starts executions');
is(listener_pid(), $pid, 'the same listener, still connected');

# with no trigger left, the listener exits
$node->safe_psql('postgres', "SELECT reporunner.drop_trigger($hi)");
ok( $node->poll_query_until(
		'postgres', q{
SELECT count(*) = 0 FROM pg_stat_activity
WHERE backend_type = 'reporunner listener' OR application_name = 'reporunner listener'}),
	'without triggers the listener and its connection are gone');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM reporunner.execution WHERE status <> 'succeeded'}),
	'0', 'every execution succeeded');

$node->stop;
done_testing();
