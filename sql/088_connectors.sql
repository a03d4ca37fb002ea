--
-- Connectors without a network: the shipped ones (each a definition
-- save_connector() accepts), the checks of a definition naming the
-- operation and field, versions, tenancy (a tenant's connector invisible
-- to another, no writes but save_connector()), the connector node's checks
-- at save_workflow(), a tenant's connector run up to the SSRF guard,
-- which refuses its request before anything is sent, drop_connector(), and
-- xml_to_json(), the reading of XML responses.
-- test/t/027_connectors.pl runs every shipped operation against
-- test/mock_services.py.
--
\pset format unaligned
\pset tuples_only on

CREATE ROLE regress_conn_a;
CREATE ROLE regress_conn_b;
GRANT reporunner_http TO regress_conn_a;

-- the shipped connectors, readable by every role
SET ROLE regress_conn_b;
SELECT name, owner IS NULL, version, operations FROM reporunner.connectors ORDER BY name;
-- each is a definition save_connector() accepts
SELECT name, reporunner.save_connector(name, definition)
FROM reporunner.connectors ORDER BY name;
-- saved again unchanged: the same version; changed: the next one
SELECT reporunner.save_connector('slack', definition) FROM reporunner.connector
WHERE owner IS NULL AND name = 'slack';
SELECT reporunner.save_connector('slack', definition || '{"description": "mine"}')
FROM reporunner.connector WHERE owner IS NULL AND name = 'slack';
SELECT name, owner, version FROM reporunner.connectors ORDER BY name, owner NULLS FIRST;
-- tenants write nothing themselves, shipped rows neither
SELECT regress.try($$INSERT INTO reporunner.connector (owner, name, version, definition, created_by)
	VALUES (NULL, 'x', 1, '{}', 10) RETURNING 1$$);
SELECT regress.try($$UPDATE reporunner.connector SET definition = '{}' WHERE name = 'slack' RETURNING 1$$);
SELECT regress.try($$DELETE FROM reporunner.connector WHERE owner IS NULL RETURNING 1$$);
RESET ROLE;

-- a definition is checked as a whole; the error names the operation and field
CREATE FUNCTION pg_temp.refused(definition text) RETURNS text LANGUAGE sql AS $$
	SELECT regress.try(format('SELECT reporunner.save_connector(%L, %L)', 'acme', definition))
$$;
SELECT pg_temp.refused(d) FROM (VALUES
	('[]'),
	('{"operations": {"get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "ftp://x", "operations": {"get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "https://x", "colour": "red", "operations": {}}'),
	('{"base_url": "https://x", "operations": {}}'),
	('{"base_url": "https://x", "operations": {"9get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "https://x", "operations": {"get": []}}'),
	('{"base_url": "https://x", "operations": {"get": {"path": "/x"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "FETCH", "path": "/x"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "x"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "colour": 1}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x/{{ $param.id }}"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "params": {"id": {"required": "yes"}}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "params": {"timeout": {}}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "query": {"a": "{{ $json. }}"}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "body": {"a": ["{{ $param.b }}"]}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "headers": {"X-N": 1}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "body_type": "xml"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "pagination": {"type": "pages"}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "pagination": {"type": "cursor", "param": "c"}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "pagination": {"type": "cursor", "param": "c", "cursor": "$json.next"}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "pagination": {"type": "link", "param": "c"}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "pagination": {"type": "page", "param": "p", "step": 0}}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "items": "data..rows"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "error": {"when": "{{ $json.ok }}"}}}}'),
	('{"base_url": "https://x", "retry_on": [503, 200], "operations": {"get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "retry_on": []}}}'),
	('{"base_url": "https://x", "credential": {"types": []}, "operations": {"get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "https://x", "credential": {"types": ["token"]}, "operations": {"get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "https://x", "error_message": "{{ }}", "operations": {"get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "response": "html"}}}'),
	('{"base_url": "https://x", "operations": {"get": {"method": "GET", "path": "/x", "params": {"k": {"slashes": "yes"}}}}}'),
	('{"base_url": "https://x", "host_param": "bucket-name", "operations": {"get": {"method": "GET", "path": "/x"}}}'),
	('{"base_url": "https://x", "host_param": "bucket", "operations": {"get": {"method": "GET", "path": "/x", "params": {"key": {}}}}}')
) AS t(d);
SELECT regress.try($$SELECT reporunner.save_connector('', '{}')$$);
SELECT regress.try($$SELECT reporunner.save_connector(NULL, '{}')$$);
SELECT count(*) FROM reporunner.connector WHERE name = 'acme';

-- a tenant's own connector: saved, used, invisible to another tenant
SET ROLE regress_conn_a;
SELECT reporunner.save_connector('acme', $${
	"base_url": "https://api.acme.example/v1",
	"error_message": "{{ $json.problem }}",
	"operations": {"widgets.get": {"method": "GET", "path": "/widgets/{{ $param.id }}",
		"params": {"id": {"required": true}, "colour": {}},
		"query": {"colour": "{{ $param.colour }}"}, "items": "widget"}}}$$);
SELECT name, version, operations FROM reporunner.connectors WHERE owner IS NOT NULL;
-- each new version is audited
SELECT action, object_kind, object_name, owner::regrole, from_version, to_version
FROM reporunner.audit WHERE action = 'save_connector' ORDER BY id;
SELECT regress.try($$SELECT reporunner.save_workflow('acme', regress.node_doc('connector',
	'{"connector": "acme", "operation": "widgets.get", "id": "{{ $json.id }}",
	  "base_url": "http://127.0.0.1:1/v1"}'))$$);
-- the request goes through the SSRF guard, which refuses it: nothing sent
SELECT regress.execute('acme', '[{"id": 7}]') ~ '^42501: .*refused to connect to address 127\.0\.0\.1 .* The request was GET http://127\.0\.0\.1:1/v1/widgets/7\.';
-- the connector node's own checks, when the workflow is saved
SELECT regress.try(format('SELECT reporunner.save_workflow(%L, regress.node_doc(%L, %L))',
	'bad', 'connector', p))
FROM (VALUES
	('{"connector": "acme", "operation": "widgets.list"}'),
	('{"connector": "acme", "operation": "widgets.get"}'),
	('{"connector": "acme", "operation": "widgets.get", "id": 1, "size": "L"}'),
	('{"connector": "acme", "operation": "widgets.get", "id": 1, "timeout": "nope"}'),
	('{"connector": "acme", "operation": "{{ $json.op }}", "id": 1}'),
	('{"connector": "acme"}'),
	('{"connector": "slack", "operation": "chat.postMessage", "channel": "C1"}'),
	('{"connector": "acme", "operation": "widgets.get", "id": 1, "path_style": true}'),
	('{"connector": "aws_s3", "operation": "objects.get", "credential": "s3", "bucket": "b", "key": "k", "path_style": "yes"}'),
	('{"connector": "aws_s3", "operation": "objects.get", "credential": "s3", "bucket": "b", "key": "k", "base_url": "s3.local"}'),
	('{"connector": "nope", "operation": "x"}')
) AS t(p);
SELECT count(*) FROM reporunner.workflows WHERE name = 'bad';
SET ROLE regress_conn_b;
SELECT count(*) FROM reporunner.connectors WHERE name = 'acme';
SELECT count(*) FROM reporunner.connector WHERE name = 'acme';
SELECT regress.try($$SELECT reporunner.save_workflow('acme_b', regress.node_doc('connector',
	'{"connector": "acme", "operation": "widgets.get", "id": 1}'))$$);
RESET ROLE;

-- a role that owns a connector cannot be dropped; reassign_workflows()
-- gives it to another role with the workflows that use it
CREATE ROLE regress_conn_c;
SELECT regress.try($$DROP ROLE regress_conn_a$$);
SELECT reporunner.reassign_workflows('regress_conn_a', 'regress_conn_c');
SELECT owner::regrole, count(*) FROM reporunner.connector WHERE name = 'acme' GROUP BY 1;
SET ROLE regress_conn_c;
SELECT reporunner.save_workflow('acme_c', regress.node_doc('connector',
	'{"connector": "acme", "operation": "widgets.get", "id": 1}')) AS saved_with_it;
SELECT reporunner.delete_workflow('acme_c');
RESET ROLE;
SELECT reporunner.reassign_workflows('regress_conn_c', 'regress_conn_a');
DROP ROLE regress_conn_c;

-- drop_connector(): not while an active workflow version uses it
SET ROLE regress_conn_a;
SELECT reporunner.save_connector('acme', definition || '{"description": "v2"}')
FROM reporunner.connectors WHERE name = 'acme';
SELECT regress.try($$SELECT reporunner.drop_connector('acme')$$);
SELECT count(*) FROM reporunner.connector WHERE name = 'acme';
-- a tenant cannot drop another's, nor a shipped one, nor one that is not there
SET ROLE regress_conn_b;
SELECT regress.try($$SELECT reporunner.drop_connector('acme')$$);
SELECT reporunner.drop_connector('aws_s3');
SELECT regress.try($$SELECT reporunner.drop_connector('aws_s3')$$);
SELECT regress.try($$SELECT reporunner.drop_connector('nope')$$);
SELECT regress.try($$SELECT reporunner.drop_connector(NULL)$$);
-- its own copy of a shipped one: every version dropped, the shipped one stays
SELECT reporunner.drop_connector('slack');
SELECT name, owner IS NULL, version FROM reporunner.connectors WHERE name = 'slack';
SET ROLE regress_conn_a;
-- a version of the workflow without it, inactive: the connector may go
SELECT reporunner.save_workflow('acme', regress.node_doc('noop', '{}'), false);
SELECT regress.try($$SELECT reporunner.drop_connector('acme')$$);
SELECT reporunner.activate_version('acme', 2);
SELECT reporunner.drop_connector('acme');
SELECT count(*) FROM reporunner.connector WHERE name = 'acme';
SELECT action, object_kind, object_name, owner::regrole, from_version, to_version
FROM reporunner.audit WHERE action = 'drop_connector' ORDER BY id;
SELECT reporunner.delete_workflow('acme');
RESET ROLE;
DELETE FROM reporunner.connector WHERE owner IS NOT NULL;

-- xml_to_json(): XML as the http node's response format "xml" reads it
SELECT jsonb_pretty(reporunner.xml_to_json($$<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><IsTruncated>true</IsTruncated>
  <Contents><Key>a &amp; b</Key><Size>3</Size></Contents>
  <!-- a comment -->
  <Contents><Key>c&#233;&#x4E2D;&lt;&gt;&quot;&apos;</Key></Contents>
  <Empty/><Blank>  </Blank>
  <Mixed a='1' b="&amp;">text <![CDATA[<not a tag>]]> <i>x</i> more</Mixed>
</ListBucketResult>
$$));
SELECT reporunner.xml_to_json('<only/>'), reporunner.xml_to_json('<a b="1"/>'),
	reporunner.xml_to_json('<a><b>1</b><b/><c/></a>');
-- anything else is refused, saying where; no DTD, so no entities to expand
SELECT regress.try(format('SELECT reporunner.xml_to_json(%L)', d)) FROM (VALUES
	(''), ('just text'), ('<a>'), ('<a><b></a>'), ('<a></a><b/>'), ('<a></a>x'),
	('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'),
	(E'<a>\n<b>&x;</b></a>'), ('<a>&#0;</a>'), ('<a>&#xD800;</a>'), ('<a>&#12a;</a>'),
	('<a x="1" x="2"/>'), ('<a x=1/>'), ('<a x="1"y="2"/>'), ('<a x="<"/>'),
	('<1a/>'), ('<a><!-- never closed</a>'), ('<a><![CDATA[x</a>'), ('<a><!ELEMENT a ANY></a>'),
	(repeat('<a>', 65) || repeat('</a>', 65))
) AS t(d);
SELECT length(reporunner.xml_to_json(repeat('<a>', 64) || 'deep' || repeat('</a>', 64))::text);
DROP ROLE regress_conn_a;
DROP ROLE regress_conn_b;
-- many siblings of one name: one array, in document order
SELECT jsonb_array_length(x->'a'->'b'), x->'a'->'b'->>0, x->'a'->'b'->>19999
FROM reporunner.xml_to_json('<a>' || (SELECT string_agg(format('<b>%s</b>', i), '') FROM generate_series(1, 20000) i) || '<c/></a>') x;
