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

ALTER TABLE reporunner.workflow ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.workflow FORCE ROW LEVEL SECURITY;
CREATE POLICY workflow_tenant ON reporunner.workflow
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY workflow_tenant ON reporunner.workflow IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.workflow_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.workflow_version FORCE ROW LEVEL SECURITY;
CREATE POLICY workflow_version_tenant ON reporunner.workflow_version
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY workflow_version_tenant ON reporunner.workflow_version IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.node ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.node FORCE ROW LEVEL SECURITY;
CREATE POLICY node_tenant ON reporunner.node
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY node_tenant ON reporunner.node IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.edge ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.edge FORCE ROW LEVEL SECURITY;
CREATE POLICY edge_tenant ON reporunner.edge
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY edge_tenant ON reporunner.edge IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.execution ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.execution FORCE ROW LEVEL SECURITY;
CREATE POLICY execution_tenant ON reporunner.execution
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY execution_tenant ON reporunner.execution IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.step ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.step FORCE ROW LEVEL SECURITY;
CREATE POLICY step_tenant ON reporunner.step
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY step_tenant ON reporunner.step IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.queue ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.queue FORCE ROW LEVEL SECURITY;
CREATE POLICY queue_tenant ON reporunner.queue
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY queue_tenant ON reporunner.queue IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.credential ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.credential FORCE ROW LEVEL SECURITY;
CREATE POLICY credential_tenant ON reporunner.credential
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY credential_tenant ON reporunner.credential IS 'Rows are visible to the owner, its members and reporunner_admin';

ALTER TABLE reporunner.trigger ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.trigger FORCE ROW LEVEL SECURITY;
CREATE POLICY trigger_tenant ON reporunner.trigger
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY trigger_tenant ON reporunner.trigger IS 'Rows are visible to the owner, its members and reporunner_admin';

GRANT USAGE ON SCHEMA reporunner TO PUBLIC;

GRANT SELECT, DELETE ON reporunner.workflow TO PUBLIC;
GRANT INSERT (owner, name), UPDATE (name, active_version, updated_at)
	ON reporunner.workflow TO PUBLIC;
GRANT SELECT ON reporunner.workflow_version, reporunner.node, reporunner.edge,
	reporunner.execution, reporunner.step, reporunner.queue, reporunner.trigger
	TO PUBLIC;
GRANT SELECT (id, owner, name, type, created_at, rotated_at)
	ON reporunner.credential TO PUBLIC;
