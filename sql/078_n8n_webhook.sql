--
-- n8n's Webhook node through import_n8n(): a trigger node and a webhook
-- registration made by import_workflow() through on_webhook(), each
-- parameter mapped or refused, export back to a Webhook node, and the
-- round trip.  (test/t/028 sends requests to the listener.)
--
SET client_min_messages TO warning;

-- a Webhook node, then an Edit Fields node reading the request's body, as
-- n8n exports it
CREATE FUNCTION pg_temp.hook(parameters jsonb, version numeric DEFAULT 2,
							 name text DEFAULT 'n8n hook') RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('name', name,
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Webhook', 'type', 'n8n-nodes-base.webhook',
							   'typeVersion', version, 'position', '[0, 0]'::jsonb,
							   'webhookId', 'f567b124-b5eb-5e64-8c0f-25484cf4c71a',
							   'parameters', parameters),
			'{"name": "Fields", "type": "n8n-nodes-base.set", "typeVersion": 3.4,
			  "position": [220, 0], "parameters": {"assignments": {"assignments": [
				{"id": "a", "name": "name", "value": "={{ $json.body.name }}", "type": "string"},
				{"id": "b", "name": "value", "value": "={{ $json.body.value }}", "type": "number"}]},
			  "options": {}}}'::jsonb),
		'connections', '{"Webhook": {"main": [[{"node": "Fields", "type": "main", "index": 0}]]}}'::jsonb)
$$;
-- what the Webhook node and the triggers become, or the import's error
CREATE FUNCTION pg_temp.doc(parameters jsonb, version numeric DEFAULT 2) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	doc jsonb;
	detail text;
BEGIN
	doc := reporunner.n8n_document(pg_temp.hook(parameters, version));
	RETURN jsonb_build_object('node', doc->'nodes'->0, 'triggers', doc->'triggers');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || E'\n' || detail;
END
$$;

-- respond when the last node finishes with the first entry's JSON (n8n's
-- default answer): when_finished, output first
SELECT pg_temp.doc('{"httpMethod": "POST", "path": "orders/new", "responseMode": "lastNode", "options": {}}');
-- all entries: when_finished with every item
SELECT pg_temp.doc('{"httpMethod": "POST", "path": "orders/new", "responseMode": "lastNode",
	"responseData": "allEntries", "options": {"binaryPropertyName": "data"}}');
-- respond immediately (the default), GET (the default), version 1 and 2.1
SELECT pg_temp.doc('{"path": "ping"}', 1);
SELECT pg_temp.doc('{"path": "ping", "httpMethod": "GET", "responseMode": "onReceived",
	"responseCode": 200, "options": {"rawBody": false}}', 1);
SELECT pg_temp.doc('{"path": "ping", "multipleMethods": false, "authentication": "none",
	"options": {"responseCode": {"values": {"responseCode": 200}}, "ignoreBots": false, "ipWhitelist": ""}}', 2.1);

-- what the listener cannot do: each refused, all in one error
SELECT pg_temp.doc('{"httpMethod": "PUT", "path": "a/:id", "responseMode": "responseNode",
	"authentication": "basicAuth"}');
SELECT pg_temp.doc('{"path": "a", "responseMode": "lastNode", "responseData": "noData",
	"authentication": "jwtAuth", "responseCode": 201,
	"options": {"rawBody": true, "ipWhitelist": "10.0.0.1", "ignoreBots": true,
		"responseHeaders": {"entries": [{"name": "X", "value": "y"}]},
		"responsePropertyName": "data", "responseContentType": "text/plain", "allowedOrigins": "*",
		"noResponseBody": true, "responseData": "ok", "binaryData": true, "color": 1}}');
SELECT pg_temp.doc('{"multipleMethods": true, "httpMethod": ["GET", "POST"], "path": "=/{{ 1 }}",
	"options": {"responseCode": {"values": {"responseCode": 201}}}}', 2.1);
SELECT pg_temp.doc('{"httpMethod": ["POST"], "path": "p"}', 2.1);
SELECT pg_temp.doc('{"path": "", "responseMode": "streaming"}', 2.1);
SELECT pg_temp.doc('{}');
-- n8n's header or basic auth also names an n8n credential: refused twice
SELECT regress.try($q$SELECT reporunner.import_n8n(jsonb_set(pg_temp.hook(
	'{"path": "secure", "authentication": "headerAuth"}'), '{nodes,0,credentials}',
	'{"httpHeaderAuth": {"id": "1", "name": "Header Auth account"}}'))$q$);
-- there is no Respond to Webhook node
SELECT regress.try($q$SELECT reporunner.import_n8n(jsonb_set(pg_temp.hook(
	'{"path": "r", "responseMode": "responseNode"}'), '{nodes,1}',
	'{"name": "Fields", "type": "n8n-nodes-base.respondToWebhook", "typeVersion": 1.1, "parameters": {}}'))$q$);
SELECT count(*) AS saved FROM reporunner.workflow WHERE name = 'n8n hook';

-- import: the workflow and its webhook trigger, made by on_webhook()
SELECT reporunner.import_n8n(pg_temp.hook('{"httpMethod": "POST", "path": "bench-webhook-set",
	"responseMode": "lastNode", "options": {}}'));
SELECT t.kind, t.target, t.options, w.name
FROM reporunner.trigger t JOIN reporunner.workflow w ON w.id = t.workflow_id;
-- importing it again saves nothing and registers nothing
SELECT reporunner.import_n8n(pg_temp.hook('{"httpMethod": "POST", "path": "bench-webhook-set",
	"responseMode": "lastNode", "options": {}}'));
SELECT count(*) AS registrations FROM reporunner.trigger;
-- the request's item reaches the Edit Fields node as in n8n ($json.body)
SELECT reporunner.execute('n8n hook', '[{"method": "POST", "path": "bench-webhook-set",
	"headers": {"content-type": "application/json"}, "query": {},
	"body": {"name": "user7", "value": 7, "id": 7}}]', '{"save": "none"}');
-- another workflow cannot take the path: 23505, nothing saved
\set VERBOSITY sqlstate
SELECT reporunner.import_n8n(pg_temp.hook('{"path": "bench-webhook-set"}', 2, 'n8n hook 2'));
\set VERBOSITY default
SELECT count(*) AS saved FROM reporunner.workflow WHERE name = 'n8n hook 2';

-- export: the trigger node as a Webhook node with its path and answer
SELECT n->'type' AS type, n->'typeVersion' AS version, n->'parameters' AS parameters,
	   n ? 'webhookId' AS has_webhook_id
FROM jsonb_array_elements(reporunner.export_workflow('n8n hook', format => 'n8n')->'nodes') AS n
WHERE n->>'name' = 'Webhook';
-- round trip: import of the export is the same document
SELECT reporunner.n8n_document(reporunner.export_workflow('n8n hook', format => 'n8n'))
	   = reporunner.export_workflow('n8n hook') - 'name' AS same_document;
-- all entries, and respond immediately, round trip too
SELECT reporunner.import_n8n(pg_temp.hook('{"path": "all-of-them", "responseMode": "lastNode",
	"responseData": "allEntries"}', 2, 'n8n hook all'));
SELECT reporunner.import_n8n(pg_temp.hook('{"path": "at-once"}', 1, 'n8n hook now'));
SELECT w AS workflow, reporunner.export_workflow(w, format => 'n8n')->'nodes'->0->'parameters' AS parameters,
	   reporunner.n8n_document(reporunner.export_workflow(w, format => 'n8n'))
	   = reporunner.export_workflow(w) - 'name' AS same_document
FROM unnest(ARRAY['n8n hook all', 'n8n hook now']) AS w;
-- a webhook with options n8n's node has not, or two ways to start, are
-- not exported
SELECT reporunner.save_workflow('hook auth', '{"nodes": [{"name": "Request", "type": "trigger"}]}');
SELECT reporunner.on_webhook('hook auth', 'auth', '{"respond": "when_finished", "timeout": "5s"}') > 0 AS registered;
SELECT reporunner.on_webhook('hook auth', 'auth2') > 0 AS registered;
SELECT regress.try($$SELECT reporunner.export_workflow('hook auth', format => 'n8n')$$);

-- on_webhook()'s option output
SELECT regress.try($$SELECT reporunner.on_webhook('hook auth', 'x', '{"output": "first"}')$$);
SELECT regress.try($$SELECT reporunner.on_webhook('hook auth', 'x', '{"respond": "when_finished", "output": "last"}')$$);

SELECT count(reporunner.drop_trigger(id)) FROM reporunner.trigger;
SELECT reporunner.delete_workflow(w)
FROM unnest(ARRAY['n8n hook', 'n8n hook all', 'n8n hook now', 'hook auth']) AS w;
