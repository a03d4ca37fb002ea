--
-- {{ }} expressions: n8n's JavaScript expressions, compiled when saved.
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
	('{{ $json.status === ''paid'' }}'),
	('{{ $node["Start"].json.id == 1 }}'),
	('{{ $node[''Start''].json.id == 1 }}'),
	('{{ $(''Start'').item.json.id == 1 }}'),
	('{{ $("Start").first().json.id == 1 }}'),
	('{{ $input.all().length > 2 }}'),
	('{{ $vars.limit < $json.n }}'),
	('{{ $workflow.name.startsWith("ord") }}'),
	('{{ $json.tags?.includes("vip") }}'),
	('{{ $json.a == "}}" }}'),
	('{{ $json["first name"] ?? `${$json.a}-${$itemIndex}` }}'),
	('{{ $json.a ? [1, 2, ...$json.list] : {x: 1, ...$json} }}'),
	('{{ typeof $json.a === "string" && "a" in $json }}'),
	('{{ $if($json.a, 1, 2) > Math.max(1, $json.b) }}'),
	('={{ $json.a }}'),
	-- PostgreSQL jsonpath, the syntax before 0.3.0: refused, with the place
	('{{ $input.size() > 2 }}'),
	('{{ $workflow.name like_regex "^ord" }}'),
	('{{ exists($json.tags[*] ? (@ == "vip")) }}'),
	('{{ $json.name starts with "A" }}'),
	('{{ $.json.x == 1 }}'),
	-- not JavaScript, or not allowed
	('{{ $json.total >> }}'),
	('{{ $secret.token == 1 }}'),
	('{{ secret == 1 }}'),
	('{{ $env.HOME }}'),
	('{{ $json.a = 1 }}'),
	('{{ $json.constructor }}'),
	('{{ $if($json.a) }}'),
	('{{ x => x }}'),
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
