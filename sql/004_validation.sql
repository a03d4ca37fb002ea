--
-- Validation: a bad document is refused as a whole, with an error that names
-- the node and field and a SQLSTATE per kind of problem; nothing is saved.
--
CREATE FUNCTION pg_temp.try_save(doc text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	detail text;
BEGIN
	PERFORM reporunner.save_workflow('bad', doc::jsonb);
	RETURN 'saved';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
END
$$;

-- one valid document, for reference
SELECT pg_temp.try_save('{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.delete_workflow('bad');

\pset format unaligned
\pset tuples_only on
SELECT pg_temp.try_save(d) FROM (VALUES
-- the document as a whole
('[]'),
('"text"'),
('{}'),
('{"nodes": []}'),
('{"nodes": {}}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "node": []}'),
('{"nodes": [{"name": "A", "type": "noop"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "connections": {}}'),
-- node fields
('{"nodes": [{"name": "Start", "type": "trigger"}, 42]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"type": "noop"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": 7, "type": "noop"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "", "type": "noop"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "a\nb", "type": "noop"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "X"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "iff"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "H", "type": "graphql"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Total", "type": "noop"}, {"name": "Total", "type": "noop"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "X", "type": "noop", "parameters": {}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "X", "type": "noop", "on_error": "halt"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "X", "type": "noop", "disabled": "yes"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "X", "type": "noop", "retry": {"tries": 0}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "X", "type": "noop", "retry": {"backoff": 0.5}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "X", "type": "noop", "retry": {"forever": true}}]}'),
-- durations
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Flag", "type": "noop", "retry": {"delay": "5 parsecs"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Flag", "type": "noop", "retry": {"delay": 5}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Flag", "type": "noop", "timeout": "-1s"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Flag", "type": "noop", "timeout": "0s"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Flag", "type": "noop", "timeout": "101 years"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "settings": {"timeout": "soon"}}'),
-- params
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "if", "params": {"conditon": "{{ $json.a }}"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "if"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "if", "params": {"condition": "$json.a > 1"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Flag", "type": "sql", "params": {"query": 42}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Flag", "type": "sql", "params": {"query": "select {{ $json.id }}"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "L", "type": "limit", "params": {"max": -1}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "L", "type": "limit", "params": {"max": "ten"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "M", "type": "merge", "params": {"mode": "zip"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "M", "type": "merge", "params": {"mode": "by_key"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Sw", "type": "switch", "params": {"rules": []}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Sw", "type": "switch", "params": {"rules": [{"condition": "{{ $json.a }}"}, {"output": "x"}]}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Sw", "type": "switch", "params": {"rules": [{"condition": "{{ $json.a }}", "output": "fallback"}]}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "E", "type": "stop_and_error", "params": {"message": "boom", "code": "oops"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "N", "type": "notify", "params": {}}]}'),
-- expressions
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > > 100 }}"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.total > 100"}}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "S", "type": "set", "params": {"fields": {"x": "{{ $secrets.key }}"}}}]}'),
-- settings
('{"nodes": [{"name": "Start", "type": "trigger"}], "settings": {"retries": 3}}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "settings": {"concurrency": 0}}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "settings": {"save": "some"}}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "settings": {"timezone": "Mars/Olympus"}}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "settings": {"timezone": 5}}'),
-- connections
('{"nodes": [{"name": "Start", "type": "trigger"}], "connections": [42]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "connections": [{"from": "Start", "to": "Start", "weight": 1}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}], "connections": [{"to": "Start"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "Nope"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Nope", "to": "A"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.a }}"}}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "Big?"}, {"from": "Big?", "output": "maybe", "to": "A"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "A", "to": "Start"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A", "input": 1}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A", "input": -1}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}, {"from": "Start", "to": "A", "output": "main", "input": 0}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "E", "type": "stop_and_error", "params": {"message": "x"}}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "E"}, {"from": "E", "to": "A"}]}'),
-- cycles
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}, {"from": "A", "to": "A"}]}'),
('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}, {"name": "B", "type": "noop"}, {"name": "C", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}, {"from": "A", "to": "B"}, {"from": "B", "to": "C"}, {"from": "C", "to": "A"}]}')
) AS t(d);
\pset format aligned
\pset tuples_only off

-- a param of another type may be one {{ }} expression, computed at run time
SELECT pg_temp.try_save('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "L", "type": "limit", "params": {"max": "{{ $json.n }}"}}]}');
SELECT reporunner.delete_workflow('bad');

-- the error_output output exists only when a node asks for it
SELECT pg_temp.try_save('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop", "on_error": "error_output"}, {"name": "B", "type": "noop"}], "connections": [{"from": "Start", "to": "A"}, {"from": "A", "output": "error", "to": "B"}]}');
SELECT reporunner.delete_workflow('bad');

-- the size limit
SET reporunner.max_document_size = '2kB';
SELECT pg_temp.try_save(jsonb_build_object('nodes', jsonb_build_array(
	jsonb_build_object('name', 'Start', 'type', 'trigger', 'notes', repeat('x', 3000))))::text);
RESET reporunner.max_document_size;
-- 10,001 nodes is too many
SELECT pg_temp.try_save(jsonb_build_object('nodes',
	(SELECT jsonb_agg(jsonb_build_object('name', 'n' || i, 'type', CASE WHEN i = 0 THEN 'trigger' ELSE 'noop' END))
	 FROM generate_series(0, 10000) i))::text);
-- a 2,000-node chain is fine
SELECT reporunner.save_workflow('chain', jsonb_build_object(
	'nodes', (SELECT jsonb_agg(jsonb_build_object('name', 'n' || i, 'type', CASE WHEN i = 0 THEN 'trigger' ELSE 'noop' END)) FROM generate_series(0, 1999) i),
	'connections', (SELECT jsonb_agg(jsonb_build_object('from', 'n' || i, 'to', 'n' || (i + 1))) FROM generate_series(0, 1998) i)));
SELECT count(*) AS nodes FROM reporunner.node n JOIN reporunner.workflow w ON w.id = n.workflow_id WHERE w.name = 'chain';
SELECT reporunner.delete_workflow('chain');

-- only a superuser may raise the limit
CREATE ROLE rr_tenant;
SET ROLE rr_tenant;
SET reporunner.max_document_size = '100MB';
RESET ROLE;
DROP ROLE rr_tenant;

-- the psql view of one error: message, detail, SQLSTATE
\set VERBOSITY default
SELECT reporunner.validate_workflow('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "Big?", "type": "if", "params": {"condition": "{{ $json.a }}"}}, {"name": "A", "type": "noop"}], "connections": [{"from": "Start", "to": "Big?"}, {"from": "Big?", "output": "maybe", "to": "A"}]}');
\set VERBOSITY sqlstate
SELECT reporunner.validate_workflow('{"nodes": [{"name": "Start", "type": "trigger"}, {"name": "A", "type": "noop"}], "connections": [{"from": "A", "to": "A"}]}');
\set VERBOSITY default

-- nothing was saved by any of the failures
SELECT count(*) AS bad_workflows FROM reporunner.workflow WHERE name = 'bad';
