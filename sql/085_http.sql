--
-- The "http" node without a network: the validator's checks of its params
-- when the workflow is saved, the role reporunner_http and who may set the
-- settings, and the errors that come before anything is sent (a URL that
-- is none, another scheme, an address the SSRF guard blocks, an owner who
-- is no member of reporunner_http).  test/t/015_http.pl sends requests to
-- a local test server.
--
\pset format unaligned
\pset tuples_only on

-- save-time validation: each document is refused, with the field named
SELECT regress.try(format('SELECT reporunner.validate_workflow(%L::jsonb)::text',
						  regress.node_doc('http', p::jsonb))) FROM (VALUES
('{}'),
('{"url": ""}'),
('{"url": 42}'),
('{"url": "http://example.com", "method": "get"}'),
('{"url": "http://example.com", "method": "TRACE"}'),
('{"url": "http://example.com", "method": "{{ $json.m }}"}'),
('{"url": "http://example.com", "body_type": "xml"}'),
('{"url": "http://example.com", "body_type": "multipart/form-data"}'),
('{"url": "http://example.com", "response": "stream"}'),
('{"url": "http://example.com", "query": [1]}'),
('{"url": "http://example.com", "headers": "X-A: 1"}'),
('{"url": "http://example.com", "full_response": "yes"}'),
('{"url": "http://example.com", "full_response": "{{ $json.full }}"}'),
('{"url": "http://example.com", "timeout": "0s"}'),
('{"url": "http://example.com", "timeout": "5 parsecs"}'),
('{"url": "http://example.com", "connect_timeout": 10}'),
('{"url": "http://example.com", "max_redirects": 21}'),
('{"url": "http://example.com", "max_redirects": -1}'),
('{"url": "http://example.com", "max_redirects": 1.5}'),
('{"url": "http://example.com", "verify_tls": "no"}'),
('{"url": "http://example.com", "next_url": ""}'),
('{"url": "http://example.com", "next_url": 1}'),
('{"url": "http://example.com", "max_pages": 5}'),
('{"url": "http://example.com", "next_url": "{{ $json.next }}", "max_pages": 0}'),
('{"url": "http://example.com", "next_url": "{{ $json.next }}", "max_pages": 10001}'),
('{"url": "http://example.com", "pagination": "page"}'),
('{"url": "http://example.com", "pagination": {}}'),
('{"url": "http://example.com", "pagination": {"param": ""}}'),
('{"url": "http://example.com", "pagination": {"param": "{{ $json.p }}"}}'),
('{"url": "http://example.com", "pagination": {"param": "page", "in": "header"}}'),
('{"url": "http://example.com", "pagination": {"param": "page", "start": 1.5}}'),
('{"url": "http://example.com", "pagination": {"param": "page", "step": 0}}'),
('{"url": "http://example.com", "pagination": {"param": "page", "step": "{{ $json.step }}"}}'),
('{"url": "http://example.com", "pagination": {"param": "page", "complete": "$json.done"}}'),
('{"url": "http://example.com", "pagination": {"param": "page", "complete": "{{ $nope }}"}}'),
('{"url": "http://example.com", "pagination": {"param": "page", "until": "{{ true }}"}}'),
('{"url": "http://example.com", "pagination": {"param": "page"}, "next_url": "{{ $json.next }}"}'),
('{"url": "http://example.com", "pagination": "{{ $json.p }}"}'),
('{"url": "http://example.com", "items_per_request": 0}'),
('{"url": "http://example.com", "items_per_request": "{{ $json.n }}"}'),
('{"url": "http://example.com", "items_per_request": 2, "body_type": "json"}'),
('{"url": "http://example.com", "items_per_request": 2, "pagination": {"param": "page"}}'),
('{"url": "http://example.com", "batch_size": 0}'),
('{"url": "http://example.com", "batch_size": 10001}'),
('{"url": "http://example.com", "batch_size": "{{ $json.n }}"}'),
('{"url": "http://example.com", "batch_interval": "1s"}'),
('{"url": "http://example.com", "batch_size": 5, "batch_interval": 1000}'),
('{"url": "http://example.com", "proxy": "proxy:3128"}'),
('{"url": "http://example.com", "proxy": "http://proxy"}'),
('{"url": "http://example.com", "proxy": "http://user:secret@proxy:3128"}'),
('{"url": "http://example.com", "proxy": "http://proxy:3128/path"}'),
('{"url": "http://example.com", "proxy": "http://proxy:65536"}'),
('{"url": "http://example.com", "proxy": "socks4://proxy:1080"}'),
('{"url": "http://example.com", "proxy": "http://{{ $json.host }}:3128"}')
) AS t(p);

-- and a document that uses every param is valid, and saves
SELECT reporunner.validate_workflow(regress.node_doc('http', '{
	"method": "POST", "url": "https://api.example.com/orders/{{ $json.id }}",
	"query": {"page": "{{ $json.page }}"}, "headers": {"X-Request": "{{ $json.id }}"},
	"body": {"id": "{{ $json.id }}", "tags": ["a", "b"]}, "body_type": "json",
	"response": "text", "full_response": true, "timeout": "10s",
	"connect_timeout": "2s", "max_redirects": 0, "verify_tls": false,
	"next_url": "{{ $json.links.next }}", "max_pages": 20}'));
SELECT reporunner.validate_workflow(regress.node_doc('http', '{
	"method": "POST", "url": "https://api.example.com/orders",
	"body": {"report": {"data": "{{ $json.pdf }}", "filename": "r.pdf",
	"content_type": "application/pdf"}, "title": "{{ $json.title }}"},
	"body_type": "multipart", "batch_size": 10, "batch_interval": "500ms",
	"proxy": "http://proxy.internal:3128",
	"pagination": {"param": "offset", "in": "body", "start": 0, "step": 100,
	"complete": "{{ $json.more == false }}"}, "max_pages": 50}'));
SELECT reporunner.validate_workflow(regress.node_doc('http', p::jsonb)) FROM (VALUES
('{"url": "http://example.com", "pagination": {"param": "page"}}'),
('{"url": "http://example.com", "proxy": "socks5h://[fd00::1]:1080/"}'),
('{"url": "http://example.com", "proxy": "https://10.0.0.1:8443"}')
) AS t(p);
SELECT regress.save_node('http', '{"url": "https://api.example.com/x", "method": "DELETE"}') > 0;

-- the role, created by the extension
SELECT rolname, rolcanlogin, shobj_description(oid, 'pg_authid')
FROM pg_roles WHERE rolname = 'reporunner_http';

-- the settings: defaults, what http_allow accepts, and only superusers set them
SHOW reporunner.http_allow;
SHOW reporunner.http_max_response_size;
SET reporunner.http_allow = '127.0.0.1/32, 10.0.0.0/8, ::1, fd00::/8, api.internal., Example.COM';
SHOW reporunner.http_allow;
SET reporunner.http_allow = '127.0.0.1/33';
SET reporunner.http_allow = '10.0.0.0/8/8';
SET reporunner.http_allow = 'under_score.example';
SET reporunner.http_allow = 'fd00::/129';
SET reporunner.http_max_response_size = 100;
SET reporunner.http_allow = 'not a/network';
RESET reporunner.http_allow;
SHOW reporunner.http_proxy_allow;
SET reporunner.http_proxy_allow = 'http://proxy.internal:3128, socks5h://[fd00::1]:1080';
SHOW reporunner.http_proxy_allow;
SET reporunner.http_proxy_allow = 'proxy.internal:3128';
SET reporunner.http_proxy_allow = 'http://u:p@proxy.internal:3128';
RESET reporunner.http_proxy_allow;
CREATE ROLE regress_http_tenant;
SET ROLE regress_http_tenant;
SET reporunner.http_allow = '0.0.0.0/0';
SET reporunner.http_max_response_size = '1GB';
SET reporunner.http_proxy_allow = 'http://evil.example:3128';
RESET ROLE;

-- refused before anything is sent: no URL, another scheme, bad values
SELECT regress.save_node('http', '{"url": "{{ $json.url }}", "query": "{{ $json.query }}",
	"headers": "{{ $json.headers }}"}', fresh => true) > 0;
SELECT regress.execute('test_http', i::jsonb) FROM (VALUES
('[{"url": 42}]'),
('[{"url": "not a url"}]'),
('[{"url": "//example.com/x"}]'),
('[{"url": "file:///etc/passwd"}]'),
('[{"url": "gopher://127.0.0.1:70/"}]'),
('[{"url": "ftp://127.0.0.1/"}]'),
('[{"url": "dict://127.0.0.1:11211/"}]'),
('[{"url": "http://example.com", "query": [1]}]'),
('[{"url": "http://example.com", "query": {"a": {"b": 1}}}]'),
('[{"url": "http://example.com", "headers": {"X-A": "1\r\nX-B: 2"}}]'),
('[{"url": "http://example.com", "headers": {"Bad Name": "1"}}]'),
('[{"url": "http://example.com", "headers": {"": "1"}}]')
) AS t(i);

-- the SSRF guard refuses blocked addresses before a packet is sent (more
-- of them, and redirects, in test/t/015_http.pl)
SELECT regress.execute('test_http', jsonb_build_array(jsonb_build_object('url', u))) FROM (VALUES
('http://10.1.2.3/'),
('http://169.254.169.254/latest/meta-data/'),
('http://[fd00::1]/'),
('http://[::ffff:192.168.0.1]/')
) AS t(u);

-- a proxy that reporunner.http_proxy_allow does not list is refused before
-- anything is sent; a multipart body and pagination in the body are checked
-- before too
SELECT regress.save_node('http', '{"url": "http://example.com/", "proxy": "http://127.0.0.1:9"}', fresh => true) > 0;
SELECT regress.execute('test_http');
SET reporunner.http_proxy_allow = 'http://127.0.0.2:9';
SELECT regress.execute('test_http');
RESET reporunner.http_proxy_allow;
SELECT regress.save_node('http', '{"url": "http://example.com/", "method": "POST",
	"body_type": "multipart", "body": "{{ $json.body }}"}', fresh => true) > 0;
SELECT regress.execute('test_http', jsonb_build_array(jsonb_build_object('body', b))) FROM (VALUES
('"text"'::jsonb),
('{"a": [1]}'),
('{"f": {"data": "not base64!"}}'),
('{"f": {"filename": "x.txt"}}'),
('{"f": {"data": "", "size": 1}}'),
('{"f": {"data": "", "filename": 1}}'),
('{"f": {"data": "", "content_type": "text/plain\r\nX-A: 1"}}'),
('{"a\nb": 1}')
) AS t(b);
SELECT regress.save_node('http', '{"url": "http://example.com/", "method": "POST",
	"body": "{{ $json.body }}", "pagination": {"param": "page", "in": "body"}}', fresh => true) > 0;
SELECT regress.execute('test_http', '[{"body": [1]}]');

-- an owner who is no member of reporunner_http may save, but not run it
SET ROLE regress_http_tenant;
SELECT reporunner.save_workflow('tenant_http', regress.node_doc('http', '{"url": "http://example.com/"}')) > 0;
SELECT regress.execute('tenant_http');
RESET ROLE;
SELECT reporunner.reassign_workflows('regress_http_tenant', CURRENT_USER::regrole) >= 0;
DROP ROLE regress_http_tenant;
