--
-- Fuzzing the evaluator of {{ }} expressions (issue 13): random
-- expressions, built from a grammar of the language's forms, every method
-- name and the functions, are saved and run on an item.  Each must end in
-- its value, in an error n8n's semantics or Reporunner's limits give
-- (SQLSTATE class 22, 42 when saved, 0A, 54, 57014), or in the node's
-- timeout; never in an internal error (XX...), a crash or a hang.  The
-- parser alone is fuzzed by libFuzzer (test/unit/fuzz_expression.c).
--
-- pg_regress runs 1,500 expressions with a fixed seed; make fuzz-expr
-- runs this file with psql variables fuzz_count and fuzz_seed against a
-- throwaway cluster.
--
\if :{?fuzz_count}
\else
\set fuzz_count 1500
\endif
\if :{?fuzz_seed}
\else
\set fuzz_seed 0.13
\endif
SELECT setseed(:fuzz_seed);

-- pick(a): one element of a, at random
CREATE FUNCTION pg_temp.pick(a text[]) RETURNS text
LANGUAGE sql AS $$ SELECT a[1 + floor(random() * array_length(a, 1))::int] $$;

-- gen(depth, names): a random expression; names are the arrow parameters
-- in scope
CREATE FUNCTION pg_temp.gen(depth int, names text[] DEFAULT '{}') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	methods text[] := string_to_array('abs append as at average beginningOf ceil charAt charCodeAt chunk codePointAt compact concat diff diffNow diffTo diffToNow difference endOf endOfMonth endsWith entries equals every exec extract extractDomain extractEmail extractUrl extractUrlPath filter find findIndex findLast findLastIndex first flat flatMap floor forEach format get getDate getDay getFullYear getHours getMilliseconds getMinutes getMonth getSeconds getTime getTimezoneOffset getUTCDate hasField hasOwnProperty hasSame hash includes indexOf intersection isBetween isBlank isDomain isDst isEmail isEmpty isEven isInLast isInteger isNotBlank isNotEmpty isNumeric isOdd isUrl isWeekend join keepFieldsContaining keys last lastIndexOf map match matchAll max merge min minus negate normalize padEnd padStart parseJson pluck plus quote reduce reduceRight removeDuplicates removeField removeFieldsContaining removeTags renameKeys repeat replace replaceAll reverse round search set setZone shiftTo slice smartJoin some sort split startOf startsWith substr substring sum test toBoolean toDate toDateString toDateTime toDecimalNumber toFixed toFloat toFormat toHTTP toISO toISODate toISOString toInt toJSDate toJSON toJsonString toLocal toLocaleString toLowerCase toMillis toNumber toObject toPrecision toReversed toSQL toSeconds toSentenceCase toSnakeCase toSorted toString toTitleCase toUTC toUnixInteger toUpperCase toWholeNumber trim trimEnd trimStart union unique urlDecode urlEncode valueOf values', ' ');
	functions text[] := string_to_array('Math.max Math.min Math.abs Math.round Math.pow Math.sqrt JSON.stringify JSON.parse Object.keys Object.values Object.entries Object.assign Object.fromEntries Array.from Array.isArray Array.of String Number Boolean parseInt parseFloat encodeURIComponent decodeURIComponent $ifEmpty $min $max $average $not numberList zip $jsonpath DateTime.fromISO DateTime.fromMillis DateTime.fromFormat Duration.fromObject Date.parse $items', ' ');
	atoms text[] := ARRAY['0', '1', '-1', '2.5', '1e308', '-0', 'NaN', 'Infinity', '2 ** 53', '7',
		'''''', '''abc''', '''a,b c''', '''😀x''', '''2024-03-30T18:49:00Z''', '''{"a": [1]}''',
		'''$.a''', '''%41''', '''<b>x</b>''', '`t${1}`', 'true', 'false', 'null', 'undefined',
		'$json', '$json.s', '$json.n', '$json.l', '$json.o', '$json.d', '$json.nil', '$json.missing',
		'$json.big', '$input.all()', '$input.item', '$itemIndex', '$now', '$today', '$workflow',
		'$execution', '$vars', '[]', '{}', '[1, 2, 3]', '{a: 1, b: [2]}', '/a+/g', '/(\w+)\s/',
		'/^$/m', 'numberList(1, 50)', 'DateTime.fromISO(''2024-03-30'')', 'new Date(0)',
		'Duration.fromObject({hours: 2})', 'Math.PI'];
	ops text[] := ARRAY['+', '-', '*', '/', '%', '**', '==', '===', '!=', '!==', '<', '>=',
		'&&', '||', '??', 'in', '&', '|', '<<'];
	kind int := floor(random() * 12)::int;
	n int;
	args text := '';
	p text;
BEGIN
	IF depth <= 0 OR kind = 0 THEN
		IF names <> '{}' AND random() < 0.4 THEN
			RETURN pg_temp.pick(names);
		END IF;
		RETURN pg_temp.pick(atoms);
	END IF;
	CASE kind
		WHEN 1 THEN
			RETURN pg_temp.pick(ARRAY['!', '-', '+', 'typeof ', '~']) || '(' || pg_temp.gen(depth - 1, names) || ')';
		WHEN 2, 3 THEN
			RETURN '(' || pg_temp.gen(depth - 1, names) || ' ' || pg_temp.pick(ops) || ' ' || pg_temp.gen(depth - 1, names) || ')';
		WHEN 4 THEN
			RETURN '(' || pg_temp.gen(depth - 1, names) || ' ? ' || pg_temp.gen(depth - 1, names) || ' : ' || pg_temp.gen(depth - 1, names) || ')';
		WHEN 5 THEN
			RETURN pg_temp.gen(depth - 1, names) || pg_temp.pick(ARRAY['.length', '[0]', '?.a', '[''s'']', '.json', '[' || pg_temp.gen(0, names) || ']']);
		WHEN 6, 7, 8 THEN
			n := floor(random() * 3)::int;
			FOR i IN 1..n LOOP
				args := args || CASE WHEN i > 1 THEN ', ' ELSE '' END || pg_temp.gen(depth - 1, names);
			END LOOP;
			RETURN pg_temp.gen(depth - 1, names) || pg_temp.pick(ARRAY['.', '?.', '.']) || pg_temp.pick(methods) || '(' || args || ')';
		WHEN 9 THEN
			p := 'v' || (coalesce(array_length(names, 1), 0) + 1);
			RETURN pg_temp.gen(depth - 1, names) || '.' || pg_temp.pick(ARRAY['map', 'filter', 'some', 'find', 'flatMap', 'sort', 'every'])
				|| '((' || p || ', i) => ' || pg_temp.gen(depth - 1, names || p) || ')';
		WHEN 10 THEN
			p := 'v' || (coalesce(array_length(names, 1), 0) + 1);
			RETURN pg_temp.gen(depth - 1, names) || '.reduce((acc, ' || p || ') => ' || pg_temp.gen(depth - 1, names || ARRAY['acc', p]) || ', ' || pg_temp.gen(0, names) || ')';
		ELSE
			n := floor(random() * 3)::int;
			FOR i IN 1..n LOOP
				args := args || CASE WHEN i > 1 THEN ', ' ELSE '' END || pg_temp.gen(depth - 1, names);
			END LOOP;
			RETURN pg_temp.pick(functions) || '(' || args || ')';
	END CASE;
END
$$;

-- run(expr): saves Start -> E (set field r = expr, timeout 5s) and runs it;
-- NULL when that worked, else the SQLSTATE
CREATE FUNCTION pg_temp.run(expr text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM reporunner.save_workflow('expr_fuzz', jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'E', 'type', 'set', 'timeout', '5s', 'params',
				jsonb_build_object('fields', jsonb_build_object('r', '{{ ' || expr || ' }}')))),
		'connections', jsonb_build_array(jsonb_build_object('from', 'Start', 'to', 'E'))));
	PERFORM reporunner.execute('expr_fuzz', '[{"s": "Hello, World 42", "n": 3.5, "l": [3, 1, "2", null, [4]],
		"o": {"a": 1, "b": {"c": "x"}}, "d": "2024-03-30T18:49:00Z", "nil": null,
		"big": 12345678901234567890}]', '{"save": "none"}');
	RETURN NULL;
EXCEPTION WHEN others OR query_canceled THEN
	RETURN SQLSTATE;
END
$$;

CREATE TEMP TABLE fuzz AS
SELECT i, e, pg_temp.run(e) AS sqlstate
FROM (SELECT i, pg_temp.gen(4) AS e FROM generate_series(1, :fuzz_count) AS i) AS g;

-- how many ran, were refused when saved, failed as n8n fails, or hit a limit
SELECT count(*) = :fuzz_count AS all_run,
	   count(*) FILTER (WHERE sqlstate IS NULL) > :fuzz_count / 10 AS many_evaluated,
	   count(*) FILTER (WHERE sqlstate = '42601') > :fuzz_count / 10 AS many_refused
FROM fuzz;

-- anything else is a bug: the expressions and their SQLSTATEs
SELECT sqlstate, count(*), min(e) AS example
FROM fuzz
WHERE sqlstate IS NOT NULL AND sqlstate !~ '^(22|42|0A|54)' AND sqlstate <> '57014'
GROUP BY sqlstate ORDER BY sqlstate;
