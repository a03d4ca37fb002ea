# The http node against what real servers and users do: a PUT that is
# redirected keeps its body, URLs with spaces, a password in a URL kept out
# of errors, HEAD of a large file, a reply that is not HTTP, a reason
# phrase with a colon, an empty header, a byte order mark before JSON, Link
# headers written in any case and with several types, a response over
# reporunner.http_max_response_size that on_error absorbs like any failure
# of the node, and responses counted against max_execution_memory as they
# come.  Against the local test server (test/http_server.py).
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use HttpTestServer;
use PostgreSQL::Test::Utils;
use Test::More;

my $port = HttpTestServer::start();
my $base = "http://127.0.0.1:$port";

my $key_file = HttpTestServer::master_key();
my $node = ReporunnerNode->create('http_quirks',
	'reporunner.http_allow' => "'127.0.0.1/32'",
	'reporunner.key_file' => "'$key_file'");
HttpTestServer::setup($node);

sub save_http { HttpTestServer::save_http($node, @_); }

sub run { return HttpTestServer::run($node, @_); }

# sql(query): its result
sub sql { return $node->safe_psql('postgres', $_[0]); }

# the first output item of workflow run on items, its path (text)
sub first
{
	my ($workflow, $path, $items) = @_;
	$items //= '[{}]';
	return sql("SELECT reporunner.execute('$workflow', \$i\$$items\$i\$) -> 0 #>> '$path'");
}

# 1. PUT, PATCH and DELETE keep their method and body through a 301, 302
# and 303 (libcurl dropped the body, and the server got an empty PUT)
foreach my $method ('PUT', 'PATCH', 'DELETE')
{
	foreach my $code (301, 302, 303)
	{
		save_http('moved', qq({"method": "$method", "url": "$base/redirect-to?url=/echo&code=$code",
			"body": {"a": 1}}));
		is(first('moved', '{method}') . ' ' . first('moved', '{body}'),
			qq($method {"a": 1}), "$method keeps its body through a $code");
	}
}
save_http('posted', qq({"method": "POST", "url": "$base/redirect-to?url=/echo&code=302",
	"body": {"a": 1}}));
is(first('posted', '{method}'), 'GET', 'a POST still goes on with GET after a 302');

# 2. spaces in a URL (from an expression) are percent-encoded, as n8n does
save_http('spaced', qq({"url": "  $base/echo?q={{ \$json.q }}&x=a b  "}));
is(first('spaced', '{query,q}', '[{"q": "John Smith"}]') . '|'
	  . first('spaced', '{query,x}', '[{"q": "John Smith"}]'),
	'John Smith|a b', 'a URL with spaces inside (and around) is sent encoded');

# 3. the password of a URL's user part is kept out of errors and the journal
save_http('secret', qq({"url": "http://someone:S3cretPw\@127.0.0.1:$port/status/500"}));
my $failure = run('secret');
like($failure, qr{^38000: .*http://someone:\*\*\*\@127\.0\.0\.1}, 'a failing request names the URL with its password masked');
unlike($failure, qr/S3cretPw/, 'and not the password');
is( sql(q{SELECT count(*) FROM reporunner.execution WHERE error::text LIKE '%S3cretPw%'}),
	'0', 'nor does the journal');
save_http('secret_bad', q({"url": "http://someone:S3cretPw@exa mple.com:99999/"}));
unlike(run('secret_bad'), qr/S3cretPw/, 'nor an invalid URL\'s error');
foreach my $bad ("someone:S3cretPw\@127.0.0.1:$port/x", "http://someone:S3c/retPw\@127.0.0.1:$port/x",
	"//someone:S3cretPw\@127.0.0.1:$port/x")
{
	save_http('secret_worse', qq({"url": "$bad"}));
	unlike(run('secret_worse'), qr/S3cretPw|retPw/, "nor the error of \"$bad\"");
}
# a relative next page is read against the node's URL, never against a
# url credential's: the page's failure names no secret
HttpTestServer::set_credential($node, 'postgres', 'hook', 'url',
	qq({"url": "$base/countdown/hook/1/TOPSECRET"}));
save_http('hooked', qq({"url": "$base/public", "next_link": true, "credential": "hook"}));
my $hooked = run('hooked');
like($hooked, qr{^38000: .*GET \Q$base\E/public\?page=2 returned HTTP status 500},
	'a relative next page of a url credential\'s response is named by the node\'s URL');
unlike($hooked, qr/TOPSECRET/, 'not by the credential\'s');

# 4. HEAD of a file larger than http_max_response_size gives its headers
save_http('head', qq({"method": "HEAD", "url": "$base/large/2000000", "full_response": true}));
is(run('head', '[{}]', q{SET reporunner.http_max_response_size = '1MB';}) =~ /"status": 200/ ? 'ok' : 'no',
	'ok', 'HEAD of a file over the size limit answers with its headers');

# 5. a reply that is not HTTP is a connection failure (08000), not a
# refused redirect (42501)
save_http('garbage', qq({"url": "$base/garbage"}));
like(run('garbage'), qr/^08000: .*GET \S+\/garbage got no valid HTTP response/,
	'a reply that is not HTTP: 08000');

# 6. a reason phrase with a colon is not a header
save_http('reason', qq({"url": "$base/reason-colon", "full_response": true}));
is(sql(qq{SELECT count(*) FROM jsonb_object_keys(
	(SELECT reporunner.execute('reason', '[{}]') -> 0 -> 'headers')) k WHERE k LIKE 'http/%'}),
	'0', 'the status line is not among the headers');

# 7. a header with an empty value is sent, empty
save_http('empty_header', qq({"url": "$base/echo", "headers": {"X-Empty": "", "X-Full": "1"}}));
is(first('empty_header', '{headers,x-empty}') . '|' . first('empty_header', '{headers,x-full}'),
	'|1', 'an empty header value is sent as an empty header');

# 8. a UTF-8 byte order mark before JSON is skipped
save_http('bom', qq({"url": "$base/bom-json"}));
is(first('bom', '{a}'), '1', 'JSON after a byte order mark is parsed');

# 9. Link rel="next" in any case, among several types, with spaces
foreach my $style ('plain', 'multi', 'upper', 'space', 'relative')
{
	save_http('linked', qq({"url": "$base/linkpages/3/1?style=$style", "next_link": true}));
	is(sql(q{SELECT string_agg(r ->> 'page', ',') FROM jsonb_array_elements(
		reporunner.execute('linked', '[{}]')) r}), '1,2,3', "Link pages followed ($style)");
}

# a relative next_url is read against the page's URL too
save_http('next_relative', qq({"url": "$base/pages/3/1?rel=1", "next_url": "{{ \$json.next }}"}));
is(sql(q{SELECT string_agg(r ->> 'page', ',') FROM jsonb_array_elements(
	reporunner.execute('next_relative', '[{}]')) r}), '1,2,3', 'a relative next_url is followed');

# 10. a response over reporunner.http_max_response_size is the node's
# failure: on_error continue turns it into an error item
save_http('too_large', qq({"url": "$base/large/5000"}), '"on_error": "continue"');
like(run('too_large', '[{}]', q{SET reporunner.http_max_response_size = '1kB';}),
	qr/"error": .*larger than 1024 bytes/, 'on_error absorbs a response over the size limit (54000)');
# (the execution's own limits, max_node_items and max_execution_memory,
# still end it: sql/060_limits.sql)

# 11. the responses count against reporunner.max_execution_memory as they
# come: 60 responses of 1 MB, two at a time, stop at about 20 of them
# with the limit at 20 MB (they were all taken first, 6 GB for 400 of 8 MB
# in the review's case)
save_http('forget_log', qq({"url": "$base/log", "method": "DELETE"}));
run('forget_log');
save_http('heavy', qq({"url": "$base/large/1000000?i={{ \$json.i }}"}), '"on_error": "continue"');
like(
	run('heavy', sql(q{SELECT jsonb_agg(jsonb_build_object('i', g)) FROM generate_series(1, 60) g}),
		q{SET reporunner.max_execution_memory = '20MB'; SET reporunner.http_max_concurrency = 2;}),
	qr/^54000: .*used more than 20480 kB of memory at node "Call"/,
	'responses over max_execution_memory end the node as they come, whatever on_error says');
my $sent = scalar(HttpTestServer::requests($base, '/large/1000000'));
ok($sent < 40, "and stop the requests early ($sent of 60 sent)");

$node->stop;
done_testing();
