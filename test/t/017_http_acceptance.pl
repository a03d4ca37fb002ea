# Issue 12's acceptance tests of the http node that test/t/015_http.pl
# does not make, against the local test server (test/http_server.py):
#   - the SSRF guard on names that resolve to loopback and on redirects to
#     blocked addresses in every disguise, each refused with no request
#     reaching the server; a request to a host not allowed is refused in
#     the same node run as one to an allowed host name (no connection of
#     one is lent to the other); IPv4-translated and local-use NAT64
#     forms (sql/087_http_ssrf.sql has the table of address forms);
#   - Retry-After as an HTTP date and on 429, in the step's attempts and
#     in the time the service saw between the two requests;
#   - redirect chains under a max_redirects of the node's, and a loop;
#   - the size cap on a gzip body that inflates past it, on headers, and
#     on a body announced far larger;
#   - timeouts never hang a worker: with one worker, executions whose
#     requests time out end in about their timeout and the next runs;
#   - cancel() of a background execution with a batch of requests in
#     flight ends it long before the server would have answered;
#   - a crash (SIGKILL of a worker, then an immediate stop) while an http
#     node's requests for 20 items are in flight: recovery finishes the
#     execution, the node before it is not sent again, and every request
#     sent again carried the Idempotency-Key of its first sending.
# Time bounds are generous ("long before the 30 s delay ended").
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use HttpTestServer;
use PostgreSQL::Test::Utils;
use Test::More;
use HTTP::Tiny;
use JSON::PP;
use Time::HiRes qw(time usleep);

$PostgreSQL::Test::Utils::timeout_default = 60;

# the test server (test/http_server.py) on 127.0.0.1
my $port = HttpTestServer::start();
my $base = "http://127.0.0.1:$port";
my $http = HTTP::Tiny->new(timeout => 10);

# the test server's record, read directly: requests whose path (and query,
# when given) match, oldest first
sub server_log
{
	my ($path, $query) = @_;
	my $response = $http->get("$base/log");
	die "GET /log: $response->{status}" unless $response->{success};
	return grep {
		$_->{path} eq $path
		  && (!$query || join('&', map { "$_=$query->{$_}" } sort keys %$query)
			eq join('&', map { "$_=$_[0]{query}{$_}" } sort keys %{ $_->{query} }))
	} @{ decode_json($response->{content}) };
}
sub all_requests
{
	my $response = $http->get("$base/log");
	die "GET /log: $response->{status}" unless $response->{success};
	return @{ decode_json($response->{content}) };
}
sub forget_requests { $http->request('DELETE', "$base/log"); }
sub release { $http->get("$base/release/$_[0]"); }

# wait_held(path, n): whether n requests to path arrived within 30 s
sub wait_held { HttpTestServer::wait_held($base, @_); }

# restart_after_crash on: a SIGKILL of a worker must restart the server
my $node = ReporunnerNode->create('http_acceptance',
	'reporunner.http_allow' => "'127.0.0.1/32'",
	'reporunner.workers_per_database' => 2,
	restart_after_crash => 'on');
HttpTestServer::setup($node);
$node->safe_psql(
	'postgres', q{
-- the key of a request of an execution's node's item
CREATE FUNCTION key_of(execution bigint, node text, item int) RETURNS text
LANGUAGE sql AS $$
	SELECT encode(sha256(convert_to(execution || ':' || node || ':' || item, 'UTF8')), 'hex')
$$;
});

# save_http(workflow, params, node fields): Start -> Call, an http node
sub save_http { HttpTestServer::save_http($node, @_); }

# try_each(settings, urls): "URL result" for each URL, run by workflow
# "get" one at a time (the result is try_run's: "SQLSTATE: message" or
# the items)
sub try_each
{
	my ($settings, @urls) = @_;
	my $items = join(', ', map { qq({"url": "$_"}) } @urls);
	return split /\n/, $node->safe_psql(
		'postgres', qq{
$settings
SELECT (item ->> 'url') || ' ' || try_run('get', jsonb_build_array(item))
FROM jsonb_array_elements(\$i\$[$items]\$i\$) WITH ORDINALITY AS t(item, n) ORDER BY n});
}

# start(workflow, items): a background execution's id
sub start
{
	my ($workflow, $items) = @_;
	return $node->safe_psql('postgres',
		"SELECT reporunner.start('$workflow', \$i\$$items\$i\$)");
}

# wait_status(id, status): whether the execution reached it
sub wait_status
{
	my ($id, $status) = @_;
	return $node->poll_query_until('postgres',
		"SELECT status = '$status' FROM reporunner.executions WHERE id = $id");
}

save_http('get', qq({"url": "{{ \$json.url }}", "connect_timeout": "1s", "timeout": "5s"}));

# --- the SSRF guard: names, redirects, one node run, IPv6 forms -----------

# names that resolve to loopback: refused, or (a name this machine does
# not resolve) failing to resolve; never reaching the server
forget_requests();
my @names = map { "http://$_:$port/json?name=$_" }
  qw(localhost LOCALHOST localhost. anything.localhost ip6-localhost ip6-loopback);
my @results = try_each(q{SET reporunner.http_allow = '';}, @names);
is(scalar(@results), scalar(@names), scalar(@names) . ' names tried');
is( join("\n",
		grep { !/ (42501: .*the SSRF guard refused|08000: .*failed$)/ } @results),
	'', 'each was refused (42501) or did not resolve (08000)');
ok((grep { /^http:\/\/localhost:\d+\S* 42501: / } @results),
	'localhost itself was refused by the guard');
note join("\n", @results);
is(scalar(grep { $_->{path} eq '/json' } all_requests()), 0,
	'the test server received none of them');

# redirects from an allowed host to blocked addresses in every disguise,
# and to other schemes: refused, and no target reached
my @targets = (
	"http://127.0.0.1:$port/json?to=1", "http://127.1:$port/json?to=2",
	"http://2130706433:$port/json?to=3", "http://0x7f.1:$port/json?to=4",
	"http://0177.0.0.1:$port/json?to=5", "http://[::ffff:127.0.0.1]:$port/json?to=6",
	"http://[::ffff:7f00:1]:$port/json?to=7", "http://[::1]:$port/json?to=8",
	"http://[::]:$port/json?to=9", "http://0.0.0.0:$port/json?to=10",
	"http://a\@127.0.0.1:$port/json?to=11", "http://example.com\@127.0.0.1:$port/json?to=12",
	'http://169.254.169.254/latest/meta-data/', 'http://2852039166/latest/meta-data/',
	'http://[::ffff:a9fe:a9fe]/latest/meta-data/', 'http://[fd00:ec2::254]/latest/meta-data/',
	'http://10.0.0.1/', 'http://192.168.0.1/', 'http://100.64.0.1/',
	'file:///etc/passwd', "gopher://127.0.0.1:$port/", "dict://127.0.0.1:$port/");
forget_requests();
@results = try_each(q{SET reporunner.http_allow = 'localhost';},
	map {
		my $u = $_;
		$u =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord($1))/ge;
		"http://localhost:$port/redirect-to?url=$u"
	} @targets);
is(scalar(@results), scalar(@targets), scalar(@targets) . ' redirects from an allowed host tried');
is(join("\n", grep { !/ 42501: / } @results), '', 'each was refused (42501)');
is(scalar(grep { $_->{path} eq '/redirect-to' } all_requests()),
	scalar(@targets), 'the allowed host got each first request');
is(join(' ', map { "$_->{path}?to=$_->{query}{to}" } grep { $_->{path} eq '/json' } all_requests()),
	'', 'and no redirect target was reached');

# one node run, an allowed host name and then an address not allowed on
# the same server: the second is refused, though a connection to that
# server is open (one node, one multi handle)
forget_requests();
like(
	$node->safe_psql(
		'postgres', qq{SET reporunner.http_allow = 'localhost';
SELECT try_run('get', '[{"url": "http://localhost:$port/json"}, {"url": "http://localhost:$port/json"},
	{"url": "http://127.0.0.1:$port/json"}]')}),
	qr/^42501: .*refused to connect to address 127\.0\.0\.1 of host "127\.0\.0\.1"/,
	'a request to an address not allowed is refused in the run that reached an allowed host');
# (the refusal fails the node at once: the other requests may have been
# abandoned before they reached the server)
is( join(' ', grep { $_ ne "localhost:$port" } map { $_->{headers}{host} } grep { $_->{path} eq '/json' } all_requests()),
	'', 'only requests to the allowed host reached the server');

# 127.0.0.1 in disguise reaches the server only when allowed
forget_requests();
@results = try_each(q{SET reporunner.http_allow = '127.0.0.1/32';},
	"http://example.com\@127.0.0.1:$port/json", "http://0x7f.1:$port/json",
	"http://[::ffff:127.0.0.1]:$port/json");
is(join("\n", grep { !/ \[\{"n": 1, "hello": "world"\}\]$/ } @results), '',
	'127.0.0.1 behind userinfo, in hex and IPv4-mapped is reached when allowed');
is(scalar(server_log('/json')), 3, 'the server got the three');

# IPv6 forms that carry an IPv4 address: SIIT's IPv4-translated
# ::ffff:0:a.b.c.d (RFC 6052/7915), judged as the address inside, and the
# local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215), refused whole
@results = try_each(q{SET reporunner.http_allow = '';},
	'http://[::ffff:0:127.0.0.1]:1/', 'http://[::ffff:0:a9fe:a9fe]/',
	'http://[64:ff9b:1::7f00:1]:1/');
is(join("\n", grep { !/ 42501: / } @results), '',
	'IPv4-translated and local-use NAT64 addresses are refused (42501)');

# --- Retry-After -------------------------------------------------------------

# as an HTTP date on a 429, and in seconds on a 429: the retry is due no
# sooner, whatever the node's own delay, and the service saw the second
# request that much later
save_http('ra_date', qq({"url": "$base/retry-after/3?date=1&status=429"}),
	'"retry": {"tries": 2, "delay": "10ms"}');
save_http('ra_secs', qq({"url": "$base/retry-after/2?status=429"}),
	'"retry": {"tries": 2, "delay": "10ms"}');
forget_requests();
my $ra_date = start('ra_date', '{}');
my $ra_secs = start('ra_secs', '{}');
ok(wait_status($ra_date, 'failed') && wait_status($ra_secs, 'failed'),
	'both failed after their two tries');
is( $node->safe_psql(
		'postgres', qq{
SELECT string_agg(concat_ws(' ', s.attempt, jsonb_array_length(s.attempts),
	s.attempts -> 0 -> 'error' ->> 'sqlstate',
	(s.attempts -> 0 ->> 'retry_at')::timestamptz - (s.attempts -> 0 ->> 'failed_at')::timestamptz
		>= interval '2 s',
	(s.attempts -> 0 ->> 'retry_at')::timestamptz - (s.attempts -> 0 ->> 'failed_at')::timestamptz
		< interval '10 s'), ', ' ORDER BY s.execution_id)
FROM reporunner.step s WHERE s.execution_id IN ($ra_date, $ra_secs) AND s.node = 'Call'}),
	'2 1 38000 t t, 2 1 38000 t t',
	'each step journals its failed attempt with a retry due at least 2 s after it, not 10 ms');
for my $case (['date', '/retry-after/3', 2], ['seconds', '/retry-after/2', 2])
{
	my ($what, $path, $least) = @$case;
	my @seen = server_log($path);
	is(scalar(@seen), 2, "Retry-After as $what: the service was asked twice");
	cmp_ok(@seen == 2 ? $seen[1]{at} - $seen[0]{at} : 0, '>=', $least,
		"and the second request came at least $least s after the first");
}

# --- redirect chains ---------------------------------------------------------

save_http('chain10', qq({"url": "{{ \$json.url }}", "max_redirects": 10}));
forget_requests();
is( $node->safe_psql('postgres',
		qq{SELECT try_run('chain10', '[{"url": "$base/redirect/10"}]')}),
	'[{"n": 1, "hello": "world"}]', 'ten redirects are followed with max_redirects 10');
is(scalar(grep { $_->{path} =~ m{^/redirect/} } all_requests()), 10,
	'each hop was requested once');
forget_requests();
like( $node->safe_psql('postgres',
		qq{SELECT try_run('chain10', '[{"url": "$base/redirect/11"}]')}),
	qr/^08000: .* was redirected more than 10 times$/,
	'the eleventh is too many (08000), with a clear message');
is(scalar(server_log('/json')), 0, 'and the end of that chain was never requested');
like( $node->safe_psql('postgres',
		qq{SELECT try_run('chain10', '[{"url": "$base/redirect-loop"}]')}),
	qr/^08000: .* was redirected more than 10 times$/, 'a redirect loop ends the same way');

# --- the size cap ------------------------------------------------------------

my $cap = q{SET reporunner.http_max_response_size = '4kB';};
like(
	$node->safe_psql('postgres', qq{$cap SELECT try_run('get', '[{"url": "$base/gzip/100000"}]')}),
	qr/^54000: .* is larger than 4096 bytes$/,
	'a gzip body of 100,000 bytes sent in a few hundred fails past the cap (54000)');
is( $node->safe_psql('postgres',
		qq{$cap SELECT length(try_run('get', '[{"url": "$base/gzip/2000"}]')::jsonb -> 0 ->> 'body')}),
	'2000', 'one that inflates to less than the cap is read, inflated');
like(
	$node->safe_psql('postgres', qq{$cap SELECT try_run('get', '[{"url": "$base/big-header/8000"}]')}),
	qr/^54000: /, 'headers count against the cap too');
my $t0 = time;
like(
	$node->safe_psql('postgres',
		qq{SET reporunner.http_max_response_size = '1MB'; SELECT try_run('get', '[{"url": "$base/large/50000000"}]')}),
	qr/^54000: .* is larger than 1048576 bytes$/,
	'a body announced at 50 MB fails at a cap of 1 MB');
cmp_ok(time - $t0, '<', 20, 'without reading it all');

# --- timeouts never hang a worker -------------------------------------------

# one worker: two executions whose requests outlast their timeouts (the
# request's own and the node's), then one that is quick
$node->safe_psql('postgres',
	'ALTER SYSTEM SET reporunner.workers_per_database = 1; SELECT pg_reload_conf()');
ok( $node->poll_query_until('postgres',
		"SELECT count(*) <= 1 FROM pg_stat_activity WHERE backend_type = 'reporunner worker'"),
	'one worker at most');
save_http('slow_param', qq({"url": "$base/delay/30", "timeout": "1s"}));
save_http('slow_node', qq({"url": "$base/delay/30"}), '"timeout": "1s"');
save_http('quick', qq({"url": "$base/json"}));
$t0 = time;
my @slow = (start('slow_param', '{}'), start('slow_node', '{}'));
my $quick = start('quick', '{}');
ok(wait_status($quick, 'succeeded'), 'the quick execution after them succeeded');
cmp_ok(time - $t0, '<', 20, 'long before the slow requests\' 30 s had passed');
is( $node->safe_psql(
		'postgres', qq{
SELECT string_agg(concat_ws(' | ', status, error ->> 'sqlstate', error ->> 'message',
	finished_at - started_at < interval '10 s'), E'\n' ORDER BY id)
FROM reporunner.executions WHERE id IN (@{[join(',', @slow)]})}),
	qq{failed | 08000 | workflow "slow_param" failed at node "Call": GET $base/delay/30 timed out | t
failed | 57014 | workflow "slow_node" failed at node "Call": node "Call" timed out after 1000 ms | t},
	'the slow ones failed on their timeouts, each in about its timeout');
$node->safe_psql('postgres',
	'ALTER SYSTEM RESET reporunner.workers_per_database; SELECT pg_reload_conf()');

# --- cancel() with a batch in flight ----------------------------------------

save_http('held', qq({"url": "$base/hold/{{ \$json.gate }}?i={{ \$json.i }}", "timeout": "60s"}));
my $items = '[' . join(', ', map { qq({"gate": "cancel", "i": $_}) } 0 .. 19) . ']';
my $cancel = start('held', $items);
ok(wait_held('/hold/cancel', 1), 'a worker sent requests of the batch');
$t0 = time;
$node->safe_psql('postgres', "SELECT reporunner.cancel($cancel)");
ok(wait_status($cancel, 'canceled'), 'cancel() ended the execution');
cmp_ok(time - $t0, '<', 10, 'long before the held requests were answered (never, here)');
my $after = start('quick', '{}');
ok(wait_status($after, 'succeeded'), 'and the workers run other executions');
release('cancel');

# --- a crash while a batch of requests is in flight -------------------------

# Start -> Before (http, one request per item) -> Batch (http, one held
# request per item).  Before's step is journaled before Batch runs; Batch's
# requests are held by the server until the gate opens, after the crash
# and the restart, so the crash comes while they are in flight.
$node->safe_psql(
	'postgres', qq{SELECT reporunner.save_workflow('batch', \$doc\$
{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Before", "type": "http", "params": {"url": "$base/echo?gate={{ \$json.gate }}&i={{ \$json.i }}"}},
	{"name": "Batch", "type": "http", "params": {"url": "$base/hold/{{ \$json.query.gate }}?i={{ \$json.query.i }}",
		"timeout": "60s"}}],
 "connections": [{"from": "Start", "to": "Before"}, {"from": "Before", "to": "Batch"}]}
\$doc\$)});

# crash(how, gate): run batch over 20 items; crash while its requests are
# held; restart; open the gate; check the outcome and the server's record
sub crash
{
	my ($how, $gate) = @_;
	my $items = '[' . join(', ', map { qq({"gate": "$gate", "i": $_}) } 0 .. 19) . ']';
	my $id = start('batch', $items);
	ok(wait_held("/hold/$gate", 1), "$how: Batch's requests are in flight");
	usleep(500_000);    # more of them, when they go out at once
	my $in_flight = scalar(server_log("/hold/$gate"));
	if ($how eq 'SIGKILL of the worker')
	{
		ok(HttpTestServer::kill_workers($node), "$how: the server restarted");
	}
	else
	{
		$node->stop('immediate');
		$node->start;
		pass("$how: the server restarted");
	}
	release($gate);
	ok(wait_status($id, 'succeeded'), "$how: recovery finished the execution");
	is( $node->safe_psql('postgres',
			"SELECT jsonb_array_length(output) || ' ' || bool_and(o ->> 'held' = '$gate')
			 FROM reporunner.executions, jsonb_array_elements(output) o WHERE id = $id GROUP BY output"),
		'20 true', "$how: with a response for each of the 20 items");

	my @before = server_log('/echo');
	@before = grep { $_->{query}{gate} eq $gate } @before;
	is(scalar(@before), 20, "$how: Before's 20 requests were each sent once (its step was journaled)");

	my %keys = split /[|\n]/, $node->safe_psql('postgres',
		"SELECT i, key_of($id, 'Batch', i) FROM generate_series(0, 19) i");
	my (%sent, @wrong);
	for my $r (server_log("/hold/$gate"))
	{
		my $i = $r->{query}{i};
		push @{ $sent{$i} }, $r->{headers}{'idempotency-key'};
	}
	for my $i (0 .. 19)
	{
		my @k = @{ $sent{$i} // [] };
		push @wrong, "item $i: sent " . scalar(@k) . ' times'
		  unless @k >= 1 && @k <= 2;
		push @wrong, "item $i: key $_ is not its key $keys{$i}"
		  for grep { $_ ne $keys{$i} } @k;
	}
	is(join("\n", @wrong), '',
		"$how: each of Batch's 20 requests was sent once or twice, always with its item's key");
	my @repeated = grep { @{ $sent{$_} // [] } > 1 } 0 .. 19;
	cmp_ok(scalar(@repeated), '>=', 1, "$how: the requests in flight at the crash were sent again");
	note "$how: $in_flight of Batch's requests had arrived when the server went down; "
	  . "repeated after recovery: items @repeated";
}
crash('SIGKILL of the worker', 'crash1');
crash('immediate stop', 'crash2');

$node->stop;
done_testing();
