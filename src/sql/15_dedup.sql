/*
 * Keys seen by remove_duplicates nodes with scope "workflow": one row per
 * (workflow, node, key), so that later executions drop items seen before.
 * Rows are written by the node, as the tables' owner, in the transaction
 * that runs it: a rollback forgets them.  Deleting rows (all of a node, or
 * some keys) makes those keys new again.
 */

CREATE TABLE reporunner.dedup_key (
	workflow_id		bigint NOT NULL,
	node			text NOT NULL,
	key_hash		bytea NOT NULL,
	owner			oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (workflow_id, node, key_hash),
	CONSTRAINT dedup_key_workflow_fkey FOREIGN KEY (workflow_id, owner)
		REFERENCES reporunner.workflow (id, owner) ON DELETE CASCADE,
	CONSTRAINT dedup_key_key_hash_check
		CHECK (pg_catalog.octet_length(key_hash) = 32)
);
COMMENT ON TABLE reporunner.dedup_key IS 'Keys seen by remove_duplicates nodes with scope "workflow", per workflow and node';
COMMENT ON COLUMN reporunner.dedup_key.workflow_id IS 'Workflow whose executions saw the key';
COMMENT ON COLUMN reporunner.dedup_key.node IS 'Name of the remove_duplicates node that saw the key';
COMMENT ON COLUMN reporunner.dedup_key.key_hash IS 'SHA-256 of the key as jsonb text, numbers without trailing zeros';
COMMENT ON COLUMN reporunner.dedup_key.owner IS 'Owner of the workflow (copied for row-level security)';
COMMENT ON COLUMN reporunner.dedup_key.created_at IS 'When the key was first seen';
COMMENT ON INDEX reporunner.dedup_key_pkey IS 'One row per key and node; the node inserts with ON CONFLICT DO NOTHING';

/* row-level security: the same policy as every table (20_security.sql) */

/*
 * Tenants read their own rows, and may delete them to reset what a node
 * has seen.  They may not insert: the primary key spans every tenant, so a
 * unique violation would tell one tenant another's keys.
 */
GRANT SELECT, DELETE ON reporunner.dedup_key TO PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('reporunner.dedup_key', '');
