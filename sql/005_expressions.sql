--
-- {{ }} expressions: n8n sugar becomes jsonpath, checked when saved.
--
CREATE FUNCTION pg_temp.check_expr(expr text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	detail text;
BEGIN
	PERFORM reporunner.validate_workflow(jsonb_build_object(
		'nodes', jsonb_build_array(
			jsonb_build_object('name', 'Start', 'type', 'trigger'),
			jsonb_build_object('name', 'If', 'type', 'if',
							   'params', jsonb_build_object('condition', expr))),
		'connections', jsonb_build_array(
			jsonb_build_object('from', 'Start', 'to', 'If'))));
	RETURN 'ok';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || msg || ' / ' || coalesce(detail, '');
END
$$;

SELECT e AS expression, pg_temp.check_expr(e) AS verdict
FROM (VALUES
	('{{ $json.total > 100 }}'),
	('{{ $json.status == "paid" }}'),
	('{{ $json.status == ''paid'' }}'),
	('{{ $node["Start"].json.id == 1 }}'),
	('{{ $node[''Start''].json.id == 1 }}'),
	('{{ $(''Start'').item.json.id == 1 }}'),
	('{{ $("Start").json.id == 1 }}'),
	('{{ $input.size() > 2 }}'),
	('{{ $vars.limit < $json.n }}'),
	('{{ $workflow.name like_regex "^ord" }}'),
	('{{ exists($json.tags[*] ? (@ == "vip")) }}'),
	('{{ $json.a == "}}" }}'),
	('{{ $json.name starts with "A" }}'),
	('{{ $.json.x == 1 }}'),
	('{{ $json.total >> 100 }}'),
	('{{ $secret.token == 1 }}'),
	('{{ $node.Start.json }}'),
	('{{ $(Start).json }}'),
	('{{ $json.a == "unterminated }}'),
	('{{ $"json".a }}'),
	('{{ }}'),
	('{{ $json.a'),
	('$json.a > 1')
) AS t(e);

-- expressions in every kind of param are checked, at any depth
SELECT reporunner.validate_workflow('{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "S", "type": "set", "params": {"fields": {"deep": {"list": ["ok", "{{ $json.a +* 1 }}"]}}}}],
	"connections": [{"from": "Start", "to": "S"}]}');

-- mixed text with several expressions is fine
SELECT reporunner.validate_workflow('{"nodes": [{"name": "Start", "type": "trigger"},
	{"name": "S", "type": "set", "params": {"fields": {"greeting": "Hello {{ $json.first }} {{ $json.last }}!"}}}],
	"connections": [{"from": "Start", "to": "S"}]}');

-- an expression that is slow to compile is cancelled like any statement:
-- the cancel stays a cancel, not an "invalid expression" (issue 9, F20)
SET statement_timeout = '200ms';
SELECT reporunner.validate_workflow(jsonb_build_object(
	'nodes', jsonb_build_array(jsonb_build_object('name', 'Start', 'type', 'trigger'),
		jsonb_build_object('name', 'F', 'type', 'filter', 'params', jsonb_build_object(
			'condition', '{{ $json.a like_regex "' || repeat('(a|aa)*', 1000) || '$" }}'))),
	'connections', jsonb_build_array(jsonb_build_object('from', 'Start', 'to', 'F'))));
RESET statement_timeout;
