--
-- Credentials without a network: the master key file and its checks,
-- set_credential() and its checks of each type, drop_credential(), the
-- credentials view, the sealed bytes, tenancy, a credential opened by an
-- http node (its request then refused by the SSRF guard, so nothing is
-- sent), a sealed secret moved to another row, rotate_key() and
-- reassign_workflows().  test/t/016_credentials.pl sends requests with
-- each type to a local test server and greps everything for a canary.
--
\pset format unaligned
\pset tuples_only on

CREATE ROLE regress_cred_a;
CREATE ROLE regress_cred_b;
CREATE ROLE regress_cred_c;
GRANT reporunner_http TO regress_cred_a, regress_cred_b, regress_cred_c;

-- the settings: empty by default, superusers only, hidden from others
SHOW reporunner.key_file;
SHOW reporunner.old_key_file;
SET ROLE regress_cred_a;
SET reporunner.key_file = '/tmp/mine.key';
SELECT count(*) FROM pg_settings WHERE name = 'reporunner.key_file';
RESET ROLE;

-- without a key file: an error that says how to make one
SELECT regress.try($$SELECT reporunner.set_credential('api', 'bearer', '{"token": "t"}')$$);

-- key files (in the data directory, the server's working directory): a
-- good one, another, one too short, one too long, one others may read
COPY (SELECT 1 WHERE false) TO PROGRAM
	'umask 077 && head -c 32 /dev/urandom > regress_a.key && head -c 32 /dev/urandom > regress_b.key && head -c 16 /dev/urandom > regress_short.key && head -c 33 /dev/urandom > regress_long.key && head -c 32 /dev/urandom > regress_open.key && chmod 644 regress_open.key';
SET reporunner.key_file = 'regress_missing.key';
SELECT regress.try($$SELECT reporunner.set_credential('api', 'bearer', '{"token": "t"}')$$);
SET reporunner.key_file = 'regress_short.key';
SELECT regress.try($$SELECT reporunner.set_credential('api', 'bearer', '{"token": "t"}')$$);
SET reporunner.key_file = 'regress_long.key';
SELECT regress.try($$SELECT reporunner.set_credential('api', 'bearer', '{"token": "t"}')$$);
SET reporunner.key_file = 'regress_open.key';
SELECT regress.try($$SELECT reporunner.set_credential('api', 'bearer', '{"token": "t"}')$$);
SET reporunner.key_file = '.';
SELECT regress.try($$SELECT reporunner.set_credential('api', 'bearer', '{"token": "t"}')$$);
SET reporunner.key_file = 'regress_a.key';

-- each type's checks: the field is named, its value never
SELECT regress.try(format('SELECT reporunner.set_credential(%L, %L, %L)', n, t, s))
FROM (VALUES
(NULL, 'bearer', '{"token": "t"}'),
('', 'bearer', '{"token": "t"}'),
(repeat('x', 129), 'bearer', '{"token": "t"}'),
('x', NULL, '{"token": "t"}'),
('x', 'bearer', NULL),
('x', 'digest', '{"token": "t"}'),
('x', 'bearer', '["t"]'),
('x', 'bearer', '"t"'),
('x', 'bearer', '{}'),
('x', 'bearer', '{"token": 12345}'),
('x', 'bearer', '{"token": ""}'),
('x', 'bearer', '{"token": "line\nbreak"}'),
('x', 'bearer', '{"token": "t", "tokne": "t"}'),
('x', 'basic', '{"user": "u"}'),
('x', 'basic', '{"password": "p"}'),
('x', 'header', '{"name": "X Api Key", "value": "v"}'),
('x', 'header', '{"name": "X-Api-Key"}'),
('x', 'query', '{"value": "v"}'),
('x', 'oauth2_client_credentials', '{"token_url": "https://auth.example.com/token", "client_id": "c"}'),
('x', 'oauth2_client_credentials', '{"token_url": "file:///etc/passwd", "client_id": "c", "client_secret": "s"}'),
('x', 'oauth2_client_credentials', '{"token_url": "not a url", "client_id": "c", "client_secret": "s"}'),
('x', 'aws_sigv4', '{"access_key": "a", "secret_key": "s", "region": "eu-west-1"}'),
('x', 'aws_sigv4', '{"access_key": "a", "secret_key": "s", "region": "eu:west", "service": "s3"}'),
('x', 'url', '{"url": "ftp://hooks.example.com/secret-path"}'),
('x', 'url', '{"url": "https://hooks.example.com/secret path"}'),
('x', 'url', '{"uri": "https://hooks.example.com/secret-path"}')
) AS t(n, t, s);
SELECT count(*) FROM reporunner.credential;

-- A sets one of each type (an empty password is allowed)
SET ROLE regress_cred_a;
SELECT reporunner.set_credential('api', 'bearer', '{"token": "secret-token-a"}');
SELECT reporunner.set_credential('login', 'basic', '{"user": "sk_live_1", "password": ""}');
SELECT reporunner.set_credential('key', 'header', '{"name": "X-Api-Key", "value": "k"}');
SELECT reporunner.set_credential('param', 'query', '{"name": "api_key", "value": "k"}');
SELECT reporunner.set_credential('oauth', 'oauth2_client_credentials',
	'{"token_url": "https://auth.example.com/token", "client_id": "c", "client_secret": "s", "scope": "read"}');
SELECT reporunner.set_credential('aws', 'aws_sigv4',
	'{"access_key": "AKIA", "secret_key": "s", "region": "eu-west-1", "service": "s3", "session_token": "t"}');
SELECT name, type, owner, length(key_id), created_at = updated_at, rotated_at IS NULL
FROM reporunner.credentials ORDER BY name;
-- nobody but the tables' owner reads or writes the table itself
SELECT regress.try('SELECT secret::text FROM reporunner.credential LIMIT 1');
SELECT regress.try($$INSERT INTO reporunner.credential (owner, name, type, secret, key_id)
	VALUES ('regress_cred_a'::regrole, 'forged', 'bearer', '\x00', 'x') RETURNING 1$$);
SELECT regress.try($$UPDATE reporunner.credential SET name = 'renamed' RETURNING 1$$);
SELECT regress.try('DELETE FROM reporunner.credential RETURNING 1');
-- replacing keeps created_at, moves updated_at; a new nonce each time
RESET ROLE;
SELECT secret AS sealed_before FROM reporunner.credential
WHERE owner = 'regress_cred_a'::regrole AND name = 'api' \gset
SET ROLE regress_cred_a;
SELECT pg_sleep(0.01);
SELECT reporunner.set_credential('api', 'bearer', '{"token": "secret-token-a"}');
SELECT created_at < updated_at FROM reporunner.credentials WHERE name = 'api';
RESET ROLE;
SELECT secret <> :'sealed_before', length(secret) = length(:'sealed_before'::bytea)
FROM reporunner.credential WHERE owner = 'regress_cred_a'::regrole AND name = 'api';

-- the stored bytes: version 1, a nonce, the ciphertext and a tag, not
-- the plaintext; the key id is the file's
SELECT get_byte(secret, 0), length(secret) - 29 = length('{"token": "secret-token-a"}'),
	   position('secret-token-a'::bytea IN secret) = 0,
	   position('token'::bytea IN secret) = 0
FROM reporunner.credential WHERE owner = 'regress_cred_a'::regrole AND name = 'api';
SELECT count(DISTINCT key_id) FROM reporunner.credential;
SELECT key_id AS key_a FROM reporunner.credential LIMIT 1 \gset

-- tenancy: B sees none of A's, cannot drop them, and its own of the same
-- name is its own
SET ROLE regress_cred_b;
SELECT count(*) FROM reporunner.credentials;
SELECT count(*) FROM reporunner.credential;
SELECT regress.try($$SELECT reporunner.drop_credential('api')$$);
SELECT reporunner.set_credential('api', 'bearer', '{"token": "secret-token-b"}');
SELECT name, owner FROM reporunner.credentials;
RESET ROLE;
SELECT owner::regrole, secret = :'sealed_before' FROM reporunner.credential
WHERE name = 'api' ORDER BY 1;
SELECT relrowsecurity, relforcerowsecurity FROM pg_class
WHERE oid = 'reporunner.credential'::regclass;

-- a node names a credential: fixed when the workflow is saved
SELECT regress.try(format('SELECT reporunner.validate_workflow(%L::jsonb)::text',
						  regress.node_doc('http', p::jsonb))) FROM (VALUES
('{"url": "http://example.com", "credential": ""}'),
('{"url": "http://example.com", "credential": 1}'),
('{"url": "http://example.com", "credential": "{{ $json.credential }}"}')
) AS t(p);

-- a node of A's opens A's credential: the request is then refused by the
-- SSRF guard (nothing is sent); a missing one is an error naming it; B's
-- node with a name only A has finds nothing
SET ROLE regress_cred_a;
SELECT regress.save_workflow(w, regress.node_doc('http', jsonb_build_object(
	'url', 'http://10.1.2.3/x?q=1', 'credential', c)), true) > 0
FROM (VALUES ('cred_api', 'api'), ('cred_login', 'login'), ('cred_key', 'key'),
			 ('cred_param', 'param'), ('cred_aws', 'aws'),
			 ('cred_missing', 'missing')) AS t(w, c);
SELECT regress.execute(w) FROM unnest(ARRAY['cred_api', 'cred_login', 'cred_key',
	'cred_param', 'cred_aws', 'cred_missing']) AS w;
-- an oauth2 credential fetches its token first: the guard refuses that
SELECT regress.save_workflow('cred_oauth', regress.node_doc('http',
	'{"url": "https://api.example.com/x", "credential": "oauth"}'), true) > 0;
SELECT reporunner.set_credential('oauth', 'oauth2_client_credentials',
	'{"token_url": "http://10.9.9.9/token", "client_id": "c", "client_secret": "s"}');
SELECT regress.execute('cred_oauth');
-- a url credential's URL is the secret: the refusal names neither its
-- host nor its address, only the node's URL
SELECT reporunner.set_credential('hook', 'url', '{"url": "http://10.7.7.7/services/T0/B0/secret"}');
SELECT regress.save_workflow('cred_hook', regress.node_doc('http',
	'{"url": "https://hooks.example.com/", "credential": "hook", "method": "POST"}'), true) > 0;
SELECT regress.execute('cred_hook');
SELECT reporunner.drop_credential('hook');
SET ROLE regress_cred_b;
SELECT regress.save_workflow('cred_b', regress.node_doc('http',
	'{"url": "http://10.1.2.3/", "credential": "key"}'), true) > 0;
SELECT regress.execute('cred_b');
RESET ROLE;

-- (key ids are random: the messages below show them as KEY)
CREATE FUNCTION pg_temp.run(workflow text) RETURNS text LANGUAGE sql AS $$
	SELECT regexp_replace(regress.execute(workflow), '\m[0-9a-f]{16}\M', 'KEY', 'g')
$$;
GRANT EXECUTE ON FUNCTION pg_temp.run(text) TO PUBLIC;

-- a sealed secret moved to another row does not open, nor a changed one
UPDATE reporunner.credential SET secret = (SELECT secret FROM reporunner.credential
	WHERE owner = 'regress_cred_b'::regrole AND name = 'api')
WHERE owner = 'regress_cred_a'::regrole AND name = 'api';
UPDATE reporunner.credential SET secret = overlay(secret PLACING '\xff'::bytea FROM 20)
WHERE owner = 'regress_cred_a'::regrole AND name = 'key';
SET ROLE regress_cred_a;
SELECT pg_temp.run('cred_api');
SELECT pg_temp.run('cred_key');
SELECT reporunner.set_credential('api', 'bearer', '{"token": "secret-token-a"}');
SELECT reporunner.set_credential('key', 'header', '{"name": "X-Api-Key", "value": "k"}');
RESET ROLE;

-- rotation: under a new key, rows of the old one open while
-- reporunner.old_key_file names it, rotate_key() re-seals them all
SET reporunner.key_file = 'regress_b.key';
SET ROLE regress_cred_a;
SELECT pg_temp.run('cred_api');
RESET ROLE;
SELECT regexp_replace(regress.try('SELECT reporunner.rotate_key()'), '\m[0-9a-f]{16}\M', 'KEY', 'g');
SET reporunner.old_key_file = 'regress_a.key';
SET ROLE regress_cred_a;
SELECT pg_temp.run('cred_api');
SELECT regexp_replace(regress.try('SELECT reporunner.rotate_key()'), '\m[0-9a-f]{16}\M', 'KEY', 'g');
RESET ROLE;
SELECT reporunner.rotate_key();
SELECT count(*), count(DISTINCT key_id), bool_and(key_id <> :'key_a'),
	   bool_and(rotated_at IS NOT NULL)
FROM reporunner.credential;
RESET reporunner.old_key_file;
SET ROLE regress_cred_a;
SELECT pg_temp.run(w) FROM unnest(ARRAY['cred_api', 'cred_aws']) AS w;
RESET ROLE;
-- nothing left to re-seal: 0, and a notice (its detail names the key)
\set VERBOSITY terse
SELECT reporunner.rotate_key();
\set VERBOSITY default
-- a rotation from the key it should end with is refused
SET reporunner.old_key_file = 'regress_b.key';
SELECT regexp_replace(regress.try('SELECT reporunner.rotate_key()'), '\m[0-9a-f]{16}\M', 'KEY', 'g');
RESET reporunner.old_key_file;
-- the old key alone no longer opens them
SET reporunner.key_file = 'regress_a.key';
SET ROLE regress_cred_a;
SELECT pg_temp.run('cred_api');
RESET ROLE;
SET reporunner.key_file = 'regress_b.key';

-- reassign_workflows() seals them anew for their new owner
SELECT reporunner.reassign_workflows('regress_cred_a', 'regress_cred_c');
SELECT owner, count(*) FROM reporunner.credentials GROUP BY 1 ORDER BY 1;
SET ROLE regress_cred_c;
SELECT pg_temp.run('cred_api');
-- drop_credential: the caller's own; then it is missing
SELECT reporunner.drop_credential('api');
SELECT regress.try($$SELECT reporunner.drop_credential('api')$$);
SELECT pg_temp.run('cred_api');
RESET ROLE;

-- clean up
SELECT reporunner.reassign_workflows(r, CURRENT_USER::regrole) >= 0
FROM unnest(ARRAY['regress_cred_b', 'regress_cred_c']::regrole[]) AS r;
DELETE FROM reporunner.credential WHERE owner = CURRENT_USER::regrole;
DROP ROLE regress_cred_a, regress_cred_b, regress_cred_c;
RESET reporunner.key_file;
COPY (SELECT 1 WHERE false) TO PROGRAM 'rm -f regress_*.key';
