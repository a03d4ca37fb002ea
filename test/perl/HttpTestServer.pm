# HttpTestServer.pm - the test server of the http node's TAP tests
# (test/http_server.py) and what those tests share.
#
#   my $port = HttpTestServer::start();    # on 127.0.0.1, stopped at exit
#   HttpTestServer::setup($node);          # try_run() in database postgres
#   HttpTestServer::save_http($node, 'get', '{"url": "{{ $json.url }}"}',
#       '"retry": {"tries": 2}');         # Start -> Call, an http node
#   HttpTestServer::run($node, 'get', '[{}]', 'SET ...;');   # try_run()
#   my $key_file = HttpTestServer::master_key();
#   HttpTestServer::set_credential($node, 'alice', 'gh', 'bearer', '{...}');
#   HttpTestServer::requests($base, '/echo');    # what the server received
#   HttpTestServer::wait_held($base, '/hold/g', 20);
package HttpTestServer;

use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Utils;
use POSIX ();
use Time::HiRes qw(usleep);
use HTTP::Tiny;
use JSON::PP;

my $server_pid;
END { kill 'TERM', $server_pid if $server_pid; }

# start([script]): run the server (test/http_server.py, or another script
# of test/ that takes --port-file) on a free port of 127.0.0.1 (it writes
# the port to a file once it listens); its port
sub start
{
	my ($script) = @_;
	$script //= 'http_server.py';
	my $port_file = PostgreSQL::Test::Utils::tempdir() . '/port';
	$server_pid = fork() // die "fork: $!";
	if ($server_pid == 0)
	{
		exec('python3', "$ENV{TESTDIR}/test/$script", '--port-file', $port_file)
		  or POSIX::_exit(1);
	}
	for (my $i = 0; $i < 100 && !-e $port_file; $i++) { usleep(100_000); }
	die "the test server did not start" unless -e $port_file;
	return PostgreSQL::Test::Utils::slurp_file($port_file);
}

# setup(node): try_run(workflow, items), execute()'s result or
# "SQLSTATE: message", for everyone
sub setup
{
	my ($node) = @_;
	$node->safe_psql(
		'postgres', q{
CREATE FUNCTION try_run(workflow text, items jsonb DEFAULT '[{}]') RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	RETURN reporunner.execute(workflow, items)::text;
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION try_run(text, jsonb) TO PUBLIC;
});
}

# save_http(node, workflow, params, node fields): save Start -> Call, an
# http node with those params (JSON) and fields
sub save_http
{
	my ($node, $workflow, $params, $fields) = @_;
	$fields = $fields ? ", $fields" : '';
	my $doc = qq({"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Call", "type": "http", "params": $params $fields}],
		"connections": [{"from": "Start", "to": "Call"}]});
	$node->safe_psql('postgres',
		"SELECT reporunner.save_workflow('$workflow', \$doc\$$doc\$doc\$)");
}

# requests(base, path): the requests the server at base received for
# path, oldest first, as its /log gives them
sub requests
{
	my ($base, $path) = @_;
	my $response = HTTP::Tiny->new(timeout => 10)->get("$base/log");
	die "GET /log: $response->{status}" unless $response->{success};
	return grep { $_->{path} eq $path } @{ decode_json($response->{content}) };
}

# wait_held(base, path, n): whether n requests to path (/hold/GATE)
# arrived within 30 s
sub wait_held
{
	my ($base, $path, $least) = @_;
	for (my $i = 0; $i < 300; $i++)
	{
		return 1 if scalar(requests($base, $path)) >= $least;
		usleep(100_000);
	}
	return 0;
}

# kill_workers(node): SIGKILL the node's reporunner workers (with
# restart_after_crash on); whether the server restarted within 60 s
sub kill_workers
{
	my ($node) = @_;
	my $offset = -s $node->logfile;
	my @pids = split /\n/, $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE backend_type = 'reporunner worker'");
	kill 9, @pids;
	for (my $i = 0; $i < 600; $i++)
	{
		return 1 if slurp_file($node->logfile, $offset) =~
		  /terminated by signal 9.*all server processes terminated; reinitializing.*database system is ready to accept connections/s;
		usleep(100_000);
	}
	return 0;
}

# run(node, workflow, items, settings): try_run's result, after the SET
# statements in settings
sub run
{
	my ($node, $workflow, $items, $settings) = @_;
	$items //= '[{}]';
	$settings //= '';
	return $node->safe_psql('postgres',
		"$settings SELECT try_run('$workflow', \$i\$$items\$i\$)");
}

# master_key(): the path of a new master key file, 32 random bytes only the
# server's user may read (for reporunner.key_file)
sub master_key
{
	my $key_file = PostgreSQL::Test::Utils::tempdir() . '/master.key';
	open(my $fh, '>:raw', $key_file) or die "$key_file: $!";
	print $fh join('', map { chr(int(rand(256))) } 1 .. 32);
	close($fh);
	chmod(0600, $key_file);
	return $key_file;
}

# set_credential(node, role, name, type, secret): set_credential() as role,
# as docs/credentials.md says a superuser does it for a tenant: neither the
# statement log nor pg_stat_activity sees it
sub set_credential
{
	my ($node, $role, $name, $type, $secret) = @_;
	$node->safe_psql(
		'postgres', qq{
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
SET track_activities = off;
SET ROLE $role;
SELECT reporunner.set_credential('$name', '$type', '$secret');
});
}

1;
