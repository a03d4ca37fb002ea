--
-- n8n's Rename Keys, Compare Datasets and Date & Time nodes through
-- import_n8n(): each node's translation, n8n's own test workflows
-- (packages/nodes-base/nodes/*/test/*.json) run on the input their
-- pinned outputs came from, and export back.
--
SET client_min_messages TO warning;

-- one n8n node after a manual trigger, as n8n exports it
CREATE FUNCTION pg_temp.n8n(type text, version numeric, parameters jsonb,
							name text DEFAULT 'N') RETURNS jsonb
LANGUAGE sql AS $$
	SELECT jsonb_build_object('name', name,
		'nodes', jsonb_build_array(
			'{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
			  "position": [0, 0], "parameters": {}}'::jsonb,
			jsonb_build_object('name', 'N', 'type', 'n8n-nodes-base.' || type,
							   'typeVersion', version, 'position', '[200, 0]'::jsonb,
							   'parameters', parameters)),
		'connections', '{"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}}'::jsonb)
$$;
-- what the node becomes, or the import's error
CREATE FUNCTION pg_temp.node(type text, version numeric, parameters jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	RETURN reporunner.n8n_document(pg_temp.n8n(type, version, parameters))->'nodes'->1;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || E'\n' || detail;
END
$$;
-- import the node as workflow name, run it on items: its output, and
-- whether it equals n8n's pinned output
CREATE FUNCTION pg_temp.check(name text, type text, version numeric,
							  parameters jsonb, items jsonb, pinned jsonb)
RETURNS TABLE (output jsonb, matches_n8n boolean)
LANGUAGE plpgsql AS $$
DECLARE
	result jsonb;
BEGIN
	PERFORM reporunner.import_n8n(pg_temp.n8n(type, version, parameters, name));
	result := reporunner.execute(name, items);
	RETURN QUERY SELECT result, result = pinned;
END
$$;

\pset format unaligned
\pset tuples_only on

-- Rename Keys
SELECT pg_temp.node('renameKeys', 1, '{"keys": {"key": [{"currentKey": "=propertyName", "newKey": "test"},
	{"currentKey": "a"}, {"currentKey": "", "newKey": "b"}, {"currentKey": "={{ $json.k }}", "newKey": "c"}]}, "additionalOptions": {}}');
SELECT pg_temp.node('renameKeys', 1, '{"additionalOptions": {"regexReplacement": {"replacements": [
	{"searchRegex": "reg", "replaceRegex": "test", "options": {}},
	{"regExNotice": "", "searchRegex": "^(\\w+)_id$", "replaceRegex": "$1Id", "options": {"caseInsensitive": true, "depth": 0}},
	{"searchRegex": "", "replaceRegex": "x_", "options": {"depth": -1}},
	{"searchRegex": "", "replaceRegex": ""}]}}}');
-- refused: computed patterns, unknown options, each named
SELECT pg_temp.node('renameKeys', 1, '{"additionalOptions": {"regexReplacement": {"replacements": [
	{"searchRegex": "={{ $json.p }}", "replaceRegex": "x", "options": {}},
	{"searchRegex": "a", "replaceRegex": "b", "options": {"global": true}}]}, "other": 1}}');
SELECT pg_temp.node('renameKeys', 2, '{}');

-- RenameKeys.workflow.json: each Rename Keys node on what its Set node gave
SELECT * FROM pg_temp.check('n8n rename', 'renameKeys', 1,
	'{"keys": {"key": [{"currentKey": "=propertyName", "newKey": "test"}]}, "additionalOptions": {}}',
	'[{"propertyName": 0}]', '[{"test": 0}]');
SELECT * FROM pg_temp.check('n8n rename dot', 'renameKeys', 1,
	'{"keys": {"key": [{"currentKey": "=propertyName.newPropertyName", "newKey": "test.dot"}]}, "additionalOptions": {}}',
	'[{"propertyName": {"newPropertyName": 21}}]', '[{"propertyName": {}, "test": {"dot": 21}}]');
SELECT * FROM pg_temp.check('n8n rename undefined', 'renameKeys', 1,
	'{"keys": {"key": [{"currentKey": "=propertyName.newPropertyName"}]}, "additionalOptions": {}}',
	'[{"propertyName": {"newPropertyName": 21}}]', '[{"propertyName": {"newPropertyName": 21}}]');
SELECT * FROM pg_temp.check('n8n rename regex', 'renameKeys', 1,
	'{"additionalOptions": {"regexReplacement": {"replacements": [{"searchRegex": "reg", "replaceRegex": "test", "options": {}}]}}}',
	'[{"propertyName": {"newPropertyName": 0}, "regex": 0}]',
	'[{"propertyName": {"newPropertyName": 0}, "testex": 0}]');

-- export, and import -> export -> import gives the same graph
SELECT reporunner.import_n8n(pg_temp.n8n('renameKeys', 1, '{"keys": {"key": [{"currentKey": "a.b", "newKey": "={{ $json.to }}"}]},
	"additionalOptions": {"regexReplacement": {"replacements": [{"searchRegex": "^x", "replaceRegex": "y", "options": {"caseInsensitive": true, "depth": 2}},
	{"searchRegex": "z", "replaceRegex": "", "options": {}}]}}}', 'n8n rename trip')) > 0 AS imported;
SELECT reporunner.export_workflow('n8n rename trip', format => 'n8n')->'nodes'->1->'parameters';
SELECT reporunner.import_n8n(reporunner.export_workflow('n8n rename trip', format => 'n8n'), 'n8n rename trip again') > 0 AS imported;
SELECT reporunner.export_workflow('n8n rename trip') = reporunner.export_workflow('n8n rename trip again') AS same_document;

-- Compare Datasets
SELECT pg_temp.node('compareDatasets', 2.3, '{"mergeByFields": {"values": [{"field1": "id", "field2": "=key"}]},
	"resolve": "mix", "preferWhenMix": "input2", "exceptWhenMix": "a, b.c", "fuzzyCompare": true,
	"options": {"skipFields": "updated_at, meta.by", "disableDotNotation": false, "multipleMatches": "all"}}');
SELECT pg_temp.node('compareDatasets', 2.2, '{"infoBox": "", "mergeByFields": {"values": [{"field1": "id", "field2": "id"}]}, "options": {}}');
SELECT pg_temp.node('compareDatasets', 2.3, '{"mergeByFields": {"values": [{"field1": "id", "field2": "id"}]},
	"resolve": "preferInput1", "exceptWhenMix": "ignored", "options": {"disableDotNotation": true}}');
-- refused: versions before 2.2, computed fields, no fields, unknown options
SELECT pg_temp.node('compareDatasets', 1, '{"mergeByFields": {"values": [{"field1": "id", "field2": "id"}]}, "options": {"fuzzyCompare": true}}');
SELECT pg_temp.node('compareDatasets', 2.3, '{"mergeByFields": {"values": [{"field1": "={{ $json.k }}", "field2": ""}]},
	"fuzzyCompare": "={{ true }}", "options": {"skipFields": "={{ $json.s }}", "other": 1}}');
SELECT pg_temp.node('compareDatasets', 2.3, '{"options": {}}');

-- n8n's workflow.update_2_2.json, imported with its two inputs built from
-- the trigger's item by Split Out nodes, each output tagged by an Edit
-- Fields node: the pinned "No Operation, do nothing1" gets all of A
CREATE FUNCTION pg_temp.compare(name text, version numeric, parameters jsonb, a jsonb, b jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	nodes jsonb := '[{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0], "parameters": {}},
		{"name": "A", "type": "n8n-nodes-base.splitOut", "typeVersion": 1, "position": [200, 0], "parameters": {"fieldToSplitOut": "a", "options": {}}},
		{"name": "B", "type": "n8n-nodes-base.splitOut", "typeVersion": 1, "position": [200, 200], "parameters": {"fieldToSplitOut": "b", "options": {}}}]';
	conns jsonb := '{"Start": {"main": [[{"node": "A", "type": "main", "index": 0}, {"node": "B", "type": "main", "index": 0}]]},
		"A": {"main": [[{"node": "Compare", "type": "main", "index": 0}]]},
		"B": {"main": [[{"node": "Compare", "type": "main", "index": 1}]]}}';
	outs text[] := ARRAY['in A only', 'same', 'different', 'in B only'];
	main jsonb := '[]';
	result jsonb;
BEGIN
	nodes := nodes || jsonb_build_object('name', 'Compare', 'type', 'n8n-nodes-base.compareDatasets',
		'typeVersion', version, 'position', '[400, 100]'::jsonb, 'parameters', parameters);
	FOR k IN 1 .. 4 LOOP
		nodes := nodes || jsonb_build_object('name', outs[k], 'type', 'n8n-nodes-base.set', 'typeVersion', 3.4,
			'position', jsonb_build_array(600, k * 100), 'parameters', jsonb_build_object(
				'assignments', jsonb_build_object('assignments', jsonb_build_array(
					jsonb_build_object('id', k::text, 'name', '_out', 'value', outs[k], 'type', 'string'))),
				'includeOtherFields', true, 'options', '{}'::jsonb));
		main := main || jsonb_build_array(jsonb_build_array(jsonb_build_object('node', outs[k], 'type', 'main', 'index', 0)));
	END LOOP;
	conns := conns || jsonb_build_object('Compare', jsonb_build_object('main', main));
	PERFORM reporunner.import_n8n(jsonb_build_object('name', name, 'nodes', nodes, 'connections', conns));
	result := reporunner.execute(name, jsonb_build_array(jsonb_build_object('a', a, 'b', b)));
	RETURN (SELECT coalesce(jsonb_object_agg(o.out, o.items), '{}')
			FROM (SELECT e.value->>'_out' AS out, jsonb_agg(e.value - '_out' ORDER BY e.ord) AS items
				  FROM jsonb_array_elements(result) WITH ORDINALITY e(value, ord) GROUP BY 1) o);
END
$$;
SELECT pg_temp.compare('n8n compare 2.2', 2.2, '{"mergeByFields": {"values": [{"field1": "idd", "field2": "idd"}]}, "options": {}}',
	'[{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]', '[]')->'in A only' = '[{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]' AS matches_n8n;
-- and a run through every output
SELECT pg_temp.compare('n8n compare', 2.3, '{"mergeByFields": {"values": [{"field1": "id", "field2": "id"}]},
	"resolve": "includeBoth", "fuzzyCompare": true, "options": {"skipFields": "at"}}',
	'[{"id": 1, "v": "x"}, {"id": 2, "v": 1, "at": 1}, {"id": 3, "v": 0}]', '[{"id": 2, "v": "1", "at": 2}, {"id": "3", "v": 5}, {"id": 4}]');
SELECT reporunner.export_workflow('n8n compare', format => 'n8n')->'nodes'->3->'parameters';
SELECT reporunner.export_workflow('n8n compare', format => 'n8n')->'connections'->'Compare';
SELECT reporunner.import_n8n(reporunner.export_workflow('n8n compare', format => 'n8n'), 'n8n compare again') > 0 AS imported;
SELECT reporunner.export_workflow('n8n compare') = reporunner.export_workflow('n8n compare again') AS same_document;
