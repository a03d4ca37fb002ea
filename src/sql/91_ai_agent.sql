/*
 * The ai_agent node's journal (src/nodes/ai_agent.c, docs/ai_agent.md):
 * in a background run, each reply of the model is a row, written by
 * src/engine/journal.c in the transaction that commits the call, so that
 * the node, run again after a pause or a crash, rebuilds the conversation
 * from its rows and its tools' sub-workflow executions instead of calling
 * the model again.
 */
CREATE TABLE reporunner.agent_turn (
	execution_id	bigint NOT NULL REFERENCES reporunner.execution (id) ON DELETE CASCADE,
	node			text NOT NULL,
	run_index		integer NOT NULL DEFAULT 0,
	attempt			integer NOT NULL,
	item			integer NOT NULL,
	turn			integer NOT NULL,
	owner			oid NOT NULL,
	message			jsonb NOT NULL,
	usage			jsonb NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (execution_id, node, run_index, attempt, item, turn)
);
COMMENT ON TABLE reporunner.agent_turn IS 'The model''s replies to the ai_agent nodes of background runs, one row per model call, so that a resumed run does not call the model again';
COMMENT ON COLUMN reporunner.agent_turn.execution_id IS 'Execution the call belongs to';
COMMENT ON COLUMN reporunner.agent_turn.node IS 'Name of the ai_agent node';
COMMENT ON COLUMN reporunner.agent_turn.run_index IS 'Zero-based run of that node within the execution (a loop runs it several times)';
COMMENT ON COLUMN reporunner.agent_turn.attempt IS 'The node''s attempt (a retried node starts its conversations again)';
COMMENT ON COLUMN reporunner.agent_turn.item IS 'The input item whose conversation it is, from 0';
COMMENT ON COLUMN reporunner.agent_turn.turn IS 'The model call of that conversation, from 1';
COMMENT ON COLUMN reporunner.agent_turn.owner IS 'The execution''s owner';
COMMENT ON COLUMN reporunner.agent_turn.message IS 'The model''s message: its answer, or the tools it calls';
COMMENT ON COLUMN reporunner.agent_turn.usage IS 'The call''s token usage: prompt_tokens, completion_tokens, total_tokens';
COMMENT ON COLUMN reporunner.agent_turn.created_at IS 'When the reply was journaled';
SELECT pg_catalog.pg_extension_config_dump('reporunner.agent_turn', '');
ALTER TABLE reporunner.agent_turn ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.agent_turn FORCE ROW LEVEL SECURITY;
CREATE POLICY agent_turn_tenant ON reporunner.agent_turn
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY agent_turn_tenant ON reporunner.agent_turn IS 'Rows are visible to the owner, its members and reporunner_admin';
GRANT SELECT ON reporunner.agent_turn TO PUBLIC;
