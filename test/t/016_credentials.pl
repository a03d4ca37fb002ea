# Credentials on the http node, against the local test server
# (test/http_server.py): each type as the server receives it (bearer,
# basic, header, query, aws_sigv4 with its signature checked,
# oauth2_client_credentials with its token fetched once, kept, renewed
# after a 401 and when it expires); a tenant cannot use another's
# credential, not even by pointing a node at a server it controls; and a
# canary secret, used by workflows that succeed and that fail, in
# execute() and in workers, never shows in any table or view (pg_dump),
# export_workflow(), an error, a notification, pg_stat_activity or the
# server log, with log_statement = all and log_min_messages = debug1.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use HttpTestServer;
use ReporunnerNode;
use HTTP::Tiny;
use JSON::PP;
use MIME::Base64;
use Test::More;

delete @ENV{qw(http_proxy HTTP_PROXY all_proxy ALL_PROXY)};
my $base = "http://127.0.0.1:" . HttpTestServer::start();
my $http = HTTP::Tiny->new;

# the test server's answer to a GET, decoded
sub server_get
{
	my ($path) = @_;
	my $response = $http->get("$base$path");
	die "GET $path: $response->{status}" unless $response->{success};
	return decode_json($response->{content});
}

# the master key: 32 random bytes that only the server's user may read
my $key_file = HttpTestServer::master_key();

my $node = ReporunnerNode->create('credentials',
	'reporunner.http_allow' => "'127.0.0.1/32'",
	'reporunner.key_file' => "'$key_file'",
	'log_statement' => "'all'",
	'log_min_messages' => 'debug1',
	'log_min_error_statement' => 'error');
$node->safe_psql(
	'postgres', q{
CREATE ROLE tenant_a LOGIN;
CREATE ROLE tenant_b LOGIN;
GRANT reporunner_http TO tenant_a, tenant_b;
-- the result of execute(), or "SQLSTATE: message / detail"
CREATE FUNCTION try_run(workflow text, items jsonb DEFAULT '[{}]') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	RETURN reporunner.execute(workflow, items)::text;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(detail, ''), '');
END
$$;
GRANT EXECUTE ON FUNCTION try_run(text, jsonb) TO PUBLIC;
});

# set_credential as role (HttpTestServer::set_credential)
sub set_credential
{
	HttpTestServer::set_credential($node, @_);
}

# save_http(role, workflow, params[, more nodes]): Start -> Call, an http
# node, as role
sub save_http
{
	my ($role, $workflow, $params, $more) = @_;
	my $nodes = qq({"name": "Start", "type": "trigger"},
		{"name": "Call", "type": "http", "params": $params});
	my $connections = '{"from": "Start", "to": "Call"}';
	if ($more)
	{
		$nodes .= qq(, {"name": "Out", "type": "notify", "params": {"channel": "canary_out"}});
		$connections .= ', {"from": "Call", "to": "Out"}';
	}
	$node->safe_psql('postgres',
		"SET ROLE $role; SELECT reporunner.save_workflow('$workflow', \$d\${\"nodes\": [$nodes], \"connections\": [$connections]}\$d\$)"
	);
}

# run(role, workflow, items): try_run as role
sub run
{
	my ($role, $workflow, $items) = @_;
	$items //= '[{}]';
	return $node->safe_psql('postgres',
		"SET ROLE $role; SELECT try_run('$workflow', '$items')");
}

# run's result as JSON; dies with the error when it failed
sub run_json
{
	my $result = run(@_);
	die "$_[1]: $result" unless $result =~ /^\[/;
	return decode_json($result);
}

# ---------- each type, as the server receives it ----------

set_credential('tenant_a', 'bear', 'bearer', '{"token": "tok-1"}');
set_credential('tenant_a', 'login', 'basic',
	'{"user": "alice", "password": "pa:ss wörd"}');
set_credential('tenant_a', 'key', 'header',
	'{"name": "X-Api-Key", "value": "k-1"}');
set_credential('tenant_a', 'param', 'query',
	'{"name": "api_key", "value": "k&y=1"}');
foreach my $c ('bear', 'login', 'key', 'param')
{
	save_http('tenant_a', "echo_$c",
		qq({"url": "$base/echo?x=1", "credential": "$c"}));
}
my $echo = decode_json(
	'[' . join(',', map { run('tenant_a', "echo_$_") } qw(bear login key param)) . ']');
is($echo->[0][0]{headers}{authorization}, 'Bearer tok-1',
	'bearer: Authorization: Bearer and the token');
is($echo->[1][0]{headers}{authorization},
	'Basic ' . encode_base64('alice:pa:ss wörd', ''),
	'basic: Authorization: Basic, user and password (a colon in it too)');
is($echo->[2][0]{headers}{'x-api-key'}, 'k-1', 'header: the header named');
is_deeply($echo->[3][0]{query}, { x => '1', api_key => 'k&y=1' },
	'query: the pair appended to the query, encoded');
is($echo->[3][0]{headers}{authorization}, undef, 'and no Authorization');

# a url credential's URL is the secret: when it cannot be reached, the
# failure names the node's URL and libcurl's generic reason, not its host
set_credential('tenant_a', 'hook', 'url',
	'{"url": "http://127.0.0.1:1/services/secret-path"}');
save_http('tenant_a', 'hook_call',
	'{"url": "https://hooks.example.com/x", "method": "POST", "credential": "hook"}');
my $hook_failure = run('tenant_a', 'hook_call');
like($hook_failure, qr/^08000: .*POST https:\/\/hooks\.example\.com\/x failed/,
	'url: an unreachable credential URL fails the node, naming the node\'s URL');
unlike($hook_failure, qr/127\.0\.0\.1|port 1\b|secret-path/,
	'url: and neither the credential\'s host, port nor path');

# redirects: a credential in a header never goes to another origin
my ($port) = $base =~ /:(\d+)$/;
foreach my $c ('key', 'bear')
{
	save_http('tenant_a', "redirect_$c",
		qq({"url": "{{ \$json.url }}", "credential": "$c"}));
}
sub run_with_localhost
{
	my ($workflow, $url) = @_;
	return $node->safe_psql('postgres',
		"SET reporunner.http_allow = '127.0.0.1/32, localhost'; SET ROLE tenant_a; SELECT try_run('$workflow', '[{\"url\": \"$url\"}]')");
}
$http->delete("$base/log");
like(
	run_with_localhost('redirect_key', "$base/redirect-to?url=http://localhost:$port/echo"),
	qr/^42501: .*\/redirect-to\?url=\S+ was redirected to host "localhost", which would get the node's credential/,
	'header: a redirect to another host fails the node (42501)');
is(scalar(grep { $_->{path} eq '/echo' } @{ server_get('/log') }), 0,
	'and nothing was sent to that host');
is( decode_json(run_with_localhost('redirect_key', "$base/redirect-to?url=$base/echo"))->[0]{headers}{'x-api-key'},
	'k-1', 'header: a redirect within the origin is followed, with the header');
my $bear_away = decode_json(run_with_localhost('redirect_bear',
		"$base/redirect-to?url=http://localhost:$port/echo"))->[0];
is_deeply([ $bear_away->{path}, $bear_away->{headers}{authorization} ], [ '/echo', undef ],
	'bearer: a redirect to another host is followed, without the Authorization header');

# the pages after the first carry the credentials too, the query one included
save_http('tenant_a', 'param_pages',
	qq({"url": "$base/pages/3/1", "next_url": "{{ \$json.next }}", "credential": "param"}));
$http->delete("$base/log");
is(run('tenant_a', 'param_pages'), '[{"next": "' . "$base/pages/3/2" . '", "page": 1}, {"next": "' . "$base/pages/3/3" . '", "page": 2}, {"next": null, "page": 3}]',
	'query: three pages');
is( join(' ', map { "$_->{path}:$_->{query}{api_key}" } grep { $_->{path} =~ m{^/pages/} } @{ server_get('/log') }),
	'/pages/3/1:k&y=1 /pages/3/2:k&y=1 /pages/3/3:k&y=1',
	'query: every page\'s request carries the pair');

# a page a response names on another origin than the node's URL does not
# get the credential: the node fails before sending it there
save_http('tenant_a', 'bear_pages_away',
	qq({"url": "{{ \$json.url }}", "next_url": "{{ \$json.path == '/echo' ? 'http://localhost:$port/echo?page=2' : null }}", "credential": "bear"}));
$http->delete("$base/log");
like(run_with_localhost('bear_pages_away', "$base/echo"),
	qr/^42501: .*does not send its credential to the next page "http:\/\/localhost:\d+\/echo\?page=2"/,
	'pagination: a next page on another origin fails the node (42501)');
is(scalar(grep { ($_->{query}{page} // '') eq '2' } @{ server_get('/log') }), 0,
	'and nothing was sent there');

# the token request follows no redirect: a 307 or 308 would carry the client
# secret to wherever it points
set_credential('tenant_a', 'oauth_away', 'oauth2_client_credentials',
	qq({"token_url": "$base/redirect-to?code=307&url=http://localhost:$port/oauth/token", "client_id": "app-2", "client_secret": "cs-away"}));
save_http('tenant_a', 'oauth_away_call', qq({"url": "$base/echo", "credential": "oauth_away"}));
$http->delete("$base/log");
unlike(run_with_localhost('oauth_away_call', "$base/echo"), qr/^\[/,
	'oauth2: a token_url that redirects fails the node');
is(scalar(grep { $_->{path} eq '/oauth/token' } @{ server_get('/log') }), 0,
	'and the client secret was posted nowhere else');

# a failing request names the URL as written, without the query credential
save_http('tenant_a', 'param_404',
	qq({"url": "$base/status/404?x=1", "credential": "param"}));
like(run('tenant_a', 'param_404'),
	qr{^38000: workflow "param_404" failed at node "Call": GET http://127\.0\.0\.1:\d+/status/404\?x=1 returned HTTP status 404 / },
	'an error names the URL without the query credential');

# aws_sigv4: the server checks the signature under the secret key
$http->get("$base/aws/register?access_key=AKIDTEST&secret_key=wJalrXUtnFEMI");
set_credential('tenant_a', 'aws', 'aws_sigv4',
	'{"access_key": "AKIDTEST", "secret_key": "wJalrXUtnFEMI", "region": "eu-west-1", "service": "execute-api"}'
);
set_credential('tenant_a', 'aws_session', 'aws_sigv4',
	'{"access_key": "AKIDTEST", "secret_key": "wJalrXUtnFEMI", "region": "us-east-1", "service": "sqs", "session_token": "sess-1"}'
);
set_credential('tenant_a', 'aws_wrong', 'aws_sigv4',
	'{"access_key": "AKIDTEST", "secret_key": "not-it", "region": "eu-west-1", "service": "execute-api"}'
);
# (curl 7.88 signs the query as it is: AWS wants it sorted by name)
save_http('tenant_a', "aws_$_",
	qq({"url": "$base/aws/check?a=x%20y&b=2", "credential": "$_"}))
  foreach qw(aws aws_session aws_wrong);
my $aws = run_json('tenant_a', 'aws_aws');
is_deeply([ @{ $aws->[0] }{qw(verified access_key region service)} ],
	[ JSON::PP::true, 'AKIDTEST', 'eu-west-1', 'execute-api' ],
	'aws_sigv4: a valid signature of the request, for the region and service');
$aws = run_json('tenant_a', 'aws_aws_session');
ok( $aws->[0]{verified}
	  && grep({ $_ eq 'x-amz-security-token' } @{ $aws->[0]{signed_headers} })
	  && !grep({ $_ eq 'expect' } @{ $aws->[0]{signed_headers} }),
	'with a session token: X-Amz-Security-Token sent and signed (and no Expect signed)');
like(run('tenant_a', 'aws_aws_wrong'),
	qr{^38000: .*returned HTTP status 403 / The response began: \{"verified": false, "reason": "signature mismatch"\}},
	'another secret key: the signature does not verify');

# oauth2: one token for the requests of a backend, while it lasts
set_credential('tenant_a', 'oauth', 'oauth2_client_credentials',
	qq({"token_url": "$base/oauth/token?expires_in=3600", "client_id": "app-1", "client_secret": "cs-1", "scope": "read write", "audience": "api"})
);
save_http('tenant_a', 'oauth_call',
	qq({"url": "$base/oauth/protected", "credential": "oauth"}));
save_http('tenant_a', 'revoke', qq({"url": "$base/oauth/revoke"}));
$http->delete("$base/log");
is( run('tenant_a', 'oauth_call', '[{}, {}, {}]'),
	'[{"ok": true, "token": "token-1"}, {"ok": true, "token": "token-1"}, {"ok": true, "token": "token-1"}]',
	'oauth2: three requests with the token fetched');
my @token_requests = grep { $_->{path} eq '/oauth/token' } @{ server_get('/log') };
is(scalar(@token_requests), 1, 'fetched once for the three');
is_deeply(
	[ @{ $token_requests[0] }{qw(method body)}, $token_requests[0]{headers}{'content-type'} ],
	[
		'POST',
		'grant_type=client_credentials&client_id=app-1&client_secret=cs-1&scope=read%20write&audience=api',
		'application/x-www-form-urlencoded'
	],
	'the token request: a form POST of the client credentials grant');

# refreshed on 401: the token kept by the backend was revoked in between
is( $node->safe_psql(
		'postgres', q{
SET ROLE tenant_a;
SELECT try_run('oauth_call');
SELECT try_run('revoke');
SELECT try_run('oauth_call');}),
	qq([{"ok": true, "token": "token-2"}]\n[{}]\n[{"ok": true, "token": "token-3"}]),
	'a 401 with the kept token: a new token, and the request again');
is(server_get('/oauth/stats')->{issued}, 3, 'one token per backend, and one after the 401');

# kept until it expires (expires_in less 10 s), and until the credential
# is set again
set_credential('tenant_a', 'oauth', 'oauth2_client_credentials',
	qq({"token_url": "$base/oauth/token?expires_in=11", "client_id": "app-1", "client_secret": "cs-1"}));
is( $node->safe_psql(
		'postgres', q{
SET ROLE tenant_a;
SELECT try_run('oauth_call');
SELECT try_run('oauth_call');
SELECT pg_sleep(1.5);
SELECT try_run('oauth_call');}),
	qq([{"ok": true, "token": "token-4"}]\n[{"ok": true, "token": "token-4"}]\n\n[{"ok": true, "token": "token-5"}]),
	'a token expired a second after it came (expires_in 11) is fetched anew');

# a token endpoint that refuses, or answers without a token
set_credential('tenant_a', 'oauth_refused', 'oauth2_client_credentials',
	qq({"token_url": "$base/status/401", "client_id": "app-1", "client_secret": "cs-1"}));
set_credential('tenant_a', 'oauth_empty', 'oauth2_client_credentials',
	qq({"token_url": "$base/json", "client_id": "app-1", "client_secret": "cs-1"}));
save_http('tenant_a', "call_$_",
	qq({"url": "$base/json", "credential": "$_"}))
  foreach qw(oauth_refused oauth_empty);
like(run('tenant_a', 'call_oauth_refused'),
	qr{^38000: .*the token endpoint of credential "oauth_refused" answered HTTP status 401 / The token request was POST http://127\.0\.0\.1:\d+/status/401\.$},
	'a token endpoint answering 401 fails the node');
like(run('tenant_a', 'call_oauth_empty'),
	qr{^38000: .*the token endpoint of credential "oauth_empty" answered without an access token / },
	'an answer without access_token fails the node');

# ---------- tenancy ----------

# B cannot list, use, drop or overwrite A's, not even at a server it
# controls
is($node->safe_psql('postgres', 'SET ROLE tenant_b; SELECT count(*) FROM reporunner.credentials'),
	'0', 'B lists none of A\'s credentials');
save_http('tenant_b', 'steal', qq({"url": "$base/echo", "credential": "bear"}));
is( run('tenant_b', 'steal'),
	'42704: workflow "steal" failed at node "Call": credential "bear" does not exist / Role "tenant_b", the owner of the workflow, has no credential of that name.',
	'B\'s node naming A\'s credential, at a server B controls: not found');
my ($status, $out, $err) = $node->psql('postgres',
	q{SET ROLE tenant_b; SELECT reporunner.drop_credential('bear')});
like($err, qr/ERROR:  credential "bear" does not exist/, 'B cannot drop it');
set_credential('tenant_b', 'bear', 'bearer', '{"token": "tok-b"}');
is(run_json('tenant_b', 'steal')->[0]{headers}{authorization},
	'Bearer tok-b', 'B\'s own of that name is its own');
is(run_json('tenant_a', 'echo_bear')->[0]{headers}{authorization},
	'Bearer tok-1', 'and A\'s is unchanged');

# ---------- the canary ----------

my $canary = 'CANARY' . join('', map { ('a' .. 'z')[ int(rand(26)) ] } 1 .. 12);
$http->get("$base/aws/register?access_key=AKIDCANARY&secret_key=$canary-aws");
my %canaries = (
	c_bearer => [ 'bearer', qq({"token": "$canary-bearer"}) ],
	c_basic => [ 'basic', qq({"user": "u", "password": "$canary-basic"}) ],
	c_header => [ 'header', qq({"name": "X-Api-Key", "value": "$canary-header"}) ],
	c_query => [ 'query', qq({"name": "api_key", "value": "$canary-query"}) ],
	c_aws => [
		'aws_sigv4',
		qq({"access_key": "AKIDCANARY", "secret_key": "$canary-aws", "region": "eu-west-1", "service": "execute-api", "session_token": "$canary-session"})
	],
	c_oauth => [
		'oauth2_client_credentials',
		qq({"token_url": "$base/oauth/token", "client_id": "app", "client_secret": "$canary-oauth"})
	]);
set_credential('tenant_a', $_, @{ $canaries{$_} }) foreach sort keys %canaries;

# workflows that succeed, fail with a status, fail to connect, time out
my @workflows;
foreach my $c (sort keys %canaries)
{
	my $url = $c eq 'c_aws' ? "$base/aws/check" : "$base/json";
	save_http('tenant_a', "${c}_ok", qq({"url": "$url", "credential": "$c"}), 1);
	save_http('tenant_a', "${c}_status",
		qq({"url": "$base/status/500", "credential": "$c"}));
	save_http('tenant_a', "${c}_refused",
		qq({"url": "http://127.0.0.1:1/x", "credential": "$c"}));
	save_http('tenant_a', "${c}_slow",
		qq({"url": "$base/delay/3", "credential": "$c", "timeout": "300ms"}));
	push @workflows, map { "${c}_$_" } qw(ok status refused slow);
}

my $listener = $node->background_psql('postgres');
$listener->query_safe('LISTEN reporunner_execution; LISTEN canary_out');

# in execute(): the results and errors
my %result = map { $_ => run('tenant_a', $_) } @workflows;
is(scalar(grep { /^\[/ } values %result), 6, 'the six that should succeed did');
is(scalar(grep { /^(38000|08000): / } values %result), 18,
	'the eighteen that should fail did, with 38000 or 08000');

# in workers, watching pg_stat_activity while they wait for a response
my @ids = map {
	$node->safe_psql('postgres', "SET ROLE tenant_a; SELECT reporunner.start('$_', '{}')")
} @workflows;
my $activity = '';
foreach (1 .. 10)
{
	$activity .= $node->safe_psql('postgres',
		q{SELECT string_agg(concat_ws(' ', query, backend_type, application_name), E'\n') FROM pg_stat_activity});
}
ok( $node->poll_query_until(
		'postgres',
		'SELECT count(*) = ' . scalar(@ids) . ' FROM reporunner.executions WHERE id IN ('
		  . join(',', @ids)
		  . q{) AND status IN ('succeeded', 'failed')}),
	'the background executions ended');
is( $node->safe_psql('postgres',
		'SELECT status, count(*) FROM reporunner.executions WHERE id IN ('
		  . join(',', @ids)
		  . ') GROUP BY 1 ORDER BY 1'),
	"failed|18\nsucceeded|6",
	'six succeeded, eighteen failed');

my $notifications = '';
foreach (1 .. 20)
{
	$notifications .= $listener->query_safe('SELECT 1');
	my $count = () = $notifications =~ /"canary_out"/g;
	last if $count >= 12;
	select(undef, undef, undef, 0.1);
}
$listener->quit;
like($notifications, qr/Asynchronous notification "canary_out"/,
	'the notifications came');

# everything the database holds, as a superuser dumps it
my $dump = PostgreSQL::Test::Utils::tempdir() . '/dump.sql';
$node->command_ok(
	[ 'pg_dump', '--data-only', '-f', $dump, '-d', $node->connstr('postgres') ],
	'pg_dump --data-only');
my $dumped = PostgreSQL::Test::Utils::slurp_file($dump);
like($dumped, qr/COPY reporunner\.credential /, 'the dump holds the credentials');

my $exports = $node->safe_psql('postgres',
	'SET ROLE tenant_a; SELECT string_agg(reporunner.export_workflow(name)::text, E\'\n\') FROM reporunner.workflows');
like($exports, qr/"credential": "c_bearer"/, 'exports name the credential');

# pg_stat_activity, now that everything ran
$activity .= $node->safe_psql('postgres', 'SELECT string_agg(query, E\'\n\') FROM pg_stat_activity');

my $log = PostgreSQL::Test::Utils::slurp_file($node->logfile);
like($log, qr/LOG:  statement: SELECT reporunner\.start/,
	'the server log has every statement (log_statement = all)');
like($log, qr/DEBUG:  /, 'and debug messages');
unlike($log, qr/set_credential\(/,
	'but not the set_credential() statements, whose session turned logging off');

my %places = (
	'the dump of every table' => $dumped,
	'export_workflow()' => $exports,
	'the results and errors of execute()' => join("\n", values %result),
	'the notifications' => $notifications,
	'pg_stat_activity' => $activity,
	'the server log' => $log,
	'the executions and steps' => $node->safe_psql(
		'postgres',
		'SELECT string_agg(concat_ws(\' \', e.error, e.output, s.output, s.error, s.attempts), E\'\n\') FROM reporunner.executions e LEFT JOIN reporunner.step s ON s.execution_id = e.id'
	));
foreach my $place (sort keys %places)
{
	unlike($places{$place}, qr/$canary/, "no canary in $place");
	unlike($places{$place}, qr/\Q${\ encode_base64("u:$canary-basic", '')}\E/,
		"nor the encoded basic credential in $place");
}

# the server did receive them
my $received = encode_json(server_get('/log'));
like($received, qr/$canary-bearer/, 'the test server received the canary');

done_testing();
