# A hostile tenant against the background workers (issue 9): what one
# tenant starts must never crash the server, stop a worker or hold up
# another tenant's executions.
#
#  - F1: a workflow that calls itself through execute(), started with
#    start(), fails with the depth error (54001); the server stays up and
#    the worker goes on running other executions; the same in a session;
#  - F3: a version whose plan cannot be built (saved before validation
#    caught it) fails its own execution; the worker does not exit and the
#    other tenant's executions run; such versions cannot be saved any more;
#  - F4: a workflow limited to one running execution, with a backlog ahead
#    of everyone, does not hold up the executions queued behind it;
#  - F5: a failure whose error is too large to journal as it is (300 MB)
#    is journaled cut short; the worker does not exit;
#  - F16: retry policies saved before their bounds existed neither retry
#    without end nor wait a wrapped-around time;
#  - F10: owners are served in turn, whatever the priority and size of
#    one tenant's backlog; one tenant's long executions do not take every
#    worker (reporunner.max_workers_per_owner).
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;

$PostgreSQL::Test::Utils::timeout_default = 60;

my $node = ReporunnerNode->create('hostile',
	'reporunner.workers_per_database' => 2);

$node->safe_psql(
	'postgres', q{
-- a workflow Start -> Q, where Q is a sql node running query, with more
-- fields for Q and settings for the workflow
CREATE FUNCTION sql_doc(query text, node jsonb DEFAULT '{}', settings jsonb DEFAULT '{}')
RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'nodes', jsonb_build_array(jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'Q', 'type', 'sql', 'params', jsonb_build_object('query', query)) || node),
		'connections', jsonb_build_array(jsonb_build_object('from', 'Start', 'to', 'Q')),
		'settings', settings)
$$;
CREATE ROLE tenant_a LOGIN;
CREATE ROLE tenant_b LOGIN;
SET ROLE tenant_a;
SELECT reporunner.save_workflow('pure', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "S", "type": "set", "params": {"fields": {"ok": true}}}],
	"connections": [{"from": "Start", "to": "S"}]}');
SET ROLE tenant_b;
SELECT reporunner.save_workflow('rec', sql_doc($$select reporunner.execute('rec', '[{}]')$$));
});

my $started_at = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');
my $log_from = 0;    # the server log since the last (deliberate) restart

# Start tenant_a's "pure" and wait for it: the id and the time it took.
sub run_pure
{
	my $id = $node->safe_psql('postgres',
		q{SET ROLE tenant_a; SELECT reporunner.start('pure', '[{}]')});
	$node->poll_query_until('postgres',
		qq{SELECT status = 'succeeded' FROM reporunner.execution WHERE id = $id})
	  or die "tenant_a's execution $id did not succeed";
	return $id;
}

# Start a workflow of tenant_b's; with a status, wait until the execution
# has it.  Returns the execution's id.
sub start_b
{
	my ($workflow, $status) = @_;
	my $id = $node->safe_psql('postgres',
		qq{SET ROLE tenant_b; SELECT reporunner.start('$workflow', '[{}]')});
	if (defined $status)
	{
		$node->poll_query_until('postgres',
			qq{SELECT status = '$status' FROM reporunner.execution WHERE id = $id})
		  or die "execution $id of $workflow did not become $status";
	}
	return $id;
}

# No worker exited with an error and no server process crashed.
sub workers_alive
{
	my ($what) = @_;
	my $log = slurp_file($node->logfile, $log_from);
	unlike($log, qr/"reporunner worker" \(PID \d+\) (exited with exit code [^0]|was terminated by signal)/,
		"$what: no worker exited with an error");
	is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'),
		$started_at, "$what: the server did not restart");
}

# ---- F1: recursion through execute(), in a worker and in a session
my $rec = start_b('rec', 'failed');
is($node->safe_psql('postgres',
		qq{SELECT error ->> 'sqlstate' FROM reporunner.execution WHERE id = $rec}),
	'54001', 'F1: the recursive execution failed with the depth error');
like($node->safe_psql('postgres',
		qq{SELECT error ->> 'message' FROM reporunner.execution WHERE id = $rec}),
	qr/would nest executions deeper than 10 levels/, 'F1: its message names the limit');
run_pure();
pass('F1: the worker went on running executions');
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	q{SET ROLE tenant_b; SET statement_timeout = '60s'; SELECT reporunner.execute('rec', '[{}]')});
isnt($ret, 0, 'F1: execute() of the recursive workflow fails in a session');
like($stderr, qr/would nest executions deeper than 10 levels/,
	'F1: with the depth error, not a crash');
($ret, $stdout, $stderr) = $node->psql('postgres',
	q{SET ROLE tenant_b; SET reporunner.max_call_depth = 3});
like($stderr, qr/permission denied to set parameter "reporunner.max_call_depth"/,
	'F1: a tenant cannot raise the depth limit');
workers_alive('F1');

# ---- F3: a version whose plan cannot be built
($ret, $stdout, $stderr) = $node->psql('postgres', q{SET ROLE tenant_b;
SELECT reporunner.save_workflow('poison', '{"nodes":[{"name":"Start","type":"trigger"},
  {"name":"W","type":"wait","params":{"for":"1s","resume":true}}],
  "connections":[{"from":"Start","to":"W"}]}')});
like($stderr, qr/node "W" must have exactly one of the params "for", "until", "resume"/,
	'F3: a wait node with two modes is refused when saved');
($ret, $stdout, $stderr) = $node->psql('postgres', q{SET ROLE tenant_b;
SELECT reporunner.save_workflow('poison', '{"nodes":[{"name":"Start","type":"trigger"}],
  "settings":{"concurrency":3000000000}}')});
like($stderr, qr/setting "concurrency" must be between 1 and 10000/,
	'F3: settings.concurrency beyond its range is refused when saved');

# As a version saved by an older release would be: valid then, unloadable now.
$node->safe_psql('postgres', q{
SET ROLE tenant_b;
SELECT reporunner.save_workflow('poison', '{"nodes":[{"name":"Start","type":"trigger"},
  {"name":"W","type":"wait","params":{"for":"1s"}}],
  "connections":[{"from":"Start","to":"W"}]}');
SELECT reporunner.save_workflow('boom', sql_doc('select 1/0', '{}', '{"error_workflow": "poison"}'));
RESET ROLE;
UPDATE reporunner.node SET params = '{"for": "1s", "resume": true}'
WHERE name = 'W' AND workflow_id = (SELECT id FROM reporunner.workflow WHERE name = 'poison');
});
my $boom = start_b('boom');
$node->poll_query_until('postgres', qq{
SELECT count(*) = 1 FROM reporunner.execution
WHERE parent_id = $boom AND mode = 'error' AND status = 'failed'})
  or die 'the error workflow that cannot load did not fail';
like($node->safe_psql('postgres',
		qq{SELECT error ->> 'message' FROM reporunner.execution WHERE parent_id = $boom}),
	qr/must have exactly one of the params/,
	'F3: the execution whose plan cannot be built failed with the reason');
run_pure();
pass("F3: tenant_a's execution ran after it");
is($node->safe_psql('postgres', 'SELECT count(*) FROM reporunner.queue'),
	'0', 'F3: nothing is left in the queue');
workers_alive('F3');

# ---- F4: a backlog held back by settings.concurrency
$node->safe_psql('postgres', q{
SET ROLE tenant_b;
SELECT reporunner.save_workflow('slowc', sql_doc('select pg_sleep(2)', '{}', '{"concurrency": 1}'));
SELECT count(reporunner.start('slowc', '[{}]', '{"run_at": "-infinity"}')) FROM generate_series(1, 20);
});
$node->poll_query_until('postgres',
	q{SELECT count(*) = 1 FROM reporunner.executions WHERE workflow = 'slowc' AND status = 'running'})
  or die 'slowc did not start';
run_pure();
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.executions WHERE workflow = 'slowc' AND status = 'queued'}),
	'19', "F4: tenant_a's execution ran while 19 of slowc's were still held back");
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.executions WHERE workflow = 'slowc' AND status = 'running'}),
	'1', 'F4: and slowc never ran more than its one execution at a time');
$node->safe_psql('postgres', q{
SELECT count(reporunner.cancel(id)) FROM reporunner.executions WHERE workflow = 'slowc' AND status IN ('queued', 'running')});

# ---- F5: an error too large to journal as it is
$node->safe_psql('postgres', q{
SET ROLE tenant_b;
SELECT reporunner.save_workflow('hugeerr', sql_doc($$select repeat('x', 300000000)::int$$));
});
my $huge = start_b('hugeerr', 'failed');
is($node->safe_psql('postgres', qq{
SELECT error ->> 'sqlstate' || ' ' || (octet_length(error ->> 'message') < 9000)::text
  || ' ' || (error ->> 'message' LIKE '%bytes cut)')::text
FROM reporunner.execution WHERE id = $huge}),
	'22P02 true true', 'F5: its error is journaled with its SQLSTATE, cut short and saying so');
is($node->safe_psql('postgres', qq{
SELECT status || ' ' || (octet_length(error ->> 'message') < 9000)::text FROM reporunner.step
WHERE execution_id = $huge AND node = 'Q'}),
	'failed true', 'F5: so is its failed step');
run_pure();
pass("F5: tenant_a's execution ran after it");
workers_alive('F5');

# ---- F16: retry arithmetic and retry storms
$node->safe_psql('postgres', q{
SET ROLE tenant_b;
SELECT reporunner.save_workflow('storm', sql_doc('select 1/0', '{"retry": {"tries": 100}}'));
SELECT reporunner.save_workflow('wrap', sql_doc('select 1/0', '{"retry": {"tries": 4, "delay": "1s", "backoff": 2}}'));
RESET ROLE;
-- as versions saved by a release without the bounds could hold them
UPDATE reporunner.node SET retry = '{"tries": 1000000000}'
WHERE name = 'Q' AND workflow_id = (SELECT id FROM reporunner.workflow WHERE name = 'storm');
UPDATE reporunner.node SET retry = ('{"tries": 4, "delay": "1s", "backoff": ' || repeat('1', 300) || '.5}')::jsonb
WHERE name = 'Q' AND workflow_id = (SELECT id FROM reporunner.workflow WHERE name = 'wrap');
});
my $storm = start_b('storm', 'failed');
is($node->safe_psql('postgres', qq{
SELECT attempt || ' ' || jsonb_array_length(attempts) FROM reporunner.step
WHERE execution_id = $storm AND node = 'Q'}),
	'100 99', 'F16: "tries": 1000000000 stops after 100 attempts');
my $wrap = start_b('wrap');
$node->poll_query_until('postgres', qq{
SELECT attempt = 2 AND status = 'retrying' FROM reporunner.step WHERE execution_id = $wrap AND node = 'Q'})
  or die 'the second attempt did not fail';
is($node->safe_psql('postgres', qq{
SELECT retry_at > now() + interval '90 s' AND retry_at <= now() + interval '100 s'
FROM reporunner.step WHERE execution_id = $wrap AND node = 'Q'}),
	't', 'F16: a huge backoff counts as the largest (100: 1 s becomes 100 s), never a wrapped-around instant');
$node->safe_psql('postgres', qq{SELECT reporunner.cancel($wrap)});
workers_alive('F16');

# ---- F10: fairness between tenants
$node->safe_psql('postgres', q{
SET ROLE tenant_b;
SELECT reporunner.save_workflow('hog', sql_doc('select pg_sleep(0.1)'));
SELECT reporunner.save_workflow('long', sql_doc('select pg_sleep(3)'));
});

# Change a worker setting, with a restart: a reload reaches a busy worker
# only when it is done with its batch.
sub set_workers_per_owner
{
	my ($value) = @_;
	$node->safe_psql('postgres', "ALTER SYSTEM SET reporunner.max_workers_per_owner = $value");
	$node->restart;
	$started_at = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');
	$log_from = -s $node->logfile;
}

# a priority flood, with both workers free to serve it
set_workers_per_owner(0);
$node->safe_psql('postgres', q{
SET ROLE tenant_b;
SELECT count(reporunner.start('hog', '[{}]', '{"priority": 2147483647}')) FROM generate_series(1, 60)});
$node->poll_query_until('postgres',
	q{SELECT count(*) > 0 FROM reporunner.executions WHERE workflow = 'hog' AND status = 'succeeded'})
  or die 'the flood did not start';
run_pure();
cmp_ok($node->safe_psql('postgres',
		q{SELECT count(*) FROM reporunner.executions WHERE workflow = 'hog' AND status = 'queued'}),
	'>=', 40, "F10: tenant_a's execution ran while most of tenant_b's top-priority flood still waited");
$node->safe_psql('postgres', q{
SELECT count(reporunner.cancel(id)) FROM reporunner.executions WHERE workflow = 'hog' AND status IN ('queued', 'running')});

# long executions of one tenant, with the default share of workers
set_workers_per_owner(-1);
$node->safe_psql('postgres', q{
SET ROLE tenant_b; SELECT count(reporunner.start('long', '[{}]')) FROM generate_series(1, 3)});
$node->poll_query_until('postgres',
	q{SELECT count(*) = 1 FROM reporunner.executions WHERE workflow = 'long' AND status = 'running'})
  or die 'the long executions did not start';
run_pure();
my $long_statuses = $node->safe_psql('postgres', q{
SELECT string_agg(status, ' ' ORDER BY status) FROM reporunner.executions WHERE workflow = 'long'});
is($long_statuses, 'queued queued running',
	"F10: tenant_a's execution ran on a free worker while tenant_b ran one long execution of three")
  or diag($node->safe_psql('postgres', q{
SELECT string_agg(format('%s %s %s %s', e.workflow, e.status, s.started_at, s.finished_at), E'\n' ORDER BY s.started_at)
FROM reporunner.executions e LEFT JOIN reporunner.step s ON s.execution_id = e.id AND s.node <> 'Start'
WHERE e.workflow IN ('long', 'pure')}));
$node->poll_query_until('postgres',
	q{SELECT count(*) = 3 FROM reporunner.executions WHERE workflow = 'long' AND status = 'succeeded'})
  or die 'the long executions did not all succeed';

# whether two runs of workflow $name's node Q overlapped in time
sub overlapping_runs
{
	my ($name) = @_;
	return $node->safe_psql('postgres', qq{
SELECT count(*) FROM reporunner.step a JOIN reporunner.step b
  ON a.execution_id < b.execution_id AND a.started_at < b.finished_at AND b.started_at < a.finished_at
WHERE a.node = 'Q' AND b.node = 'Q'
  AND a.execution_id IN (SELECT id FROM reporunner.executions WHERE workflow = '$name')
  AND b.execution_id IN (SELECT id FROM reporunner.executions WHERE workflow = '$name')});
}
is(overlapping_runs('long'), '0', "F10: and tenant_b's long executions all ran, one after the other");

# Two workers that claim at the same moment both read the queue as it was
# before either committed a lease: a claim sees tenant_b under its limit
# while a worker already runs tenant_b's execution.  Taking the lease away
# from the queue row of a running execution shows every claim that moment.
$node->safe_psql('postgres', q{
SET ROLE tenant_b; SELECT reporunner.save_workflow('side', sql_doc('select pg_sleep(2)'))});
my $first = start_b('side', 'running');
$node->safe_psql('postgres', qq{UPDATE reporunner.queue SET lease_owner = NULL WHERE execution_id = $first});
my $second = start_b('side');
run_pure();
is($node->safe_psql('postgres', qq{
SELECT status FROM reporunner.execution WHERE id IN ($first, $second) ORDER BY id}),
	"running\nqueued",
	'F10: a worker that claimed past the limit steps its execution aside before running it');
$node->poll_query_until('postgres',
	qq{SELECT count(*) = 2 FROM reporunner.execution WHERE id IN ($first, $second) AND status = 'succeeded'})
  or die 'the stepped-aside execution did not run';
is(overlapping_runs('side'), '0', 'F10: and runs once the other has ended, never at the same time');
workers_alive('F10');

$node->stop;
done_testing();
