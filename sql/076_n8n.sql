--
-- n8n workflows: import_n8n() translates n8n's exported JSON node by node
-- and saves it through import_workflow(); n8n_document() shows the
-- translation; export_workflow(format => 'n8n') writes the other way.
--
SET client_min_messages TO warning;
CREATE EXTENSION pg_cron;

-- one n8n node after a manual trigger, as n8n exports it
CREATE FUNCTION pg_temp.n8n(type text, version numeric, parameters jsonb,
							settings jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('name', 'one node',
		'nodes', jsonb_build_array(
			'{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
			  "position": [0, 0], "parameters": {}}'::jsonb,
			jsonb_build_object('name', 'N', 'type', 'n8n-nodes-base.' || type,
							   'typeVersion', version, 'position', '[200, 0]'::jsonb,
							   'parameters', parameters) || settings),
		'connections', '{"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}}'::jsonb)
$$;
-- what the node becomes
CREATE FUNCTION pg_temp.node(type text, version numeric, parameters jsonb,
							 settings jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
	SELECT reporunner.n8n_document(pg_temp.n8n(type, version, parameters, settings))->'nodes'->1
$$;

-- Each node type and version
SELECT pg_temp.node('noOp', 1, '{}');
SELECT pg_temp.node('set', 1, '{"keepOnlySet": true, "values": {"string": [{"name": "s", "value": "={{ $json.a }}"}],
	"number": [{"name": "n", "value": 5}], "boolean": [{"name": "b", "value": true}]},
	"options": {"dotNotation": false}}');
SELECT pg_temp.node('set', 3.2, '{"fields": {"values": [{"name": "n", "type": "numberValue", "numberValue": "42"},
	{"name": "o", "type": "objectValue", "objectValue": "{\"k\": [1, 2]}"},
	{"name": "t", "stringValue": "=Hi {{ $json.name }}"}]}, "include": "except", "excludeFields": "a, b", "options": {}}');
SELECT pg_temp.node('set', 3.4, '{"assignments": {"assignments": [{"id": "1", "name": "total",
	"value": "={{ $json.price * $json.qty }}", "type": "number"}, {"id": "2", "name": "flag", "value": "true", "type": "boolean"}]},
	"options": {}}');
SELECT pg_temp.node('set', 3.4, '{"assignments": {"assignments": [{"name": "x", "value": 1, "type": "number"}]},
	"includeOtherFields": true, "options": {}}');
SELECT pg_temp.node('set', 3.4, '{"mode": "raw", "jsonOutput": "={{ { id: $json.id } }}", "options": {}}');
SELECT pg_temp.node('if', 1, '{"conditions": {"number": [{"value1": "={{ $json.n }}", "operation": "larger", "value2": 3}],
	"string": [{"value1": "={{ $json.s }}", "value2": "x"}]}, "combineOperation": "any"}');
SELECT pg_temp.node('if', 2.2, '{"conditions": {"options": {"caseSensitive": true, "leftValue": "", "typeValidation": "strict", "version": 2},
	"conditions": [{"id": "a", "leftValue": "={{ $json.n }}", "rightValue": 3, "operator": {"type": "number", "operation": "gt"}},
	{"id": "b", "leftValue": "={{ $json.s }}", "rightValue": "", "operator": {"type": "string", "operation": "exists", "singleValue": true}}],
	"combinator": "or"}, "looseTypeValidation": true, "options": {"ignoreCase": true}}');
SELECT pg_temp.node('filter', 2, '{"conditions": {"options": {"caseSensitive": false, "typeValidation": "loose"},
	"conditions": [{"leftValue": "={{ $json.tags }}", "rightValue": "a", "operator": {"type": "array", "operation": "contains", "rightType": "any"}}],
	"combinator": "and"}, "options": {}}');
SELECT pg_temp.node('switch', 3.2, '{"rules": {"values": [
	{"conditions": {"conditions": [{"leftValue": "={{ $json.c }}", "rightValue": "DE", "operator": {"type": "string", "operation": "equals"}}], "combinator": "and", "options": {}},
	 "renameOutput": true, "outputKey": "germany"},
	{"conditions": {"conditions": [{"leftValue": "={{ $json.n }}", "rightValue": 1, "operator": {"type": "number", "operation": "lt"}}], "combinator": "and", "options": {}}}]},
	"options": {"fallbackOutput": "extra", "allMatchingOutputs": true}}');
SELECT pg_temp.node('merge', 1, '{"mode": "multiplex"}');
SELECT pg_temp.node('merge', 2, '{"mode": "combine", "mergeByFields": {"values": [{"field1": "id", "field2": "order_id"}]}, "joinMode": "enrichInput1", "options": {}}');
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineByFields", "fieldsToMatchString": "id", "joinMode": "keepEverything", "options": {}}');
SELECT pg_temp.node('merge', 3.1, '{"numberInputs": 3}');
SELECT pg_temp.node('merge', 3.2, '{"mode": "combine", "combineBy": "combineByPosition", "options": {"includeUnpaired": true}}');
SELECT pg_temp.node('merge', 3, '{"mode": "chooseBranch", "useDataOfInput": 2}');
SELECT pg_temp.node('splitOut', 1, '{"fieldToSplitOut": "lines", "include": "allOtherFields", "options": {"destinationFieldName": "line"}}');
SELECT pg_temp.node('aggregate', 1, '{"fieldsToAggregate": {"fieldToAggregate": [{"fieldToAggregate": "id"},
	{"fieldToAggregate": "name", "renameField": true, "outputFieldName": "names"}]}, "options": {}}');
SELECT pg_temp.node('summarize', 1.1, '{"fieldsToSummarize": {"values": [{"aggregation": "sum", "field": "total"},
	{"aggregation": "countUnique", "field": "id"}, {"field": "id"}]}, "fieldsToSplitBy": "customer", "options": {}}');
SELECT pg_temp.node('limit', 1, '{"maxItems": 3, "keep": "lastItems"}');
SELECT pg_temp.node('sort', 1, '{"sortFieldsUi": {"sortField": [{"fieldName": "a"}, {"fieldName": "b", "order": "descending"}]}, "options": {}}');
SELECT pg_temp.node('removeDuplicates', 1, '{"compare": "selectedFields", "fieldsToCompare": {"fields": [{"fieldName": "email"}]}, "options": {}}');
SELECT pg_temp.node('removeDuplicates', 2, '{"compare": "selectedFields", "fieldsToCompare": "email, name", "options": {}}');
-- Item Lists: each operation as the node of that operation
SELECT pg_temp.node('itemLists', 1, '{"operation": "splitOutItems", "fieldToSplitOut": "lines", "include": "selectedOtherFields",
	"fieldsToInclude": {"fields": [{"fieldName": "id"}]}, "options": {}}');
SELECT pg_temp.node('itemLists', 2.1, '{"operation": "aggregateItems", "fieldsToAggregate": {"fieldToAggregate": [{"fieldToAggregate": "id"}]}, "options": {}}');
SELECT pg_temp.node('itemLists', 3, '{"resource": "itemList", "operation": "concatenateItems", "fieldsToAggregate": {"fieldToAggregate": [{"fieldToAggregate": "id"}]}, "options": {}}');
SELECT pg_temp.node('itemLists', 2, '{"operation": "removeDuplicates", "compare": "allFieldsExcept", "fieldsToExclude": {"fields": [{"fieldName": "id"}]}, "options": {"removeOtherFields": true}}');
SELECT pg_temp.node('itemLists', 3.1, '{"operation": "sort", "type": "random"}');
SELECT pg_temp.node('itemLists', 3, '{"operation": "limit", "maxItems": 2}');
SELECT pg_temp.node('itemLists', 2.1, '{"operation": "summarize", "fieldsToSummarize": {"values": [{"aggregation": "countUnique", "field": "id", "includeEmpty": true},
	{"aggregation": "append", "field": "id", "includeEmpty": true}]}, "fieldsToSplitBy": "g", "options": {"disableDotNotation": true}}');
-- ... refused where the node of the operation is (JavaScript), or unknown
SELECT regress.try($q$SELECT reporunner.import_n8n('{"name": "n8n bad lists", "nodes": [
	{"name": "Coded", "type": "n8n-nodes-base.itemLists", "typeVersion": 3, "parameters": {"operation": "sort", "type": "code", "code": "return 0;"}},
	{"name": "Odd", "type": "n8n-nodes-base.itemLists", "typeVersion": 1, "parameters": {"operation": "transpose"}}],
	"connections": {}}')$q$);
SELECT pg_temp.node('stopAndError', 1, '{"errorMessage": "=Order {{ $json.id }} has no lines"}');
SELECT pg_temp.node('wait', 1.1, '{"amount": 5, "unit": "minutes"}');
SELECT pg_temp.node('wait', 1, '{"resume": "specificTime", "dateTime": "2030-01-01T00:00:00"}');
SELECT pg_temp.node('executeWorkflow', 1.2, '{"workflowId": {"__rl": true, "value": "Kq3", "mode": "list", "cachedResultName": "Enrich"},
	"mode": "each", "options": {"waitForSubWorkflow": false}}');
SELECT reporunner.n8n_document(pg_temp.n8n('executeWorkflow', 1, '{"workflowId": "Kq3"}'),
	'{"workflows": {"Kq3": "enrich"}}')->'nodes'->1;
SELECT pg_temp.node('httpRequest', 4.2, '{"method": "POST", "url": "=https://api.example.com/orders/{{ $json.id }}",
	"sendQuery": true, "queryParameters": {"parameters": [{"name": "page", "value": "1"}]},
	"sendHeaders": true, "headerParameters": {"parameters": [{"name": "X-Id", "value": "={{ $json.id }}"}]},
	"sendBody": true, "specifyBody": "json", "jsonBody": "{\"a\": 1}",
	"options": {"timeout": 10000, "redirect": {"redirect": {"maxRedirects": 3}}, "response": {"response": {"responseFormat": "text"}}}}');
SELECT pg_temp.node('httpRequest', 3, '{"url": "https://api.example.com/", "sendBody": true, "contentType": "form-urlencoded",
	"bodyParameters": {"parameters": [{"name": "q", "value": "x"}]}, "options": {"allowUnauthorizedCerts": true}}');
SELECT pg_temp.node('postgres', 2.5, '{"operation": "executeQuery", "query": "update orders set flagged = true where id = $1 and kind = $2",
	"options": {"queryReplacement": "={{ $json.id }}, {{ $json.kind }}"}}',
	'{"credentials": {"postgres": {"id": "1", "name": "Postgres account"}}}');
SELECT pg_temp.node('postgres', 2.5, '{"operation": "executeQuery", "query": "select * from t where id = any($1)",
	"options": {"queryReplacement": "={{ [$json.ids] }}"}}');

-- node settings, and positions
SELECT pg_temp.node('noOp', 1, '{}', '{"disabled": true, "notes": "why", "alwaysOutputData": true,
	"executeOnce": true, "retryOnFail": true, "maxTries": 4, "waitBetweenTries": 2000, "onError": "continueRegularOutput"}');
SELECT pg_temp.node('noOp', 1, '{}', '{"retryOnFail": true, "continueOnFail": true}');
SELECT pg_temp.node('noOp', 1, '{}', '{"onError": "continueErrorOutput"}');
-- a position is two numbers
SELECT reporunner.validate_workflow('{"nodes": [{"name": "S", "type": "trigger", "position": [1]}]}');
SELECT reporunner.validate_workflow('{"nodes": [{"name": "S", "type": "trigger", "position": [1, "2"]}]}');
SELECT reporunner.validate_workflow('{"nodes": [{"name": "S", "type": "trigger", "position": [-1.5, 2]}],
	"pin_data": {"S": [{"a": 1}]}}');
-- triggers, settings, pinData and connections of the whole workflow
SELECT jsonb_pretty(reporunner.n8n_document('{"name": "w", "nodes": [
	{"name": "Every day", "type": "n8n-nodes-base.scheduleTrigger", "typeVersion": 1.2, "position": [0, 0],
	 "parameters": {"rule": {"interval": [{"field": "days", "triggerAtHour": 3}, {"field": "cronExpression", "expression": "0 */5 * * * *"}]}}},
	{"name": "Called", "type": "n8n-nodes-base.executeWorkflowTrigger", "typeVersion": 1, "position": [0, 200], "parameters": {}},
	{"name": "Big?", "type": "n8n-nodes-base.if", "typeVersion": 1, "position": [200, 0],
	 "parameters": {"conditions": {"number": [{"value1": "={{ $json.n }}", "operation": "larger", "value2": 3}]}}},
	{"name": "Note", "type": "n8n-nodes-base.stickyNote", "typeVersion": 1, "position": [0, -200], "parameters": {"content": "hi"}},
	{"name": "Small", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "position": [400, 100], "parameters": {}}],
	"connections": {"Every day": {"main": [[{"node": "Big?", "type": "main", "index": 0}]]},
		"Called": {"main": [[{"node": "Big?", "type": "main", "index": 0}]]},
		"Big?": {"main": [[], [{"node": "Small", "type": "main", "index": 0}]]}},
	"settings": {"executionOrder": "v1", "timezone": "Europe/Oslo", "executionTimeout": 300,
		"saveDataSuccessExecution": "none", "saveManualExecutions": true},
	"pinData": {"Called": [{"json": {"n": 5}}, {"json": {"n": 1}}]}}'));

-- Everything that cannot be imported faithfully, in one error; nothing saved
-- (as SQLSTATE: message / detail / HINT: hint)
SELECT regress.try($q$SELECT reporunner.import_n8n('{"name": "n8n bad", "nodes": [
	{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {}},
	{"name": "Code", "type": "n8n-nodes-base.code", "typeVersion": 2, "parameters": {"jsCode": "return items;"}},
	{"name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "parameters": {"path": "x", "responseMode": "responseNode"}},
	{"name": "Date", "type": "n8n-nodes-base.dateTime", "typeVersion": 2, "parameters": {}},
	{"name": "Loop", "type": "n8n-nodes-base.splitInBatches", "typeVersion": 2, "parameters": {}},
	{"name": "Odd set", "type": "n8n-nodes-base.set", "typeVersion": 3.4,
	 "parameters": {"assignments": {"assignments": [{"name": "a.b", "value": 1, "type": "number"}]}, "duplicateItem": true, "frobnicate": 1}},
	{"name": "Mail", "type": "n8n-nodes-base.gmail", "typeVersion": 2, "parameters": {}},
	{"name": "New if", "type": "n8n-nodes-base.if", "typeVersion": 9, "parameters": {}},
	{"name": "Text", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}, "notes": "ok"},
	{"name": "Lit", "type": "n8n-nodes-base.stopAndError", "typeVersion": 1, "parameters": {"errorMessage": "{{ not an expression }}"}},
	{"name": "Remote", "type": "@n8n/n8n-nodes-langchain.agent", "typeVersion": 1, "parameters": {}}],
	"connections": {}}')$q$);
SELECT count(*) AS saved FROM reporunner.workflow WHERE name = 'n8n bad';
-- an invalid n8n node is 22023
\set VERBOSITY sqlstate
SELECT reporunner.import_n8n('{"name": "n8n bad", "nodes": [{"name": "S", "type": "n8n-nodes-base.manualTrigger"},
	{"name": "M", "type": "n8n-nodes-base.set", "typeVersion": 3.2,
	 "parameters": {"fields": {"values": [{"name": "n", "type": "numberValue", "numberValue": "many"}]}}}]}');
SELECT reporunner.import_n8n(pg_temp.n8n('noOp', 1, '{}'), 'n8n x', '{"workflows": []}');
SELECT reporunner.import_n8n(pg_temp.n8n('noOp', 1, '{}'), 'n8n x', '{"pinData": true}');
\set VERBOSITY default
SELECT reporunner.import_n8n(pg_temp.n8n('noOp', 1, '{}') - 'name');
SELECT reporunner.import_n8n(pg_temp.n8n('noOp', 1, '{}'), 'n8n x', '{"color": 1}');
SELECT reporunner.import_n8n('{"name": "n8n bad", "nodes": [{"name": "S", "type": "n8n-nodes-base.manualTrigger"}],
	"connections": {"S": {"main": [[{"node": "Nope", "type": "main", "index": 0}]]}}}');
-- numbers pass through as 64-bit integers or doubles
SELECT reporunner.import_n8n(pg_temp.n8n('noOp', 1, '{}') ||
	'{"pinData": {"Start": [{"json": {"big": 123456789012345678901234567890}}]}}', 'n8n x');
SELECT reporunner.n8n_document(pg_temp.n8n('noOp', 1, '{}') ||
	'{"pinData": {"Start": [{"json": {"n": 9007199254740993, "f": 0.1, "g": 1.5e-7}}]}}')->'pin_data';
SELECT count(*) AS saved FROM reporunner.workflow WHERE name IN ('n8n bad', 'n8n x');

-- A workflow saved, run, exported and imported again
SELECT '{"name": "n8n orders", "nodes": [
	{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}},
	{"name": "Total", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [220, 0],
	 "parameters": {"assignments": {"assignments": [{"id": "1", "name": "total", "value": "={{ $json.price * $json.qty }}", "type": "number"}]},
		"includeOtherFields": true, "options": {}}, "retryOnFail": true, "maxTries": 2, "waitBetweenTries": 0},
	{"name": "Biggest", "type": "n8n-nodes-base.sort", "typeVersion": 1, "position": [440, 0],
	 "parameters": {"sortFieldsUi": {"sortField": [{"fieldName": "total", "order": "descending"}]}, "options": {}}},
	{"name": "Top 2", "type": "n8n-nodes-base.limit", "typeVersion": 1, "position": [660, 0], "parameters": {"maxItems": 2},
	 "notes": "the two largest"},
	{"name": "Other", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "position": [440, 200], "parameters": {}, "disabled": true},
	{"name": "Both", "type": "n8n-nodes-base.merge", "typeVersion": 3, "position": [880, 100], "parameters": {}},
	{"name": "Per customer", "type": "n8n-nodes-base.summarize", "typeVersion": 1.1, "position": [1100, 100],
	 "parameters": {"fieldsToSummarize": {"values": [{"aggregation": "sum", "field": "total"}]}, "fieldsToSplitBy": "customer", "options": {}}}],
	"connections": {"Start": {"main": [[{"node": "Total", "type": "main", "index": 0}]]},
		"Total": {"main": [[{"node": "Biggest", "type": "main", "index": 0}, {"node": "Other", "type": "main", "index": 0}]]},
		"Biggest": {"main": [[{"node": "Top 2", "type": "main", "index": 0}]]},
		"Top 2": {"main": [[{"node": "Both", "type": "main", "index": 0}]]},
		"Other": {"main": [[{"node": "Both", "type": "main", "index": 1}]]},
		"Both": {"main": [[{"node": "Per customer", "type": "main", "index": 0}]]}},
	"settings": {"executionOrder": "v1"},
	"pinData": {"Start": [{"json": {"customer": "a", "price": 2, "qty": 3}}]}}' AS orders \gset
SELECT coalesce(max(id), 0) AS audit_start FROM reporunner.audit \gset
SELECT reporunner.import_n8n(:'orders');
SELECT action, object_name, to_version FROM reporunner.audit
WHERE object_name = 'n8n orders' AND id > :audit_start ORDER BY id;
SELECT reporunner.execute('n8n orders', '[{"customer": "a", "price": 2, "qty": 3}, {"customer": "b", "price": 10, "qty": 1},
	{"customer": "a", "price": 1, "qty": 1}]');
SELECT jsonb_pretty(reporunner.export_workflow('n8n orders', format => 'n8n'));
-- import -> export -> import gives the same graph
SELECT reporunner.import_n8n(reporunner.export_workflow('n8n orders', format => 'n8n'), 'n8n orders again');
SELECT reporunner.export_workflow('n8n orders') = reporunner.export_workflow('n8n orders again') AS same_document,
	   reporunner.export_workflow('n8n orders', format => 'n8n') - 'name' =
	   reporunner.export_workflow('n8n orders again', format => 'n8n') - 'name' AS same_n8n;
-- importing it again is no new version
SELECT reporunner.import_n8n(:'orders');
-- a schedule trigger becomes a schedule, and exports as one
SELECT reporunner.import_n8n('{"name": "n8n nightly", "nodes": [
	{"name": "Night", "type": "n8n-nodes-base.scheduleTrigger", "typeVersion": 1.2, "position": [0, 0],
	 "parameters": {"rule": {"interval": [{"field": "cronExpression", "expression": "0 3 * * *"}]}}},
	{"name": "Tidy", "type": "n8n-nodes-base.postgres", "typeVersion": 2.5, "position": [200, 0],
	 "parameters": {"operation": "executeQuery", "query": "select 1 as one", "options": {}},
	 "credentials": {"postgres": {"id": "1", "name": "db"}}}],
	"connections": {"Night": {"main": [[{"node": "Tidy", "type": "main", "index": 0}]]}}}');
SELECT kind, target, options FROM reporunner.triggers WHERE workflow = 'n8n nightly';
SELECT reporunner.export_workflow('n8n nightly', format => 'n8n')->'nodes';
SELECT reporunner.import_n8n(reporunner.export_workflow('n8n nightly', format => 'n8n'), 'n8n nightly again');
SELECT reporunner.export_workflow('n8n nightly') = reporunner.export_workflow('n8n nightly again') AS same_document;
-- what has no n8n counterpart fails the export, listing it
SELECT reporunner.save_workflow('n8n native', '{"nodes": [{"name": "S", "type": "trigger"},
	{"name": "F", "type": "function", "params": {"function": "now"}, "timeout": "5s"},
	{"name": "R", "type": "set", "params": {"rename": {"a": "b"}}}],
	"settings": {"concurrency": 2}}');
SELECT reporunner.export_workflow('n8n native', format => 'n8n');
SELECT reporunner.export_workflow('n8n native', format => 'xml');

-- n8n's node test workflows (test/n8n/), run on their input: how many
-- pinned node outputs match (regress.n8n_pinned, sql/009_test_helpers).
-- Nodes that cannot be imported yet stand in as No Operation nodes, and
-- their pins are not compared.
\set wf `cat test/n8n/limit.json`
CREATE TEMP TABLE pinned AS
SELECT 'limit' AS workflow, * FROM regress.n8n_pinned(:'wf', 'n8n limit',
	'[{"entry": 1}, {"entry": 2}, {"entry": 3}, {"entry": 4}, {"entry": 5}]', '{}');
\set wf `cat test/n8n/sort.json`
-- "Item Lists2" sorts with JavaScript code: not imported
INSERT INTO pinned SELECT 'sort', * FROM regress.n8n_pinned(:'wf', 'n8n sort',
	'[{"id": 3, "char": "c"}, {"id": 4, "char": "d"}, {"id": 5, "char": "e"}, {"id": 1, "char": "a"}, {"id": 2, "char": "b"}]',
	'{Item Lists2}');
\set wf `cat test/n8n/splitOut.json`
INSERT INTO pinned SELECT 'splitOut', * FROM regress.n8n_pinned(:'wf', 'n8n splitOut',
	'[{"data": [{"id": 3, "char": "c"}, {"id": 4, "char": "d"}, {"id": 5, "char": "e"}, {"id": 1, "char": "a"}, {"id": 2, "char": "b"}],
	   "data2": [{"text": "foo"}], "data3": [{"text": "bar"}]}]',
	'{}');
\set wf `cat test/n8n/splitOutObject.json`
INSERT INTO pinned SELECT 'splitOutObject', * FROM regress.n8n_pinned(:'wf', 'n8n splitOutObject',
	'[{"data": {"entry1": {"id": 1, "info": "some info 1"}, "entry2": {"id": 2, "info": "some info 2"}, "entry3": {"id": 3, "info": "some info 3"}},
	   "data2": ["a", "b", "c"], "data3": {"a": 1, "b": 2, "c": 3}, "data4": null, "tag": "bar"}]',
	'{}');
\set wf `cat test/n8n/aggregate.json`
INSERT INTO pinned SELECT 'aggregate', * FROM regress.n8n_pinned(:'wf', 'n8n aggregate',
	'[{"id": 1, "char": "a"}, {"id": 2, "char": "b"}, {"id": 3, "char": "c"}, {"id": 4, "char": "d"}, {"id": 5, "char": "e"}]',
	'{}');
\set wf `cat test/n8n/removeDuplicates.json`
INSERT INTO pinned SELECT 'removeDuplicates', * FROM regress.n8n_pinned(:'wf', 'n8n removeDuplicates',
	'[{"id": 1, "name": "John Doe", "age": 18}, {"id": 1, "name": "John Doe", "age": 18},
	  {"id": 1, "name": "John Doe", "age": 98}, {"id": 3, "name": "Bob Johnson", "age": 34}]',
	'{}');
\set wf `cat test/n8n/summarize.json`
INSERT INTO pinned SELECT 'summarize', * FROM regress.n8n_pinned(:'wf', 'n8n summarize',
	'[{"category": "red", "text": "foo", "char": "a", "value": 1, "params.interval": "1 day", "params": {"interval": "1 day"}},
	  {"category": "blue", "text": "spam", "char": "b", "value": 2, "params": {"interval": "1 hour"}},
	  {"category": "green", "text": "bar", "char": "c", "value": 3},
	  {"category": "red", "text": "foo", "char": "a", "value": 4},
	  {"category": "red", "text": "bar", "char": "a", "value": 5, "params": {"interval": "1 minute"}},
	  {"category": "blue", "text": "foo", "char": "a", "value": 6},
	  {"category": "blue", "text": "foo", "char": "a", "value": 7, "params": {"interval": "1 second"}}]',
	'{}');
\set wf `cat test/n8n/summarizeDatatypes.json`
INSERT INTO pinned SELECT 'summarizeDatatypes', * FROM regress.n8n_pinned(:'wf', 'n8n summarizeDatatypes',
	'[{"uid": "u0", "email": "Alfredo83@gmail.com", "Group": 0}, {"uid": "u1", "email": "Zachary43@yahoo.com", "Group": 0},
	  {"uid": "u2", "email": "Cory_Wilderman@yahoo.com", "Group": 1}, {"uid": "u3", "email": "Mindy_Murazik86@gmail.com", "Group": 2},
	  {"uid": "u4", "email": "Darin_Vandervort@yahoo.com", "Group": 2}, {"uid": "u5", "email": "Claude.Grady6@gmail.com", "Group": null},
	  {"uid": "u6", "email": "Ismael_Volkman@hotmail.com", "Group": null}, {"uid": "u7", "email": "Paulette.Hudson@hotmail.com", "Group": null},
	  {"uid": "u8", "email": "Guillermo.Kub33@gmail.com", "Group": 0}, {"uid": "u9", "email": "Cindy.White@hotmail.com", "Group": 2}]',
	'{}');
\set wf `cat test/n8n/itemListsSort.json`
-- "Item Lists2" sorts with JavaScript code: not imported
INSERT INTO pinned SELECT 'itemListsSort', * FROM regress.n8n_pinned(:'wf', 'n8n itemListsSort',
	'[{"id": 3, "char": "c"}, {"id": 4, "char": "d"}, {"id": 5, "char": "e"}, {"id": 1, "char": "a"}, {"id": 2, "char": "b"}]',
	'{Item Lists2}');
\set wf `cat test/n8n/itemListsSummarize.json`
INSERT INTO pinned SELECT 'itemListsSummarize', * FROM regress.n8n_pinned(:'wf', 'n8n itemListsSummarize',
	'[{"category": "red", "text": "foo", "char": "a", "value": 1}, {"category": "blue", "text": "spam", "char": "b", "value": 2},
	  {"category": "green", "text": "bar", "char": "c", "value": 3}, {"category": "red", "text": "foo", "char": "a", "value": 4},
	  {"category": "red", "text": "bar", "char": "a", "value": 5}, {"category": "blue", "text": "foo", "char": "a", "value": 6},
	  {"category": "blue", "text": "foo", "char": "a", "value": 7}]',
	'{}');
\set wf `cat test/n8n/itemListsRemoveDuplicates.json`
INSERT INTO pinned SELECT 'itemListsRemoveDuplicates', * FROM regress.n8n_pinned(:'wf', 'n8n itemListsRemoveDuplicates',
	'[{"entry": 1, "data": "a", "char": "a"}, {"entry": 1, "data": "b", "char": "a"}, {"entry": 1, "data": "a", "char": "a"},
	  {"entry": 4, "data": "d", "char": "a"}, {"entry": 5, "data": "e", "char": "a"}]',
	'{}');
\set wf `cat test/n8n/itemListsSplitOut.json`
INSERT INTO pinned SELECT 'itemListsSplitOut', * FROM regress.n8n_pinned(:'wf', 'n8n itemListsSplitOut',
	'[{"data": [{"id": 3, "char": "c"}, {"id": 4, "char": "d"}, {"id": 5, "char": "e"}, {"id": 1, "char": "a"}, {"id": 2, "char": "b"}],
	   "data2": [{"text": "foo"}], "data3": [{"text": "bar"}]}]',
	'{}');
SELECT * FROM pinned ORDER BY workflow, node;
SELECT count(*) FILTER (WHERE matches) AS matching, count(*) AS pinned FROM pinned;
-- the differences (docs/n8n.md says why)
SELECT p.node, s.output->'main' AS reporunner
FROM pinned p JOIN reporunner.workflow w ON w.name = 'n8n ' || p.workflow
	 JOIN reporunner.execution e ON e.workflow_id = w.id
	 JOIN reporunner.step s ON s.execution_id = e.id AND s.node = p.node
WHERE NOT p.matches ORDER BY p.workflow, p.node;

-- If v2.2 and Filter v2 run with their conditions as n8n runs them: n > 3
-- goes to true (Set v3.4 keeps only the assigned field), the rest to a
-- case-insensitive loose filter on s
SELECT reporunner.import_n8n('{"name": "n8n conditions", "nodes": [
 {"id": "1", "name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0,0], "parameters": {}},
 {"id": "2", "name": "Big?", "type": "n8n-nodes-base.if", "typeVersion": 2.2, "position": [200,0], "parameters": {"conditions": {"options": {"caseSensitive": true, "leftValue": "", "typeValidation": "strict", "version": 2},
   "conditions": [{"id": "a", "leftValue": "={{ $json.n }}", "rightValue": 3, "operator": {"type": "number", "operation": "gt"}}], "combinator": "and"}, "options": {}}},
 {"id": "3", "name": "Tag", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [400,0], "parameters": {"assignments": {"assignments": [{"id": "x", "name": "big", "value": true, "type": "boolean"}]}, "options": {}}},
 {"id": "4", "name": "Keep", "type": "n8n-nodes-base.filter", "typeVersion": 2, "position": [400,200], "parameters": {"conditions": {"options": {"caseSensitive": false, "leftValue": "", "typeValidation": "loose"},
   "conditions": [{"id": "b", "leftValue": "={{ $json.s }}", "rightValue": "A", "operator": {"type": "string", "operation": "equals"}}], "combinator": "and"}, "options": {}}}
 ], "connections": {"Start": {"main": [[{"node": "Big?", "type": "main", "index": 0}]]}, "Big?": {"main": [[{"node": "Tag", "type": "main", "index": 0}], [{"node": "Keep", "type": "main", "index": 0}]]}}}'::jsonb);
SELECT reporunner.execute('n8n conditions', '[{"n": 5, "s": "a"}, {"n": 1, "s": "a"}, {"n": 2, "s": "b"}]');

-- a tenant imports as itself: its own workflow, its rights for schedules
CREATE ROLE rr_n8n_tenant LOGIN;
SET ROLE rr_n8n_tenant;
SELECT reporunner.import_n8n(pg_temp.n8n('limit', 1, '{"maxItems": 1}'), 'n8n mine');
SELECT name, owner::regrole FROM reporunner.workflow WHERE name = 'n8n mine';
SELECT regress.try($q$SELECT reporunner.import_n8n('{"name": "n8n timed", "nodes": [
	{"name": "T", "type": "n8n-nodes-base.scheduleTrigger", "typeVersion": 1.2,
	 "parameters": {"rule": {"interval": [{"field": "minutes", "minutesInterval": 10}]}}}]}')$q$);
SELECT reporunner.delete_workflow('n8n mine');
RESET ROLE;
DROP ROLE rr_n8n_tenant;

-- leave nothing behind
SELECT count(*) AS deleted FROM reporunner.workflow w,
	LATERAL reporunner.delete_workflow(w.name)
WHERE w.name IN ('n8n orders', 'n8n orders again', 'n8n nightly', 'n8n nightly again', 'n8n native',
				 'n8n limit', 'n8n sort', 'n8n splitOut', 'n8n aggregate', 'n8n removeDuplicates',
				 'n8n summarize', 'n8n conditions');
SELECT count(*) AS jobs FROM cron.job;
DELETE FROM reporunner.execution;
DROP EXTENSION pg_cron;
