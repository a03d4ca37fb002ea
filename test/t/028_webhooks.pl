# Inbound webhooks through the listener on loopback: a signed
# Stripe-style, GitHub-style and Slack-style delivery, and a header- and a
# basic-authenticated one, each start exactly one execution, with the
# request as the item; a wrong signature, a replayed Stripe or Slack
# timestamp, a wrong header or password, an unknown path, a 10 MB body
# (with a length or in chunks) and malformed JSON are refused with their
# status and start nothing; when_finished answers with the workflow's
# output (several requests waiting at once), or 504 after its timeout;
# after a restart, and after the listener is terminated, it serves again.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use HttpTestServer;
use ReporunnerNode;
use HTTP::Tiny;
use JSON::PP;
use MIME::Base64;
use Digest::SHA qw(hmac_sha256_hex);
use IO::Select;
use IO::Socket::INET;
use IPC::Run;
use Test::More;

my $port = PostgreSQL::Test::Cluster::get_free_port();
my $key_file = HttpTestServer::master_key();
my $node = ReporunnerNode->create(
	'webhooks',
	'reporunner.key_file' => "'$key_file'",
	'reporunner.webhook_listen' => "'127.0.0.1:$port'",
	'reporunner.webhook_database' => "'postgres'",
	'reporunner.webhook_max_body' => "'1MB'",
	'reporunner.webhook_request_timeout' => "'2s'",
	'reporunner.webhook_max_connections_per_address' => '8');
my $base = "http://127.0.0.1:$port/webhook";
my $http = HTTP::Tiny->new(timeout => 30);

$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('hook', '{"nodes": [
	{"name": "Request", "type": "trigger"},
	{"name": "Seen", "type": "set", "params": {"fields": {"seen": true,
		"event": "{{ $json.body.type }}"}}}],
	"connections": [{"from": "Request", "to": "Seen"}]}');
});
HttpTestServer::set_credential($node, 'postgres', 'stripe_secret', 'bearer',
	'{"token": "whsec_test"}');
HttpTestServer::set_credential($node, 'postgres', 'github_secret', 'bearer',
	'{"token": "gh_test"}');
HttpTestServer::set_credential($node, 'postgres', 'token_header', 'header',
	'{"name": "X-Token", "value": "s3cret"}');
HttpTestServer::set_credential($node, 'postgres', 'slack_secret', 'bearer',
	'{"token": "slack_test"}');
HttpTestServer::set_credential($node, 'postgres', 'basic_login', 'basic',
	'{"user": "hook", "password": "pa:ss"}');
my %trigger;
$trigger{stripe} = $node->safe_psql('postgres',
	q{SELECT reporunner.on_webhook('hook', 'stripe/events', '{"auth": "stripe", "credential": "stripe_secret"}')});
$trigger{github} = $node->safe_psql('postgres',
	q{SELECT reporunner.on_webhook('hook', 'github', '{"auth": "github", "credential": "github_secret"}')});
$trigger{header} = $node->safe_psql('postgres',
	q{SELECT reporunner.on_webhook('hook', 'header', '{"auth": "header", "credential": "token_header"}')});
$trigger{slack} = $node->safe_psql('postgres',
	q{SELECT reporunner.on_webhook('hook', 'slack', '{"auth": "slack", "credential": "slack_secret"}')});
$trigger{basic} = $node->safe_psql('postgres',
	q{SELECT reporunner.on_webhook('hook', 'basic', '{"auth": "basic", "credential": "basic_login"}')});
$trigger{open} = $node->safe_psql('postgres',
	q{SELECT reporunner.on_webhook('hook', 'open')});
$trigger{sync} = $node->safe_psql('postgres',
	q{SELECT reporunner.on_webhook('hook', 'sync', '{"respond": "when_finished", "timeout": "60s"}')});

sub wait_listener
{
	return $node->poll_query_until(
		'postgres', q{
SELECT count(*) = 1 FROM pg_stat_activity
WHERE backend_type = 'reporunner webhook listener'});
}

sub executions
{
	my ($kind) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution WHERE trigger_id = $trigger{$kind}");
}

sub post
{
	my ($path, $body, %headers) = @_;
	return $http->request('POST', "$base/$path",
		{ content => $body, headers => { 'Content-Type' => 'application/json', %headers } });
}

ok(wait_listener(), 'the webhook listener runs');

# Stripe: t=<time>,v1=HMAC("<t>.<body>")
my $event = '{"id": "evt_1", "type": "payment_intent.succeeded"}';
my $t = time();
my $res = post('stripe/events', $event,
	'Stripe-Signature' => "t=$t,v1=" . hmac_sha256_hex("$t.$event", 'whsec_test'));
is($res->{status}, 202, 'a signed Stripe delivery is accepted');
my $id = decode_json($res->{content})->{execution_id};
ok( $node->poll_query_until(
		'postgres', "SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $id"),
	'its execution succeeds');
is( $node->safe_psql(
		'postgres', qq{
SELECT mode, input -> 0 -> 'body' ->> 'id', input -> 0 ->> 'method',
	   input -> 0 -> 'headers' ? 'stripe-signature', output -> 0 ->> 'event'
FROM reporunner.execution WHERE id = $id}),
	'webhook|evt_1|POST|t|payment_intent.succeeded',
	'the request is the item, and the workflow ran as the body says');

$res = post('stripe/events', $event,
	'Stripe-Signature' => "t=$t,v1=" . hmac_sha256_hex("$t.$event", 'wrong'));
is($res->{status}, 401, 'a wrong Stripe signature is refused');
my $old = $t - 3600;
$res = post('stripe/events', $event,
	'Stripe-Signature' => "t=$old,v1=" . hmac_sha256_hex("$old.$event", 'whsec_test'));
is($res->{status}, 401, 'a replayed Stripe timestamp outside the tolerance is refused');
my $far = '9223372036854775807';
$res = post('stripe/events', $event,
	'Stripe-Signature' => "t=$far,v1=" . hmac_sha256_hex("$far.$event", 'whsec_test'));
is($res->{status}, 401, 'a signed Stripe timestamp at the end of time is refused, not overflowed');
$res = post('stripe/events', $event);
is($res->{status}, 401, 'an unsigned Stripe delivery is refused');
is(executions('stripe'), 1, 'the Stripe delivery started exactly one execution');

# GitHub: X-Hub-Signature-256: sha256=HMAC(body)
my $push = '{"ref": "refs/heads/main", "type": "push"}';
$res = post('github', $push,
	'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex($push, 'gh_test'),
	'X-GitHub-Event' => 'push');
is($res->{status}, 202, 'a signed GitHub delivery is accepted');
$res = post('github', $push,
	'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex("$push ", 'gh_test'));
is($res->{status}, 401, 'a GitHub signature of another body is refused');
is(executions('github'), 1, 'the GitHub delivery started exactly one execution');
# a credential of another type since on_webhook() checked it is no key: a
# field it lacks was checked as an empty key, which anyone can sign with
HttpTestServer::set_credential($node, 'postgres', 'github_secret', 'basic',
	'{"user": "u", "password": "p"}');
$res = post('github', $push,
	'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex($push, ''));
is($res->{status}, 401, 'a signature with an empty key is refused once the credential is no bearer one');
HttpTestServer::set_credential($node, 'postgres', 'github_secret', 'bearer',
	'{"token": "gh_test"}');
is(executions('github'), 1, 'and started no execution');

# header
is(post('header', '{}', 'X-Token' => 's3cret')->{status}, 202, 'the right header is accepted');
is(post('header', '{}', 'X-Token' => 's3cres')->{status}, 401, 'a wrong header is refused');
is(executions('header'), 1, 'the header-authenticated webhook started one execution');
is( $node->safe_psql('postgres',
		"SELECT input -> 0 -> 'headers' ? 'x-token' FROM reporunner.execution WHERE trigger_id = $trigger{header}"),
	'f', 'its input does not keep the secret header');

# basic
is(post('basic', '{}', 'Authorization' => 'Basic ' . encode_base64('hook:pa:ss', ''))->{status},
	202, 'the right basic login is accepted');
is(post('basic', '{}', 'Authorization' => 'Basic ' . encode_base64('hook:pass', ''))->{status},
	401, 'a wrong password is refused');
is(executions('basic'), 1, 'the basic-authenticated webhook started one execution');
is( $node->safe_psql('postgres',
		"SELECT input -> 0 -> 'headers' ? 'authorization' FROM reporunner.execution WHERE trigger_id = $trigger{basic}"),
	'f', 'nor the Authorization header');

# Slack: X-Slack-Signature: v0=HMAC("v0:<timestamp>:<body>")
my $form = 'command=%2Fdeploy&text=now';
$t = time();
is( $http->request('POST', "$base/slack", {
	content => $form,
	headers => { 'Content-Type' => 'application/x-www-form-urlencoded',
		'X-Slack-Request-Timestamp' => $t,
		'X-Slack-Signature' => 'v0=' . hmac_sha256_hex("v0:$t:$form", 'slack_test') } })->{status},
	202, 'a signed Slack request is accepted, its body as text');
$old = $t - 600;
is( $http->request('POST', "$base/slack", {
	content => $form,
	headers => { 'X-Slack-Request-Timestamp' => $old,
		'X-Slack-Signature' => 'v0=' . hmac_sha256_hex("v0:$old:$form", 'slack_test') } })->{status},
	401, 'an old Slack timestamp is refused');
is( $node->safe_psql('postgres',
		"SELECT string_agg(input -> 0 ->> 'body', ',') FROM reporunner.execution WHERE trigger_id = $trigger{slack}"),
	$form, 'the Slack request started one execution');

# refused requests start nothing
is(post('nowhere', '{}')->{status}, 404, 'an unknown path is 404');
# curl, which waits for the answer to "Expect: 100-continue" as a client
# should: HTTP::Tiny keeps sending, and the early 413 is lost to it
my $big = PostgreSQL::Test::Utils::tempdir() . '/big.json';
open(my $fh, '>', $big) or die "$big: $!";
print $fh '"', 'x' x (10 * 1024 * 1024), '"';
close($fh);
sub curl_status
{
	my (@args) = @_;
	my ($out, $err);
	IPC::Run::run([ 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}',
		'-H', 'Content-Type: application/json', '--data-binary', "\@$big",
		@args, "$base/open" ], '>', \$out, '2>', \$err);
	return $out;
}
is(curl_status(), '413', 'a 10 MB body is 413');
is(curl_status('-H', 'Transfer-Encoding: chunked'), '413',
	'and so is one sent in chunks, without a length');
is(post('open', '{"unclosed": ')->{status}, 400, 'malformed JSON is 400');
is(executions('open'), 0, 'none of them started an execution');
$res = $http->request('GET', "$base/open?a=1&b=two");
is($res->{status}, 202, 'a GET is accepted');
$id = decode_json($res->{content})->{execution_id};
is( $node->safe_psql(
		'postgres', "SELECT input -> 0 -> 'query' FROM reporunner.execution WHERE id = $id"),
	'{"a": "1", "b": "two"}', 'with its query parameters');

# a slow client, holding a connection with half a body sent, holds
# nothing up
my $slow = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
  or die "connect: $!";
print $slow "POST /webhook/open HTTP/1.1\r\nHost: localhost\r\n"
  . "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":";
$slow->flush;
is(post('open', '{"b": 1}')->{status}, 202, 'a request is answered while a slow client sends');
close($slow);

# a client that keeps sending a byte now and then is not idle, but its
# request must arrive whole within webhook_request_timeout (2 s here):
# trickle(start, piece) sends start, then piece every 0.25 s for up to
# 10 s; true when the listener cut the connection meanwhile
sub trickle
{
	my ($start, $piece) = @_;
	my $socket = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
	  or die "connect: $!";
	my $select = IO::Select->new($socket);
	my $cut = 0;
	local $SIG{PIPE} = 'IGNORE';
	print $socket $start;
	for my $n (1 .. 40)
	{
		last unless print $socket $piece;
		$socket->flush;
		# the listener shut the socket: it reads as ended
		if ($select->can_read(0.25) && !sysread($socket, my $buf, 1024))
		{
			$cut = 1;
			last;
		}
	}
	close($socket);
	return $cut;
}
ok(trickle("POST /webhook/open HTTP/1.1\r\nHost: localhost\r\n", "X-Line: 1\r\n"),
	'a request whose headers trickle in for longer is cut off');
ok(trickle("POST /webhook/", "a"), 'so is one whose request line trickles in');

# one address holds at most webhook_max_connections_per_address (8 here)
my @held = map {
	IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die "connect: $!"
} 1 .. 12;
my $answered = 0;
foreach my $socket (@held)
{
	print $socket "GET /webhook/open HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
	$socket->flush;
}
foreach my $socket (@held)
{
	my $line = IO::Select->new($socket)->can_read(10) ? <$socket> : undef;
	$answered++ if defined $line && $line =~ m{^HTTP/1\.1 202};
}
close($_) foreach @held;
cmp_ok($answered, '<=', 8, 'one address gets no more connections than its limit');
cmp_ok($answered, '>=', 1, 'and up to it, answered');
is(HTTP::Tiny->new(timeout => 10)->request('POST', "$base/open",
		{ content => '{}', headers => { 'Content-Type' => 'application/json' } })->{status},
	202, 'once they are closed, a new connection is served');

# a body's length given twice, or as a length and as chunks, is refused
# before anything is read (a proxy in front may have read another body)
my $open_before = executions('open');
sub raw_status
{
	my ($head, $body) = @_;
	my $socket = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
	  or die "connect: $!";
	print $socket "POST /webhook/open HTTP/1.1\r\nHost: localhost\r\n"
	  . "Content-Type: application/json\r\nConnection: close\r\n$head\r\n$body";
	$socket->flush;
	my $line = <$socket> // '';
	close($socket);
	return $line =~ m{^HTTP/1\.[01] (\d{3})} ? $1 : "no answer: $line";
}
is(raw_status("Content-Length: 8\r\nContent-Length: 8\r\n", '{"a": 1}'), '400',
	'two Content-Length headers are 400');
is(raw_status("Content-Length: 3\r\nContent-Length: 8\r\n", '{"a": 1}'), '400',
	'two different ones too');
is(raw_status("Content-Length: 13\r\nTransfer-Encoding: chunked\r\n",
		"8\r\n{\"a\": 1}\r\n0\r\n\r\n"), '400',
	'a length and chunks together are 400');
is(raw_status("Content-Length: 8\r\n", '{"a": 1}'), '202', 'one length is accepted');
is(executions('open'), $open_before + 1, 'only that one started an execution');
is(post('open', "\"\xff\"", 'Content-Type' => 'text/plain')->{status}, 400,
	'a body that is not UTF-8 is 400');
is($http->request('GET', "$base/open?a=%FF")->{status}, 400,
	'so is a query parameter that is not UTF-8');
is($http->request('GET', "$base/open", { headers => { 'Content-Type' => 'application/json' } })->{status},
	202, 'an empty body is null, whatever its Content-Type');

# when_finished: the workflow's output
$res = post('sync', '{"type": "order.created"}');
is($res->{status}, 200, 'when_finished answers 200');
my $output = decode_json($res->{content});
is_deeply([ scalar(@$output), $output->[0]{seen}, $output->[0]{event} ],
	[ 1, JSON::PP::true, 'order.created' ], 'with the workflow\'s output');

# several when_finished requests wait at once, each for its own execution
my @waiting = map {
	my $out = '';
	[ IPC::Run::start([ 'curl', '-s', '-H', 'Content-Type: application/json',
		'--data-binary', qq({"type": "order.$_"}), "$base/sync" ], '>', \$out), \$out ]
} 1 .. 3;
$_->[0]->finish foreach @waiting;
is_deeply([ map { decode_json(${ $_->[1] })->[0]{event} } @waiting ],
	[ 'order.1', 'order.2', 'order.3' ], 'three waiting at once each get their own output');

# output first: the first output item, an object, as n8n's Webhook node
# answers by default; 500 when the output is empty
$node->safe_psql(
	'postgres', q{
SELECT reporunner.on_webhook('hook', 'sync/first', '{"respond": "when_finished", "output": "first", "timeout": "60s"}');
SELECT reporunner.save_workflow('empty_hook', '{"nodes": [
	{"name": "Request", "type": "trigger"},
	{"name": "None", "type": "filter", "params": {"condition": "{{ $json.body.keep == true }}"}}],
	"connections": [{"from": "Request", "to": "None"}]}');
SELECT reporunner.on_webhook('empty_hook', 'sync/none', '{"respond": "when_finished", "output": "first", "timeout": "60s"}');
});
$res = post('sync/first', '{"type": "order.first"}');
is_deeply([ $res->{status}, decode_json($res->{content})->{event} ],
	[ 200, 'order.first' ], 'output first answers with the first item, an object');
$res = post('sync/none', '{"keep": false}');
is($res->{status}, 500, 'and 500 when the output has no item');
like($res->{content}, qr/no item to return/, 'saying so');

# when_finished past its timeout: 504 with the execution, which goes on
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('slow_hook', '{"nodes": [
	{"name": "Request", "type": "trigger"},
	{"name": "Later", "type": "wait", "params": {"resume": true}}],
	"connections": [{"from": "Request", "to": "Later"}]}');
SELECT reporunner.on_webhook('slow_hook', 'slow', '{"respond": "when_finished", "timeout": "1s"}');
});
$res = post('slow', '{}');
is($res->{status}, 504, 'when_finished answers 504 when the execution does not end in time');
$id = decode_json($res->{content})->{execution_id};
ok( $node->poll_query_until(
		'postgres', "SELECT status = 'waiting' FROM reporunner.execution WHERE id = $id"),
	'and the execution goes on');

# a transaction that deletes a workflow, left open, holds up no other
# webhook: the listener does not wait for it, and answers 503 for that
# workflow's own webhook until it ends
$node->safe_psql(
	'postgres', q{
SELECT reporunner.save_workflow('doomed', '{"nodes": [{"name": "Request", "type": "trigger"}]}');
SELECT reporunner.on_webhook('doomed', 'doomed');
});
my $deleter = $node->background_psql('postgres');
$deleter->query_safe(q{BEGIN; DELETE FROM reporunner.workflow WHERE name = 'doomed'});
my $quick = HTTP::Tiny->new(timeout => 10);
$res = $quick->request('POST', "$base/open",
	{ content => '{}', headers => { 'Content-Type' => 'application/json' } });
is($res->{status}, 202, 'another webhook is answered while a deletion is open');
$res = $quick->request('POST', "$base/doomed",
	{ content => '{}', headers => { 'Content-Type' => 'application/json' } });
is($res->{status}, 503, 'the workflow being deleted gets 503');
like($res->{content}, qr/being deleted or changed; try again later/, 'saying why');
$deleter->query_safe('ROLLBACK');
$deleter->quit;
is(post('doomed', '{}')->{status}, 202, 'once the deletion rolled back, it is accepted');

# a restart keeps it working
$node->restart;
ok(wait_listener(), 'the listener is back after a restart');
$t = time();
$res = post('stripe/events', $event,
	'Stripe-Signature' => "t=$t,v1=" . hmac_sha256_hex("$t.$event", 'whsec_test'));
is($res->{status}, 202, 'and accepts deliveries again');
is(executions('stripe'), 2, 'one more execution');

# and so does the listener's own end: the server starts it again
my $pid = $node->safe_psql('postgres',
	q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'reporunner webhook listener'});
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
ok( $node->poll_query_until(
		'postgres', qq{
SELECT count(*) = 1 FROM pg_stat_activity
WHERE backend_type = 'reporunner webhook listener' AND pid <> $pid}),
	'a terminated listener is started again');
is(post('open', '{}')->{status}, 202, 'and serves again');

$node->stop;
done_testing();
