--
-- Pathological expressions (issue 13, src/expr/PLAN.md 6.4): each ends in
-- a clear error with its SQLSTATE, or in its result, within the node's
-- timeout.  Deep nesting is refused when saved; strings of a megabyte are
-- handled; results above the caps (64 MB strings, 1,000,000 elements) fail
-- before they are allocated (54000); memory is checked while an expression
-- runs (reporunner.max_execution_memory, 54000); nested callbacks over
-- large arrays and backtracking regular expressions end at the node's
-- timeout or statement_timeout (57014).
--

-- run_expr(expr, item, node): saves Start -> E (a set node whose field r is
-- expr, with node's keys added to E) and runs it on item: r (its first 80
-- characters), or the error as SQLSTATE: message (/ detail)
CREATE FUNCTION pg_temp.run_expr(expr text, item jsonb DEFAULT '{}', node jsonb DEFAULT '{}')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r jsonb;
	detail text;
BEGIN
	PERFORM reporunner.save_workflow('expr_limits', jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'E', 'type', 'set', 'params',
				jsonb_build_object('fields', jsonb_build_object('r', expr))) || node),
		'connections', jsonb_build_array(jsonb_build_object('from', 'Start', 'to', 'E'))));
	r := reporunner.execute('expr_limits', jsonb_build_array(item), '{"save": "none"}') -> 0 -> 'r';
	RETURN left(r::text, 80);
EXCEPTION WHEN others OR query_canceled THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' / ' || nullif(detail, ''), '');
END
$$;

-- deep nesting: refused when saved, with the place
SELECT pg_temp.run_expr('{{ ' || repeat('(', 5000) || '1' || repeat(')', 5000) || ' }}') AS parens;
SELECT pg_temp.run_expr('{{ ' || repeat('[', 5000) || '1' || repeat(']', 5000) || ' }}') AS arrays;
SELECT pg_temp.run_expr('{{ ' || repeat('!', 5000) || '1 }}') AS nots;
SELECT pg_temp.run_expr('{{ ' || repeat('1 + ', 100000) || '1 }}') AS sums;
SELECT pg_temp.run_expr('{{ ' || repeat('$json.a ? ', 3000) || '1' || repeat(' : 0', 3000) || ' }}') AS conditionals;
SELECT pg_temp.run_expr('{{ ' || repeat('[1].map(x => ', 300) || 'x' || repeat(')', 300) || ' }}') AS arrows;
-- a deep item is read, and stringified
SELECT pg_temp.run_expr('{{ JSON.stringify($json.a).length }}',
						jsonb_build_object('a', (repeat('[', 5000) || repeat(']', 5000))::jsonb)) AS deep_item;

-- strings of a megabyte
SELECT pg_temp.run_expr('{{ [$json.s.length, $json.s.toUpperCase().length, $json.s.split('''').length,
	$json.s.split('''').reverse().join('''').length, $json.s.replace(/a/g, ''xyz'').length,
	$json.s.match(/b/g).length, `${$json.s}${$json.s}`.length, $json.s.toTitleCase().length,
	$json.s.split(/(?=b)/).length] }}',
	jsonb_build_object('s', repeat('ab', 500000))) AS megabyte;

-- results above the caps fail before they are built
SELECT pg_temp.run_expr('{{ ''x''.repeat(1e9) }}') AS repeat;
SELECT pg_temp.run_expr('{{ ''x''.padStart(1e9) }}') AS pad;
SELECT pg_temp.run_expr('{{ numberList(1, 1e6).join(''0123456789012345678901234567890123456789012345678901234567890123456789'').length }}') AS joined;
SELECT pg_temp.run_expr('{{ numberList(1, 2e6) }}') AS number_list;
SELECT pg_temp.run_expr('{{ numberList(1, 1e6).chunk(1).length }}') AS chunks;
SELECT pg_temp.run_expr('{{ numberList(1, 1000).map(x => numberList(1, 1001)).flat().length }}') AS flat;
SELECT pg_temp.run_expr('{{ Array.from({length: 1e9}, (_, i) => i) }}') AS array_from;
SELECT pg_temp.run_expr('{{ numberList(1, 1000).map(x => numberList(1, 1000)).flat().concat([1]).length }}') AS concat;

-- memory is checked while an expression runs: each callback returns a
-- megabyte; and a string grown by concatenation in reduce
SET reporunner.max_execution_memory = '64MB';
SELECT pg_temp.run_expr('{{ numberList(1, 1000).map(x => ''y''.repeat(1e6) + x).length }}') AS map_megabytes;
SELECT pg_temp.run_expr('{{ numberList(1, 1e6).reduce((a, x) => a + ''0123456789'', '''').length }}') AS reduce_concat;
RESET reporunner.max_execution_memory;

-- regular expressions that backtrack in JavaScript do not here
SELECT pg_temp.run_expr('{{ [/(a+)+$/.test($json.s), /(a|aa)+$/.test($json.s), /^(\w+\s?)*$/.test($json.s), /(x+x+)+y/.test($json.s)] }}',
						jsonb_build_object('s', repeat('a', 5000) || '!')) AS catastrophic;

-- a trillion callback calls end at the node's timeout, as does a regular
-- expression that backtracks over back-references
SELECT pg_temp.run_expr('{{ numberList(1, 1e6).map(x => numberList(1, 1e6).some(y => y < 0)) }}',
						'{}', '{"timeout": "1s"}') AS nested_callbacks;
SELECT pg_temp.run_expr('{{ /^(a+)(a+)(a+)\3\2\1$/.test("a".repeat(401)) }}', '{}', '{"timeout": "1s"}') AS backreferences;
-- and at statement_timeout, which cancels as pg_cancel_backend() does
SET statement_timeout = '1s';
SELECT pg_temp.run_expr('{{ numberList(1, 1e6).filter(x => numberList(1, 1e6).sort((a, b) => b - a)[0] < 0) }}') AS sort_in_filter;
RESET statement_timeout;

-- a table trigger's condition runs without a node: its steps check for a
-- cancel only
SELECT reporunner.save_workflow('expr_limits_rows', '{"nodes": [{"name": "Start", "type": "trigger"}], "connections": []}') IS NOT NULL AS saved;
CREATE TABLE expr_limits_rows (id int, amount int);
SELECT reporunner.on_table('expr_limits_rows', 'expr_limits_rows', '{insert}', 'row', 'async',
	'{{ numberList(1, 5000).filter(x => x % 2).length > $json.amount }}') AS row_trigger \gset
INSERT INTO expr_limits_rows VALUES (1, 10), (2, 2600), (3, 2400);
SELECT regress.drain();
SELECT input -> 0 -> 'id' AS id FROM reporunner.execution
WHERE workflow_id = (SELECT id FROM reporunner.workflow WHERE name = 'expr_limits_rows') ORDER BY 1;
SELECT reporunner.drop_trigger(:row_trigger);
-- what a condition cannot read is undefined, or an error that says so
SELECT reporunner.on_table('expr_limits_rows', 'expr_limits_rows', '{insert}', 'row', 'async',
	'{{ $prevNode === undefined && $input.all().length === 0 && $items().length === 0 }}') AS row_trigger \gset
INSERT INTO expr_limits_rows VALUES (4, 0);
SELECT reporunner.drop_trigger(:row_trigger);
SELECT reporunner.on_table('expr_limits_rows', 'expr_limits_rows', '{insert}', 'row', 'async',
	'{{ $(''Start'').all().length > 0 }}') AS row_trigger \gset
DO $$
BEGIN
	INSERT INTO expr_limits_rows VALUES (5, 0);
EXCEPTION WHEN others THEN
	RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, 'table trigger \d+', 'table trigger N');
END
$$;
SELECT reporunner.drop_trigger(:row_trigger);
-- a condition is one {{ }} expression
SELECT reporunner.on_table('expr_limits_rows', 'expr_limits_rows', '{insert}', 'row', 'async', 'true');
SELECT reporunner.on_table('expr_limits_rows', 'expr_limits_rows', '{insert}', 'row', 'async', '{{ true }} x');
SELECT regress.drain();
SELECT input -> 0 -> 'id' AS id FROM reporunner.execution
WHERE workflow_id = (SELECT id FROM reporunner.workflow WHERE name = 'expr_limits_rows') ORDER BY 1;
DROP TABLE expr_limits_rows;
