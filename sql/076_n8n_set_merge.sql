--
-- n8n's Edit Fields (Set) and Merge nodes through import_n8n(): how each
-- option maps onto set and merge, what is still refused, the way back
-- through export_workflow(format => 'n8n'), and n8n's own node test
-- workflows for them (test/n8n/) run with their pinned outputs compared.
--
SET client_min_messages TO warning;

-- one n8n node after a manual trigger, as n8n exports it
CREATE FUNCTION pg_temp.n8n(type text, version numeric, parameters jsonb)
RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('name', 'one node',
		'nodes', jsonb_build_array(
			'{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
			  "position": [0, 0], "parameters": {}}'::jsonb,
			jsonb_build_object('name', 'N', 'type', 'n8n-nodes-base.' || type,
							   'typeVersion', version, 'position', '[200, 0]'::jsonb,
							   'parameters', parameters)),
		'connections', '{"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}}'::jsonb)
$$;
-- what the node becomes, or the refusal
CREATE FUNCTION pg_temp.node(type text, version numeric, parameters jsonb)
RETURNS text LANGUAGE sql AS $$
	SELECT regress.try(format('SELECT reporunner.n8n_document(%L)->''nodes''->1->''params''',
							  pg_temp.n8n(type, version, parameters)))
$$;

\pset format unaligned
\pset tuples_only on

-- Edit Fields: dot notation (n8n's default) set explicitly, dotted names
-- kept; field types and ignoreConversionErrors kept for the node
SELECT pg_temp.node('set', 3.4, '{"assignments": {"assignments": [{"id": "1", "name": "a.b", "value": "={{ $json.n }}", "type": "string"}]},
	"includeOtherFields": true, "include": "selected", "includeFields": "id, user.name", "options": {"ignoreConversionErrors": true}}');
SELECT pg_temp.node('set', 3.2, '{"fields": {"values": [{"name": "x.y", "type": "arrayValue", "arrayValue": "[1]"}]},
	"include": "none", "options": {"dotNotation": false}}');
SELECT pg_temp.node('set', 3, '{"fields": {"values": [{"name": "b", "type": "booleanValue", "booleanValue": "true"}]},
	"include": "except", "excludeFields": "a.b,, c ", "options": {}}');
-- Edit Fields 2 makes a number field's text a number when it is one
SELECT pg_temp.node('set', 2, '{"keepOnlySet": true, "values": {"number": [{"name": "n", "value": "={{ $json.t }}"}]}, "options": {}}');
-- refused: an unknown include, a list of fields from an expression, binary
-- data is left out
SELECT pg_temp.node('set', 3.3, '{"includeOtherFields": true, "include": "some", "options": {}}');
SELECT pg_temp.node('set', 3.3, '{"includeOtherFields": true, "include": "selected", "includeFields": "={{ $json.f }}", "options": {}}');
SELECT pg_temp.node('set', 3.4, '{"assignments": {"assignments": [{"name": "d", "value": "x", "type": "dateTime"}]}, "options": {}}');

-- Merge: every output type of combining by fields, several pairs, dotted
-- names, options
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineByFields", "fieldsToMatchString": "id, user.id",
	"joinMode": "keepNonMatches", "outputDataFrom": "input2", "options": {}}');
SELECT pg_temp.node('merge', 3.1, '{"mode": "combine", "combineBy": "combineByFields", "advanced": true,
	"mergeByFields": {"values": [{"field1": "a", "field2": "x"}, {"field1": "b", "field2": "y"}]},
	"joinMode": "enrichInput2", "options": {"disableDotNotation": true, "multipleMatches": "first",
	"clashHandling": {"values": {"resolveClash": "addSuffix", "mergeMode": "shallowMerge", "overrideEmpty": true}}}}');
SELECT pg_temp.node('merge', 3.2, '{"mode": "combine", "combineBy": "combineByFields", "fieldsToMatchString": "id",
	"outputDataFrom": "input1", "options": {"clashHandling": {"values": {"resolveClash": "preferInput1"}}}}');
SELECT pg_temp.node('merge', 2.1, '{"mode": "combine", "combinationMode": "mergeByPosition", "options": {}}');
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineAll", "options": {"clashHandling": {"values": {"resolveClash": "preferInput1"}}}}');
SELECT pg_temp.node('merge', 3, '{"mode": "chooseBranch", "output": "empty"}');
SELECT pg_temp.node('merge', 2, '{"mode": "chooseBranch", "output": "empty", "chooseBranchMode": "waitForBoth"}');
-- Merge 1: wait, merge by index (inner, outer), multiplex (shallow)
SELECT pg_temp.node('merge', 1, '{"mode": "wait"}');
SELECT pg_temp.node('merge', 1, '{"mode": "mergeByIndex", "join": "inner"}');
SELECT pg_temp.node('merge', 1, '{"mode": "mergeByIndex", "join": "outer"}');
SELECT pg_temp.node('merge', 1, '{"mode": "multiplex"}');
-- refused: merge by index as long as input 1, v1's key modes
SELECT pg_temp.node('merge', 1, '{"mode": "mergeByIndex"}');
SELECT pg_temp.node('merge', 1, '{"mode": "keepKeyMatches", "propertyName1": "id", "propertyName2": "id"}');
-- refused: fuzzy comparison, a field name with a comma, no fields, an
-- unknown output type or clash handling
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineByFields", "fieldsToMatchString": "id", "options": {"fuzzyCompare": true}}');
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineByFields", "advanced": true,
	"mergeByFields": {"values": [{"field1": "a,b", "field2": "x"}]}, "options": {}}');
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineByFields", "fieldsToMatchString": " , ", "options": {}}');
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineByFields", "fieldsToMatchString": "id", "joinMode": "zip", "options": {}}');
SELECT pg_temp.node('merge', 3, '{"mode": "combine", "combineBy": "combineByPosition", "options": {"clashHandling": {"values": {"resolveClash": "preferNone"}}}}');

-- export and import again give the same params
CREATE FUNCTION pg_temp.round_trip(params jsonb, type text DEFAULT 'merge')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	doc jsonb := jsonb_build_object('nodes', jsonb_build_array(
		'{"name": "Start", "type": "trigger"}'::jsonb,
		jsonb_build_object('name', 'N', 'type', type, 'params', params)),
		'connections', '[{"from": "Start", "to": "N"}]'::jsonb);
	n8n jsonb;
	back jsonb;
BEGIN
	PERFORM reporunner.save_workflow('n8n set merge', doc);
	n8n := reporunner.export_workflow('n8n set merge', format => 'n8n');
	back := reporunner.n8n_document(n8n)->'nodes'->1->'params';
	RETURN (n8n->'nodes'->1->'parameters')::text || E'\n  -> ' || back::text;
END
$$;
SELECT pg_temp.round_trip('{"mode": "by_key", "key": "id, u.id", "dot_notation": true, "join": "anti", "output_from": "input2",
	"clash": "add_suffix", "merge_mode": "deep"}');
SELECT pg_temp.round_trip('{"mode": "by_key", "key": "a", "right_key": "b", "join": "right", "multiple_matches": "first", "override_empty": true}');
SELECT pg_temp.round_trip('{"mode": "by_position", "include_unpaired": false, "clash": "prefer_input1"}');
SELECT pg_temp.round_trip('{"mode": "choose_branch", "empty_item": true}');
SELECT pg_temp.round_trip('{"fields": {"a.b": "{{ $json.x }}"}, "types": {"a.b": "number"}, "dot_notation": true,
	"include": "selected", "include_fields": ["id", "u.n"], "ignore_conversion_errors": true}', 'set');
SELECT pg_temp.round_trip('{"fields": {"a.b": 1}, "include": "except", "remove": ["c.d"]}', 'set');
SELECT reporunner.delete_workflow('n8n set merge');

-- n8n's node test workflows (test/n8n/), run on their test data: the data
-- nodes (Code nodes in n8n, No Operation nodes here) are pinned to the
-- items n8n's code makes; every other pinned output is compared.
-- Stand-ins run as No Operation nodes and are not compared.
CREATE FUNCTION pg_temp.pinned(wf jsonb, name text, data_nodes text[], stand_ins text[])
RETURNS TABLE (node text, items int, matches boolean, actual jsonb) LANGUAGE plpgsql AS $$
DECLARE
	nodes jsonb;
	pinned jsonb;
	expected jsonb;
BEGIN
	SELECT jsonb_agg(CASE WHEN n->>'name' = ANY (stand_ins)
						  THEN n || '{"type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}}'
						  ELSE n END ORDER BY ord)
	INTO nodes FROM jsonb_array_elements(wf->'nodes') WITH ORDINALITY e(n, ord);
	PERFORM reporunner.import_n8n(jsonb_set(wf, '{nodes}', nodes), name, '{"pin_data": false}');
	SELECT jsonb_object_agg(p.key, p.items) FILTER (WHERE p.key = ANY (data_nodes)),
		   jsonb_object_agg(p.key, p.items) FILTER (WHERE p.key <> ALL (data_nodes) AND p.key <> ALL (stand_ins))
	INTO pinned, expected
	FROM (SELECT e.key, (SELECT COALESCE(jsonb_agg(i->'json' ORDER BY o), '[]')
						 FROM jsonb_array_elements(e.value) WITH ORDINALITY x(i, o)) AS items
		  FROM jsonb_each(wf->'pinData') e) p;
	RETURN QUERY
	SELECT t.node, jsonb_array_length(t.expected), t.ok, t.actual
	FROM reporunner.test_workflow(name, jsonb_build_array(jsonb_build_object(
			'name', 'n8n', 'input', '[{}]'::jsonb, 'pinned', COALESCE(pinned, '{}'),
			'expected', expected))) t
	ORDER BY t.node;
	PERFORM reporunner.delete_workflow(name);
END
$$;
\set wf `cat test/n8n/merge_byFields.json`
CREATE TEMP TABLE pinned AS
SELECT 'merge_byFields' AS workflow, * FROM pg_temp.pinned(:'wf', 'n8n merge by fields', '{Code, Code1}', '{}');
\set wf `cat test/n8n/merge_byPosition.json`
INSERT INTO pinned SELECT 'merge_byPosition', * FROM pg_temp.pinned(:'wf', 'n8n merge by position', '{Code, Code1}', '{}');
\set wf `cat test/n8n/merge_append.json`
INSERT INTO pinned SELECT 'merge_append', * FROM pg_temp.pinned(:'wf', 'n8n merge append', '{Code, Code1}', '{}');
\set wf `cat test/n8n/merge_chooseBranch.json`
INSERT INTO pinned SELECT 'merge_chooseBranch', * FROM pg_temp.pinned(:'wf', 'n8n merge choose branch', '{Code, Code1}', '{}');
\set wf `cat test/n8n/merge_multiplex.json`
INSERT INTO pinned SELECT 'merge_multiplex', * FROM pg_temp.pinned(:'wf', 'n8n merge multiplex', '{Code, Code1}', '{}');
\set wf `cat test/n8n/merge_keepNonMatches.json`
INSERT INTO pinned SELECT 'merge_keepNonMatches', * FROM pg_temp.pinned(:'wf', 'n8n merge keep non-matches', '{Mock data A, Mock data B}', '{}');
\set wf `cat test/n8n/set_v1.json`
INSERT INTO pinned SELECT 'set_v1', * FROM pg_temp.pinned(:'wf', 'n8n set 1', '{Code}', '{}');
\set wf `cat test/n8n/set_number.json`
INSERT INTO pinned SELECT 'set_number', * FROM pg_temp.pinned(:'wf', 'n8n set numbers', '{}', '{}');
\set wf `cat test/n8n/set_null_values.json`
INSERT INTO pinned SELECT 'set_null_values', * FROM pg_temp.pinned(:'wf', 'n8n set nulls', '{}', '{}');
\set wf `cat test/n8n/set_v3_types.json`
INSERT INTO pinned SELECT 'set_v3_types', * FROM pg_temp.pinned(:'wf', 'n8n set 3 types', '{Code1}', '{}');
\set wf `cat test/n8n/set_v3_3_types.json`
INSERT INTO pinned SELECT 'set_v3_3_types', * FROM pg_temp.pinned(:'wf', 'n8n set types', '{Code1}', '{}');
\pset tuples_only off
SELECT workflow, node, items, matches FROM pinned ORDER BY workflow, node;
SELECT count(*) FILTER (WHERE matches) AS matching, count(*) AS pinned FROM pinned;
-- the differences (docs/n8n.md says why)
SELECT workflow, node, actual FROM pinned WHERE NOT matches ORDER BY workflow, node;
