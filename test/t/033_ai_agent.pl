# The ai_agent node against the scripted chat completions of the mock
# services (test/mock_services.py, POST /openai/v1/scripts):
#   - a conversation with two tool calls, each a workflow whose sql node
#     writes a ledger row, ends with the scripted answer: the requests the
#     model received (the tools with their input schemas, each tool's
#     result sent back under its call's id), the ledger, the token usage
#     summed and per model call, the sub-workflows journaled as calls of
#     the agent's execution; the same in a background run (start());
#   - a SIGKILL of the worker while it waits for the second model call of
#     a background run: after the restart, the run ends with the answer,
#     the first model call and the first tool's SQL not repeated (the
#     mock's record, the ledger), each reply journaled once;
#   - a call of a function that does not exist is answered with an error
#     the model sees; a tool workflow that fails fails the node with its
#     error, inside execute() and in a background run;
#   - a model that never stops calling tools ends at max_iterations with
#     an error (54000) after exactly that many model calls;
#   - the canary test of 016_credentials.pl for the openai credential.
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

# the chat completion requests the mock received since the last call, oldest
# first, their bodies decoded
sub model_requests
{
	my $response = $http->get("$base/log");
	die "GET /log: $response->{status}" unless $response->{success};
	$http->request('DELETE', "$base/log");
	return [ map { { %$_, json => decode_json($_->{body}) } }
		  grep { $_->{path} eq '/openai/v1/chat/completions' }
		  @{ decode_json($response->{content}) } ];
}

# script(model => [replies]): the conversation the mock replays for model
sub script
{
	my %scripts = @_;
	my $response = $http->post("$base/openai/v1/scripts",
		{ content => encode_json(\%scripts) });
	die "POST /scripts: $response->{status}" unless $response->{success};
}

my $key_file = HttpTestServer::master_key();
my $node = ReporunnerNode->create('agent',
	'reporunner.http_allow' => "'127.0.0.1/32'",
	'reporunner.key_file' => "'$key_file'",
	'log_statement' => "'all'",
	'log_min_messages' => 'debug1',
	'log_min_error_statement' => 'error',
	'restart_after_crash' => 'on');
$node->safe_psql(
	'postgres', q{
CREATE ROLE tenant_a LOGIN;
GRANT reporunner_http TO tenant_a;
CREATE TABLE ledger (id serial, tool text, what text);
GRANT INSERT, SELECT ON ledger TO tenant_a;
GRANT USAGE ON SEQUENCE ledger_id_seq TO tenant_a;
});
HttpTestServer::setup($node);

my $canary = 'CANARY' . join('', map { ('a' .. 'z')[ int(rand(26)) ] } 1 .. 12);
HttpTestServer::set_credential($node, 'tenant_a', 'openai', 'bearer',
	qq({"token": "sk-$canary"}));

# tool(name, description of its input): a workflow writing a ledger row
sub tool
{
	my ($name, $description) = @_;
	my $doc = qq({"settings": {"input_schema": {"type": "object",
			"properties": {"what": {"type": "string", "description": "$description"}},
			"required": ["what"]}},
		"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Write", "type": "sql", "params": {
			"query": "INSERT INTO ledger (tool, what) VALUES (\$1, \$2) RETURNING id, what",
			"args": ["$name", "{{ \$json.what }}"]}}],
		"connections": [{"from": "Start", "to": "Write"}]});
	$node->safe_psql('postgres',
		"SET ROLE tenant_a; SELECT reporunner.save_workflow('$name', \$d\$$doc\$d\$)");
}
tool('record', 'What to record');
tool('audit', 'What to audit');

# agent(workflow, model, extra params, tools): Start -> Agent
sub agent
{
	my ($workflow, $model, $extra, $tools) = @_;
	$extra = $extra ? ", $extra" : '';
	$tools //= '[{"workflow": "record", "description": "Record a thing"},
				 {"workflow": "audit", "name": "audit_it"}]';
	my $doc = qq({"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Agent", "type": "ai_agent", "params": {
			"model": "$model", "credential": "openai", "base_url": "$base/openai/v1",
			"system": "You keep the ledger.", "message": "{{ \$json.question }}",
			"tools": $tools $extra}}],
		"connections": [{"from": "Start", "to": "Agent"}]});
	$node->safe_psql('postgres',
		"SET ROLE tenant_a; SELECT reporunner.save_workflow('$workflow', \$d\$$doc\$d\$)");
}

sub run
{
	my ($workflow, $items) = @_;
	return $node->safe_psql('postgres',
		"SET ROLE tenant_a; SELECT try_run('$workflow', \$i\$$items\$i\$)");
}

# ---------- a conversation with two tool calls ----------

script(scripted => [
	{ tool_calls => [ { name => 'record', arguments => { what => 'first' } } ] },
	{ tool_calls => [ { name => 'audit_it', arguments => { what => 'second' } } ] },
	{ content => 'Recorded first, audited second.' } ]);
agent('keeper', 'scripted');

my $result = run('keeper', '[{"question": "Keep the ledger"}]');
like($result, qr/^\[/, 'the agent ran') or diag($result);
my $out = decode_json($result)->[0];
is($out->{answer}, 'Recorded first, audited second.', 'the scripted answer is the output');
is($out->{model_calls}, 3, 'three model calls');
# prompt tokens: 10 per message sent (2, 4, then 6 messages)
is_deeply($out->{usage},
	{ prompt_tokens => 120, completion_tokens => 15, total_tokens => 135 },
	'the token usage of the three calls summed');
is_deeply([ map { "$_->{kind} $_->{turn}" . ($_->{tool} ? " $_->{tool}" : '') } @{ $out->{steps} } ],
	[ 'model 1', 'tool 1 record', 'model 2', 'tool 2 audit_it', 'model 3' ],
	'each model call and tool call is a step');
is($out->{steps}[0]{usage}{prompt_tokens}, 20, 'each model call with its own usage');
is($node->safe_psql('postgres', 'SELECT string_agg(tool || \' \' || what, \', \' ORDER BY id) FROM ledger'),
	'record first, audit second', 'each tool wrote its ledger row once');

my $requests = model_requests();
is(scalar(@$requests), 3, 'the model received three requests');
is($requests->[0]{headers}{authorization}, "Bearer sk-$canary", 'with the API key');
my $first = $requests->[0]{json};
is($first->{model}, 'scripted', 'the model');
is_deeply([ map { "$_->{role}: $_->{content}" } @{ $first->{messages} } ],
	[ 'system: You keep the ledger.', 'user: Keep the ledger' ],
	'the system prompt and the message of the item');
is_deeply([ map { $_->{function}{name} } @{ $first->{tools} } ], [ 'record', 'audit_it' ],
	'the tools, by their names');
is($first->{tools}[0]{function}{description}, 'Record a thing', 'with their descriptions');
is($first->{tools}[0]{function}{parameters}{properties}{what}{description}, 'What to record',
	'and the input schema of their workflow as parameters');
my $second = $requests->[1]{json}{messages};
is(scalar(@$second), 4, 'the second request has the conversation so far');
is($second->[2]{tool_calls}[0]{id}, 'call_0_0', 'the model\'s tool call');
is($second->[3]{role} . ' ' . $second->[3]{tool_call_id}, 'tool call_0_0', 'then the tool\'s answer under its id');
like($second->[3]{content}, qr/^\[\{"id": 1, "what": "first"\}\]$/, 'which is the items the workflow gave');
is(scalar(@{ $requests->[2]{json}{messages} }), 6, 'the third request has both tool answers');
is( $node->safe_psql('postgres', q{
	SELECT string_agg(c.workflow || ' ' || c.mode || ' ' || c.status, ', ' ORDER BY c.id)
	FROM reporunner.executions c
	WHERE c.parent_id = (SELECT max(id) FROM reporunner.executions WHERE mode = 'call')}),
	'record subworkflow succeeded, audit subworkflow succeeded',
	'the tool calls are journaled as sub-workflows of the agent\'s execution');

# the same in a background run
my $id = $node->safe_psql('postgres',
	"SET ROLE tenant_a; SELECT reporunner.start('keeper', '[{\"question\": \"Again\"}]')");
ok( $node->poll_query_until('postgres',
		"SELECT status IN ('succeeded', 'failed') FROM reporunner.executions WHERE id = $id"),
	'the background run ended');
is( $node->safe_psql('postgres',
		"SELECT status || ' ' || (output -> 0 ->> 'answer') FROM reporunner.executions WHERE id = $id"),
	'succeeded Recorded first, audited second.', 'a background run gives the answer too');
is($node->safe_psql('postgres', 'SELECT count(*) FROM ledger'), 4, 'with its own two ledger rows');
is(scalar(@{ model_requests() }), 3, 'after three model calls');
is( $node->safe_psql('postgres',
		"SELECT string_agg(turn || ' ' || (usage ->> 'total_tokens'), ', ' ORDER BY turn) FROM reporunner.agent_turn WHERE execution_id = $id"),
	'1 25, 2 45, 3 65', 'each model call journaled with its usage');

# ---------- a SIGKILL between the first and the second model call ----------

script(crashy => [
	{ tool_calls => [ { name => 'record', arguments => { what => 'crash first' } } ] },
	{ hold => JSON::PP::true, tool_calls => [ { name => 'audit_it', arguments => { what => 'crash second' } } ] },
	{ content => 'Survived.' } ]);
agent('crashy_keeper', 'crashy');
$id = $node->safe_psql('postgres',
	"SET ROLE tenant_a; SELECT reporunner.start('crashy_keeper', '[{\"question\": \"Crash\"}]')");
ok(HttpTestServer::wait_held($base, '/openai/v1/chat/completions', 2),
	'the worker waits for the second model call');
is($node->safe_psql('postgres', "SELECT what FROM ledger WHERE what LIKE 'crash%'"),
	'crash first', 'after the first tool wrote its row');
ok(HttpTestServer::kill_workers($node), 'the server restarted after the SIGKILL');
ok( $node->poll_query_until('postgres',
		"SELECT status IN ('succeeded', 'failed') FROM reporunner.executions WHERE id = $id"),
	'the run ended after the restart');
is( $node->safe_psql('postgres',
		"SELECT status || ' ' || (output -> 0 ->> 'answer') || ' ' || (output -> 0 ->> 'model_calls') FROM reporunner.executions WHERE id = $id"),
	'succeeded Survived. 3', 'with the answer, after three model calls');
is_deeply([ map { scalar(grep { $_->{role} eq 'assistant' } @{ $_->{json}{messages} }) } @{ model_requests() } ],
	[ 0, 1, 1, 2 ], 'the first model call was not made again, the one cut off was');
is($node->safe_psql('postgres', "SELECT string_agg(what, ', ' ORDER BY id) FROM ledger WHERE what LIKE 'crash%'"),
	'crash first, crash second', 'each tool\'s SQL ran once');
is( $node->safe_psql('postgres',
		"SELECT string_agg(turn::text, ',' ORDER BY turn) FROM reporunner.agent_turn WHERE execution_id = $id"),
	'1,2,3', 'each reply journaled once');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.executions WHERE parent_id = $id AND status = 'succeeded'"),
	2, 'two tool calls, each one sub-workflow execution');

# ---------- tools that do not exist, tools that fail ----------

script(confused => [
	{ tool_calls => [ { name => 'nope', arguments => {} } ] },
	{ content => 'Sorry.' } ]);
agent('confused_keeper', 'confused');
like(run('confused_keeper', '[{"question": "?"}]'), qr/"answer": "Sorry\."/,
	'a model calling a function that does not exist gets an answer');
is(model_requests()->[1]{json}{messages}[3]{content}, 'error: there is no tool called nope',
	'which says so');

$node->safe_psql('postgres', q{SET ROLE tenant_a; SELECT reporunner.save_workflow('broken',
	'{"nodes": [{"name": "Start", "type": "trigger"},
				{"name": "Divide", "type": "sql", "params": {"query": "SELECT 1 / 0"}}],
	  "connections": [{"from": "Start", "to": "Divide"}]}')});
script(breaker => [ { tool_calls => [ { name => 'broken', arguments => {} } ] }, { content => 'Never.' } ]);
agent('breaking_keeper', 'breaker', '', '[{"workflow": "broken"}]');
like(run('breaking_keeper', '[{"question": "?"}]'), qr/^22012: .*division by zero/,
	'a tool that fails fails the node with its error');
$id = $node->safe_psql('postgres',
	"SET ROLE tenant_a; SELECT reporunner.start('breaking_keeper', '[{\"question\": \"?\"}]')");
ok( $node->poll_query_until('postgres',
		"SELECT status IN ('succeeded', 'failed') FROM reporunner.executions WHERE id = $id"),
	'the background run ended');
like( $node->safe_psql('postgres',
		"SELECT status || ' ' || (error ->> 'sqlstate') || ' ' || (error ->> 'message') FROM reporunner.executions WHERE id = $id"),
	qr/^failed 22012 .*division by zero/, 'failed too, with the tool\'s error');
is(scalar(@{ model_requests() }), 2, 'after one model call each');

# ---------- max_iterations ----------

script(forever => [ { tool_calls => [ { name => 'record', arguments => { what => 'again' } } ] } ]);
agent('endless', 'forever', '"max_iterations": 3');
like(run('endless', '[{"question": "Go on"}]'),
	qr/^54000: workflow "endless" failed at node "Agent": the model gave no answer in 3 calls$/,
	'a model that never answers stops at max_iterations');
is(scalar(@{ model_requests() }), 3, 'after exactly max_iterations model calls');
is($node->safe_psql('postgres', 'SELECT count(*) FROM ledger'), 6,
	'the tools it called were rolled back with the failed execute()');

# ---------- the canary ----------

my $dump = PostgreSQL::Test::Utils::tempdir() . '/dump.sql';
$node->command_ok(
	[ 'pg_dump', '--data-only', '-f', $dump, '-d', $node->connstr('postgres') ],
	'pg_dump --data-only');
my %places = (
	'the dump of every table' => PostgreSQL::Test::Utils::slurp_file($dump),
	'the server log' => PostgreSQL::Test::Utils::slurp_file($node->logfile),
	'the executions and steps' => $node->safe_psql(
		'postgres',
		'SELECT string_agg(concat_ws(\' \', e.error, e.output, s.output, s.error, s.attempts), E\'\n\') FROM reporunner.executions e LEFT JOIN reporunner.step s ON s.execution_id = e.id'
	));
foreach my $place (sort keys %places)
{
	unlike($places{$place}, qr/$canary/, "no canary in $place");
}

done_testing();
