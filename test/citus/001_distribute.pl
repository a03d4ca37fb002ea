# Reporunner on Citus: distribute() on a coordinator and two worker nodes.
# Every table becomes distributed by owner and co-located, so each
# tenant's rows (and those of its own tables distributed the same way)
# live on one node; keys and foreign keys include owner on every node;
# row-level security isolates tenants through the coordinator and through
# direct connections to the worker nodes; distribute() is idempotent,
# superusers only and refuses to run on a worker node; DDL keeps working.
# The API works through the coordinator, as the tables' owner and as a
# tenant.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use Test::More;

my ($coord, @workers) = CitusCluster->create('dist');
my @tenants = ('t1', 't2', 't3');
my @tables = qw(workflow workflow_version node edge workflow_share execution
  step_journal queue credential trigger dedup_key audit agent_turn);

# psql as given, returning (exit code, stdout, stderr) with SQLSTATEs shown
sub run_sql
{
	my ($node, $sql) = @_;
	return CitusCluster->psql_verbose($node, $sql);
}

$coord->safe_psql('postgres', "CREATE ROLE $_ LOGIN") foreach @tenants;

# a single node with data: each tenant's workflow, executions and steps,
# written as the superuser
foreach my $t (@tenants)
{
	$coord->safe_psql('postgres', qq{
WITH w AS (INSERT INTO reporunner.workflow (owner, name, active_version)
	VALUES ('$t'::regrole, 'book', NULL) RETURNING id, owner),
v AS (INSERT INTO reporunner.workflow_version (workflow_id, version, owner, definition, created_by)
	SELECT id, 1, owner, '{"nodes": []}', owner FROM w RETURNING workflow_id, owner)
SELECT 1 FROM v;
INSERT INTO reporunner.execution (workflow_id, version, owner, mode, created_by, status)
	SELECT id, 1, owner, 'start', owner, 'succeeded' FROM reporunner.workflow, generate_series(1, 10)
	WHERE owner = '$t'::regrole;
INSERT INTO reporunner.step_journal (execution_id, node, owner, status)
	SELECT id, 'Book', owner, 'succeeded' FROM reporunner.execution WHERE owner = '$t'::regrole;
});
}

# refused on a worker node, and to tenants
my ($rc, $out, $err) = run_sql($workers[0], 'SELECT reporunner.distribute()');
like($err, qr/55000: distribute\(\) runs on the Citus coordinator/,
	'distribute() on a worker node fails with 55000');
($rc, $out, $err) = run_sql($coord, 'SET ROLE t1; SELECT reporunner.distribute()');
like($err, qr/42501: permission denied for function distribute/,
	'a tenant may not call distribute()');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM pg_dist_partition'),
	'0', 'nothing was distributed by the failed calls');
my $rows_sql = q{SELECT (SELECT count(*) FROM reporunner.workflow) || ' '
	|| (SELECT count(*) FROM reporunner.execution) || ' '
	|| (SELECT count(*) FROM reporunner.step_journal)};
is($coord->safe_psql('postgres', $rows_sql), '3 30 30', 'the single node has its rows');

# distribute, twice
($rc, $out, $err) = run_sql($coord, 'SELECT reporunner.distribute()');
is($rc, 0, 'distribute() succeeds') or diag($err);
my $dist_sql = q{SELECT string_agg(logicalrelid::regclass::text || ' ' || partmethod::text
	|| ' ' || column_to_column_name(logicalrelid, partkey), ', ' ORDER BY logicalrelid::text COLLATE "C")
	FROM pg_dist_partition WHERE partmethod = 'h'};
my $dist = $coord->safe_psql('postgres', $dist_sql);
is( $dist,
	join(', ', map { "reporunner.$_ h owner" } sort @tables),
	'every table is hash-distributed by owner');
is( $coord->safe_psql('postgres',
		"SELECT count(DISTINCT colocationid) FROM pg_dist_partition WHERE partmethod = 'h'"),
	'1', 'all of them co-located');
is( $coord->safe_psql('postgres',
		"SELECT partmethod FROM pg_dist_partition WHERE logicalrelid = 'reporunner.connector'::regclass"),
	'n', 'the connectors are a reference table, on every node');
is( $workers[1]->safe_psql('postgres',
		"SELECT count(*) > 0 FROM reporunner.connector WHERE owner IS NULL AND name = 'slack'"),
	't', 'the shipped connectors are readable on a worker node');
is( join(',', map { $_->safe_psql('postgres',
		"SELECT nextval('reporunner.execution_id_seq') >> 48") } ($coord, @workers)),
	'0,1,2', 'each node hands out execution ids of its own range');
is($coord->safe_psql('postgres', $rows_sql), '3 30 30', 'every row moved into the shards');
is( $coord->safe_psql('postgres',
		q{SELECT sum(pg_relation_size(logicalrelid)) FROM pg_dist_partition}),
	'0', 'and none stayed behind in the coordinator\'s own tables');
my $keys_sql = q{SELECT count(*) FROM pg_constraint k
	WHERE k.connamespace = 'reporunner'::regnamespace AND k.contype IN ('p', 'u', 'f')
	AND (SELECT relname FROM pg_class WHERE oid = k.conrelid) !~ '^connector(_[0-9]+)?$'
	AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = k.conrelid
					AND a.attnum = ANY (k.conkey) AND a.attname = 'owner')};
is($_->safe_psql('postgres', $keys_sql), '0',
	'every key and foreign key includes owner on node ' . $_->name)
  foreach ($coord, @workers);
($rc, $out, $err) = run_sql($coord, 'SELECT reporunner.distribute()');
is($rc, 0, 'distribute() a second time succeeds') or diag($err);
is($coord->safe_psql('postgres', $dist_sql), $dist, 'and changes nothing');

# DDL, which fires the extension's sql_drop event trigger, still works
($rc, $out, $err) = run_sql($coord,
	'CREATE TABLE public.scratch (a int); DROP TABLE public.scratch');
is($rc, 0, 'CREATE and DROP TABLE work after distribute()') or diag($err);

# each tenant's rows live on one node
$coord->safe_psql('postgres', q{
CREATE TABLE public.ledger (owner oid NOT NULL, execution bigint NOT NULL,
	node text NOT NULL, amount int NOT NULL, PRIMARY KEY (owner, execution, node));
SELECT create_distributed_table('public.ledger', 'owner', colocate_with => 'reporunner.workflow');
ALTER TABLE public.ledger ENABLE ROW LEVEL SECURITY;
CREATE POLICY ledger_tenant ON public.ledger USING (reporunner.has_owner_access(owner));
GRANT SELECT, INSERT ON public.ledger TO PUBLIC;
});
foreach my $t (@tenants)
{
	$coord->safe_psql('postgres', qq{INSERT INTO public.ledger
SELECT owner, id, 'Book', 1 FROM reporunner.execution WHERE owner = '$t'::regrole});
}
my %port_of = map { $_->port => $_ } @workers;
foreach my $t (@tenants)
{
	# the node of each table's shard for the tenant
	my $placements = $coord->safe_psql('postgres', qq{
SELECT string_agg(DISTINCT p.nodeport::text, ',')
FROM unnest(ARRAY['reporunner.workflow', 'reporunner.workflow_version',
	'reporunner.execution', 'reporunner.step_journal', 'reporunner.queue',
	'public.ledger']::regclass[]) AS r(rel),
	LATERAL get_shard_id_for_distribution_column(r.rel, '$t'::regrole::oid) AS s(id)
	JOIN pg_dist_shard_placement p ON p.shardid = s.id});
	like($placements, qr/^\d+$/,
		"tenant $t: workflows, executions, steps, queue and ledger share one node");
	my $home = $port_of{$placements};
	my ($other) = grep { $_->port != $placements } @workers;
	my $oid = $coord->safe_psql('postgres', "SELECT '$t'::regrole::oid");
	my $exec_shard = $coord->safe_psql('postgres',
		"SELECT get_shard_id_for_distribution_column('reporunner.execution', $oid)");
	my $step_shard = $coord->safe_psql('postgres',
		"SELECT get_shard_id_for_distribution_column('reporunner.step_journal', $oid)");
	is( $home->safe_psql('postgres',
			"SELECT (SELECT count(*) FROM reporunner.execution_$exec_shard WHERE owner = $oid)"
			  . " || ' ' || (SELECT count(*) FROM reporunner.step_journal_$step_shard WHERE owner = $oid)"),
		'10 10',
		"tenant $t: its execution and step rows are in the shards on its node");
	is( $other->safe_psql('postgres',
			"SELECT count(*) FROM pg_class WHERE relname IN ('execution_$exec_shard', 'step_journal_$step_shard')"),
		'0',
		"tenant $t: the other worker node holds no shard of its rows");
}

# tenant isolation, through the coordinator and each worker node
foreach my $node ($coord, @workers)
{
	foreach my $t (@tenants)
	{
		is( $node->safe_psql('postgres', qq{SET ROLE $t;
SELECT (SELECT count(*) || '/' || count(DISTINCT owner) FROM reporunner.execution)
	|| ' ' || (SELECT count(*) FROM reporunner.step_journal)
	|| ' ' || (SELECT count(*) FROM public.ledger)
	|| ' ' || (SELECT count(*) FROM reporunner.workflow WHERE owner <> '$t'::regrole)}),
			'10/1 10 10 0',
			"tenant $t sees only its own rows through node " . $node->name);
	}
	($rc, $out, $err) = run_sql($node,
		"SET ROLE t1; INSERT INTO public.ledger VALUES ('t2'::regrole, 1, 'x', 1)");
	like($err, qr/42501: new row violates row-level security policy/,
		'a tenant cannot write rows of another through node ' . $node->name);
}

# The API through the coordinator, as the tables' owner and as a tenant
{
	# as the tables' owner, on the coordinator: no change of user within a
	# transaction
	my $hello = q({"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Pass", "type": "noop"}], "connections": [{"from": "Start", "to": "Pass"}]});
	($rc, $out, $err) = run_sql($coord, "SELECT reporunner.save_workflow('hello', '$hello')");
	is($rc, 0, 'save_workflow() as the tables\' owner on the coordinator') or diag($err);
	($rc, $out, $err) = run_sql($coord, "SELECT reporunner.execute('hello', '[{\"a\": 1}]')");
	is($out, '[{"a": 1}]', 'execute() as the tables\' owner on the coordinator') or diag($err);
	($rc, $out, $err) = run_sql($coord, "SELECT reporunner.start('hello', '[{}]')");
	like($out, qr/^\d+$/, 'start() as the tables\' owner queues an execution') or diag($err);
	my $superuser = $coord->safe_psql('postgres', "SELECT 'postgres'::regrole::oid");
	my $exec_shard = $coord->safe_psql('postgres',
		"SELECT get_shard_id_for_distribution_column('reporunner.execution', $superuser)");
	my $exec_port = $coord->safe_psql('postgres',
		"SELECT nodeport FROM pg_dist_shard_placement WHERE shardid = $exec_shard");
	my $queued = '';
	$queued = $port_of{$exec_port}->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution_$exec_shard WHERE id = $out")
	  if $out =~ /^\d+$/;
	is($queued, '1', 'its execution row is in the owner\'s shard, on the owner\'s node');

	my $doc = q({"nodes": [{"name": "Start", "type": "trigger"}]});
	# started and waited for in two transactions: a worker sees the
	# execution once start() commits
	($rc, $out, $err) = run_sql($coord,
		"SELECT reporunner.start('hello', '[{}]') AS id \\gset\n"
		  . "SELECT status FROM reporunner.wait_for(:id, '20s')");
	is($out, 'succeeded', 'a worker runs the owner\'s execution on its node') or diag($err);
	($rc, $out, $err) = run_sql($coord,
		"SET ROLE t1; SELECT reporunner.save_workflow('hello', '$doc')");
	is($rc, 0, 'save_workflow() as a tenant through the coordinator') or diag($err);
	($rc, $out, $err) = run_sql($coord,
		"SET ROLE t1; SELECT reporunner.execute('hello', '[{}]')");
	is($rc, 0, 'execute() as a tenant through the coordinator') or diag($err);
	($rc, $out, $err) = run_sql($coord,
		"SET ROLE t1;\nSELECT reporunner.start('hello', '[{}]') AS id \\gset\n"
		  . "SELECT status FROM reporunner.wait_for(:id, '20s')");
	is($out, 'succeeded', 'start() runs on the node that holds the rows') or diag($err);
}

done_testing();
