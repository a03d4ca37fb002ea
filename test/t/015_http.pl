# The http node against the local test server (test/http_server.py, on
# 127.0.0.1, which reporunner.http_allow lets through): requests and
# responses, failures and their SQLSTATEs, retry and on_error, timeouts,
# the size cap, redirects, cancelling a request in execute() and in a
# worker, the Idempotency-Key across retries, the reporunner_http grant,
# and the SSRF guard's table of addresses and URL tricks.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use HttpTestServer;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time usleep);

# the test server (test/http_server.py) on 127.0.0.1
my $port = HttpTestServer::start();
my $base = "http://127.0.0.1:$port";

my $node = ReporunnerNode->create('http',
	'reporunner.http_allow' => "'127.0.0.1/32'");
HttpTestServer::setup($node);

# save_http(workflow, params, node fields): Start -> Call, an http node
sub save_http { HttpTestServer::save_http($node, @_); }

# run(workflow, items, settings): try_run's result, after the SET settings
sub run { return HttpTestServer::run($node, @_); }

# the test server's record of the requests it received with a path
sub received
{
	my ($path, $what) = @_;
	return $node->safe_psql('postgres', "SELECT $what FROM jsonb_array_elements(
		(SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r WHERE r ->> 'path' = '$path'");
}
save_http('log', qq({"url": "$base/log", "response": "json", "full_response": true}));

save_http('get', qq({"url": "{{ \$json.url }}"}));
save_http('echo', qq({"method": "POST", "url": "$base/echo",
	"query": {"q": "{{ \$json.q }}", "x": "a b&c"},
	"headers": {"X-Test": "{{ \$json.q }}"},
	"body": {"q": "{{ \$json.q }}", "list": [1, "two", null]}}));

# GET JSON, arrays, scalars
is(run('get', qq([{"url": "$base/json"}])), '[{"n": 1, "hello": "world"}]',
	'a JSON object is the item');
is(run('get', qq([{"url": "$base/array"}])),
	'[{"id": 1}, {"id": 2}, {"body": 3}]',
	'an array gives one item per element');
is(run('get', qq([{"url": "$base/scalar"}])), '[{"body": 42}]',
	'a scalar is {"body": value}');
is(run('get', qq([{"url": "$base/json"}, {"url": "$base/scalar"}])),
	'[{"n": 1, "hello": "world"}, {"body": 42}]', 'one request per item');

# POST: the body as sent, the query and the headers
is( $node->safe_psql(
		'postgres', q{
SELECT concat_ws(' | ', r ->> 'method', r -> 'json', r -> 'query',
	r -> 'headers' ->> 'x-test', r -> 'headers' ->> 'content-type')
FROM jsonb_array_elements(reporunner.execute('echo', '[{"q": 1}, {"q": "é&="}]')) r}),
	qq(POST | {"q": 1, "list": [1, "two", null]} | {"q": "1", "x": "a b&c"} | 1 | application/json
POST | {"q": "é&=", "list": [1, "two", null]} | {"q": "é&=", "x": "a b&c"} | é&= | application/json),
	'POST sends the body as JSON, with the query and headers computed per item');

save_http('form', qq({"method": "PUT", "url": "$base/echo", "body_type": "form",
	"body": {"a": "1 2", "b": "x&y"}}));
is( $node->safe_psql('postgres',
		q{SELECT concat_ws(' | ', r ->> 'method', r ->> 'body', r -> 'headers' ->> 'content-type')
FROM jsonb_array_elements(reporunner.execute('form', '{}')) r}),
	'PUT | a=1%202&b=x%26y | application/x-www-form-urlencoded',
	'a form body is URL-encoded');
save_http('raw', qq({"method": "PATCH", "url": "$base/echo", "body_type": "raw",
	"body": "line {{ \$json.n }}", "headers": {"Content-Type": "text/csv"}}));
is( $node->safe_psql('postgres',
		q{SELECT concat_ws(' | ', r ->> 'method', r ->> 'body', r -> 'headers' ->> 'content-type')
FROM jsonb_array_elements(reporunner.execute('raw', '{"n": 7}')) r}),
	'PATCH | line 7 | text/csv',
	'a raw body is sent as it is, with the Content-Type given');

# text, binary, full responses
is(run('get', qq([{"url": "$base/text"}])), '[{"body": "plain text"}]',
	'text/plain is read as text');
save_http('binary', qq({"url": "$base/binary", "response": "binary"}));
is( $node->safe_psql(
		'postgres', q{
SELECT reporunner.execute('binary', '{}') -> 0 ->> 'body' =
	translate(encode((SELECT string_agg(set_byte('\x00'::bytea, 0, i), '' ORDER BY i)
					  FROM generate_series(0, 255) i), 'base64'), E'\n', '')}),
	't', 'a binary response comes in base64');
like(run('get', qq([{"url": "$base/binary"}])),
	qr/^22021: .* is not text in encoding "UTF8"/,
	'binary bytes read as text fail the node (22021)');
like(run('get', qq([{"url": "$base/notjson"}])),
	qr/^22P02: .* is not valid JSON/, 'invalid JSON fails the node (22P02)');
save_http('full', qq({"url": "$base/headers", "full_response": true}));
is( $node->safe_psql(
		'postgres', q{
SELECT concat_ws(' | ', r -> 'status', r -> 'headers' ->> 'x-one',
	r -> 'headers' ->> 'x-twice', r -> 'headers' ->> 'content-type', r -> 'body')
FROM jsonb_array_elements(reporunner.execute('full', '{}')) r}),
	'200 | 1 | b | application/json | {}',
	'full_response gives status, headers (the last of a repeated one) and body');
save_http('head', qq({"method": "HEAD", "url": "$base/json", "full_response": true}));
is( $node->safe_psql('postgres',
		q{SELECT (r -> 'status')::text || ' ' || (r -> 'body')::text FROM jsonb_array_elements(reporunner.execute('head', '{}')) r}),
	'200 null', 'HEAD gives the status and no body');

# verify_tls false is logged once per node run
save_http('insecure', qq({"url": "$base/json", "verify_tls": false}));
my $log_offset = -s $node->logfile;
is(run('insecure', '[{}, {}]'), '[{"n": 1, "hello": "world"}, {"n": 1, "hello": "world"}]',
	'verify_tls false still requests');
my @logged = (PostgreSQL::Test::Utils::slurp_file($node->logfile, $log_offset) =~
	  /LOG:  node "Call" of workflow "insecure" sends requests without verifying TLS certificates/g);
is(scalar(@logged), 1, 'and says so once per node run in the server log');

# statuses of 400 and more fail the node with 38000
like(run('get', qq([{"url": "$base/status/404"}])),
	qr{^38000: workflow "get" failed at node "Call": GET http://127\.0\.0\.1:\d+/status/404 returned HTTP status 404$},
	'404 fails the node (38000), naming the request');
like(run('get', qq([{"url": "$base/status/500"}])),
	qr{^38000: .*returned HTTP status 500$}, '500 fails the node (38000)');
like(run('get', qq([{"url": "http://127.0.0.1:1/"}])),
	qr{^08000: workflow "get" failed at node "Call": GET http://127\.0\.0\.1:1/ failed$},
	'a refused connection fails the node (08000)');
save_http('tolerant', qq({"url": "$base/status/503"}), '"on_error": "continue"');
like(run('tolerant'), qr/^\[\{"error": \{"node": "Call", .*"message": "GET \S+ returned HTTP status 503", "sqlstate": "38000"\}\}\]$/,
	'with on_error continue the execution goes on, with the error in the item');

# retry: 500, 500, then 200, in a worker; the same Idempotency-Key each time
save_http('flaky', qq({"url": "$base/flaky/retry/2"}),
	'"retry": {"tries": 3, "delay": "100ms"}');
my $id = $node->safe_psql('postgres', "SELECT reporunner.start('flaky', '{}')");
ok( $node->poll_query_until(
		'postgres',
		"SELECT status = 'succeeded' FROM reporunner.executions WHERE id = $id"),
	'a node that got 500 twice succeeded on its third attempt');
is( $node->safe_psql(
		'postgres', qq{
SELECT concat_ws(' | ', s.attempt, jsonb_array_length(s.attempts),
	s.attempts -> 0 -> 'error' ->> 'sqlstate', s.output -> 'main' -> 0)
FROM reporunner.step s WHERE s.execution_id = $id AND s.node = 'Call'}),
	'3 | 2 | 38000 | {"key": "retry", "tries": 3}',
	'the step journals its two failed attempts');
is( received('/flaky/retry/2',
		"count(*) || ' ' || count(DISTINCT r -> 'headers' ->> 'idempotency-key') || ' ' ||
		bool_and(r -> 'headers' ->> 'idempotency-key' = encode(sha256(convert_to('$id:Call:0', 'UTF8')), 'hex'))"
	),
	'3 1 true',
	'the three requests carried the same Idempotency-Key, of (execution, node, item)');
is( $node->safe_psql(
		'postgres', q{
SELECT count(DISTINCT r -> 'headers' ->> 'idempotency-key')
FROM jsonb_array_elements(reporunner.execute('echo', '[{"q": 1}, {"q": 2}, {"q": 3}]')) r}),
	'3', 'each item has a key of its own');

# Retry-After: the next attempt waits at least what the response asks for,
# however short the node's own delay
save_http('busy', qq({"url": "$base/retry-after/2"}),
	'"retry": {"tries": 2, "delay": "10ms"}');
my $busy = $node->safe_psql('postgres', "SELECT reporunner.start('busy', '{}')");
ok( $node->poll_query_until(
		'postgres',
		"SELECT status = 'failed' FROM reporunner.executions WHERE id = $busy"),
	'a node that got 503 with Retry-After twice failed after its two tries');
is( $node->safe_psql(
		'postgres', qq{
SELECT concat_ws(' | ', s.attempt, jsonb_array_length(s.attempts),
	(s.attempts -> 0 ->> 'retry_at')::timestamptz -
	(s.attempts -> 0 ->> 'failed_at')::timestamptz >= interval '2 s')
FROM reporunner.step s WHERE s.execution_id = $busy AND s.node = 'Call'}),
	'2 | 1 | t',
	'its retry was due 2 s after the failure, as Retry-After: 2 said, not 10 ms');
is(received('/retry-after/2', 'count(*)'), '2', 'the service was asked twice');

# pagination: the next URL from each response, until there is none or
# max_pages responses came; each page's request has a key of its own
save_http('paged', qq({"url": "$base/pages/3/1", "next_url": "{{ \$json.next }}"}));
is( $node->safe_psql('postgres',
		q{SELECT string_agg(r ->> 'page', ',') FROM jsonb_array_elements(reporunner.execute('paged', '{}')) r}),
	'1,2,3', 'three pages, one item each, until next is null');
save_http('capped', qq({"url": "$base/pages/50/1", "next_url": "{{ \$json.next }}", "max_pages": 4}));
is( $node->safe_psql('postgres',
		q{SELECT jsonb_array_length(reporunner.execute('capped', '{}'))}),
	'4', 'max_pages stops it');
my $paged = $node->safe_psql('postgres', "SELECT reporunner.start('paged', '{}')");
ok( $node->poll_query_until(
		'postgres',
		"SELECT status = 'succeeded' FROM reporunner.executions WHERE id = $paged"),
	'a paged request in the background');
is( $node->safe_psql('postgres', qq{
SELECT string_agg(r ->> 'path', ',' ORDER BY r ->> 'path') FROM jsonb_array_elements(
	(SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r
WHERE r -> 'headers' ->> 'idempotency-key' IN (
	SELECT encode(sha256(convert_to(k, 'UTF8')), 'hex')
	FROM unnest(ARRAY['$paged:Call:0', '$paged:Call:0:1', '$paged:Call:0:2']) k)}),
	'/pages/3/1,/pages/3/2,/pages/3/3',
	'each page was requested with a key of its own, of (execution, node, item, page)');
save_http('paged_key', qq({"url": "$base/pages/2/1", "next_url": "{{ \$json.next }}",
	"headers": {"Idempotency-Key": "mine"}}));
$node->safe_psql('postgres', "SELECT reporunner.execute('paged_key', '{}')");
is( received('/pages/2/2', "string_agg(r -> 'headers' ->> 'idempotency-key', ',')"),
	'mine', 'a key the node\'s headers give is kept on the pages after the first');
# expressions on the context ($mode, $workflow) in every page's request,
# of every item: the context outlives the node's rounds of requests
save_http('paged_context', qq({"url": "$base/pages/4/{{ \$json.from }}", "next_url": "{{ \$json.next }}",
	"headers": {"X-Run": "{{ \$mode }} {{ \$workflow.name }}"}}));
$node->safe_psql('postgres', "SELECT reporunner.execute('paged_context', '[{\"from\": 1}, {\"from\": 2}]')");
is( $node->safe_psql('postgres', q{SELECT count(*) || ' ' || string_agg(DISTINCT r -> 'headers' ->> 'x-run', ',')
	FROM jsonb_array_elements((SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r
	WHERE r -> 'headers' ? 'x-run'}),
	'7 call paged_context', 'seven pages of two items, each request with the header computed on the context');
save_http('badnext', qq({"url": "$base/pages/3/1", "next_url": "{{ \$json.page }}"}));
like(run('badnext'), qr/^42804: .*param "next_url" must be a string/,
	'a next_url that is not a string fails the node (42804)');

# timeouts end the request, within bounds
save_http('slow', qq({"url": "$base/delay/30", "timeout": "500ms"}));
my $start = time;
like(run('slow'), qr/^08000: .* timed out$/, 'the request timeout fails the node (08000)');
cmp_ok(time - $start, '<', 10, 'long before the server answered');
save_http('slow_node', qq({"url": "$base/delay/30"}), '"timeout": "500ms"');
$start = time;
# (a timeout is a cancel, which PL/pgSQL's "others" does not catch)
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	"SELECT reporunner.execute('slow_node', '{}')");
like($stderr, qr/workflow "slow_node" failed at node "Call": node "Call" timed out after 500 ms/,
	'the node\'s own timeout ends the request too');
cmp_ok(time - $start, '<', 10, 'also long before the server answered');

# the size cap, on bodies with and without Content-Length
like(run('get', qq([{"url": "$base/large/5000"}]), "SET reporunner.http_max_response_size = '4kB';"),
	qr/^54000: .* is larger than 4096 bytes$/, 'a response over the cap fails the node (54000)');
like(run('get', qq([{"url": "$base/chunked/8"}]), "SET reporunner.http_max_response_size = '4kB';"),
	qr/^54000: /, 'a chunked one too, when the cap is passed');
is(run('get', qq([{"url": "$base/large/1000"}]), "SET reporunner.http_max_response_size = '4kB';"),
	'[{"body": "' . ('a' x 1000) . '"}]', 'a response under the cap is read');

# redirects: followed, limited, and checked by the guard at every hop
is(run('get', qq([{"url": "$base/redirect/5"}])), '[{"n": 1, "hello": "world"}]',
	'five redirects are followed');
like(run('get', qq([{"url": "$base/redirect/6"}])),
	qr/^08000: .* was redirected more than 5 times$/, 'the sixth is too many');
save_http('no_follow', qq({"url": "$base/redirect/1", "max_redirects": 0, "full_response": true}));
is($node->safe_psql('postgres', q{SELECT reporunner.execute('no_follow', '{}') -> 0 -> 'status'}),
	'302', 'max_redirects 0 gives the redirect itself');
like(run('get', qq([{"url": "$base/redirect-to?url=http://169.254.169.254/latest/meta-data/"}])),
	qr/^42501: .*refused to connect to address 169\.254\.169\.254/,
	'a redirect to the metadata address is refused (42501)');
like(run('get', qq([{"url": "$base/redirect-to?url=file:///etc/passwd"}])),
	qr/^42501: .* was redirected to a URL that is not http or https$/,
	'a redirect to file: is refused (42501)');
is( run('get', qq([{"url": "http://localhost:$port/json"}]),
		"SET reporunner.http_allow = 'localhost';"),
	'[{"n": 1, "hello": "world"}]', 'an allowed host name is reached');
like(
	run('get', qq([{"url": "http://localhost:$port/redirect-to?url=http://127.0.0.1:$port/json"}]),
		"SET reporunner.http_allow = 'localhost';"),
	qr/^42501: .*refused to connect to address 127\.0\.0\.1 of host "127\.0\.0\.1"/,
	'its redirect to an address not allowed is refused');

# pg_cancel_backend() of a backend waiting for a response
save_http('slow_cancel', qq({"url": "$base/delay/60"}));
my ($out, $err) = ('', '');
my $psql = IPC::Run::start(
	[ 'psql', '-XAt', '-d', $node->connstr('postgres'), '-c',
	  "SELECT reporunner.execute('slow_cancel', '{}')" ],
	'>', \$out, '2>', \$err);
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE query LIKE '%slow_cancel%' AND pid <> pg_backend_pid() AND state = 'active'"),
	'a backend waits for a slow response');
usleep(300_000);
$start = time;
$node->safe_psql('postgres',
	"SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%slow_cancel%' AND pid <> pg_backend_pid()");
$psql->finish;
cmp_ok(time - $start, '<', 5, 'pg_cancel_backend() ended it at once');
like($err, qr/canceling statement due to user request/, 'as a cancel');

# cancel() of a background execution waiting for a response
$id = $node->safe_psql('postgres', "SELECT reporunner.start('slow_cancel', '{}')");
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) > 0 FROM jsonb_array_elements((SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r WHERE r ->> 'path' = '/delay/60' AND r -> 'headers' ->> 'idempotency-key' = encode(sha256(convert_to('$id:Call:0', 'UTF8')), 'hex')"),
	'a worker sent the slow request');
$start = time;
$node->safe_psql('postgres', "SELECT reporunner.cancel($id)");
ok( $node->poll_query_until(
		'postgres',
		"SELECT status = 'canceled' FROM reporunner.executions WHERE id = $id"),
	'cancel() ended the execution');
cmp_ok(time - $start, '<', 10, 'long before the server answered');
$id = $node->safe_psql('postgres', qq{SELECT reporunner.start('get', '{"url": "$base/json"}')});
ok( $node->poll_query_until(
		'postgres',
		"SELECT status = 'succeeded' FROM reporunner.executions WHERE id = $id"),
	'and the workers run other executions');

# only members of reporunner_http may own workflows whose http nodes run
$node->safe_psql('postgres', 'CREATE ROLE tenant LOGIN');
$node->safe_psql('postgres',
	qq{SET ROLE tenant; SELECT reporunner.save_workflow('mine', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "http", "params": {"url": "$base/json"}}], "connections": [{"from": "Start", "to": "Call"}]}')});
is( $node->safe_psql('postgres', "SET ROLE tenant; SELECT try_run('mine')"),
	'42501: workflow "mine" failed at node "Call": role "tenant" may not send HTTP requests',
	'a workflow of a role that is no member of reporunner_http fails (42501)');
$node->safe_psql('postgres', 'GRANT reporunner_http TO tenant');
is( $node->safe_psql('postgres', "SET ROLE tenant; SELECT try_run('mine')"),
	'[{"n": 1, "hello": "world"}]', 'after GRANT reporunner_http it runs');

# the SSRF guard: none of these is reached when nothing is allowed
my @refused = (
	"http://127.0.0.1:$port/json", "http://127.1:$port/json",
	"http://2130706433:$port/json", "http://0x7f.1:$port/json",
	"http://0x7f000001:$port/json", "http://017700000001:$port/json",
	"http://0177.0.0.1:$port/json", "http://127.000.000.001:$port/json",
	"http://a\@127.0.0.1:$port/json",
	"http://evil.example\@127.0.0.1:$port/json",
	"http://user:pass\@127.0.0.1:$port/json",
	"http://localhost:$port/json", "http://LOCALHOST:$port/json",
	"http://[::1]:$port/json", "http://[::ffff:127.0.0.1]:$port/json",
	"http://[::ffff:7f00:1]:$port/json",
	"http://[0:0:0:0:0:ffff:127.0.0.1]:$port/json",
	"http://[::127.0.0.1]:$port/json", "http://[64:ff9b::127.0.0.1]:$port/json",
	"http://[2002:7f00:1::]:$port/json", "http://[::]:$port/json",
	"http://0.0.0.0:$port/json", "http://0:$port/json",
	'http://169.254.169.254/latest/meta-data/', 'http://169.254.0.1/',
	'http://[::ffff:169.254.169.254]/', 'http://10.0.0.1/',
	'http://10.255.255.255/', 'http://172.16.0.1/', 'http://172.31.255.254/',
	'http://192.168.0.1/', 'http://192.168.255.255/', 'http://100.64.0.1/',
	'http://100.127.255.254/', 'http://192.0.0.1/', 'http://192.0.2.1/',
	'http://198.51.100.1/', 'http://203.0.113.1/', 'http://198.18.0.1/',
	'http://198.19.255.254/', 'http://224.0.0.1/', 'http://239.255.255.250/',
	'http://255.255.255.255/', 'http://240.0.0.1/', 'http://[fc00::1]/',
	'http://[fd12:3456::1]/', 'http://[fe80::1]/', 'http://[fec0::1]/',
	'http://[ff02::1]/', 'http://[2001:db8::1]/', 'http://[100::1]/',
	'file:///etc/passwd', "gopher://127.0.0.1:$port/", 'ftp://127.0.0.1/',
	'dict://127.0.0.1:11211/', 'ldap://127.0.0.1/', 'https://127.0.0.1:1/');
my $items = join(', ', map { qq({"url": "$_"}) } @refused);
my $results = $node->safe_psql(
	'postgres', qq{
SET reporunner.http_allow = '';
SELECT item ->> 'url' || ' ' || try_run('get', jsonb_build_array(item))
FROM jsonb_array_elements(\$i\$[$items]\$i\$) item});
my @lines = split /\n/, $results;
is(scalar(@lines), scalar(@refused), scalar(@refused) . ' URLs tried');
my @reached = grep { !/ 42501: / } @lines;
is(join("\n", @reached), '', 'every one was refused with 42501');

# names with a trailing dot do not resolve here: they fail too
my $before = received('/json', 'count(*)');
$items = join(', ', map { qq({"url": "$_"}) }
	  ("http://127.0.0.1.:$port/json", "http://localhost.:$port/json"));
is( $node->safe_psql(
		'postgres', qq{
SET reporunner.http_allow = '';
SELECT string_agg(left(try_run('get', jsonb_build_array(item)), 5), ' ')
FROM jsonb_array_elements(\$i\$[$items]\$i\$) item}),
	'08000 08000', 'names with a trailing dot fail');
is(received('/json', 'count(*)'), $before, 'the test server got none of those requests');

is( run('get', qq([{"url": "$base/json"}]), "SET reporunner.http_allow = '';"),
	'42501: workflow "get" failed at node "Call": the SSRF guard refused to connect to address 127.0.0.1 of host "127.0.0.1"',
	'127.0.0.1 is refused when not allowed');
is( run('get', qq([{"url": "http://2130706433:$port/json"}]),
		"SET reporunner.http_allow = '127.0.0.1/32';"),
	'[{"n": 1, "hello": "world"}]', 'and reached when allowed');

# a process keeps its connections from node run to node run, but not
# across a change of reporunner.http_allow
is( $node->safe_psql(
		'postgres', qq{SET reporunner.http_allow = '127.0.0.1/32';
SELECT left(try_run('get', '[{"url": "$base/json"}]'), 6);
SET reporunner.http_allow = '';
SELECT left(try_run('get', '[{"url": "$base/json"}]'), 6);}),
	qq([{"n":\n42501:), 'a kept connection is not reused once reporunner.http_allow no longer allows it');

# the requests of a node's items go out at once; items come out in order
save_http('slow_items', qq({"url": "$base/delay/{{ \$json.s }}"}));
$start = time;
is( run('slow_items', '[{"s": 1.5}, {"s": 1}, {"s": 0.5}, {"s": 0}, {"s": 1}, {"s": 1}, {"s": 1}, {"s": 1}]'),
	'[{"slept": 1.5}, {"slept": 1.0}, {"slept": 0.5}, {"slept": 0.0}, {"slept": 1.0}, {"slept": 1.0}, {"slept": 1.0}, {"slept": 1.0}]',
	'eight slow requests: the responses in the order of the items');
cmp_ok(time - $start, '<', 5, 'sent at once, not one after the other (8 s)');
$start = time;
is( run('slow_items', '[{"s": 0.5}, {"s": 0.5}, {"s": 0.5}, {"s": 0.5}]',
		'SET reporunner.http_max_per_host = 1;'),
	'[{"slept": 0.5}, {"slept": 0.5}, {"slept": 0.5}, {"slept": 0.5}]',
	'reporunner.http_max_per_host = 1: the same responses');
cmp_ok(time - $start, '>=', 2, 'one after the other');
$start = time;
run('slow_items', '[{"s": 0.5}, {"s": 0.5}, {"s": 0.5}, {"s": 0.5}]',
	'SET reporunner.http_max_concurrency = 2;');
cmp_ok(time - $start, '>=', 1, 'reporunner.http_max_concurrency = 2: two at a time');

# settings.concurrency in workers: executions parked at an http node hold
# their slot until they end, also against members of their own batch
$node->safe_psql('postgres', qq{SELECT reporunner.save_workflow('one_at_a_time', \$d\${
  "nodes": [{"name": "Start", "type": "trigger"},
    {"name": "Call", "type": "http", "params": {"url": "$base/delay/0.5"}}],
  "connections": [{"from": "Start", "to": "Call"}], "settings": {"concurrency": 1}}\$d\$)});
$node->safe_psql('postgres',
	q{SELECT reporunner.start('one_at_a_time', '[{}]') FROM generate_series(1, 4)});
$node->poll_query_until('postgres', q{
SELECT count(*) = 4 FROM reporunner.executions WHERE workflow = 'one_at_a_time' AND status = 'succeeded'})
  or die 'the executions of one_at_a_time did not all succeed';
cmp_ok($node->safe_psql('postgres', q{
SELECT extract(epoch FROM max(finished_at) - min(finished_at))
FROM reporunner.executions WHERE workflow = 'one_at_a_time'}),
	'>=', 1.5, 'settings.concurrency = 1: four background executions of 0.5 s requests end one after the other');
like(run('get', qq([{"url": "$base/delay/0.2"}, {"url": "$base/status/404"}, {"url": "$base/status/500"}])),
	qr/^38000: .*GET \Q$base\E\/status\/404 returned HTTP status 404$/,
	'of several failures, the first item\'s is the node\'s');

# a worker waits for responses with no transaction and no snapshot open
foreach my $doc (
	[ 'slow_bg', '"on_error": "stop"', qq({"name": "Then", "type": "set", "params": {"fields": {"after": true}}}) ],
	[ 'slow_bg_continue', '"on_error": "continue"', qq({"name": "Then", "type": "http", "on_error": "continue", "params": {"url": "$base/status/503"}}) ])
{
	my ($workflow, $on_error, $then) = @$doc;
	$node->safe_psql('postgres', qq{SELECT reporunner.save_workflow('$workflow', \$d\${"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "http", $on_error, "params": {"url": "$base/delay/{{ \$json.s }}"}}, $then],
	"connections": [{"from": "Start", "to": "Call"}, {"from": "Call", "to": "Then"}]}\$d\$)});
}
foreach my $workflow ('slow_bg', 'slow_bg_continue')
{
	my $sent = received('/delay/2.5', 'count(*)');
	$id = $node->safe_psql('postgres',
		"SELECT reporunner.start('$workflow', '[{\"s\": 2.5}, {\"s\": 2.5}]')");
	ok( $node->poll_query_until(
			'postgres', "SELECT count(*) = $sent + 2 FROM jsonb_array_elements(
		(SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r WHERE r ->> 'path' = '/delay/2.5'"),
		"$workflow: a worker sent both requests");
	is( $node->safe_psql(
			'postgres', q{
SELECT count(*) FILTER (WHERE xact_start IS NOT NULL OR backend_xmin IS NOT NULL
	OR state = 'idle in transaction') || ' of ' || sign(count(*))
FROM pg_stat_activity WHERE backend_type = 'reporunner worker'}),
		'0 of 1', "$workflow: while they are in flight no worker holds a transaction or a snapshot");
	ok( $node->poll_query_until(
			'postgres',
			"SELECT status = 'succeeded' FROM reporunner.executions WHERE id = $id"),
		"$workflow: then the execution goes on and ends");
}
is( $node->safe_psql(
		'postgres', qq{
SELECT string_agg(node || ' ' || status, ', ' ORDER BY node) FROM reporunner.step WHERE execution_id = $id}),
	'Call succeeded, Start succeeded, Then failed',
	'on_error continue: the responses and the failure are journaled');

$node->stop;
done_testing();
