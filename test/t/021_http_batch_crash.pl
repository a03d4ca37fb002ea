# A worker carries the http requests of many executions between the same
# two commits (src/engine/rounds.c): issue 12's crash test of that.
#   - 16 one-request executions run and end (their steps committed), then
#     16 more whose requests the test server holds: with 2 workers, more
#     than 2 are in flight at once, from as many executions;
#   - a SIGKILL of the workers while they are in flight; after the restart
#     and recovery, every execution has ended exactly once (one step of
#     its http node, one item), the requests of the executions that had
#     ended were not sent again, and every request sent again carried the
#     Idempotency-Key of its first sending;
#   - a batch of held requests, and cancel() of one of their
#     executions: it ends canceled at once, the others go back to the
#     queue and end when the server answers, each request with its key.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use HttpTestServer;
use PostgreSQL::Test::Utils;
use Test::More;
use HTTP::Tiny;
use Time::HiRes qw(usleep);

$PostgreSQL::Test::Utils::timeout_default = 60;

my $port = HttpTestServer::start();
my $base = "http://127.0.0.1:$port";

sub server_log { HttpTestServer::requests($base, @_); }
sub wait_held { HttpTestServer::wait_held($base, @_); }
sub release { HTTP::Tiny->new(timeout => 10)->get("$base/release/$_[0]"); }

my $node = ReporunnerNode->create('http_batch_crash',
	'reporunner.http_allow' => "'127.0.0.1/32'",
	'reporunner.workers_per_database' => 2,
	'reporunner.max_workers_per_owner' => 0,
	restart_after_crash => 'on');
$node->safe_psql(
	'postgres', q{
CREATE FUNCTION key_of(execution bigint, node text, item int) RETURNS text
LANGUAGE sql AS $$
	SELECT encode(sha256(convert_to(execution || ':' || node || ':' || item, 'UTF8')), 'hex')
$$;
});

# Start -> Call: one request, to /echo or /hold/GATE, by the item's path
HttpTestServer::save_http($node, 'one',
	qq({"url": "${base}{{ \$json.path }}?n={{ \$json.n }}", "timeout": "60s"}));

# queue(path, from, to): executions of "one" for n = from .. to, in one
# transaction; their ids by n
sub queue
{
	my ($path, $from, $to) = @_;
	my %ids = split /[|\n]/, $node->safe_psql('postgres',
		"SELECT n, reporunner.start('one', jsonb_build_object('path', '$path', 'n', n))
		 FROM generate_series($from, $to) n");
	return %ids;
}

# sent(path): per n, the Idempotency-Keys of the requests to path
sub sent
{
	my %sent;
	push @{ $sent{ $_->{query}{n} } }, $_->{headers}{'idempotency-key'}
	  for server_log($_[0]);
	return %sent;
}

# --- a SIGKILL while a batch of requests is in flight ------------------------

my %fast = queue('/echo', 1, 16);
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 16 FROM reporunner.executions WHERE status = 'succeeded'"),
	'16 one-request executions ended');
my %held = queue('/hold/crash', 101, 116);
# more requests in flight than workers: executions send theirs together
# (how many depends on how the two workers' claims split the 16)
ok(wait_held('/hold/crash', 3),
	'the requests of more executions than workers are in flight at once');
sleep(1);
my $in_flight = scalar(server_log('/hold/crash'));
my $ended_before = $node->safe_psql('postgres',
	"SELECT count(*) FROM reporunner.executions WHERE status = 'succeeded'");
is($ended_before, 16, 'none of the held ones has ended');
ok(HttpTestServer::kill_workers($node), 'the server restarted after the SIGKILL');
release('crash');
ok( $node->poll_query_until('postgres',
		"SELECT count(*) = 32 FROM reporunner.executions WHERE status = 'succeeded'"),
	'recovery ended all 32 executions');

my $all = join(',', values %fast, values %held);
is( $node->safe_psql('postgres', qq{
	SELECT count(*) FILTER (WHERE steps = 1 AND items = 1 AND status = 'succeeded')
	FROM (SELECT e.status, jsonb_array_length(e.output) AS items,
			(SELECT count(*) FROM reporunner.step s
			 WHERE s.execution_id = e.id AND s.node = 'Call') AS steps
		  FROM reporunner.executions e WHERE e.id IN ($all)) x}),
	32, 'each execution ended once: one step of Call, one item');

my %sent_fast = sent('/echo');
my %sent_held = sent('/hold/crash');
my @wrong;
for my $n (1 .. 16)
{
	my @k = @{ $sent_fast{$n} // [] };
	my $key = $node->safe_psql('postgres', "SELECT key_of($fast{$n}, 'Call', 0)");
	push @wrong, "n $n: sent " . scalar(@k) . ' times' unless @k == 1;
	push @wrong, "n $n: key $_" for grep { $_ ne $key } @k;
}
is(join("\n", @wrong), '',
	'the requests of the executions that had ended were sent once, not again');
@wrong = ();
my @repeated;
for my $n (101 .. 116)
{
	my @k = @{ $sent_held{$n} // [] };
	my $key = $node->safe_psql('postgres', "SELECT key_of($held{$n}, 'Call', 0)");
	push @wrong, "n $n: sent " . scalar(@k) . ' times' unless @k >= 1 && @k <= 2;
	push @wrong, "n $n: key $_ is not $key" for grep { $_ ne $key } @k;
	push @repeated, $n if @k == 2;
}
is(join("\n", @wrong), '',
	'each held request was sent once or twice, always with its execution\'s key');
cmp_ok(scalar(@repeated), '>=', $in_flight,
	'the requests in flight at the crash were all sent again');
note "$in_flight held requests were in flight when the workers were killed; "
  . scalar(@repeated) . ' were sent again';

# --- cancel() of one execution of a batch in flight -------------------------

my %cancel = queue('/hold/cancel', 201, 208);
ok(wait_held('/hold/cancel', 3), 'the requests of several executions are in flight');
sleep(1);
# the victim: an execution whose request is in flight
my ($first) = server_log('/hold/cancel');
my $victim = $cancel{ $first->{query}{n} };
$node->safe_psql('postgres', "SELECT reporunner.cancel($victim)");
ok( $node->poll_query_until('postgres',
		"SELECT status = 'canceled' FROM reporunner.executions WHERE id = $victim"),
	'cancel() ended its execution');
release('cancel');
my @others = grep { $cancel{$_} != $victim } 201 .. 208;
my $others = join(',', map { $cancel{$_} } @others);
ok( $node->poll_query_until('postgres',
		"SELECT bool_and(status = 'succeeded') FROM reporunner.executions WHERE id IN ($others)"),
	'the others ended');
my %sent_cancel = sent('/hold/cancel');
@wrong = ();
for my $n (@others)
{
	my @k = @{ $sent_cancel{$n} // [] };
	my $key = $node->safe_psql('postgres', "SELECT key_of($cancel{$n}, 'Call', 0)");
	push @wrong, "n $n: sent " . scalar(@k) . ' times' unless @k >= 1 && @k <= 2;
	push @wrong, "n $n: key $_ is not $key" for grep { $_ ne $key } @k;
}
is(join("\n", @wrong), '', 'their requests, sent again or not, carried their keys');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.step WHERE execution_id = $victim AND node = 'Call'"),
	0, 'the canceled execution journaled no step of Call');

$node->stop;
done_testing();
