/*
 * The audit log: one row per change made through the API to what runs.
 * Rows are written by the API's own functions (src/catalog/audit.c), as
 * the tables' owner, in the transaction of the change; tenants read their
 * own rows (row-level security, 20_security.sql) and write none.  Rows
 * are never updated; prune_audit() deletes old ones.
 */

CREATE TABLE reporunner.audit (
	id				bigserial PRIMARY KEY,
	at				timestamptz NOT NULL DEFAULT pg_catalog.statement_timestamp(),
	session_role	text NOT NULL,
	acting_role		text NOT NULL,
	owner			oid NOT NULL,
	action			text NOT NULL,
	object_kind		text NOT NULL,
	object_id		bigint,
	object_name		text,
	from_version	integer,
	to_version		integer,
	details			jsonb NOT NULL DEFAULT '{}',
	CONSTRAINT audit_action_check CHECK (action IN (
		'save', 'import', 'activate', 'deactivate', 'rename', 'delete',
		'share', 'unshare', 'register_trigger', 'drop_trigger',
		'set_credential', 'drop_credential', 'rotate_key', 'reassign',
		'prune_audit', 'save_connector', 'drop_connector')),
	CONSTRAINT audit_object_kind_check CHECK (object_kind IN (
		'workflow', 'trigger', 'credential', 'master_key', 'role', 'audit',
		'connector'))
);
CREATE INDEX audit_at_idx ON reporunner.audit (at);
COMMENT ON TABLE reporunner.audit IS 'Audit log: who changed what runs, and when (workflows, versions, shares, triggers, credentials, the master key); append-only through the API';
COMMENT ON COLUMN reporunner.audit.id IS 'Surrogate key, in the order the rows were written';
COMMENT ON COLUMN reporunner.audit.at IS 'When the statement that made the change started';
COMMENT ON COLUMN reporunner.audit.session_role IS 'The session user (the role that logged in) when the change was made';
COMMENT ON COLUMN reporunner.audit.acting_role IS 'The current role (after SET ROLE) that made the change';
COMMENT ON COLUMN reporunner.audit.owner IS 'Role the row belongs to: the owner of the workflow or credential changed (the role acted for)';
COMMENT ON COLUMN reporunner.audit.action IS 'save, import, activate, deactivate, rename, delete, share, unshare, register_trigger, drop_trigger, set_credential, drop_credential, rotate_key, reassign, prune_audit, save_connector or drop_connector';
COMMENT ON COLUMN reporunner.audit.object_kind IS 'workflow, trigger, credential, master_key, role, audit or connector';
COMMENT ON COLUMN reporunner.audit.object_id IS 'Id of the workflow, trigger, credential or connector version';
COMMENT ON COLUMN reporunner.audit.object_name IS 'Name of the workflow (also for a trigger), credential, connector or role; the id of a master key';
COMMENT ON COLUMN reporunner.audit.from_version IS 'Version before the change: the previous latest version of a save, the active version before an activation or deletion';
COMMENT ON COLUMN reporunner.audit.to_version IS 'Version after the change: the version saved or activated';
COMMENT ON COLUMN reporunner.audit.details IS 'What else describes the change (grantee, trigger kind and target, credential type, counts); never a secret nor items';
COMMENT ON INDEX reporunner.audit_at_idx IS 'Finds the rows of a period, and the old rows prune_audit() deletes';
COMMENT ON SEQUENCE reporunner.audit_id_seq IS 'Ids of audit rows';

/*
 * Rows are never changed: not even the tables' owner may UPDATE or
 * TRUNCATE them while this trigger is enabled (a superuser can disable
 * it, or delete rows: this is a log of the API, not tamper-proof storage).
 */
CREATE FUNCTION reporunner.audit_append_only()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
	RAISE EXCEPTION 'audit rows cannot be changed'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = 'reporunner.audit is append-only; reporunner.prune_audit() deletes old rows.';
END
$$;
COMMENT ON FUNCTION reporunner.audit_append_only() IS 'Trigger function: refuses UPDATE and TRUNCATE of reporunner.audit';
REVOKE EXECUTE ON FUNCTION reporunner.audit_append_only() FROM PUBLIC;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR TRUNCATE ON reporunner.audit
	FOR EACH STATEMENT EXECUTE FUNCTION reporunner.audit_append_only();
COMMENT ON TRIGGER audit_append_only ON reporunner.audit IS 'Audit rows are never updated, nor truncated';

/*
 * Activations, renames and deletions of workflows, however they are made:
 * through the API or by a tenant's own UPDATE or DELETE of its rows.
 */
CREATE FUNCTION reporunner.audit_workflow()
RETURNS trigger
LANGUAGE c
AS 'MODULE_PATHNAME', 'reporunner_audit_workflow';
COMMENT ON FUNCTION reporunner.audit_workflow() IS 'Trigger function: audits a change of a workflow''s active version or name, and its deletion';
REVOKE EXECUTE ON FUNCTION reporunner.audit_workflow() FROM PUBLIC;
CREATE TRIGGER workflow_audit AFTER UPDATE OF name, active_version OR DELETE
	ON reporunner.workflow
	FOR EACH ROW EXECUTE FUNCTION reporunner.audit_workflow();
COMMENT ON TRIGGER workflow_audit ON reporunner.workflow IS 'Writes the audit rows of activations, renames and deletions';

CREATE FUNCTION reporunner.prune_audit(older_than interval)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_prune_audit';
COMMENT ON FUNCTION reporunner.prune_audit(interval) IS 'Deletes the audit rows written longer ago than older_than, and audits that; returns how many. For superusers and reporunner_admin';

/* tenants read their own rows (row-level security); nobody writes */
GRANT SELECT ON reporunner.audit TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('reporunner.audit', '');
SELECT pg_catalog.pg_extension_config_dump('reporunner.audit_id_seq', '');
