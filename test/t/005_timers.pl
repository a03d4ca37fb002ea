# Waits survive restarts, and executions announce their end:
#
#  - a wait node of 2 s, interrupted by an immediate shutdown and start
#    while it waits, resumes on time (finished 2 s to 7 s after it
#    started) and the step after it runs exactly once;
#  - a wait for resume() stays waiting across an immediate shutdown and
#    start, and resume(id, payload) afterwards completes it, with the
#    payload as the waiting node's output;
#  - a session that LISTENs on channel reporunner_execution receives
#    {"id": N} when an execution succeeds or fails, once each, and nothing
#    of its workflow (issue 9, F13: any role may listen).
use strict;
use warnings FATAL => 'all';
use JSON::PP;
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

my $t_file = time;

# Every wait of this file is bounded: poll_query_until gives up after
# 10 * timeout_default tries of 0.1 s.
$PostgreSQL::Test::Utils::timeout_default = 60;

my $node = ReporunnerNode->create('timers');

$node->safe_psql(
	'postgres', q{
CREATE TABLE ledger (execution bigint, step text, PRIMARY KEY (execution, step));
});

# Start -> Pause (wait 2 s) -> After (a sql step writing its ledger row)
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('pause', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Pause", "type": "wait", "params": {"for": "2s"}},
	{"name": "After", "type": "sql", "params": {"query": "INSERT INTO ledger VALUES ($1, $2) RETURNING step", "args": ["{{ $execution.id }}", "After"], "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Pause"}, {"from": "Pause", "to": "After"}]}')});

# Start -> Approval (wait for resume()) -> Approved
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('approval', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Approval", "type": "wait", "params": {"resume": true}},
	{"name": "Approved", "type": "set", "params": {"fields": {"approved": true}}}],
	"connections": [{"from": "Start", "to": "Approval"}, {"from": "Approval", "to": "Approved"}]}')});

sub status_of
{
	my ($id) = @_;
	return $node->safe_psql('postgres',
		"SELECT status FROM reporunner.execution WHERE id = $id");
}

# --- a 2 s wait across a restart -----------------------------------------

my $t_part = time;
my $paused =
  $node->safe_psql('postgres', q{SELECT reporunner.start('pause', '[{"n": 1}]')});
ok( $node->poll_query_until(
		'postgres',
		"SELECT status FROM reporunner.execution WHERE id = $paused",
		'waiting'),
	'the execution reaches the wait node and waits');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM reporunner.queue WHERE execution_id = $paused"),
	'0',
	'a waiting execution is not in the queue');

$node->stop('immediate');
$node->start;
# the restart came in the middle of the wait: the timer is still ahead
is( $node->safe_psql(
		'postgres',
		"SELECT status, wake_at > now() FROM reporunner.execution WHERE id = $paused"
	),
	'waiting|t',
	'after the restart the execution still waits, its wake time still ahead');

is( $node->safe_psql(
		'postgres',
		"SELECT status FROM reporunner.wait_for($paused, '15s')"),
	'succeeded',
	'the wait interrupted by a restart resumes and the execution succeeds');
my ($elapsed, $late) = split /\|/, $node->safe_psql(
	'postgres', qq{
SELECT round(extract(epoch FROM e.finished_at - e.started_at)::numeric, 3),
	   round(extract(epoch FROM e.finished_at - s.finished_at)::numeric, 3)
FROM reporunner.execution e
JOIN reporunner.step s ON s.execution_id = e.id AND s.node = 'Pause'
WHERE e.id = $paused});
note "the 2 s wait took $elapsed s from start to finish across the restart (the execution finished $late s after the wait ended)";
cmp_ok($elapsed, '>=', 2, 'the wait lasted at least its 2 s');
cmp_ok($elapsed, '<=', 2 + 5, 'and ended at most 5 s late');
is( $node->safe_psql(
		'postgres', "SELECT count(*) FROM ledger WHERE execution = $paused"),
	'1',
	'the step after the wait ran exactly once');
is( $node->safe_psql(
		'postgres', qq{
SELECT string_agg(node || ':' || status || ':' || attempt, ' ' ORDER BY node)
FROM reporunner.step WHERE execution_id = $paused}),
	'After:succeeded:1 Pause:succeeded:1 Start:succeeded:1',
	'every step of it succeeded once, on its first attempt');
note sprintf('wait-for part: %.1f s', time - $t_part);

# --- a wait for resume() across a restart ---------------------------------

$t_part = time;
my $approval = $node->safe_psql('postgres',
	q{SELECT reporunner.start('approval', '[{"order": 7}]')});
ok( $node->poll_query_until(
		'postgres',
		"SELECT status FROM reporunner.execution WHERE id = $approval",
		'waiting'),
	'the execution waits for resume()');

$node->stop('immediate');
$node->start;

# give the restarted workers time to (not) pick it up
ok($node->poll_query_until('postgres',
		"SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'reporunner launcher'"),
	'the launcher is back');
sleep(2);
is(status_of($approval), 'waiting',
	'after the restart it still waits for resume()');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM reporunner.queue WHERE execution_id = $approval"),
	'0',
	'and is not queued');

# a listener, to see its end announced (the restart ended earlier sessions)
my $listener = $node->background_psql('postgres');
$listener->query_safe('LISTEN reporunner_execution');

is( $node->safe_psql(
		'postgres', qq{SELECT reporunner.resume($approval, '{"ok": true}')}),
	't',
	'resume() after the restart wakes it');
my ($status, $output) = split /\|/, $node->safe_psql('postgres',
	"SELECT status, output FROM reporunner.wait_for($approval, '15s')");
is($status, 'succeeded', 'the resumed execution succeeds');
is_deeply(
	decode_json($output),
	[ { ok => JSON::PP::true, approved => JSON::PP::true } ],
	'with the resume() payload as the waiting node\'s output');
is( $node->safe_psql(
		'postgres',
		"SELECT output FROM reporunner.step WHERE execution_id = $approval AND node = 'Approval'"
	),
	'{"main": [{"ok": true}]}',
	'the waiting step holds the payload');
is( $node->safe_psql(
		'postgres',
		qq{SELECT reporunner.resume($approval, '{"ok": false}')}),
	'f',
	'a second resume() finds nothing waiting');
note sprintf('resume part: %.1f s', time - $t_part);

# --- completion events on reporunner_execution -----------------------------

$t_part = time;
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('quick', '{"nodes": [
	{"name": "Start", "type": "trigger"}, {"name": "Done", "type": "noop"}],
	"connections": [{"from": "Start", "to": "Done"}]}');
SELECT reporunner.save_workflow('broken', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Divide", "type": "sql", "params": {"query": "SELECT 1 / 0 AS x", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Divide"}]}');
});
my $quick =
  $node->safe_psql('postgres', q{SELECT reporunner.start('quick', '[{}]')});
my $broken =
  $node->safe_psql('postgres', q{SELECT reporunner.start('broken', '[{}]')});
is( $node->safe_psql(
		'postgres',
		"SELECT string_agg(status, ' ' ORDER BY id) FROM (SELECT (reporunner.wait_for(id, '15s')).* FROM unnest(ARRAY[$quick, $broken]) id) x"
	),
	'succeeded failed',
	'one execution succeeds, one fails');

# psql prints the notifications it has received after each command; ask
# until the three ends have arrived (the signal to the listener follows
# the commit by a moment)
my @events;
my $deadline = time + 10;
while (time < $deadline)
{
	my $out = $listener->query_safe('SELECT 1');
	push @events, map { decode_json($_) }
	  $out =~ /^Asynchronous notification "reporunner_execution" with payload "(.*)" received from server process with PID \d+\.$/mg;
	last if @events >= 3;
	usleep(50_000);
}
$listener->quit;
note 'notifications: ' . join(' ', map { encode_json($_) } @events);

my %by_id;
push @{ $by_id{ $_->{id} } }, $_ foreach @events;
is_deeply(
	$by_id{$quick},
	[ { id => $quick } ],
	'a LISTEN session receives {"id"}, and nothing of the workflow, once for an execution that succeeded'
);
is_deeply(
	$by_id{$broken},
	[ { id => $broken } ],
	'and once for one that failed');
is_deeply(
	$by_id{$approval},
	[ { id => $approval } ],
	'and the end of the execution resumed after the restart');
is(scalar(@events), 3, 'and nothing else');
note sprintf('notification part: %.1f s', time - $t_part);

$node->stop;
note sprintf('005_timers: %.1f s in all', time - $t_file);
done_testing();
