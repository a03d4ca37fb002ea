--
-- The SSRF guard's table: addresses and URL tricks an http node must not
-- reach, each refused before a connection is made, and the range the
-- guard judged it in.  Loopback forms use port 1, where nothing listens:
-- one that got past the guard would fail with 08000 ("connection
-- refused") instead of 42501.  Other addresses have no route here; the
-- node's connect_timeout of 1 s keeps one that got past from hanging.
-- Names that resolve to loopback, redirects, and "reached only when
-- allowed" need the test server: test/t/017_http_acceptance.pl.
--
\pset format unaligned
\pset tuples_only on

SELECT regress.save_node('http', '{"url": "{{ $json.url }}", "connect_timeout": "1s",
	"timeout": "2s", "max_redirects": 0}', fresh => true) > 0;

-- url | SQLSTATE | the address refused | the blocked range; or, when
-- the guard did not refuse, the message without its detail (which has
-- libcurl's timings)
CREATE FUNCTION pg_temp.guard(url text) RETURNS text LANGUAGE sql AS $$
	SELECT concat_ws(' | ', url, left(r, 5),
		coalesce(m[1] || ' | ' || m[2],
				 regexp_replace(split_part(r, ' / ', 1),
								'^\w{5}: (workflow "test_http" failed at node "Http": )?', '')))
	FROM regress.execute('test_http', jsonb_build_array(jsonb_build_object('url', url))) AS r,
		 LATERAL (SELECT regexp_match(r, 'refused to connect to address (\S+) of host .* / The address is in a blocked range: (.*)\.  The request')) AS x(m)
$$;

SELECT pg_temp.guard(u) FROM (VALUES
-- loopback, spelled every way libcurl and the resolver accept
('http://127.0.0.1:1/'),
('http://127.255.255.254:1/'),
('http://127.1:1/'),
('http://2130706433:1/'),
('http://017700000001:1/'),
('http://0177.0.0.1:1/'),
('http://0x7f.1:1/'),
('http://0x7f000001:1/'),
('http://0x7f.0x0.0x0.0x1:1/'),
('http://127.000.000.001:1/'),
('HTTP://127.0.0.1:1/'),
-- userinfo and fragment tricks: the host is what follows the last @
('http://a@127.0.0.1:1/'),
('http://user:pass@127.0.0.1:1/'),
('http://example.com@127.0.0.1:1/'),
('http://example.com:80@127.0.0.1:1/'),
('http://127.0.0.1:1#@example.com/'),
('http://127.0.0.1:1/#@example.com'),
('http://127.0.0.1:1?@example.com/'),
-- IPv6 loopback, unspecified, and IPv6 forms carrying an IPv4 address
('http://[::1]:1/'),
('http://[0:0:0:0:0:0:0:1]:1/'),
('http://[::]:1/'),
('http://[::ffff:127.0.0.1]:1/'),
('http://[::ffff:7f00:1]:1/'),
('http://[0:0:0:0:0:ffff:127.0.0.1]:1/'),
('http://[::127.0.0.1]:1/'),
('http://[::7f00:1]:1/'),
('http://[64:ff9b::127.0.0.1]:1/'),
('http://[2002:7f00:1::]:1/'),
('http://[2002:7f00:1:ffff::1]:1/'),
-- "this network"
('http://0.0.0.0:1/'),
('http://0:1/'),
('http://0.1.2.3:1/'),
('http://[::ffff:0.0.0.0]:1/'),
-- the cloud metadata service, in the same disguises
('http://169.254.169.254/latest/meta-data/'),
('http://2852039166/latest/meta-data/'),
('http://0xa9fea9fe/'),
('http://0251.0376.0251.0376/'),
('http://169.254.43518/'),
('http://[::ffff:169.254.169.254]/'),
('http://[::ffff:a9fe:a9fe]/'),
('http://[64:ff9b::169.254.169.254]/'),
('http://[fd00:ec2::254]/'),
-- private, shared, link-local and other special networks
('http://10.0.0.1/'),
('http://10.255.255.255/'),
('http://012.1/'),
('http://172.16.0.1/'),
('http://172.31.255.255/'),
('http://192.168.0.1/'),
('http://192.168.255.255/'),
('http://[::ffff:192.168.1.1]/'),
('http://100.64.0.1/'),
('http://100.127.255.255/'),
('http://192.0.0.8/'),
('http://192.0.2.1/'),
('http://198.51.100.7/'),
('http://203.0.113.9/'),
('http://198.18.0.1/'),
('http://198.19.255.255/'),
('http://192.88.99.1/'),
('http://224.0.0.1/'),
('http://239.255.255.250/'),
('http://255.255.255.255/'),
('http://240.0.0.1/'),
('http://[fc00::1]/'),
('http://[fdff:ffff:ffff::1]/'),
('http://[fe80::1]/'),
('http://[fe80::1%25eth0]/'),
('http://[febf:ffff::1]/'),
('http://[fec0::1]/'),
('http://[ff02::1]/'),
('http://[ff0e::1]/'),
('http://[2001:db8::1]/'),
('http://[2001:db8:ffff::1]/'),
('http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/'),
('http://[100::1]/'),
-- other schemes: refused before anything is resolved
('file:///etc/passwd'),
('file://localhost/etc/passwd'),
('gopher://127.0.0.1:1/'),
('ftp://127.0.0.1:1/'),
('dict://127.0.0.1:11211/stat'),
('ldap://127.0.0.1:1/'),
('tftp://127.0.0.1:1/'),
('telnet://127.0.0.1:1/'),
('smtp://127.0.0.1:1/'),
('scp://127.0.0.1:1/')
) AS t(u);

-- allowing a network opens that network only, and only to superusers'
-- settings: 127.0.0.1/32 lets 127.0.0.1 through (nothing listens on port
-- 1, so 08000), but not 127.0.0.2, ::1 or 10.0.0.1
SET reporunner.http_allow = '127.0.0.1/32';
SELECT pg_temp.guard(u) FROM (VALUES
('http://127.0.0.1:1/'),
('http://2130706433:1/'),
('http://[::ffff:127.0.0.1]:1/'),
('http://127.0.0.2:1/'),
('http://[::1]:1/'),
('http://10.0.0.1/')
) AS t(u);
RESET reporunner.http_allow;
SELECT pg_temp.guard('http://127.0.0.1:1/');
