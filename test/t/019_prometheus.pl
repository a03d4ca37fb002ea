# Prometheus: reporunner.metrics() and Debian's prometheus-postgres-exporter
# with docs/prometheus-queries.yaml, connected as the role docs/prometheus.md
# creates, scraped on 127.0.0.1 after a known set of executions (successes,
# failures, a retried node, a queued execution, HTTP requests to the test
# server (test/http_server.py) and one the SSRF guard refuses) of two
# tenants.  promtool
# (Debian's prometheus) accepts metrics() and the exporter's Reporunner
# metrics; the numbers are those of the tables; a tenant's metrics() has
# only its own workflows.
use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Cluster;
use ReporunnerNode;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use HTTP::Tiny;
use HttpTestServer;
use Time::HiRes qw(usleep);

my $exporter = '/usr/bin/prometheus-postgres-exporter';
plan skip_all => 'prometheus-postgres-exporter and promtool are not installed (test/setup.sh installs them)'
  unless -x $exporter && -x '/usr/bin/promtool';

my $http_port = HttpTestServer::start();
my $node = ReporunnerNode->create('prometheus',
	'reporunner.http_allow' => "'127.0.0.1/32'");

# the exporter's role, as docs/prometheus.md creates it
$node->safe_psql('postgres', q{
CREATE ROLE reporunner_exporter LOGIN;
GRANT pg_monitor, reporunner_admin TO reporunner_exporter;
CREATE ROLE shop LOGIN;
CREATE ROLE rival LOGIN;
CREATE SEQUENCE flaky_attempts;
GRANT USAGE ON SEQUENCE flaky_attempts TO shop;
});

# shop: three executions that succeed and two that fail, one whose node
# fails twice and is retried, and one queued for later
$node->safe_psql('postgres', q{
SET ROLE shop;
SELECT reporunner.save_workflow('orders "EU"', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Ok?", "type": "if", "params": {"condition": "{{ $json.ok }}"}},
	{"name": "Done", "type": "noop"},
	{"name": "Reject", "type": "stop_and_error", "params": {"message": "not ok"}}],
	"connections": [
	{"from": "Start", "to": "Ok?"},
	{"from": "Ok?", "output": "true", "to": "Done"},
	{"from": "Ok?", "output": "false", "to": "Reject"}]}');
SELECT reporunner.save_workflow('flaky', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Flaky", "type": "sql", "retry": {"tries": 5, "delay": "10ms"},
	 "params": {"query": "SELECT 10 / (CASE WHEN nextval(''flaky_attempts'') < 3 THEN 0 ELSE 1 END) AS ok", "mode": "once"}}],
	"connections": [{"from": "Start", "to": "Flaky"}]}');
});
$node->safe_psql('postgres', q{SET ROLE shop;
SELECT reporunner.execute('orders "EU"', '[{"ok": true}]', '{"save": "all"}')})
  for 1 .. 3;
for (1 .. 2)
{
	my ($rc) = $node->psql('postgres', q{SET ROLE shop;
SELECT reporunner.execute('orders "EU"', '[{"ok": false}]', '{"save": "all"}')});
	isnt($rc, 0, 'an execution fails');
}
my $flaky = $node->safe_psql('postgres', q{SET ROLE shop;
SELECT reporunner.start('flaky', '[{}]')});
is( $node->safe_psql('postgres', qq{SET ROLE shop;
SELECT status FROM reporunner.wait_for($flaky, '60 s')}),
	'succeeded', 'the retried execution succeeds');
$node->safe_psql('postgres', q{SET ROLE shop;
SELECT reporunner.start('flaky', '[{}]', '{"delay": "1h"}')});
# shop's HTTP requests: a background http node that gets 500 twice and
# 200 on its third try, a 404 (the execution fails), and a request to a
# private address, which the SSRF guard refuses
$node->safe_psql('postgres', qq{GRANT reporunner_http TO shop; SET ROLE shop;
SELECT reporunner.save_workflow('fetch', '{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "Call", "type": "http", "retry": {"tries": 3, "delay": "10ms"},
	 "params": {"url": "{{ \$json.url }}"}}],
	"connections": [{"from": "Start", "to": "Call"}]}')});
my $fetch = $node->safe_psql('postgres', qq{SET ROLE shop;
SELECT reporunner.start('fetch', '[{"url": "http://127.0.0.1:$http_port/flaky/prom/2"}]')});
is( $node->safe_psql('postgres', qq{SET ROLE shop;
SELECT status FROM reporunner.wait_for($fetch, '60 s')}),
	'succeeded', 'the http node succeeds on its third try');
for my $url ("http://127.0.0.1:$http_port/status/404", 'http://10.1.2.3/')
{
	my ($rc) = $node->psql('postgres', qq{SET ROLE shop;
SELECT reporunner.execute('fetch', '[{"url": "$url"}]')});
	isnt($rc, 0, "a request to $url fails");
}
# rival: one that succeeds
$node->safe_psql('postgres', q{SET ROLE rival;
SELECT reporunner.save_workflow('rival_flow', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.execute('rival_flow', '[{}]', '{"save": "all"}');});
# nothing is due for an hour: the workers leave, and their count stays 0
# between the scrape and the query that checks it
$node->poll_query_until('postgres', q{SELECT coalesce(sum(workers), 0) = 0 FROM reporunner.workers()})
  or die 'the workers did not leave';

# promtool check metrics: its exit code and what it says
sub promtool
{
	my ($text) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'promtool', 'check', 'metrics' ],
		'<', \$text, '>', \$out, '2>', \$err, IPC::Run::timeout(60));
	return ($? >> 8, $out . $err);
}

# metrics() as a superuser, as the exporter's role and as a tenant
my $all = $node->safe_psql('postgres', 'SELECT reporunner.metrics()');
my ($rc, $said) = promtool("$all\n");
is($rc, 0, 'promtool accepts metrics()') or diag($said);
like($all, qr/^reporunner_executions_created\{workflow="orders \\"EU\\"",owner="shop",status="failed"\} 2$/m,
	'metrics(): the failed executions, the workflow name escaped');
my $rival = $node->safe_psql('postgres', 'SET ROLE rival; SELECT reporunner.metrics()');
($rc, $said) = promtool("$rival\n");
is($rc, 0, "promtool accepts a tenant's metrics()") or diag($said);
is( join(',', sort keys %{ { map { $_ => 1 } $rival =~ /workflow="([^"]*)"/g } }),
	'rival_flow', "a tenant's metrics() has only its own workflows");
unlike($rival, qr/shop/, "a tenant's metrics() names no other tenant");

# the exporter on a free port of 127.0.0.1, through the node's socket
my $port = PostgreSQL::Test::Cluster::get_free_port();
my ($exp_out, $exp_err) = ('', '');
$ENV{DATA_SOURCE_NAME} = 'host=' . $node->host . ' port=' . $node->port
  . ' user=reporunner_exporter dbname=postgres sslmode=disable';
my $h = IPC::Run::start(
	[
		$exporter, "--web.listen-address=127.0.0.1:$port",
		"--extend.query-path=$ENV{TESTDIR}/docs/prometheus-queries.yaml",
		'--log.level=warn'
	],
	'>', \$exp_out, '2>', \$exp_err, IPC::Run::timeout(180));

my $http = HTTP::Tiny->new(timeout => 10);
my $scrape;
for (my $i = 0; $i < 100; $i++)
{
	my $r = $http->get("http://127.0.0.1:$port/metrics");
	if ($r->{success} && $r->{content} =~ /^reporunner_executions_created/m)
	{
		$scrape = $r->{content};
		last;
	}
	usleep(200_000);
}
ok(defined $scrape, 'the exporter serves metrics on 127.0.0.1') or diag($exp_err);
$scrape //= '';
like($scrape, qr/^pg_up 1$/m, 'the exporter reaches the database');
like($scrape, qr/^pg_exporter_user_queries_load_error\{[^}]*\} 0$/m,
	'the exporter loaded the queries file');

# promtool: the whole scrape parses; its lint findings, if any, are about
# the exporter's own metrics, never Reporunner's; Reporunner's alone pass
($rc, $said) = promtool($scrape);
ok($rc == 0 || $rc == 3, "promtool parses the exporter's scrape") or diag($said);
unlike($said, qr/^reporunner_/m, "promtool finds nothing to lint in Reporunner's metrics")
  or diag($said);
my $ours = join('', grep { /^(# (HELP|TYPE) )?reporunner_/ } split /^/m, $scrape);
($rc, $said) = promtool($ours);
is($rc, 0, "promtool accepts the exporter's Reporunner metrics") or diag($said);

# the Reporunner samples of a scrape: value by name{labels}, the labels
# sorted, without the exporter's "server" label
sub samples
{
	my ($text) = @_;
	my %sample;
	for my $line (split /\n/, $text)
	{
		next unless $line =~ /^(reporunner_\w+)(?:\{(.*)\})? (\S+)$/;
		my ($name, $labels, $value) = ($1, $2 // '', $3);
		$labels = join(',', sort grep { !/^server=/ } split /,(?=\w+=")/, $labels);
		$sample{"$name\{$labels}"} = $value;
	}
	return %sample;
}
my %sample = samples($scrape);

# executions by workflow and status: those of the table
my $table = $node->safe_psql('postgres', q{
SELECT string_agg(format('owner="%s",status="%s",workflow="%s"=%s', owner, status,
	replace(workflow, '"', '\"'), n), E'\n' ORDER BY 1)
FROM (SELECT workflow, owner, status, count(*) AS n FROM reporunner.executions
	  GROUP BY 1, 2, 3) c});
my $scraped = join("\n", map { /^reporunner_executions_created\{(.*)\}$/ ? "$1=$sample{$_}" : () }
	  grep { $sample{$_} != 0 } sort keys %sample);
is($scraped, join("\n", sort split /\n/, $table),
	'executions by workflow and status: the counts of the table');
is($sample{'reporunner_execution_duration_seconds_count{owner="shop",workflow="orders \"EU\""}'},
	5, 'the histogram counts the finished executions');
is($sample{'reporunner_execution_duration_seconds_bucket{le="+Inf",owner="shop",workflow="orders \"EU\""}'},
	5, 'its +Inf bucket too');
is($sample{'reporunner_workflow_retries{owner="shop",workflow="flaky"}'},
	2, 'the retried node: two retries');
is($sample{'reporunner_queue_depth{}'}, 1, 'one execution queued');
is($sample{'reporunner_http_node_retries{owner="shop",workflow="fetch"}'},
	2, 'the http node: two retries');
is($sample{'reporunner_http_requests_total{method="GET",owner="shop",status_class="5xx"}'},
	2, 'HTTP requests answered 500: two');
is($sample{'reporunner_http_requests_total{method="GET",owner="shop",status_class="2xx"}'},
	1, 'HTTP requests answered 200: one');
is($sample{'reporunner_http_requests_total{method="GET",owner="shop",status_class="4xx"}'},
	1, 'HTTP requests answered 404: one');
is($sample{'reporunner_http_request_failures_total{method="GET",owner="shop",reason="refused"}'},
	1, 'HTTP requests the SSRF guard refused: one');
ok($sample{'reporunner_http_received_bytes_total{owner="shop"}'} > 0,
	'HTTP bytes received are counted');
unlike($rival, qr/^reporunner_http_(requests|request_failures|received_bytes)_total/m,
	"a tenant's metrics() has no other tenant's HTTP requests");
is($sample{'reporunner_workers_running{}'},
	$node->safe_psql('postgres', q{SELECT coalesce(sum(workers), 0) FROM reporunner.workers()
WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())}),
	'the workers running');

# the exporter and metrics() say the same, sample for sample
my %direct = samples($all);
delete $direct{$_}
  for grep { /^reporunner_(queue_oldest_age_seconds|workers_running)/ } keys %direct;
is_deeply({ map { $_ => $sample{$_} } grep { exists $sample{$_} } keys %direct },
	\%direct, 'the exporter has every sample of metrics(), with the same value');

$h->kill_kill;
$node->stop;
done_testing();
