# delete_workflow() on Citus takes its registrations' PostgreSQL triggers
# and pg_cron job with it.  The registrations go through the foreign keys,
# on the owner's shard, where forget_trigger() finds nothing to remove:
# delete_workflow() removes them itself, on the coordinator, first.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use CitusCluster;
use Test::More;

my ($coord, @workers) = CitusCluster->create('delwf');

sub as
{
	my ($role, $sql) = @_;
	return CitusCluster->safe_psql_as($coord, $role, $sql);
}

$coord->safe_psql('postgres', 'CREATE ROLE t1 LOGIN');
foreach my $name ('gone', 'kept')
{
	as('t1', qq{SELECT reporunner.save_workflow('$name',
		'{"nodes": [{"name": "Start", "type": "trigger"}]}')});
}
$coord->safe_psql('postgres', 'SELECT reporunner.distribute()');
$coord->safe_psql('postgres', q{
CREATE EXTENSION pg_cron;
GRANT USAGE ON SCHEMA cron TO t1;
CREATE TABLE public.orders (id int);
GRANT ALL ON public.orders TO t1;
});
my $t1 = $coord->safe_psql('postgres', "SELECT 't1'::regrole::oid");

# each workflow: a table trigger and a schedule; the deleted one a NOTIFY too
my %table = map { $_ => as('t1', qq{SELECT reporunner.on_table('$_', 'public.orders')}) } ('gone', 'kept');
my %schedule =
  map { $_ => as('t1', qq{SELECT reporunner.on_schedule('$_', '0 0 1 1 *')}) } ('gone', 'kept');
as('t1', q{SELECT reporunner.on_notify('gone', 'orders_gone')});
is($coord->safe_psql('postgres', 'SELECT count(*) FROM cron.job'), '2', 'two pg_cron jobs');
is( $coord->safe_psql('postgres',
		q{SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.orders'::regclass AND NOT tgisinternal}),
	'2', 'one PostgreSQL trigger per table trigger');

as('t1', q{SELECT reporunner.delete_workflow('gone')});
is( $coord->safe_psql('postgres',
		"SELECT count(*) FROM reporunner.trigger WHERE owner = $t1"),
	'2', 'the deleted workflow\'s registrations are gone, the other\'s stay');
is($coord->safe_psql('postgres', 'SELECT jobname FROM cron.job'),
	"reporunner_$schedule{kept}", 'its pg_cron job went with it, the other stays');
is( $coord->safe_psql('postgres',
		q{SELECT string_agg(tgname, ',') FROM pg_trigger WHERE tgrelid = 'public.orders'::regclass AND NOT tgisinternal}),
	"reporunner_$table{kept}", 'its PostgreSQL trigger went with it, the other stays');

# the table works, and only the remaining trigger queues
as('t1', 'INSERT INTO public.orders VALUES (1)');
is( $coord->safe_psql('postgres',
		"SELECT string_agg(w.name, ',') FROM reporunner.execution e JOIN reporunner.workflow w ON w.id = e.workflow_id AND w.owner = e.owner WHERE e.owner = $t1 AND e.mode = 'table'"),
	'kept', 'an insert queues one execution, of the remaining workflow');

# a delete that fails takes nothing with it
my ($rc, $out, $err) = ('', '', '');
$coord->safe_psql('postgres', 'CREATE ROLE t2 LOGIN');
$rc = $coord->psql('postgres', q{SET ROLE t2; SELECT reporunner.delete_workflow('kept')},
	stdout => \$out, stderr => \$err);
isnt($rc, 0, 'another tenant cannot delete the workflow');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM cron.job'), '1',
	'and its pg_cron job stays');

done_testing();
