# Triggers, webhooks, credentials and connectors on Citus, through the
# coordinator, after distribute(): each statement names the owner, so
# tenants' registrations, credentials and connectors work as on one server
# and stay isolated; what cannot work says so (docs/scaling.md).
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use HttpTestServer;
use Test::More;

my $old_key = HttpTestServer::master_key();
my $new_key = HttpTestServer::master_key();
my ($coord, @workers) =
  CitusCluster->create('trig', 'reporunner.key_file' => "'$old_key'");

# psql as given on the coordinator, returning (exit code, stdout, stderr)
# with SQLSTATEs shown
sub run_sql
{
	my ($sql) = @_;
	return CitusCluster->psql_verbose($coord, $sql);
}

sub as
{
	my ($role, $sql) = @_;
	return CitusCluster->safe_psql_as($coord, $role, $sql);
}

# Citus creates a role on every node under the same name, each node
# giving it its next OID: a role made on a worker node alone first makes
# the tenants' OIDs differ between the nodes, as in a real cluster
foreach my $i (0 .. $#workers)
{
	$workers[$i]->safe_psql('postgres', "SET citus.enable_ddl_propagation = off; CREATE ROLE local_$_")
	  foreach (0 .. $i);
}

# the tenants' workflows, saved on the single node, then distributed
foreach my $t ('t1', 't2')
{
	$coord->safe_psql('postgres', "CREATE ROLE $t LOGIN");
	as($t, qq{SELECT reporunner.save_workflow('flow_$t',
		'{"nodes": [{"name": "Start", "type": "trigger"}]}')});
}
$coord->safe_psql('postgres', 'SELECT reporunner.distribute()');
my %oid = map { $_ => $coord->safe_psql('postgres', "SELECT '$_'::regrole::oid") } ('t1', 't2');

# the sql_drop event trigger reads no distributed table for a DDL command
# that dropped no trigger of Reporunner's (pg_cron's script drops objects)
$coord->safe_psql('postgres', 'CREATE EXTENSION pg_cron');
$coord->safe_psql('postgres', q{
GRANT USAGE ON SCHEMA cron TO t1, t2;
CREATE TABLE public.orders (id int);
GRANT ALL ON public.orders TO t1;
CREATE TABLE public.ledger (id int, owner oid NOT NULL DEFAULT current_user::regrole::oid);
SELECT create_distributed_table('public.ledger', 'owner', colocate_with => 'reporunner.workflow');
GRANT ALL ON public.ledger TO t1;
});

# credentials: the caller's own, by (owner, name)
as('t1', q{SELECT reporunner.set_credential('tok', 'header', '{"name": "X-Token", "value": "a"}');
SELECT reporunner.set_credential('tok', 'header', '{"name": "X-Token", "value": "b"}')});
as('t2', q{SELECT reporunner.set_credential('tok', 'header', '{"name": "X-Token", "value": "c"}')});
is( $coord->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.credential WHERE owner = $oid{t1}"),
	'1', 'set_credential() twice: one row');
# Citus propagates roles by name: a role's OID differs between nodes
# unless by chance.  The views name owners with reporunner.owner_name(),
# evaluated on the shard's node: on a worker node it reads
# reporunner.owner_role
is(as('t1', 'SELECT name, owner FROM reporunner.credentials'), 'tok|t1',
	'the tenant sees its own credential only, with its owner\'s name');
my ($rc, $out, $err) = run_sql(q{SET ROLE t1; SELECT reporunner.drop_credential('none')});
like($err, qr/42704: credential "none" does not exist/, 'drop_credential() of none: 42704');
$coord->append_conf('postgresql.conf',
	"reporunner.key_file = '$new_key'\nreporunner.old_key_file = '$old_key'\n");
$coord->reload;
is($coord->safe_psql('postgres', 'SELECT reporunner.rotate_key(), reporunner.rotate_key()'),
	'2|0', 'rotate_key() re-seals every tenant\'s rows, owner by owner, then none');

# connectors: a reference table
is( as('t1', q{SELECT reporunner.save_connector('api', '{"base_url": "https://example.com", "operations": {"get": {"method": "GET", "path": "/x"}}}');
SELECT reporunner.save_connector('api', '{"base_url": "https://example.com", "operations": {"get": {"method": "GET", "path": "/y"}}}');
SELECT reporunner.drop_connector('api')}), "1\n2\n2",
	'save_connector() twice, drop_connector()');
($rc, $out, $err) = run_sql(q{SET ROLE t1; SELECT reporunner.drop_connector('slack')});
like($err, qr/42501: connector "slack" is shipped/, 'a shipped connector is not dropped');

# a table trigger on a local table of the coordinator queues on the owner's shard
my $orders = as('t1', q{SELECT reporunner.on_table('flow_t1', 'public.orders')});
as('t1', 'INSERT INTO public.orders VALUES (1), (2)');
is( $coord->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.execution WHERE trigger_id = $orders AND owner = $oid{t1}"),
	'2', 'a row trigger on a local table queues one execution a row, the owner\'s');

# ... and is refused on a distributed table, whose triggers fire on the shards
($rc, $out, $err) = run_sql(q{SET ROLE t1; SELECT reporunner.on_table('flow_t1', 'public.ledger')});
like($err, qr/0A000: table triggers cannot go on distributed table "ledger"/,
	'on_table() of a distributed table: 0A000');

# schedules: pg_cron's job made as the caller, fire_schedule() by id
my $schedule = as('t1', q{SELECT reporunner.on_schedule('flow_t1', '0 0 1 1 *')});
is($coord->safe_psql('postgres', 'SELECT username FROM cron.job'), 't1',
	'the pg_cron job runs as the role that made the schedule');
my $fired = as('t1', "SELECT reporunner.fire_schedule($schedule)");
is( $coord->safe_psql('postgres',
		"SELECT mode FROM reporunner.execution WHERE id = $fired AND owner = $oid{t1}"),
	'schedule', 'fire_schedule() queues on the owner\'s shard');

# NOTIFY triggers: the coordinator's listener
my $notify = as('t1', q{SELECT reporunner.on_notify('flow_t1', 'orders')});
ok( $coord->poll_query_until('postgres',
		qq{SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'reporunner listener' AND query LIKE '%LISTEN "orders"%'}),
	'the listener listens on the channel');
$coord->safe_psql('postgres', q{NOTIFY orders, '{"n": 1}'});
ok( $coord->poll_query_until('postgres',
		qq{SELECT count(*) = 1 FROM reporunner.execution WHERE trigger_id = $notify AND owner = $oid{t1}}),
	'a notification queues an execution');

# webhooks: a path is unique across owners
as('t1', q{SELECT reporunner.on_webhook('flow_t1', 'shop')});
($rc, $out, $err) = run_sql(q{SET ROLE t2; SELECT reporunner.on_webhook('flow_t2', 'shop')});
like($err, qr/webhook path "shop" is taken/, 'another tenant cannot take the path');

# drop_trigger(): the caller's own only, what it made goes with it
($rc, $out, $err) = run_sql(qq{SET ROLE t2; SELECT reporunner.drop_trigger($schedule)});
like($err, qr/42704: trigger $schedule does not exist/,
	'another tenant cannot drop a trigger');
as('t1', "SELECT reporunner.drop_trigger($schedule)");
is($coord->safe_psql('postgres', 'SELECT count(*) FROM cron.job'), '0',
	'drop_trigger() of a schedule unschedules its job (on the coordinator)');

# the views name the owners on every node, through the coordinator and
# through each worker node directly (which plans the query itself and
# sends it to the shards, on either worker node)
foreach my $node (@workers)
{
	isnt($node->safe_psql('postgres', q{SELECT 't1'::regrole::oid}), $oid{t1},
		't1 has another OID on ' . $node->name);
}
foreach my $node ($coord, @workers)
{
	my $where = $node->name;
	is( $node->safe_psql('postgres',
			q{SELECT string_agg(name || ':' || owner, ',' ORDER BY name) FROM reporunner.workflows}),
		'flow_t1:t1,flow_t2:t2', "workflows: the owners' names, through $where");
	is( $node->safe_psql('postgres', q{SET ROLE t1;
SELECT string_agg(DISTINCT owner || ':' || created_by, ',') FROM reporunner.executions}),
		't1:t1', "executions: owner and created_by, as the tenant, through $where");
	is( $node->safe_psql('postgres', q{SET ROLE t1;
SELECT string_agg(DISTINCT owner || ':' || created_by, ',') FROM reporunner.triggers}),
		't1:t1', "triggers: owner and created_by, as the tenant, through $where");
	is( $node->safe_psql('postgres', q{SET ROLE t2;
SELECT string_agg(name || ':' || owner, ',') FROM reporunner.credentials}),
		'tok:t2', "credentials: the other tenant's own, through $where");
	is( $node->safe_psql('postgres',
			q{SELECT string_agg(DISTINCT owner || ':' || name, ',') FROM reporunner.workflow_versions}),
		't1:flow_t1,t2:flow_t2', "workflow_versions: the owners' names, through $where");
	is( $node->safe_psql('postgres',
			qq{SELECT reporunner.owner_name($oid{t2}) || ',' || reporunner.owner_name(10)
			   || ',' || reporunner.owner_name(4000000000)}),
		't2,' . $node->safe_psql('postgres', 'SELECT pg_get_userbyid(10)') . ',unknown (OID=4000000000)',
		"owner_name() of an owner, a bootstrap role and nobody on $where");
}

# DROP TABLE: the registration goes with the table's triggers
$coord->safe_psql('postgres', 'DROP TABLE public.orders');
is( $coord->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.trigger WHERE id = $orders"),
	'0', 'DROP TABLE deletes the registration of its trigger');

done_testing();
