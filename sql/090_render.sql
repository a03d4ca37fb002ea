--
-- Pictures and diffs: render() draws a version as Mermaid or Graphviz DOT,
-- plain, coloured by an execution, or by a diff; diff_versions() lists what
-- changed between two versions.
--
SET client_min_messages TO warning;

-- mermaid_ok(text): every line of a Mermaid flowchart is one of the
-- statements render() writes, with generated ids and quoted labels that
-- hold no raw quote; returns the lines that are not, or 'ok'
CREATE FUNCTION pg_temp.mermaid_ok(chart text) RETURNS text
LANGUAGE sql AS $$
	SELECT coalesce(string_agg(line, E'\n'), 'ok')
	FROM regexp_split_to_table(rtrim(chart, E'\n'), E'\n') WITH ORDINALITY AS l(line, i)
	WHERE NOT (i = 1 AND line = 'flowchart LR'
		OR line ~ '^    n[0-9]+\["[^"]*"\]$'
		OR line ~ '^    n[0-9]+ (-->|-\.->)(\|"[^"|]*"\|)? n[0-9]+$'
		OR line ~ '^    classDef [a-z_]+ [a-z-]+:[^ ,]+( [0-9]+)?(,[a-z-]+:[^ ,]+( [0-9]+)?)*$'
		OR line ~ '^    class n[0-9]+(,n[0-9]+)* [a-z_]+$'
		OR line ~ '^    linkStyle [0-9]+ [-a-z:#0-9,]+$')
$$;

-- mermaid_counts(chart): how many nodes and edges a chart draws
CREATE FUNCTION pg_temp.mermaid_counts(chart text, OUT nodes bigint, OUT edges bigint)
LANGUAGE sql AS $$
	SELECT count(*) FILTER (WHERE line ~ '^    n[0-9]+\['),
		   count(*) FILTER (WHERE line ~ '^    n[0-9]+ -')
	FROM regexp_split_to_table(chart, E'\n') AS line
$$;

-- no_durations(chart): the chart with its step durations masked
CREATE FUNCTION pg_temp.no_durations(chart text) RETURNS text
LANGUAGE sql AS $$
	SELECT regexp_replace(chart, '[0-9]+(\.[0-9])? m?s\y', '<duration>', 'g')
$$;

SELECT reporunner.save_workflow('render_shop', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Total", "type": "set", "params": {"fields": {"total": "{{ $json.price * $json.qty }}"}}},
	{"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100 }}"}},
	{"name": "Flag", "type": "set", "params": {"fields": {"flag": true}}},
	{"name": "Audit", "type": "noop", "disabled": true},
	{"name": "Join", "type": "merge", "params": {"mode": "append"}}],
	"connections": [
	{"from": "Start", "to": "Total"},
	{"from": "Total", "to": "Big?"},
	{"from": "Big?", "output": "true", "to": "Flag"},
	{"from": "Big?", "output": "false", "to": "Audit"},
	{"from": "Flag", "to": "Join"},
	{"from": "Audit", "to": "Join", "input": 1}]}');

-- Mermaid by default: generated ids, name and type in each box, branch
-- labels and merge inputs on edges, the disabled node dashed
\pset format unaligned
\pset tuples_only on
SELECT reporunner.render('render_shop');
SELECT pg_temp.mermaid_ok(reporunner.render('render_shop'));
SELECT * FROM pg_temp.mermaid_counts(reporunner.render('render_shop'));
-- the same as DOT, which Graphviz accepts
SELECT reporunner.render('render_shop', 'dot');
SELECT reporunner.render('render_shop', 'dot') \g |dot -Tsvg >/dev/null && echo dot accepts shop

-- names with quotes, brackets, '#', '|', '&', '<>', backslashes, non-ASCII
-- and double spaces; switch outputs named by rules, the fallback, an error
-- output
SELECT reporunner.save_workflow('render odd names', '{"nodes": [
	{"name": "Say \"hi\" [now] {x}", "type": "trigger"},
	{"name": "Größe ≥ 10 € #1", "type": "switch", "params": {"rules": [
		{"condition": "{{ $json.n > 10 }}", "output": "big \"one\""},
		{"condition": "{{ $json.n > 5 }}"}], "fallback": true}},
	{"name": "a|b <c> & d", "type": "noop"},
	{"name": "back\\slash`s", "type": "noop"},
	{"name": "two  spaces", "type": "stop_and_error", "params": {"message": "no"},
	 "on_error": "error_output"},
	{"name": "日本語 (ok)", "type": "noop"}],
	"connections": [
	{"from": "Say \"hi\" [now] {x}", "to": "Größe ≥ 10 € #1"},
	{"from": "Größe ≥ 10 € #1", "output": "big \"one\"", "to": "a|b <c> & d"},
	{"from": "Größe ≥ 10 € #1", "output": "1", "to": "back\\slash`s"},
	{"from": "Größe ≥ 10 € #1", "output": "fallback", "to": "two  spaces"},
	{"from": "two  spaces", "output": "error", "to": "日本語 (ok)"}]}');
SELECT reporunner.render('render odd names');
SELECT pg_temp.mermaid_ok(reporunner.render('render odd names'));
SELECT * FROM pg_temp.mermaid_counts(reporunner.render('render odd names'));
SELECT reporunner.render('render odd names', 'dot');
SELECT reporunner.render('render odd names', 'dot') \g |dot -Tsvg >/dev/null && echo dot accepts odd names

-- an execution: each node coloured by its step status, with its items per
-- output, its duration and, for the failed node, its error (escaped, in
-- lines of at most 40 bytes, cut after 160)
SELECT reporunner.save_workflow('render_orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Too small?", "type": "if", "params": {"condition": "{{ $json.total < 10 }}"}},
	{"name": "Reject", "type": "stop_and_error",
	 "params": {"message": "Order {{ $json.id }} is \"too small\":\n<{{ $json.total }}> & [more]; see https://example.com/orders/{{ $json.id }}/a-path-far-longer-than-one-line-of-a-label and ask the team about the minimum order size before you try again", "code": "22023"}},
	{"name": "Flag", "type": "set", "params": {"fields": {"flag": true}}},
	{"name": "Tail", "type": "noop"}],
	"connections": [
	{"from": "Start", "to": "Too small?"},
	{"from": "Too small?", "output": "true", "to": "Reject"},
	{"from": "Too small?", "output": "false", "to": "Flag"},
	{"from": "Flag", "to": "Tail"}]}');
SELECT reporunner.start('render_orders', '[{"id": 1, "total": 500}, {"id": 2, "total": 7}, {"id": 3, "total": 300}]') AS failed \gset
SELECT status FROM reporunner.wait_for(:failed, '30s');
SELECT pg_temp.no_durations(reporunner.render('render_orders', options => jsonb_build_object('execution', :failed)));
SELECT pg_temp.mermaid_ok(reporunner.render('render_orders', options => jsonb_build_object('execution', :failed)));
SELECT pg_temp.no_durations(reporunner.render('render_orders', 'dot', jsonb_build_object('execution', :failed)));
SELECT reporunner.render('render_orders', 'dot', jsonb_build_object('execution', :failed)) \g |dot -Tsvg >/dev/null && echo dot accepts the execution
-- a succeeded one
SELECT reporunner.start('render_orders', '[{"id": 4, "total": 500}, {"id": 5, "total": 50}]') AS succeeded \gset
SELECT status FROM reporunner.wait_for(:succeeded, '30s');
SELECT pg_temp.no_durations(reporunner.render('render_orders', 'mermaid', jsonb_build_object('execution', :succeeded)));

-- versions: diff_versions() lists nodes added, removed and changed (each
-- changed field old -> new), connections added and removed
SELECT reporunner.save_workflow('render_orders', '{"nodes": [
	{"name": "Start", "type": "trigger"},
	{"name": "Too small?", "type": "if", "params": {"condition": "{{ $json.total < 20 }}"}},
	{"name": "Reject", "type": "stop_and_error",
	 "params": {"message": "Order {{ $json.id }} is \"too small\":\n<{{ $json.total }}> & [more]; see https://example.com/orders/{{ $json.id }}/a-path-far-longer-than-one-line-of-a-label and ask the team about the minimum order size before you try again", "code": "22023"}},
	{"name": "Flag", "type": "set", "params": {"fields": {"flag": true}}, "disabled": true},
	{"name": "Notify", "type": "notify", "params": {"channel": "render_orders"}}],
	"connections": [
	{"from": "Start", "to": "Too small?"},
	{"from": "Too small?", "output": "true", "to": "Reject"},
	{"from": "Too small?", "output": "false", "to": "Flag"},
	{"from": "Flag", "to": "Notify"}]}');
\pset format aligned
\pset tuples_only off
SELECT * FROM reporunner.diff_versions('render_orders', 1, 2);
SELECT * FROM reporunner.diff_versions('render_orders', 2, 1);
SELECT count(*) AS no_change FROM reporunner.diff_versions('render_orders', 2, 2);
\pset format unaligned
\pset tuples_only on
-- render() of a diff: added green, removed red and dashed, changed amber
SELECT reporunner.render('render_orders', options => '{"diff": [1, 2]}');
SELECT pg_temp.mermaid_ok(reporunner.render('render_orders', options => '{"diff": [1, 2]}'));
SELECT * FROM pg_temp.mermaid_counts(reporunner.render('render_orders', options => '{"diff": [1, 2]}'));
SELECT reporunner.render('render_orders', 'dot', '{"diff": [1, 2]}');
SELECT reporunner.render('render_orders', 'dot', '{"diff": [1, 2]}') \g |dot -Tsvg >/dev/null && echo dot accepts the diff
-- an older version by number; the execution is drawn on the version it ran
SELECT reporunner.render('render_orders', options => '{"version": 1}') ~ '"Tail<br/>noop"' AS v1_has_tail,
	   reporunner.render('render_orders') ~ '"Tail<br/>noop"' AS v2_has_tail,
	   reporunner.render('render_orders', options => jsonb_build_object('execution', :succeeded))
		~ '"Tail<br/>noop<br/>succeeded<br/>' AS execution_on_v1;
\pset format aligned
\pset tuples_only off

-- bad input
SELECT regress.try($$SELECT reporunner.render('render_orders', 'svg')$$);
SELECT regress.try($$SELECT reporunner.render('nope')$$);
SELECT regress.try($$SELECT reporunner.render(NULL)$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"version": 9}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"version": 0}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"version": 1.5}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"execution": "7"}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"execution": 999999}')$$);
SELECT regexp_replace(regress.try(format($$SELECT reporunner.render('render_shop', options => '{"execution": %s}')$$, :failed)), 'execution [0-9]+', 'execution <id>') AS try;
SELECT regexp_replace(regress.try(format($$SELECT reporunner.render('render_orders', options => '{"execution": %s, "version": 2}')$$, :failed)), 'execution [0-9]+', 'execution <id>') AS try;
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"diff": [1]}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"diff": [1, 3]}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"diff": [1, 2], "version": 2}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '{"colour": true}')$$);
SELECT regress.try($$SELECT reporunner.render('render_orders', options => '[]')$$);
SELECT regress.try($$SELECT count(*) FROM reporunner.diff_versions('render_orders', 1, 3)$$);
SELECT regress.try($$SELECT count(*) FROM reporunner.diff_versions('render_orders', 0, 1)$$);
SELECT regress.try($$SELECT count(*) FROM reporunner.diff_versions('nope', 1, 2)$$);

-- another tenant: neither the workflow nor its executions, even under a
-- workflow of the same name of its own
CREATE ROLE render_tenant;
SET ROLE render_tenant;
SELECT regress.try($$SELECT reporunner.render('render_orders')$$);
SELECT regress.try($$SELECT count(*) FROM reporunner.diff_versions('render_orders', 1, 2)$$);
SELECT reporunner.save_workflow('render_orders', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.render('render_orders');
SELECT regexp_replace(regress.try(format($$SELECT reporunner.render('render_orders', options => '{"execution": %s}')$$, :failed)), 'execution [0-9]+', 'execution <id>') AS try;
SELECT reporunner.delete_workflow('render_orders');
RESET ROLE;
DROP ROLE render_tenant;

SELECT reporunner.delete_workflow(w) FROM unnest(ARRAY['render_shop', 'render odd names', 'render_orders']) AS w;
