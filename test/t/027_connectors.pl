# Connectors against the local mock services (test/mock_services.py): for
# each operation of the shipped slack, github, stripe and openai connectors, the
# request the service receives (method, path, query, auth header,
# Idempotency-Key, body encoding), every page of the lists, the service's
# errors as the node's error with the service's message, retries of
# retryable errors with the same Idempotency-Key; a tenant's own connector
# (the made-up "acme" API) saved, used, and invisible to another tenant;
# save_workflow() refusing an unknown operation, a missing or unknown
# param and a credential of the wrong type; aws_s3 against an S3 stand-in
# that checks SigV4 signatures (path-style and virtual-hosted, XML
# listings over pages, S3's XML errors); Stripe's nested form fields; and
# the canary test of 016_credentials.pl for the connectors' credentials.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use HttpTestServer;
use ReporunnerNode;
use HTTP::Tiny;
use JSON::PP;
use Test::More;

delete @ENV{qw(http_proxy HTTP_PROXY all_proxy ALL_PROXY)};
my $base = "http://127.0.0.1:" . HttpTestServer::start('mock_services.py');
my $http = HTTP::Tiny->new;

# the requests the mock services received since the last call, oldest first
sub received
{
	my $response = $http->get("$base/log");
	die "GET /log: $response->{status}" unless $response->{success};
	$http->request('DELETE', "$base/log");
	return decode_json($response->{content});
}

my $key_file = HttpTestServer::master_key();

my $node = ReporunnerNode->create('connectors',
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
});
HttpTestServer::setup($node);

sub set_credential
{
	HttpTestServer::set_credential($node, @_);
}

# save(role, workflow, params, node fields): Start -> Call, a connector
# node; psql's stderr when the save fails, else ''
sub save
{
	my ($role, $workflow, $params, $fields) = @_;
	$fields = $fields ? ", $fields" : '';
	my $doc = qq({"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Call", "type": "connector", "params": $params $fields}],
		"connections": [{"from": "Start", "to": "Call"}]});
	my ($ret, $out, $err) = $node->psql('postgres',
		"SET ROLE $role; SELECT reporunner.save_workflow('$workflow', \$d\$$doc\$d\$)");
	return $err;
}

# run(role, workflow, items): try_run as role
sub run
{
	my ($role, $workflow, $items) = @_;
	$items //= '[{}]';
	return $node->safe_psql('postgres',
		"SET ROLE $role; SELECT try_run('$workflow', \$i\$$items\$i\$)");
}

sub run_json
{
	my $result = run(@_);
	die "$_[1]: $result" unless $result =~ /^\[/;
	return decode_json($result);
}

my $canary = 'CANARY' . join('', map { ('a' .. 'z')[ int(rand(26)) ] } 1 .. 12);
set_credential('tenant_a', 'slack', 'bearer', qq({"token": "xoxb-$canary"}));
set_credential('tenant_a', 'github', 'bearer', qq({"token": "ghp_$canary"}));
set_credential('tenant_a', 'stripe', 'bearer', qq({"token": "sk_test_$canary"}));
set_credential('tenant_a', 'acme_key', 'header',
	qq({"name": "X-Acme-Key", "value": "acme-$canary"}));
received();

my $hex64 = qr/^[0-9a-f]{64}$/;

# ---------- slack ----------

is(save('tenant_a', 'slack_post',
	qq({"connector": "slack", "operation": "chat.postMessage", "credential": "slack",
	    "base_url": "$base/slack/api", "channel": "{{ \$json.channel }}",
	    "text": "Hello {{ \$json.who }}"})), '', 'slack chat.postMessage saved');
my $out = run_json('tenant_a', 'slack_post',
	'[{"channel": "C1", "who": "Ann"}, {"channel": "C2", "who": "Bob"}]');
is_deeply([ map { [ $_->{ok}, $_->{channel}, $_->{message}{text} ] } @$out ],
	[ [ JSON::PP::true, 'C1', 'Hello Ann' ], [ JSON::PP::true, 'C2', 'Hello Bob' ] ],
	'chat.postMessage: one message per item');
my # the two requests go out at once: in the order they arrived, C1's first
$log = [ sort { $a->{body} cmp $b->{body} } @{ received() } ];
is(scalar(@$log), 2, 'two requests');
is($log->[0]{method} . ' ' . $log->[0]{path}, 'POST /slack/api/chat.postMessage',
	'method and path');
is($log->[0]{headers}{authorization}, "Bearer xoxb-$canary", 'the bot token');
is($log->[0]{headers}{'content-type'}, 'application/json', 'a JSON body');
is_deeply(decode_json($log->[0]{body}), { channel => 'C1', text => 'Hello Ann' },
	'the body: the params given, none of the absent ones');
like($log->[0]{headers}{'idempotency-key'}, $hex64, 'an Idempotency-Key');
isnt($log->[0]{headers}{'idempotency-key'}, $log->[1]{headers}{'idempotency-key'},
	'one per item');

like(run('tenant_a', 'slack_post', '[{"channel": "C404", "who": "x"}]'),
	qr/^38000: workflow "slack_post" failed at node "Call": connector "slack" operation "chat.postMessage" failed: channel_not_found$/,
	'Slack\'s 200 with "ok": false is the node\'s error, with Slack\'s error');
received();

is(save('tenant_a', 'slack_list',
	qq({"connector": "slack", "operation": "conversations.list", "credential": "slack",
	    "base_url": "$base/slack/api", "limit": 2, "types": "public_channel"})), '',
	'slack conversations.list saved');
$out = run_json('tenant_a', 'slack_list');
is_deeply([ map { $_->{id} } @$out ], [qw(C1 C2 C3 C4 C5)],
	'conversations.list: every channel of every page, as items');
$log = received();
is_deeply([ map { $_->{query}{cursor} // '' } @$log ], [ '', 'c2', 'c4' ],
	'three pages, each asking for the cursor the page before gave');
is_deeply([ map { $_->{method} . ' ' . $_->{path} } @$log ],
	[ ('GET /slack/api/conversations.list') x 3 ], 'GETs');
is_deeply([ map { $_->{query}{types} } @$log ], [ ('public_channel') x 3 ],
	'the query param on every page');

# an incoming webhook: its URL, the secret, in a credential of type url
set_credential('tenant_a', 'hook', 'url',
	qq({"url": "$base/slack/hooks/services/T1/B1/hook-$canary"}));
set_credential('tenant_a', 'dead_hook', 'url',
	qq({"url": "$base/slack/hooks/services/T1/B1/gone-$canary"}));
like(save('tenant_a', 'slack_hook',
	qq({"connector": "slack_webhook", "operation": "send", "credential": "{{ 'hook' }}",
	    "base_url": "$base/slack/hooks", "text": "{{ \$json.text }}"})),
	qr/param "credential" must not contain an expression/, 'the credential is named, not computed');
is(save('tenant_a', 'slack_hook',
	qq({"connector": "slack_webhook", "operation": "send", "credential": "hook",
	    "base_url": "$base/slack/hooks", "text": "{{ \$json.text }}"})), '',
	'slack_webhook send saved');
is(save('tenant_a', 'slack_dead_hook',
	qq({"connector": "slack_webhook", "operation": "send", "credential": "dead_hook",
	    "base_url": "$base/slack/hooks", "text": "x"})), '', 'and one to a webhook that is gone');
received();
is_deeply(run_json('tenant_a', 'slack_hook', '[{"text": "Hi"}]'), [ { body => 'ok' } ],
	'send: Slack\'s "ok"');
$log = received();
is($log->[0]{method} . ' ' . $log->[0]{path}, "POST /slack/hooks/services/T1/B1/hook-$canary",
	'sent to the credential\'s URL');
is_deeply(decode_json($log->[0]{body}), { text => 'Hi' }, 'a JSON body');
like(run('tenant_a', 'slack_dead_hook'),
	qr{^38000: .* POST http://127\.0\.0\.1:\d+/slack/hooks/services returned HTTP status 404$},
	'a webhook that is gone fails the node, naming the base URL, not the secret one');
received();

# ---------- github ----------

is(save('tenant_a', 'gh_create',
	qq({"connector": "github", "operation": "issues.create", "credential": "github",
	    "base_url": "$base/github", "owner": "acme", "repo": "{{ \$json.repo }}",
	    "title": "{{ \$json.title }}", "labels": ["bug", "p1"]})), '',
	'github issues.create saved');
$out = run_json('tenant_a', 'gh_create', '[{"repo": "web app", "title": "It broke"}]');
is($out->[0]{title}, 'It broke', 'issues.create: the issue');
$log = received();
is($log->[0]{method} . ' ' . $log->[0]{path}, 'POST /github/repos/acme/web%20app/issues',
	'method, and the path with the params (computed ones as they are)');
is($log->[0]{headers}{authorization}, "Bearer ghp_$canary", 'the token');
is($log->[0]{headers}{accept}, 'application/vnd.github+json', 'GitHub\'s Accept header');
like($log->[0]{headers}{'user-agent'}, qr{^Reporunner/}, 'a User-Agent, which GitHub requires');
is_deeply(decode_json($log->[0]{body}), { title => 'It broke', labels => [ 'bug', 'p1' ] },
	'a JSON body, the labels an array');
like(run('tenant_a', 'gh_create', '[{"repo": "web", "title": ""}]'),
	qr/^38000: .* returned HTTP status 422: Validation Failed$/,
	'a 422 is the node\'s error, with GitHub\'s message');

is(save('tenant_a', 'gh_comment',
	qq({"connector": "github", "operation": "issues.comment", "credential": "github",
	    "base_url": "$base/github", "owner": "acme", "repo": "web",
	    "issue_number": "{{ \$json.number }}", "body": "Seen: {{ \$json.number }}"})), '',
	'github issues.comment saved');
$out = run_json('tenant_a', 'gh_comment', '[{"number": 7}]');
is_deeply([ $out->[0]{issue_number}, $out->[0]{body} ], [ 7, 'Seen: 7' ],
	'issues.comment: the comment');
$log = received();
is($log->[-1]{path}, '/github/repos/acme/web/issues/7/comments', 'the comments path');

is(save('tenant_a', 'gh_list',
	qq({"connector": "github", "operation": "issues.list", "credential": "github",
	    "base_url": "$base/github", "owner": "acme", "repo": "web", "per_page": 2,
	    "state": "all"})), '', 'github issues.list saved');
$out = run_json('tenant_a', 'gh_list');
is_deeply([ map { $_->{number} } @$out ], [ 1 .. 5 ],
	'issues.list: every issue of every page');
$log = received();
is_deeply([ map { $_->{query}{page} // '1' } @$log ], [ 1, 2, 3 ],
	'three pages, each the Link header\'s rel="next" of the one before');
is($log->[2]{headers}{authorization}, "Bearer ghp_$canary", 'the token on every page');

is(save('tenant_a', 'gh_repo',
	qq({"connector": "github", "operation": "repos.get", "credential": "github",
	    "base_url": "$base/github", "owner": "acme", "repo": "{{ \$json.repo }}"})), '',
	'github repos.get saved');
is(run_json('tenant_a', 'gh_repo', '[{"repo": "web"}]')->[0]{full_name}, 'acme/web',
	'repos.get: the repository');
like(run('tenant_a', 'gh_repo', '[{"repo": "missing"}]'),
	qr/^38000: .* GET http:\/\/127\.0\.0\.1:\d+\/github\/repos\/acme\/missing returned HTTP status 404: Not Found$/,
	'a 404 is the node\'s error, with GitHub\'s message');
received();

# ---------- stripe ----------

is(save('tenant_a', 'stripe_customer',
	qq({"connector": "stripe", "operation": "customers.create", "credential": "stripe",
	    "base_url": "$base/stripe", "email": "{{ \$json.email }}", "name": "Ann O. Nym"})),
	'', 'stripe customers.create saved');
$out = run_json('tenant_a', 'stripe_customer', '[{"email": "ann+1@example.com"}]');
like($out->[0]{id}, qr/^cus_\d+$/, 'customers.create: the customer');
$log = received();
is($log->[0]{method} . ' ' . $log->[0]{path}, 'POST /stripe/v1/customers', 'method and path');
is($log->[0]{headers}{'content-type'}, 'application/x-www-form-urlencoded',
	'a form-encoded body');
is($log->[0]{body}, 'name=Ann%20O.%20Nym&email=ann%2B1%40example.com',
	'the body, percent-encoded');
is($log->[0]{headers}{authorization}, "Bearer sk_test_$canary", 'the secret key');
like($log->[0]{headers}{'idempotency-key'}, $hex64, 'an Idempotency-Key');
like(run('tenant_a', 'stripe_customer', '[{"email": "nobody"}]'),
	qr/^38000: .* returned HTTP status 400: Invalid email address: nobody$/,
	'a 400 is the node\'s error, with the message of Stripe\'s error object');

is(save('tenant_a', 'stripe_intent',
	qq({"connector": "stripe", "operation": "payment_intents.create", "credential": "stripe",
	    "base_url": "$base/stripe", "amount": "{{ \$json.amount }}", "currency": "eur",
	    "customer": "cus_1"})), '', 'stripe payment_intents.create saved');
$out = run_json('tenant_a', 'stripe_intent', '[{"amount": 2000}]');
is_deeply([ $out->[0]{amount}, $out->[0]{currency} ], [ 2000, 'eur' ],
	'payment_intents.create: the intent');
$log = received();
is($log->[-1]{body}, 'amount=2000&currency=eur&customer=cus_1', 'the form body');
like(run('tenant_a', 'stripe_intent', '[{"amount": 402}]'),
	qr/^38000: .* returned HTTP status 402: Your card was declined\.$/,
	'a declined card is the node\'s error, with Stripe\'s message');

is(save('tenant_a', 'stripe_charges',
	qq({"connector": "stripe", "operation": "charges.list", "credential": "stripe",
	    "base_url": "$base/stripe", "limit": 2})), '', 'stripe charges.list saved');
received();
$out = run_json('tenant_a', 'stripe_charges');
is_deeply([ map { $_->{id} } @$out ], [ map { "ch_$_" } 1 .. 5 ],
	'charges.list: every charge of every page');
$log = received();
is_deeply([ map { $_->{query}{starting_after} // '' } @$log ], [ '', 'ch_2', 'ch_4' ],
	'three pages, each starting after the last charge of the one before');

# ---------- openai ----------

set_credential('tenant_a', 'openai', 'bearer', qq({"token": "sk-$canary"}));
is(save('tenant_a', 'openai_chat',
	qq({"connector": "openai", "operation": "chat.completions.create", "credential": "openai",
	    "base_url": "$base/openai/v1", "model": "{{ \$json.model }}", "temperature": 0,
	    "messages": [{"role": "system", "content": "Be brief."},
	                 {"role": "user", "content": "{{ \$json.question }}"}]})), '',
	'openai chat.completions.create saved');
received();
$out = run_json('tenant_a', 'openai_chat', '[{"model": "gpt-4o-mini", "question": "Why?"}]');
is($out->[0]{choices}[0]{message}{content}, 'echo: Why?', 'chat.completions.create: the answer');
$log = received();
is($log->[0]{method} . ' ' . $log->[0]{path}, 'POST /openai/v1/chat/completions', 'method and path');
is($log->[0]{headers}{authorization}, "Bearer sk-$canary", 'the API key');
is_deeply(decode_json($log->[0]{body}),
	{ model => 'gpt-4o-mini', temperature => 0,
	  messages => [ { role => 'system', content => 'Be brief.' }, { role => 'user', content => 'Why?' } ] },
	'a JSON body: the messages with the item\'s question in them');
like(run('tenant_a', 'openai_chat', '[{"model": "missing", "question": "x"}]'),
	qr/^38000: .* returned HTTP status 404: The model `missing` does not exist$/,
	'a 404 is the node\'s error, with the message of the error object');
is(save('tenant_a', 'openai_embed',
	qq({"connector": "openai", "operation": "embeddings.create", "credential": "openai",
	    "base_url": "$base/openai/v1", "model": "text-embedding-3-small",
	    "input": ["a", "bcd"]})), '', 'openai embeddings.create saved');
is_deeply([ map { $_->{embedding} } @{ run_json('tenant_a', 'openai_embed') } ],
	[ [ 1, 0.5 ], [ 3, 0.5 ] ], 'embeddings.create: one item per input');
received();

# ---------- aws_s3 ----------

# the secret key signs, and is never sent: the mock checks signatures with it
$http->post("$base/s3-keys?access_key=AKIDTEST&secret_key=s3-$canary");
set_credential('tenant_a', 's3', 'aws_sigv4',
	qq({"access_key": "AKIDTEST", "secret_key": "s3-$canary", "region": "us-east-1", "service": "s3"}));
set_credential('tenant_a', 's3_wrong', 'aws_sigv4',
	qq({"access_key": "AKIDTEST", "secret_key": "not-the-key", "region": "us-east-1", "service": "s3"}));
my ($port) = $base =~ /:(\d+)$/;
my $sigv4 = qr{^AWS4-HMAC-SHA256 Credential=AKIDTEST/\d{8}/us-east-1/s3/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$};

is(save('tenant_a', 's3_put',
	qq({"connector": "aws_s3", "operation": "objects.put", "credential": "s3",
	    "base_url": "$base/s3", "path_style": true, "bucket": "photos",
	    "key": "{{ \$json.key }}", "body": "{{ \$json.text }}", "content_type": "text/csv"})),
	'', 'aws_s3 objects.put saved');
received();
$out = run_json('tenant_a', 's3_put', '[{"key": "reports/2024/may day.csv", "text": "a,b\n1,2\n"}]');
is_deeply([ map { [ $_->{etag}, $_->{size} ] } @$out ], [ [ '"e5ebd4c02cefbe7955977c67ada242b7"', 0 ] ],
	'objects.put: the ETag S3 gave');
$log = received();
is($log->[0]{method} . ' ' . $log->[0]{path}, 'PUT /s3/photos/reports/2024/may%20day.csv',
	'path-style: the bucket first in the path, the key\'s slashes kept');
like($log->[0]{headers}{authorization}, $sigv4, 'a SigV4 Authorization, which the mock checked');
ok($log->[0]{headers}{'x-amz-date'}, 'and its X-Amz-Date');
is($log->[0]{headers}{'x-amz-content-sha256'}, 'UNSIGNED-PAYLOAD',
	'x-amz-content-sha256, which S3 requires');
like($log->[0]{headers}{authorization}, qr/SignedHeaders=[^,]*x-amz-content-sha256/, 'signed');
is($log->[0]{headers}{'content-type'}, 'text/csv', 'the content type given');
is($log->[0]{body}, "a,b\n1,2\n", 'the body as it is');

is(save('tenant_a', 's3_get',
	qq({"connector": "aws_s3", "operation": "objects.get", "credential": "s3",
	    "base_url": "$base/s3", "path_style": true, "bucket": "photos", "key": "{{ \$json.key }}"})),
	'', 'aws_s3 objects.get saved');
$out = run_json('tenant_a', 's3_get', '[{"key": "reports/2024/may day.csv"}, {"key": "pixel.png"}]');
is_deeply($out->[0], { body => "a,b\n1,2\n", encoding => 'text', content_type => 'text/csv',
		etag => '"e5ebd4c02cefbe7955977c67ada242b7"', size => 8 },
	'objects.get: a text body, its content type and ETag');
is_deeply([ @{ $out->[1] }{qw(body encoding content_type)} ], [ 'iVBORw0KGgoA/w==', 'base64', 'image/png' ],
	'a binary one in base64');
like(run('tenant_a', 's3_get', '[{"key": "missing.txt"}]'),
	qr{^38000: .* GET http://127\.0\.0\.1:\d+/s3/photos/missing\.txt returned HTTP status 404: The specified key does not exist\.$},
	'an S3 error is the node\'s error, with the Message of S3\'s XML');
# a copy: objects.get's output is what objects.put takes, binary included
$node->safe_psql('postgres', qq{SET ROLE tenant_a; SELECT reporunner.save_workflow('s3_copy', '{
	"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Get", "type": "connector", "params": {"connector": "aws_s3", "operation": "objects.get",
			"credential": "s3", "base_url": "$base/s3", "path_style": true, "bucket": "photos",
			"key": "pixel.png"}},
		{"name": "Put", "type": "connector", "params": {"connector": "aws_s3", "operation": "objects.put",
			"credential": "s3", "base_url": "$base/s3", "path_style": true, "bucket": "photos",
			"key": "{{ ''copy of '' + \$json.etag.length + ''.png'' }}", "body": "{{ \$json.body }}",
			"encoding": "{{ \$json.encoding }}", "content_type": "{{ \$json.content_type }}"}}],
	"connections": [{"from": "Start", "to": "Get"}, {"from": "Get", "to": "Put"}]}')});
received();
run_json('tenant_a', 's3_copy');
$log = received();
is_deeply([ map { "$_->{method} $_->{path} " . ($_->{headers}{'content-type'} // '-') . ' ' . length($_->{body}) } @$log ],
	[ 'GET /s3/photos/pixel.png - 0', 'PUT /s3/photos/copy%20of%2034.png image/png 10' ],
	'objects.put of a base64 body sends its bytes, signed (10 bytes, shown decoded with replacements)');
is(run_json('tenant_a', 's3_get', '[{"key": "copy of 34.png"}]')->[0]{body}, 'iVBORw0KGgoA/w==',
	'and objects.get gives them back');
is(save('tenant_a', 's3_put_hex',
	qq({"connector": "aws_s3", "operation": "objects.put", "credential": "s3",
	    "base_url": "$base/s3", "path_style": true, "bucket": "photos",
	    "key": "x", "body": "00ff", "encoding": "hex"})), '', 'a put with an unknown encoding');
received();
like(run('tenant_a', 's3_put_hex'),
	qr/failed at node "Call": node "Call" param "body\.encoding" is neither "text" nor "base64"$/,
	'fails before anything is sent');
is(scalar(@{ received() }), 0, 'nothing was sent');
is(save('tenant_a', 's3_wrong',
	qq({"connector": "aws_s3", "operation": "objects.get", "credential": "s3_wrong",
	    "base_url": "$base/s3", "path_style": true, "bucket": "photos", "key": "pixel.png"})),
	'', 'a node with the wrong secret key');
like(run('tenant_a', 's3_wrong'),
	qr{^38000: .* returned HTTP status 403: The request signature we calculated does not match the signature you provided \(signature mismatch\)\.$},
	'is refused by the signature check');

is(save('tenant_a', 's3_virtual',
	qq({"connector": "aws_s3", "operation": "objects.get", "credential": "s3",
	    "base_url": "http://localhost:$port/s3", "bucket": "photos", "key": "pixel.png"})),
	'', 'virtual-hosted addressing: the bucket in the host name');
received();
is(run_json('tenant_a', 's3_virtual')->[0]{encoding}, 'base64', 'runs');
$log = received();
is($log->[0]{headers}{host} . ' ' . $log->[0]{path}, "photos.localhost:$port /s3/pixel.png",
	'the request went to the bucket\'s host, the key alone in the path');
# a bucket of several expressions: each is encoded, so an item's value
# cannot name another host (which would get the signed request)
is(save('tenant_a', 's3_parts',
	qq({"connector": "aws_s3", "operation": "objects.get", "credential": "s3",
	    "base_url": "http://localhost:$port/s3", "bucket": "{{ \$json.a }}{{ \$json.b }}", "key": "pixel.png"})),
	'', 'a bucket of two expressions');
is(run_json('tenant_a', 's3_parts', '[{"a": "pho", "b": "tos"}]')->[0]{encoding}, 'base64', 'runs');
is(received()->[0]{headers}{host}, "photos.localhost:$port", 'with the host the two make');
unlike(run('tenant_a', 's3_parts', qq([{"a": "x\@127.0.0.1:$port/s3/steal#", "b": ""}])), qr/^\[/,
	'a value that would name another host fails the node');
is(scalar(@{ received() }), 0, 'and sends nothing');
# an expression that ends in a comment is wrapped whole
is(save('tenant_a', 's3_commented',
	qq({"connector": "aws_s3", "operation": "objects.get", "credential": "s3",
	    "base_url": "$base/s3", "path_style": true, "bucket": "photos",
	    "key": "{{ \$json.key // the key to read }}"})),
	'', 'a key whose expression ends in a comment is saved');
is(run_json('tenant_a', 's3_commented', '[{"key": "pixel.png"}]')->[0]{encoding}, 'base64', 'and runs');
received();
# a key's computed "." and ".." segments are not resolved into another bucket
run('tenant_a', 's3_get', '[{"key": "../listing/k1.txt"}]');
is(received()->[0]{path}, '/s3/photos/%2E%2E/listing/k1.txt',
	'a key\'s ".." segment stays in the bucket, written %2E%2E');

is(save('tenant_a', 's3_list',
	qq({"connector": "aws_s3", "operation": "objects.list", "credential": "s3",
	    "base_url": "$base/s3", "path_style": true, "bucket": "{{ \$json.bucket }}",
	    "prefix": "k", "max_keys": 2})), '', 'aws_s3 objects.list saved');
$out = run_json('tenant_a', 's3_list', '[{"bucket": "listing"}]');
is_deeply([ map { "$_->{Key} $_->{Size}" } @$out ], [ map { "k$_.txt $_" } 1 .. 5 ],
	'objects.list: every object of every page, as items read from the XML');
$log = received();
is_deeply([ map { $_->{query}{'continuation-token'} // '-' } @$log ], [ '-', 'bmV4dDI=', 'bmV4dDQ=' ],
	'three pages, each with the NextContinuationToken of the one before');
is_deeply([ map { "$_->{path} $_->{query}{'list-type'} $_->{query}{prefix} $_->{query}{'max-keys'}" } @$log ],
	[ ('/s3/listing/ 2 k 2') x 3 ], 'ListObjectsV2 with the query on every page (signed sorted)');
like(run('tenant_a', 's3_list', '[{"bucket": "nope"}]'),
	qr/returned HTTP status 404: The specified bucket does not exist$/, 'NoSuchBucket');
like(run('tenant_a', 's3_list', '[{"bucket": "broken"}]'),
	qr{failed at node "Call": the response to GET http://127\.0\.0\.1:\d+/s3/broken/ is not well-formed XML$},
	'a list that is not well-formed XML fails the node');
received();

# ---------- Stripe's nested form fields, through the http node ----------

$node->safe_psql('postgres', qq{SET ROLE tenant_a; SELECT reporunner.save_workflow('stripe_nested', '{
	"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Pay", "type": "http", "params": {"method": "POST", "url": "$base/stripe/v1/payment_intents",
			"credential": "stripe", "body_type": "form",
			"body": {"amount": 300, "currency": "eur", "metadata": {"order_id": "{{ \$json.order }}", "note": "a&b"},
				"expand": ["customer", "latest_charge"], "empty": {}, "skip": null,
				"line_items": [{"price": "p_1", "quantity": 2}]}}}],
	"connections": [{"from": "Start", "to": "Pay"}]}')});
received();
run_json('tenant_a', 'stripe_nested', '[{"order": 42}]');
is(received()->[0]{body},
	'empty=&amount=300&expand[]=customer&expand[]=latest_charge&currency=eur&metadata[note]=a%26b&metadata[order_id]=42&line_items[0][price]=p_1&line_items[0][quantity]=2',
	'a form body\'s objects and arrays nested as Stripe reads them');

# ---------- the http node's params the connectors use, directly ----------

$node->safe_psql('postgres', qq{SET ROLE tenant_a; SELECT reporunner.save_workflow('http_pages', '{
	"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Link", "type": "http", "params": {"url": "$base/github/repos/o/r/issues?per_page=3",
			"credential": "github", "next_link": true, "max_pages": 5}},
		{"name": "Cursor", "type": "http", "params": {"url": "$base/stripe/v1/charges", "query": {"limit": 4},
			"credential": "stripe", "pagination": {"param": "starting_after",
				"cursor": "{{ \$json.has_more ? \$json.data[\$json.data.length - 1].id : null }}"}}},
		{"name": "Both", "type": "merge", "params": {"mode": "append"}}],
	"connections": [{"from": "Start", "to": "Link"}, {"from": "Start", "to": "Cursor"},
		{"from": "Link", "to": "Both"}, {"from": "Cursor", "to": "Both", "input": 1}]}')});
received();
$out = run_json('tenant_a', 'http_pages');
is(scalar(@$out), 7, 'http next_link: 5 issues in 2 pages; pagination.cursor: 2 pages of charges');
$log = received();
is_deeply([ sort map { "$_->{path} " . ($_->{query}{page} // $_->{query}{starting_after} // '-') } @$log ],
	[ '/github/repos/o/r/issues -', '/github/repos/o/r/issues 2', '/stripe/v1/charges -', '/stripe/v1/charges ch_4' ],
	'the pages requested');
$node->safe_psql('postgres', qq{SET ROLE tenant_a; SELECT reporunner.save_workflow('http_error', '{
	"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Pay", "type": "http", "params": {"method": "POST", "url": "$base/stripe/v1/payment_intents",
			"credential": "stripe", "body_type": "form", "body": {"amount": 402, "currency": "eur"},
			"error_message": "{{ \$json.error.message }}"}}],
	"connections": [{"from": "Start", "to": "Pay"}]}')});
like(run('tenant_a', 'http_error'),
	qr/^38000: .* returned HTTP status 402: Your card was declined\.$/,
	'http error_message: the service\'s message in the node\'s error');
received();

# ---------- retries ----------

is(save('tenant_a', 'slack_flaky',
	qq({"connector": "slack", "operation": "chat.postMessage", "credential": "slack",
	    "base_url": "$base/slack/api", "channel": "FLAKY", "text": "again"}),
	'"retry": {"tries": 3, "delay": "100ms"}'), '', 'a workflow with a retry policy');
is(save('tenant_a', 'stripe_flaky',
	qq({"connector": "stripe", "operation": "customers.create", "credential": "stripe",
	    "base_url": "$base/stripe", "email": "flaky\@example.com"}),
	'"retry": {"tries": 3, "delay": "100ms"}'), '', 'and another');
is(save('tenant_a', 'stripe_bad',
	qq({"connector": "stripe", "operation": "customers.create", "credential": "stripe",
	    "base_url": "$base/stripe", "email": "nobody"}),
	'"retry": {"tries": 3, "delay": "100ms"}'), '', 'and one that fails for good');
received();
my @ids = map {
	$node->safe_psql('postgres', "SET ROLE tenant_a; SELECT reporunner.start('$_', '{}')")
} qw(slack_flaky stripe_flaky stripe_bad);
ok( $node->poll_query_until(
		'postgres',
		'SELECT count(*) = 3 FROM reporunner.executions WHERE id IN ('
		  . join(',', @ids)
		  . q{) AND status IN ('succeeded', 'failed')}),
	'the background executions ended');
is( $node->safe_psql('postgres',
		'SELECT string_agg(status, \',\' ORDER BY id) FROM reporunner.executions WHERE id IN ('
		  . join(',', @ids) . ')'),
	'succeeded,succeeded,failed',
	'the 503 and the 500 succeeded on their second try; the 400 failed');
$log = received();
is(scalar(grep { $_->{body} =~ /email=nobody/ } @$log), 1,
	'a 400, which stripe\'s retry_on does not list, is not retried');
foreach my $path ('/slack/api/chat.postMessage', '/stripe/v1/customers')
{
	my @tries = grep { $_->{path} eq $path && $_->{body} !~ /nobody/ } @$log;
	is(scalar(@tries), 2, "$path: a 5xx, then a retry");
	is($tries[0]{headers}{'idempotency-key'}, $tries[1]{headers}{'idempotency-key'},
		"$path: the retry with the same Idempotency-Key");
}

# ---------- a tenant's own connector ----------

my $acme = qq({"description": "The acme widget API",
	"base_url": "https://api.acme.example",
	"credential": {"types": ["header"]},
	"error_message": "{{ \$json.problem }}",
	"operations": {"widgets.get": {"method": "GET", "path": "/widgets/{{ \$param.id }}",
		"params": {"id": {"required": true}, "colour": {}},
		"query": {"colour": "{{ \$param.colour }}"}, "items": "widget"}}});
is( $node->safe_psql('postgres',
		"SET ROLE tenant_a; SELECT reporunner.save_connector('acme', \$c\$$acme\$c\$)"),
	'1', 'tenant A saves its connector "acme"');
is(save('tenant_a', 'acme_get',
	qq({"connector": "acme", "operation": "widgets.get", "credential": "acme_key",
	    "base_url": "$base/acme", "id": "{{ \$json.id }}", "colour": "blue"})), '',
	'and a workflow using it');
is_deeply(run_json('tenant_a', 'acme_get', '[{"id": 3}, {"id": 4}]'),
	[ { id => 3, colour => 'blue' }, { id => 4, colour => 'blue' } ],
	'which runs: the items at the connector\'s items path');
$log = received();
is_deeply([ sort map { "$_->{path}?colour=$_->{query}{colour} $_->{headers}{'x-acme-key'}" } @$log ],
	[ "/acme/widgets/3?colour=blue acme-$canary", "/acme/widgets/4?colour=blue acme-$canary" ],
	'the requests: path, query and the header credential');
like(run('tenant_a', 'acme_get', '[{"id": 0}]'),
	qr/^38000: .* returned HTTP status 404: no widget 0$/,
	'its error_message makes the node\'s error');
is( $node->safe_psql('postgres',
		"SET ROLE tenant_b; SELECT count(*) FROM reporunner.connectors WHERE name = 'acme'"),
	'0', 'tenant B does not see it');
is( $node->safe_psql('postgres',
		"SET ROLE tenant_b; SELECT string_agg(name, ',' ORDER BY name) FROM reporunner.connectors"),
	'aws_s3,github,openai,slack,slack_webhook,stripe', 'but sees the shipped ones');
like(save('tenant_b', 'steal', qq({"connector": "acme", "operation": "widgets.get", "id": 1})),
	qr/ERROR:  connector "acme" does not exist/, 'nor can it use it');

# ---------- what save_workflow() refuses ----------

like(save('tenant_a', 'bad', qq({"connector": "slack", "operation": "chat.delete", "credential": "slack"})),
	qr/ERROR:  node "Call": connector "slack" has no operation "chat.delete"/,
	'an operation the connector lacks');
like(save('tenant_a', 'bad', qq({"connector": "slack", "operation": "chat.postMessage", "credential": "slack", "text": "x"})),
	qr/ERROR:  node "Call" is missing param "channel", which operation "chat.postMessage" of connector "slack" requires/,
	'a missing required param');
like(save('tenant_a', 'bad', qq({"connector": "slack", "operation": "chat.postMessage", "credential": "slack", "channel": "C1", "colour": "red"})),
	qr/ERROR:  node "Call" param "colour" is not a param of operation "chat.postMessage" of connector "slack"/,
	'a param the operation does not have');
like(save('tenant_a', 'bad', qq({"connector": "slack", "operation": "chat.postMessage", "channel": "C1"})),
	qr/ERROR:  node "Call" is missing param "credential", which connector "slack" requires/,
	'no credential');
like(save('tenant_a', 'bad', qq({"connector": "slack", "operation": "chat.postMessage", "credential": "acme_key", "channel": "C1"})),
	qr/ERROR:  node "Call" credential "acme_key" is of type "header", which connector "slack" does not take/,
	'a credential of the wrong type');
like(save('tenant_a', 'bad', qq({"connector": "nope", "operation": "x"})),
	qr/ERROR:  connector "nope" does not exist/, 'an unknown connector');
is($node->safe_psql('postgres', "SELECT count(*) FROM reporunner.workflows WHERE name = 'bad'"),
	'0', 'none of them was saved');

# ---------- the canary ----------

my $dump = PostgreSQL::Test::Utils::tempdir() . '/dump.sql';
$node->command_ok(
	[ 'pg_dump', '--data-only', '-f', $dump, '-d', $node->connstr('postgres') ],
	'pg_dump --data-only');
my $dumped = PostgreSQL::Test::Utils::slurp_file($dump);
like($dumped, qr/COPY reporunner\.connector /, 'the dump holds the connectors');
like($dumped, qr/acme/, 'the tenant\'s among them');
my $exports = $node->safe_psql('postgres',
	'SET ROLE tenant_a; SELECT string_agg(reporunner.export_workflow(name)::text, E\'\n\') FROM reporunner.workflows');
like($exports, qr/"credential": "slack"/, 'exports name the credential');
my $results = join("\n",
	map { run('tenant_a', $_->[0], $_->[1]) } (
		[ 'slack_post', '[{"channel": "C404"}]' ],
		[ 'gh_repo', '[{"repo": "missing"}]' ],
		[ 'stripe_intent', '[{"amount": 402}]' ],
		[ 'acme_get', '[{"id": 0}]' ],
		[ 'stripe_charges', '[{}]' ],
		[ 'slack_dead_hook', '[{}]' ],
		[ 's3_get', '[{"key": "missing.txt"}]' ],
		[ 's3_list', '[{"bucket": "listing"}]' ]));
my $log_text = PostgreSQL::Test::Utils::slurp_file($node->logfile);
like($log_text, qr/LOG:  statement: SELECT reporunner\.start/,
	'the server log has every statement (log_statement = all)');
my %places = (
	'the dump of every table' => $dumped,
	'export_workflow()' => $exports,
	'the results and errors of execute()' => $results,
	'the server log' => $log_text,
	'pg_stat_activity' => $node->safe_psql('postgres',
		'SELECT string_agg(query, E\'\n\') FROM pg_stat_activity'),
	'the executions and steps' => $node->safe_psql(
		'postgres',
		'SELECT string_agg(concat_ws(\' \', e.error, e.output, s.output, s.error, s.attempts), E\'\n\') FROM reporunner.executions e LEFT JOIN reporunner.step s ON s.execution_id = e.id'
	));
foreach my $place (sort keys %places)
{
	unlike($places{$place}, qr/$canary/, "no canary in $place");
}
my $wire = encode_json(received());
like($wire, qr/xoxb-$canary/, 'the services did receive it');
unlike($wire, qr/s3-$canary/, 'but never the AWS secret key, which only signs');

done_testing();
