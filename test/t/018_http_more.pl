# The http node's pagination by a parameter, batching, multipart bodies and
# proxies, against the local test server (test/http_server.py, on
# 127.0.0.1, which reporunner.http_allow lets through; it also serves as a
# forward proxy).
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use HttpTestServer;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use MIME::Base64;
use Time::HiRes qw(time);

my $port = HttpTestServer::start();
my $base = "http://127.0.0.1:$port";

my $node = ReporunnerNode->create('http_more',
	'reporunner.http_allow' => "'127.0.0.1/32'");
HttpTestServer::setup($node);

sub save_http { HttpTestServer::save_http($node, @_); }

sub run { return HttpTestServer::run($node, @_); }

# sql(query): its result
sub sql { return $node->safe_psql('postgres', $_[0]); }

# what the test server received, the requests to path, $what of each (r)
save_http('log', qq({"url": "$base/log", "response": "json", "full_response": true}));
save_http('forget', qq({"url": "$base/log", "method": "DELETE"}));
sub received
{
	my ($path, $what) = @_;
	return sql("SELECT $what FROM jsonb_array_elements(
		(SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r WHERE r ->> 'path' = '$path'");
}

# ---------- pagination by a parameter ----------

# page numbers in the query until a page is empty
save_http('pages', qq({"url": "$base/paged/5", "query": {"per": 2, "page": 99},
	"pagination": {"param": "page"}}));
is(sql(q{SELECT string_agg(r ->> 'id', ',') FROM jsonb_array_elements(reporunner.execute('pages', '{}')) r}),
	'1,2,3,4,5', 'pages 1, 2 and 3 give the five items');
is(received('/paged/5', q{string_agg(r -> 'query' ->> 'page', ',' ORDER BY r ->> 'at')}),
	'1,2,3,4', 'page=1 to page=4 were asked (the node\'s own "page" replaced), 4 being empty');

# offsets in the body, start 0 step 2, until complete holds
run('forget');
save_http('offsets', qq({"method": "POST", "url": "$base/paged/5?per=2&wrap=1",
	"body": {"filter": "{{ \$json.f }}"},
	"pagination": {"param": "offset", "in": "body", "start": 0, "step": 2,
		"complete": "{{ \$json.more == false }}"}}));
is(sql(q{SELECT string_agg(jsonb_array_length(r -> 'items') || ':' || (r ->> 'more'), ' ')
		FROM jsonb_array_elements(reporunner.execute('offsets', '[{"f": "x"}]')) r}),
	'2:true 2:true 1:false', 'three pages of offsets, the last saying there is no more');
is(received('/paged/5', q{string_agg(r ->> 'body', ' ' ORDER BY r ->> 'at')}),
	'{"filter": "x", "offset": 0} {"filter": "x", "offset": 2} {"filter": "x", "offset": 4}',
	'the offset went in the body, next to the body\'s own members');

# max_pages, and complete on an array body
save_http('capped', qq({"url": "$base/paged/50", "pagination": {"param": "page"}, "max_pages": 3}));
is(sql(q{SELECT jsonb_array_length(reporunner.execute('capped', '{}'))}), '6',
	'max_pages: 3 pages of 2');
save_http('short', qq({"url": "$base/paged/5?per=3", "pagination": {"param": "page",
	"complete": "{{ \$json.length < 3 }}"}}));
is(sql(q{SELECT jsonb_array_length(reporunner.execute('short', '{}'))}), '5',
	'complete on an array body: a short page is the last, without asking for an empty one');

# rounds: every item's page k goes out together; items come out in order
run('forget');
save_http('rounds', qq({"url": "{{ \$json.url }}", "pagination": {"param": "page"}}));
is( sql(qq{SELECT string_agg(r ->> 'id', ',') FROM jsonb_array_elements(reporunner.execute('rounds',
		'[{"url": "$base/paged/3"}, {"url": "$base/paged/1"}]')) r}),
	'1,2,3,1', 'the first item\'s pages, then the second\'s');
is(received('/paged/3', 'count(*)') + received('/paged/1', 'count(*)'), 5,
	'3 requests for the first item, 2 for the second');

# in the background: every page has a key of its own
my $id = sql("SELECT reporunner.start('pages', '{}')");
ok(	$node->poll_query_until('postgres',
		"SELECT status = 'succeeded' FROM reporunner.executions WHERE id = $id"),
	'pagination in a background run');
is( received('/paged/5', qq{count(*) FILTER (WHERE r -> 'headers' ->> 'idempotency-key' IN
		(encode(sha256('$id:Call:0'), 'hex'), encode(sha256('$id:Call:0:1'), 'hex'),
		 encode(sha256('$id:Call:0:2'), 'hex'), encode(sha256('$id:Call:0:3'), 'hex')))}),
	'4', 'each page\'s request carried the key of (execution, node, item, page)');

like(run('pages', '[{}]', "SET reporunner.http_allow = '';"),
	qr/^42501: .*SSRF guard refused/, 'pages go through the guard');

# ---------- several items in one request ----------

# groups of two: the body the JSON array of the group's items, or of body
# computed on each; one request and one Idempotency-Key per group
save_http('grouped', qq({"method": "POST", "url": "$base/echo", "items_per_request": 2}));
save_http('grouped_body', qq({"method": "POST", "url": "$base/echo?first={{ \$json.n }}",
	"items_per_request": 2, "body": {"n": "{{ \$json.n }}"}}));
is( sql(q{SELECT string_agg(r ->> 'body', ' ') FROM jsonb_array_elements(
		reporunner.execute('grouped', '[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n": 5}]')) r}),
	'[{"n": 1}, {"n": 2}] [{"n": 3}, {"n": 4}] [{"n": 5}]',
	'items_per_request 2: five items in three requests, the last one short');
is( sql(q{SELECT string_agg((r -> 'query' ->> 'first') || '=' || (r ->> 'body'), ' ') FROM jsonb_array_elements(
		reporunner.execute('grouped_body', '[{"n": 1}, {"n": 2}, {"n": 3}]')) r}),
	'1=[{"n": 1}, {"n": 2}] 3=[{"n": 3}]',
	'body computed on each item of the group; the URL on its first item');
run('forget');
my $grouped_id = sql(q{SELECT reporunner.start('grouped', '[{"n": 1}, {"n": 2}, {"n": 3}]')});
ok( $node->poll_query_until('postgres',
		"SELECT status = 'succeeded' FROM reporunner.executions WHERE id = $grouped_id"),
	'a background run of the groups ends');
is( received('/echo', q{string_agg(r -> 'headers' ->> 'idempotency-key', ' ' ORDER BY r -> 'headers' ->> 'idempotency-key')}),
	sql(qq{SELECT string_agg(encode(sha256(convert_to(k, 'UTF8')), 'hex'), ' ' ORDER BY encode(sha256(convert_to(k, 'UTF8')), 'hex'))
		FROM unnest(ARRAY['$grouped_id:Call:0', '$grouped_id:Call:2']) k}),
	'each group carries the key of its first item');

# ---------- batching ----------

run('forget');
save_http('batched', qq({"url": "$base/echo?n={{ \$json.n }}", "batch_size": 2,
	"batch_interval": "400ms"}));
my $start = time;
is( sql(q{SELECT string_agg(r -> 'query' ->> 'n', ',') FROM jsonb_array_elements(reporunner.execute('batched',
		'[{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}, {"n": 5}]')) r}),
	'1,2,3,4,5', 'five items in batches of two, in order');
cmp_ok(time - $start, '>=', 0.8, 'two pauses between three batches');
is( sql(q{SELECT string_agg(b || ':' || n || ':' || coalesce(first - prev >= 0.4, true), ' ' ORDER BY b) FROM (
		SELECT b, n, first, lag(last) OVER (ORDER BY b) prev FROM (
			SELECT ((r -> 'query' ->> 'n')::int - 1) / 2 b, count(*) n,
				min((r ->> 'at')::float8) first, max((r ->> 'at')::float8) last
			FROM jsonb_array_elements((SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r
			WHERE r ->> 'path' = '/echo' GROUP BY 1) g) s}),
	'0:2:true 1:2:true 2:1:true',
	'batches of 2, 2 and 1 requests, each sent a batch interval after the one before ended');

# the pause serves interrupts: statement_timeout ends it
save_http('paused', qq({"url": "$base/echo", "batch_size": 1, "batch_interval": "1h"}));
my ($out, $err) = ('', '');
$start = time;
IPC::Run::run(
	[ 'psql', '-XAt', '-d', $node->connstr('postgres'), '-c',
	  "SET statement_timeout = '1s'; SELECT reporunner.execute('paused', '[{}, {}]')" ],
	'>', \$out, '2>', \$err);
like($err, qr/canceling statement due to statement timeout/, 'statement_timeout ends the pause');
cmp_ok(time - $start, '<', 30, 'long before the hour');

# a worker pauses with no transaction open, and cancel() ends the pause
$id = sql("SELECT reporunner.start('paused', '[{}, {}]')");
ok( $node->poll_query_until('postgres', qq{SELECT count(*) = 1 FROM jsonb_array_elements(
		(SELECT reporunner.execute('log', '{}')) -> 0 -> 'body') r
		WHERE r -> 'headers' ->> 'idempotency-key' = encode(sha256('$id:Call:0'), 'hex')}),
	'a worker sent the first batch');
is( sql(q{
SELECT count(*) FILTER (WHERE xact_start IS NOT NULL OR backend_xmin IS NOT NULL
	OR state = 'idle in transaction') || ' of ' || sign(count(*))
FROM pg_stat_activity WHERE backend_type = 'reporunner worker'}),
	'0 of 1', 'while it pauses, no worker holds a transaction or a snapshot');
sql("SELECT reporunner.cancel($id)");
ok( $node->poll_query_until('postgres',
		"SELECT status = 'canceled' FROM reporunner.executions WHERE id = $id"),
	'cancel() ends the pause');

# ---------- multipart ----------

my $file = encode_base64("h\xc3\xa9llo\x00\x01\xff", '');
save_http('multipart', qq({"method": "PUT", "url": "$base/echo", "body_type": "multipart",
	"body": {"title": "{{ \$json.t }}", "n": 3, "skipped": null,
		"file": {"data": "$file", "filename": "a \\"b\\".bin", "content_type": "application/x-test"}}}));
is( sql(q{SELECT concat_ws(' | ', r ->> 'method', r -> 'headers' ->> 'content-type' LIKE 'multipart/form-data; boundary=%',
		(SELECT string_agg(concat_ws(',', p ->> 'name', p ->> 'filename', p ->> 'content_type', p ->> 'base64'), ' ')
		 FROM jsonb_array_elements(r -> 'parts') p))
		FROM jsonb_array_elements(reporunner.execute('multipart', '[{"t": "é x"}]')) r}),
	"PUT | t | n,Mw== file,a %22b%22.bin,application/x-test,$file title,w6kgeA==",
	'fields and a file (quotes in its name percent-encoded), their bytes as sent; null members left out');
save_http('multipart_blocked', qq({"method": "POST", "url": "http://10.1.2.3/", "body_type": "multipart",
	"body": {"a": "1"}}));
like(run('multipart_blocked'), qr/^42501: .*SSRF guard refused/,
	'a multipart request is refused by the guard like any other');

# ---------- proxies ----------

save_http('proxied', qq({"url": "$base/json", "proxy": "$base", "full_response": true}));
like(run('proxied', '[{}]', "SET reporunner.http_allow = '';"),
	qr/^42501: .*proxy "\Q$base\E" is not allowed/, 'a proxy not listed is refused');
run('forget');
like( run('proxied', '[{}]', "SET reporunner.http_allow = ''; SET reporunner.http_proxy_allow = 'HTTP://127.0.0.1:$port/';"),
	qr/^\[\{"body": \{"n": 1, "hello": "world"\}, "status": 200, "headers": \{"via": "1\.1 test-proxy", /,
	'through a listed proxy the request is sent (the guard does not judge where the proxy connects)');
is(received('/json', q{string_agg(coalesce(r ->> 'proxied', 'direct'), ',' ORDER BY r ->> 'at')}),
	'true,direct', 'the proxy got it, and forwarded it');
save_http('not_proxied', qq({"url": "$base/json"}));
like(run('not_proxied', '[{}]', "SET reporunner.http_allow = ''; SET reporunner.http_proxy_allow = '$base';"),
	qr/^42501: .*SSRF guard refused/, 'a node without a proxy is still guarded');

$node->stop;
done_testing();
