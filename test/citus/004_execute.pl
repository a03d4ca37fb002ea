# Reporunner on Citus: execute() through the coordinator.  Two tenants,
# created after distribute() (so their OIDs differ between the nodes), run
# workflows whose sql steps write into their own ledger, distributed by
# owner and co-located with Reporunner's tables, with the journal on
# (save "all").  execute() hands the run to the node that holds the
# tenant's rows (reporunner.execute_on_node(), delegated by Citus): the
# output is right, the steps ran on that node, the journal rows are in its
# shards, the ledger has each row once; a rollback leaves nothing; a
# failing workflow raises its SQLSTATE and message and leaves a failed
# execution, as on one server; a tenant can neither run another's
# workflow nor call execute_on_node() to act as another.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use Test::More;

my ($coord, @workers) = CitusCluster->create('exec');
my @tenants = ('t1', 't2');
my %node_of_port = map { $_->port => $_ } ($coord, @workers);

# psql as the role given, returning (exit code, stdout, stderr), SQLSTATEs shown
sub run_as
{
	my ($role, $sql) = @_;
	return CitusCluster->psql_verbose($coord, $sql, $role);
}

# Before distribute() the coordinator holds the shards, and Citus runs the
# execute_on_node() that execute() calls in place: executions nested in
# it count one level each, as on one server.
$coord->safe_psql('postgres', q{
SELECT reporunner.save_workflow('ping', $${"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Q", "type": "sql", "params": {"query": "select reporunner.execute('pong', '[{}]')"}}],
	"connections": [{"from": "Start", "to": "Q"}]}$$);
SELECT reporunner.save_workflow('pong', $${"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Q", "type": "sql", "params": {"query": "select reporunner.execute('ping', '[{}]')"}}],
	"connections": [{"from": "Start", "to": "Q"}]}$$);});
{
	my ($rc, $out, $err) = CitusCluster->psql_verbose($coord,
		q{SET reporunner.max_call_depth = 4; SELECT reporunner.execute('ping', '[{}]')});
	like($err,
		qr/ERROR:  54001: .*would nest executions deeper than 4 levels\nDETAIL:  .*this call would be level 5\./,
		'on the coordinator before distribute(), nested execute() calls stop at level 5 of 4');
}
$coord->safe_psql('postgres', q{
SELECT reporunner.delete_workflow('ping'); SELECT reporunner.delete_workflow('pong');});

$coord->safe_psql('postgres', 'SELECT reporunner.distribute()');
# the ledger, the roles, and each tenant's workflow "book" (two sql steps)
CitusCluster->create_ledger_workflows($coord, 1, @tenants);

# "pay": one sql step that returns what it wrote; "fail": the same, then a
# step that fails
my $pay = q({"name": "Pay", "type": "sql", "params": {"query": "INSERT INTO public.ledger VALUES (reporunner.current_owner(), $1, 'Pay', current_setting('port')::int) RETURNING step, port", "args": ["{{ $execution.id }}"]}});
my $boom = q({"name": "Boom", "type": "sql", "params": {"query": "SELECT 1 / 0"}});
my %docs = (
	pay => qq({"nodes": [{"name": "Start", "type": "trigger"}, $pay],
		"connections": [{"from": "Start", "to": "Pay"}], "settings": {"save": "all"}}),
	fail => qq({"nodes": [{"name": "Start", "type": "trigger"}, $pay, $boom],
		"connections": [{"from": "Start", "to": "Pay"}, {"from": "Pay", "to": "Boom"}],
		"settings": {"save": "all"}}));
foreach my $t (@tenants)
{
	foreach my $w (sort keys %docs)
	{
		my ($rc, $out, $err) = run_as($t,
			"SELECT reporunner.save_workflow('$w', \$\$$docs{$w}\$\$)");
		is($rc, 0, "tenant $t saves workflow $w") or diag($err);
	}
}

my (%home, %oid);
foreach my $t (@tenants)
{
	$oid{$t} = $coord->safe_psql('postgres', "SELECT '$t'::regrole::oid");
	$home{$t} = $coord->safe_psql('postgres', qq{
SELECT p.nodeport FROM pg_dist_shard_placement p
WHERE p.shardid = get_shard_id_for_distribution_column('reporunner.execution', $oid{$t})});
}
note('home nodes: ' . join(', ', map { "$_ on $home{$_}" } @tenants));
ok((grep { $home{$_} != $coord->port } @tenants) > 0,
	'a tenant\'s rows are on a worker node (so execute() is delegated)');

# counts of the tenant's rows, through the coordinator, as the superuser
sub counts
{
	my ($t) = @_;
	return $coord->safe_psql('postgres', qq{
SELECT (SELECT count(*) FROM reporunner.execution WHERE owner = $oid{$t})
	|| ' ' || (SELECT count(*) FROM reporunner.execution WHERE owner = $oid{$t} AND status = 'failed')
	|| ' ' || (SELECT count(*) FROM public.ledger WHERE owner = $oid{$t})});
}

foreach my $t (@tenants)
{
	my $home = $node_of_port{ $home{$t} };
	my ($exec_shard, $step_shard) = split /\|/, $coord->safe_psql('postgres', qq{
SELECT get_shard_id_for_distribution_column('reporunner.execution', $oid{$t}),
	get_shard_id_for_distribution_column('reporunner.step_journal', $oid{$t})});

	# execute() of sql steps into the tenant's own ledger, journal on
	my ($rc, $out, $err) = run_as($t, q{SELECT reporunner.execute('pay', '[{"n": 1}]')});
	is($out, qq([{"port": $home{$t}, "step": "Pay"}]),
		"tenant $t: execute() through the coordinator returns the step's output, run on its node")
	  or diag($err);
	($rc, $out, $err) = run_as($t, q{SELECT reporunner.execute('book', '[{}]')});
	is($rc, 0, "tenant $t: execute() of two sql steps into its ledger") or diag($err);
	is(counts($t), '2 0 3', "tenant $t: two executions, three ledger rows");

	# the journal: in the shards on the tenant's node, created by the
	# tenant as the coordinator knows it
	is( $home->safe_psql('postgres', qq{
SELECT count(*) || ' ' || count(*) FILTER (WHERE status = 'succeeded' AND mode = 'call'
	AND created_by = $oid{$t})
	|| ' ' || ((SELECT count(*) FROM reporunner.step_journal_$step_shard s
				WHERE s.owner = $oid{$t})
			   + coalesce(sum(json_array_length(steps)), 0))
FROM reporunner.execution_$exec_shard WHERE owner = $oid{$t}}),
		'2 2 5',
		"tenant $t: its execution and step rows are in its shards on its node, created_by its coordinator OID");
	is( join(',', map { $_->safe_psql('postgres',
				"SELECT count(*) FROM pg_class WHERE relname IN ('execution_$exec_shard', 'step_journal_$step_shard')") }
			  grep { $_->port != $home{$t} } ($coord, @workers)),
		'0,0',
		"tenant $t: no other node holds a shard of its journal");
	is( $coord->safe_psql('postgres', qq{
SELECT count(*) || ' ' || count(DISTINCT (execution, step)) || ' '
	|| string_agg(DISTINCT port::text, ',')
FROM public.ledger WHERE owner = $oid{$t}}),
		"3 3 $home{$t}",
		"tenant $t: each ledger row once, written on its node");
	($rc, $out, $err) = run_as($t, q{
SELECT string_agg(node || ':' || status, ',' ORDER BY started_at, node)
FROM reporunner.steps WHERE workflow = 'pay'});
	is($out, 'Start:succeeded,Pay:succeeded', "tenant $t sees its journal through the coordinator")
	  or diag($err);

	# in the caller's transaction: a rollback leaves nothing
	($rc, $out, $err) = run_as($t, q{BEGIN;
SELECT reporunner.execute('pay', '[{}]');
SELECT reporunner.execute('book', '[{}]');
ROLLBACK;});
	is($rc, 0, "tenant $t: two execute() in a transaction block") or diag($err);
	is(counts($t), '2 0 3', "tenant $t: a rollback removes the journal and the ledger rows");
	($rc, $out, $err) = run_as($t, q{BEGIN;
SELECT reporunner.execute('pay', '[{}]');
SELECT reporunner.execute('book', '[{}]');
COMMIT;});
	is($rc, 0, "tenant $t: execute() twice in a transaction") or diag($err);
	is(counts($t), '4 0 6', "tenant $t: the committed transaction keeps both runs");
	# the documented limit (docs/scaling.md): the tenant's own writes to
	# its co-located tables and execute() in one transaction are two users
	($rc, $out, $err) = run_as($t, q{BEGIN;
INSERT INTO public.ledger VALUES (reporunner.current_owner(), 0, 'own', 0);
SELECT reporunner.execute('pay', '[{}]');
COMMIT;});
	like($err, qr/ERROR:  25001: /,
		"tenant $t: its own write and execute() in one transaction fail with 25001 (a limit)");
	is(counts($t), '4 0 6', "tenant $t: and leave nothing");
	($rc, $out, $err) = run_as($t, q{BEGIN;
SELECT reporunner.execute('pay', '[{}]');
SELECT reporunner.start('book', '[{}]') > 0;
SELECT reporunner.execute('book', '[{}]');
ROLLBACK;});
	is($rc, 0, "tenant $t: execute(), start() and execute() in one transaction") or diag($err);
	($rc, $out, $err) = run_as($t, q{BEGIN;
SELECT count(*) >= 0 FROM public.ledger;
SELECT reporunner.execute('pay', '[{}]');
ROLLBACK;});
	is($rc, 0, "tenant $t: a read of its own tables before execute() in one transaction")
	  or diag($err);
	($rc, $out, $err) = run_as($t, q{BEGIN;
SELECT reporunner.execute('pay', '[{}]');
SELECT count(*) FROM public.ledger;
ROLLBACK;});
	like($err, qr/ERROR:  25001: /,
		"tenant $t: but not after it (25001, a limit)");

	# the save option reaches the node: "errors" journals nothing of a run
	# that succeeds; with "none" an execution has no id (the ledger's
	# execution column refuses the step) and nothing of the failure is kept
	($rc, $out, $err) = run_as($t, q{SELECT reporunner.execute('pay', '[{}]', '{"save": "errors"}')});
	is($out, qq([{"port": $home{$t}, "step": "Pay"}]), "tenant $t: execute() with save errors")
	  or diag($err);
	($rc, $out, $err) = run_as($t, q{SELECT reporunner.execute('fail', '[{}]', '{"save": "none"}')});
	like($err, qr/ERROR:  23502: workflow "fail" failed at node "Pay": null value in column "execution"/,
		"tenant $t: a failing workflow with save none raises its error");
	is(counts($t), '4 0 7', "tenant $t: one more ledger row, no execution journaled");

	# a failing workflow: its SQLSTATE and message reach the caller, the
	# failure is journaled apart, its sql step's row is rolled back
	($rc, $out, $err) = run_as($t, q{SELECT reporunner.execute('fail', '[{}]')});
	like($err, qr/ERROR:  22012: workflow "fail" failed at node "Boom": division by zero\n/,
		"tenant $t: a failing workflow raises its SQLSTATE and message");
	is(counts($t), '5 1 7', "tenant $t: the failed run is journaled, its ledger row is not kept");
	is( $coord->safe_psql('postgres', qq{
SELECT e.error->>'node' || ' ' || e.created_by || ' '
	|| (SELECT string_agg(s.node || ':' || s.status, ',' ORDER BY s.started_at, s.node)
		FROM reporunner.step s WHERE s.execution_id = e.id AND s.owner = e.owner)
FROM reporunner.execution e WHERE e.owner = $oid{$t} AND e.status = 'failed'}),
		"Boom $oid{$t} Start:succeeded,Pay:succeeded,Boom:failed",
		"tenant $t: the failed execution has its error and steps, as on one server");
	($rc, $out, $err) = run_as($t, q{BEGIN;
SELECT reporunner.execute('fail', '[{}]');
ROLLBACK;});
	like($err, qr/ERROR:  22012: workflow "fail" failed at node "Boom": division by zero\n/,
		"tenant $t: the same in a transaction block");
	is(counts($t), '6 2 7', "tenant $t: the failed run is journaled although the caller rolls back");
}

# isolation: t2 may not run t1's workflows, nor act as t1 through the
# internal function
{
	my ($rc, $out, $err) = run_as('t2',
		q{SELECT reporunner.execute('pay', '[{}]', '{"owner": "t1"}')});
	like($err, qr/ERROR:  42704: workflow "pay" does not exist/,
		'a tenant cannot run another tenant\'s workflow (nor see it)');

	# a share: t2 runs t1's workflow, as t1, on t1's node
	($rc, $out, $err) = run_as('t1', q{SELECT reporunner.share_workflow('pay', 't2')});
	is($rc, 0, 't1 shares its workflow "pay" with t2') or diag($err);
	($rc, $out, $err) = run_as('t2',
		q{SELECT reporunner.execute('pay', '[{}]', '{"owner": "t1"}')});
	is($out, qq([{"port": $home{t1}, "step": "Pay"}]),
		'the grantee runs the shared workflow through the coordinator, on the owner\'s node')
	  or diag($err);
	is( $coord->safe_psql('postgres', qq{
SELECT count(*) FROM reporunner.execution WHERE owner = $oid{t1} AND created_by = $oid{t2}}),
		'1', 'its execution is the owner\'s, created by the grantee');
	($rc, $out, $err) = run_as('t2',
		q{SELECT reporunner.execute('pay', '[{}]', '{"owner": "t1", "version": 1}')});
	is($rc, 0, 'the grantee runs the active version named') or diag($err);
	($rc, $out, $err) = run_as('t2',
		q{SELECT reporunner.execute('fail', '[{}]', '{"owner": "t1"}')});
	like($err, qr/ERROR:  42704: workflow "fail" does not exist/,
		'but no workflow that was not shared');
	($rc, $out, $err) = run_as('t2',
		q{SELECT reporunner.start('pay', '[{}]', '{"owner": "t1"}')});
	like($err, qr/ERROR:  42501: permission denied to run workflow "pay" as role "t1"/,
		'and queues none (42501)');
	my $wf = $coord->safe_psql('postgres',
		"SELECT id FROM reporunner.workflow WHERE owner = $oid{t1} AND name = 'pay'");
	($rc, $out, $err) = run_as('t2', qq{
SELECT * FROM reporunner.execute_on_node($oid{t1}, $wf, 1, 'pay', '[{}]', NULL, $oid{t1}, 0)});
	like($err, qr/ERROR:  42501: permission denied for function execute_on_node/,
		'a tenant cannot call execute_on_node() to act as another');
	($rc, $out, $err) = run_as('t2', qq{
SELECT * FROM reporunner.execute_on_node($oid{t2}, $wf, 1, 'pay', '[{}]', NULL, $oid{t2}, 0)});
	like($err, qr/ERROR:  42501: permission denied for function execute_on_node/,
		'nor as itself');
	my $home = $node_of_port{ $home{t1} };
	my $t1_there = $home->safe_psql('postgres', "SELECT 't1'::regrole::oid");
	$out = '';
	$home->psql('postgres', qq{\\set VERBOSITY verbose
SELECT * FROM reporunner.execute_on_node($oid{t1}, $wf, 1, 'pay', '[{}]', NULL, $oid{t1}, 0)},
		stderr => \$err, extra_params => [ '-U', 't2' ]);
	like($err, qr/ERROR:  42501: permission denied for function execute_on_node/,
		'nor on the node that holds the rows');
	is(counts('t1'), '8 2 9', 't1\'s rows: those of the grantee\'s two runs only');
	($rc, $out, $err) = CitusCluster->psql_verbose($coord, qq{
SELECT * FROM reporunner.execute_on_node($oid{t1}, $wf, 1, 'pay', '[{}]', NULL, $oid{t1}, 10)});
	like($err, qr/ERROR:  54001: workflow "pay" would nest executions deeper than 10 levels/,
		'the level execute() was called at counts on the owner\'s node (54001 past max_call_depth)');
	is(counts('t1'), '9 3 9', 'journaled as failed there, as any execute() that fails');
}

# a sub-workflow called inline by execute(): found and run on the node too
{
	my $outer = q({"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Call", "type": "execute_workflow", "params": {"workflow": "pay"}}], "connections": [{"from": "Start", "to": "Call"}], "settings": {"save": "all"}});
	my ($rc, $out, $err) = run_as('t2', "SELECT reporunner.save_workflow('outer', \$\$$outer\$\$)");
	is($rc, 0, 't2 saves a workflow that calls "pay"') or diag($err);
	($rc, $out, $err) = run_as('t2', q{SELECT reporunner.execute('outer', '[{}]')});
	is($out, qq([{"port": $home{t2}, "step": "Pay"}]),
		'execute() of a workflow calling a sub-workflow, on the owner\'s node') or diag($err);
	is( $coord->safe_psql('postgres', qq{
SELECT string_agg(mode || ':' || status || ':' || (created_by = $oid{t2}), ',' ORDER BY id)
FROM reporunner.execution WHERE owner = $oid{t2} AND mode = 'subworkflow'}),
		'subworkflow:succeeded:true',
		'the sub-workflow\'s execution is journaled there, created by the caller\'s coordinator OID');
	# the same in a background run on that node
	($rc, $out, $err) = run_as('t2', "SELECT reporunner.start('outer', '[{}]') AS id \\gset\n"
		  . "SELECT status || ' ' || output FROM reporunner.wait_for(:id, '60s')");
	is($out, qq(succeeded [{"port": $home{t2}, "step": "Pay"}]),
		'start() of the same workflow: its sub-workflow runs on the owner\'s node') or diag($err);
}

# a sql step of execute() on a distributed table that is not co-located
# with Reporunner's: Citus refuses it in the delegated call
{
	$coord->safe_psql('postgres', q{
CREATE TABLE public.notes (owner oid NOT NULL, note text);
SELECT create_distributed_table('public.notes', 'owner', colocate_with => 'none');
GRANT SELECT, INSERT ON public.notes TO PUBLIC;});
	my $note = q({"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Note", "type": "sql", "params": {"query": "INSERT INTO public.notes VALUES (reporunner.current_owner(), 'x')"}}], "connections": [{"from": "Start", "to": "Note"}], "settings": {"save": "none"}});
	my ($rc, $out, $err) = run_as('t1', "SELECT reporunner.save_workflow('note', \$\$$note\$\$)");
	is($rc, 0, 't1 saves a workflow writing into a table not co-located') or diag($err);
	($rc, $out, $err) = run_as('t1', q{SELECT reporunner.execute('note', '[{}]')});
	like($err, qr/ERROR:  0A000: workflow "note" failed at node "Note": queries must filter by the distribution argument in the same colocation group/,
		'execute() refuses a sql step on a table not co-located (0A000, a limit)');
}

done_testing();
