--
-- The ai_agent node at save_workflow(), without a network: its params, its
-- tools (workflows the owner can run, with an active version, under
-- function names, each name once), and the tool workflows'
-- settings.input_schema.  The credential's type is checked as for the
-- connector node (088_connectors).  test/t/033_ai_agent.pl runs agents
-- against the scripted chat completions of test/mock_services.py.
--
\pset format unaligned
\pset tuples_only on

CREATE ROLE regress_agent_a;
CREATE ROLE regress_agent_b;
GRANT reporunner_http TO regress_agent_a;

SET ROLE regress_agent_b;
SELECT regress.save_workflow('not_yours', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SET ROLE regress_agent_a;

-- a tool workflow's input schema is an object
SELECT regress.try($$SELECT reporunner.save_workflow('tool_bad',
	'{"settings": {"input_schema": "string"}, "nodes": [{"name": "Start", "type": "trigger"}]}')$$);
SELECT reporunner.save_workflow('lookup',
	'{"settings": {"input_schema": {"type": "object", "properties": {"id": {"type": "integer"}}}},
	  "nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.save_workflow('no schema', '{"nodes": [{"name": "Start", "type": "trigger"}]}');
SELECT reporunner.save_workflow('inactive', '{"nodes": [{"name": "Start", "type": "trigger"}]}', false);

CREATE FUNCTION pg_temp.agent(params jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT regress.try(format('SELECT reporunner.save_workflow(%L, %L)', 'agent',
		regress.node_doc('ai_agent', '{"model": "m", "message": "{{ $json.q }}", "credential": "llm"}'::jsonb || params, 'Agent')))
$$;

-- saved: tools by their workflow's name or a name of their own
SELECT pg_temp.agent('{"tools": [{"workflow": "lookup", "description": "Find a thing"},
							   {"workflow": "no schema", "name": "no_schema"}],
					 "system": "Be brief.", "max_iterations": 3, "max_tokens": 200,
					 "base_url": "http://127.0.0.1:9/v1", "timeout": "30s"}');
SELECT pg_temp.agent('{}');

-- the node's own params
SELECT pg_temp.agent('{"model": null}');
SELECT regress.try(format('SELECT reporunner.save_workflow(%L, %L)', 'agent',
	regress.node_doc('ai_agent', '{"model": "m", "credential": "llm"}', 'Agent')));
SELECT pg_temp.agent('{"model": "{{ $json.model }}"}');
SELECT pg_temp.agent('{"max_iterations": 0}');
SELECT pg_temp.agent('{"max_iterations": 101}');
SELECT pg_temp.agent('{"max_tokens": 0}');
SELECT pg_temp.agent('{"temperature": 0.5}');
SELECT pg_temp.agent('{"tools": "lookup"}');
SELECT pg_temp.agent('{"tools": [{"name": "x"}]}');
SELECT pg_temp.agent('{"tools": [{"workflow": "lookup", "colour": "red"}]}');
SELECT pg_temp.agent('{"tools": [{"workflow": "{{ $json.tool }}"}]}');
-- the tools: workflows the owner can run, with an active version
SELECT pg_temp.agent('{"tools": [{"workflow": "missing"}]}');
SELECT pg_temp.agent('{"tools": [{"workflow": "not_yours"}]}');
SELECT pg_temp.agent('{"tools": [{"workflow": "inactive"}]}');
-- under function names a model takes, each once
SELECT pg_temp.agent('{"tools": [{"workflow": "no schema"}]}');
SELECT pg_temp.agent('{"tools": [{"workflow": "lookup", "name": "find it"}]}');
SELECT pg_temp.agent('{"tools": [{"workflow": "lookup"}, {"workflow": "no schema", "name": "lookup"}]}');
-- the two agents saved; none of the refused ones
SELECT version FROM reporunner.workflow_versions WHERE name = 'agent' ORDER BY version;

SELECT reporunner.delete_workflow(name) FROM reporunner.workflows ORDER BY name;
DROP FUNCTION pg_temp.agent(jsonb);
SET ROLE regress_agent_b;
SELECT reporunner.delete_workflow('not_yours');
RESET ROLE;
DROP ROLE regress_agent_a;
DROP ROLE regress_agent_b;
