/*
 * Tenancy.  A tenant is a role.  Every table forces row-level security with
 * one policy: a row is visible and writable only to roles that may act for
 * its owner (has_owner_access).  Superusers and roles with BYPASSRLS bypass
 * it, as everywhere in PostgreSQL.
 *
 * Tenants read every table except the sealed credential secrets.  Writes to
 * versions, nodes and edges go only through save_workflow(), which validates
 * the whole document first; versions are immutable.  Executions, steps, the
 * queue, credentials and triggers are written by the engine.
 */

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['workflow', 'workflow_version', 'node', 'edge',
							 'workflow_share', 'execution', 'step_journal', 'queue',
							 'credential', 'trigger', 'dedup_key', 'audit']
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE reporunner.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('ALTER TABLE reporunner.%I FORCE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('CREATE POLICY %I ON reporunner.%I USING (reporunner.has_owner_access(owner))',
								  t || '_tenant', t);
		EXECUTE pg_catalog.format('COMMENT ON POLICY %I ON reporunner.%I IS %L',
								  t || '_tenant', t,
								  'Rows are visible to the owner, its members and reporunner_admin');
	END LOOP;
END
$$;

/*
 * A role a workflow is shared with (or a member of it) sees the share and
 * the workflow's row, which lets it run the workflow; it sees neither the
 * versions nor the graph, and cannot change anything.
 */
CREATE POLICY workflow_share_grantee ON reporunner.workflow_share FOR SELECT
	USING (pg_catalog.pg_has_role(CURRENT_USER, grantee, 'USAGE'));
COMMENT ON POLICY workflow_share_grantee ON reporunner.workflow_share IS 'Grantees see the shares made to them';
CREATE POLICY workflow_shared ON reporunner.workflow FOR SELECT
	USING (EXISTS (SELECT FROM reporunner.workflow_share s
				   WHERE s.workflow_id = workflow.id
					 AND pg_catalog.pg_has_role(CURRENT_USER, s.grantee, 'USAGE')));
COMMENT ON POLICY workflow_shared ON reporunner.workflow IS 'Roles a workflow is shared with see its row, so that they can run it';

/*
 * A role that ran a workflow it does not own (one shared with it) sees the
 * journal of those runs: the execution rows it created, and their steps.
 * (Named to sort after the *_tenant policies, which PostgreSQL evaluates
 * first: the owners' own rows pass without the subquery.)
 */
CREATE POLICY execution_visible_to_creator ON reporunner.execution FOR SELECT
	USING (pg_catalog.pg_has_role(CURRENT_USER, created_by, 'USAGE'));
COMMENT ON POLICY execution_visible_to_creator ON reporunner.execution IS 'Roles see the executions they created, of workflows shared with them too';
CREATE POLICY step_journal_visible_to_creator ON reporunner.step_journal FOR SELECT
	USING (EXISTS (SELECT FROM reporunner.execution e
				   WHERE e.id = step_journal.execution_id
					 AND pg_catalog.pg_has_role(CURRENT_USER, e.created_by, 'USAGE')));
COMMENT ON POLICY step_journal_visible_to_creator ON reporunner.step_journal IS 'Roles see the steps of the executions they created';

GRANT USAGE ON SCHEMA reporunner TO PUBLIC;

GRANT SELECT, DELETE ON reporunner.workflow TO PUBLIC;
GRANT INSERT (owner, name), UPDATE (name, active_version, updated_at)
	ON reporunner.workflow TO PUBLIC;
-- (the default of workflow.id calls nextval() as the inserting role; the
-- column grant above keeps tenants from choosing an id themselves)
GRANT USAGE ON SEQUENCE reporunner.workflow_id_seq TO PUBLIC;
GRANT SELECT ON reporunner.workflow_version, reporunner.node, reporunner.edge,
	reporunner.workflow_share, reporunner.execution, reporunner.step_journal, reporunner.queue, reporunner.trigger
	TO PUBLIC;
GRANT SELECT (id, owner, name, type, created_at, rotated_at, key_id, updated_at)
	ON reporunner.credential TO PUBLIC;
