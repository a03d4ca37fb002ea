# HttpTestServer.pm - the local HTTP server of the http node's TAP tests
# (test/http_server.py, Python's standard library): started on 127.0.0.1
# at a free port, stopped when the test ends.
#
#   my $base = HttpTestServer::start();    # "http://127.0.0.1:PORT"
package HttpTestServer;

use strict;
use warnings FATAL => 'all';
use PostgreSQL::Test::Utils;
use POSIX ();
use Time::HiRes qw(usleep);

my @pids;

END { kill 'TERM', @pids if @pids; }

sub start
{
	my $port_file = PostgreSQL::Test::Utils::tempdir() . '/port';
	my $pid = fork() // die "fork: $!";
	if ($pid == 0)
	{
		exec('python3', "$ENV{TESTDIR}/test/http_server.py", '--port-file',
			$port_file)
		  or POSIX::_exit(1);
	}
	push @pids, $pid;
	for (my $i = 0; $i < 100 && !-e $port_file; $i++) { usleep(100_000); }
	die "the test server did not start" unless -e $port_file;
	return 'http://127.0.0.1:' . PostgreSQL::Test::Utils::slurp_file($port_file);
}

1;
