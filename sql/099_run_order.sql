--
-- The order in which the nodes a node feeds are taken up (n8n's v1 order):
-- by their canvas positions, top first then left, when every node of the
-- document has a position; otherwise output by output, in document order.
--
CREATE TABLE run_log (seq serial PRIMARY KEY, node text);

-- doc(positions): Start feeds Low (drawn lower) and High (drawn higher);
-- Low comes first in the document. Each node records that it ran.
CREATE FUNCTION pg_temp.doc(positions boolean) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object('nodes', jsonb_agg(n - CASE WHEN positions THEN '' ELSE 'position' END),
		'connections', '[{"from": "Start", "to": "Low"}, {"from": "Start", "to": "High"},
		                 {"from": "Low", "to": "Low end"}, {"from": "High", "to": "High end"}]'::jsonb)
	FROM jsonb_array_elements('[
		{"name": "Start", "type": "trigger", "position": [0, 0]},
		{"name": "Low", "type": "sql", "position": [200, 300], "params": {"query": "insert into run_log (node) values (''Low'')"}},
		{"name": "High", "type": "sql", "position": [200, 100], "params": {"query": "insert into run_log (node) values (''High'')"}},
		{"name": "Low end", "type": "sql", "position": [400, 300], "params": {"query": "insert into run_log (node) values (''Low end'')"}},
		{"name": "High end", "type": "sql", "position": [400, 100], "params": {"query": "insert into run_log (node) values (''High end'')"}}]') n
$$;

-- with positions: the higher branch first, depth first
SELECT reporunner.save_workflow('ordered', pg_temp.doc(true));
SELECT reporunner.execute('ordered', '[{}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS run_order FROM run_log;
TRUNCATE run_log;
-- without positions: document order
SELECT reporunner.save_workflow('unordered', pg_temp.doc(false));
SELECT reporunner.execute('unordered', '[{}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS run_order FROM run_log;
TRUNCATE run_log;
-- explain() lists the nodes in the same order
SELECT reporunner.explain('ordered');

-- across outputs: an if whose "false" target is drawn above its "true"
-- target runs the false branch first, and among targets at the same
-- height the left one first
SELECT reporunner.save_workflow('if_ordered', '{"nodes": [
	{"name": "Start", "type": "trigger", "position": [0, 0]},
	{"name": "Big?", "type": "if", "position": [100, 0], "params": {"condition": "{{ $json.n > 1 }}"}},
	{"name": "Yes", "type": "sql", "position": [300, 200], "params": {"query": "insert into run_log (node) values (''Yes'')"}},
	{"name": "No right", "type": "sql", "position": [300, -100], "params": {"query": "insert into run_log (node) values (''No right'')"}},
	{"name": "No left", "type": "sql", "position": [250, -100], "params": {"query": "insert into run_log (node) values (''No left'')"}}],
	"connections": [{"from": "Start", "to": "Big?"}, {"from": "Big?", "output": "true", "to": "Yes"},
	                {"from": "Big?", "output": "false", "to": "No right"},
	                {"from": "Big?", "output": "false", "to": "No left"}]}');
SELECT reporunner.execute('if_ordered', '[{"n": 1}, {"n": 2}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS run_order FROM run_log;

SELECT reporunner.delete_workflow(w) FROM unnest('{ordered,unordered,if_ordered}'::text[]) w;
DROP TABLE run_log;

-- a merge in choose_branch mode runs only when both inputs got items, as
-- n8n's Merge 3 (requiredInputs); the other modes run on what came
CREATE FUNCTION pg_temp.merge_doc(mode text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT format('{"nodes": [{"name": "Start", "type": "trigger"},
		{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.n > 5 }}"}},
		{"name": "M", "type": "merge", "params": {"mode": "%s"}},
		{"name": "After", "type": "set", "params": {"fields": {"after": true}}}],
		"connections": [{"from": "Start", "to": "Big?"},
		                {"from": "Big?", "output": "true", "to": "M", "input": 0},
		                {"from": "Big?", "output": "false", "to": "M", "input": 1},
		                {"from": "M", "to": "After"}]}', mode)::jsonb
$$;
SELECT reporunner.save_workflow('choose', pg_temp.merge_doc('choose_branch'));
SELECT reporunner.save_workflow('append', pg_temp.merge_doc('append'));
-- both inputs got items: both modes run
SELECT reporunner.execute('choose', '[{"n": 9}, {"n": 1}]') AS choose_both,
       reporunner.execute('append', '[{"n": 9}, {"n": 1}]') AS append_both;
-- only "true" got items: choose_branch does not run, append does
SELECT reporunner.execute('choose', '[{"n": 9}]') AS choose_one,
       reporunner.execute('append', '[{"n": 9}]') AS append_one;
SELECT node FROM reporunner.step
WHERE execution_id = (SELECT max(id) FROM reporunner.execution WHERE workflow_id =
	(SELECT id FROM reporunner.workflows WHERE name = 'choose'))
ORDER BY node;
SELECT e AS explained FROM reporunner.explain('choose') e WHERE e LIKE '%"M" (merge)%';
SELECT reporunner.delete_workflow(w) FROM unnest('{choose,append}'::text[]) w;

-- a merge one of whose inputs gets nothing waits until nothing else is
-- left to run, as n8n's v1 order: "None" (a filter that keeps nothing)
-- feeds the merge's second input, and is taken up before D; the merge
-- then runs after D, not as soon as "None" has run
CREATE TABLE run_log (seq serial PRIMARY KEY, node text);
SELECT reporunner.save_workflow('late_merge', '{"nodes": [
	{"name": "Start", "type": "trigger", "position": [0, 0]},
	{"name": "A", "type": "sql", "position": [200, 100], "params": {"query": "insert into run_log (node) values (''A'')"}},
	{"name": "None", "type": "filter", "position": [200, 200], "params": {"condition": "{{ false }}"}},
	{"name": "D", "type": "sql", "position": [200, 300], "params": {"query": "insert into run_log (node) values (''D'')"}},
	{"name": "M", "type": "merge", "position": [400, 100]},
	{"name": "After merge", "type": "sql", "position": [500, 100], "params": {"query": "insert into run_log (node) values (''After merge'')"}}],
	"connections": [{"from": "Start", "to": "A"}, {"from": "Start", "to": "None"}, {"from": "Start", "to": "D"},
		{"from": "A", "to": "M", "input": 0},
		{"from": "None", "to": "M", "input": 1},
		{"from": "M", "to": "After merge"}]}');
SELECT reporunner.execute('late_merge', '[{"n": 1}]') IS NOT NULL AS ran;
SELECT string_agg(node, ', ' ORDER BY seq) AS run_order FROM run_log;
SELECT reporunner.delete_workflow('late_merge');
DROP TABLE run_log;
