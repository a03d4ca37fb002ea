/*
 * Connectors (src/connectors, src/nodes/connector.c): a service's base URL,
 * credential types and operations as data, run by the http node's engine.
 * A tenant's connectors are rows it owns, saved as versions through
 * save_connector(), which validates the whole definition first; shipped
 * connectors have no owner (owner IS NULL), are readable by every role and
 * writable by none but the tables' owner.  Rows are immutable: a new
 * definition is a new version, and nodes use the latest one.
 */

CREATE TABLE reporunner.connector (
	id				bigserial PRIMARY KEY,
	owner			oid,
	name			text NOT NULL,
	version			integer NOT NULL,
	definition		jsonb NOT NULL,
	created_by		oid NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT connector_owner_name_version_key
		UNIQUE NULLS NOT DISTINCT (owner, name, version),
	CONSTRAINT connector_version_check CHECK (version > 0)
);
COMMENT ON TABLE reporunner.connector IS 'Every saved version of every connector: a service''s base URL, credential types and operations for connector nodes; immutable once written';
COMMENT ON COLUMN reporunner.connector.id IS 'Surrogate key';
COMMENT ON COLUMN reporunner.connector.owner IS 'Role that owns the connector; NULL for the connectors shipped with Reporunner, which every role may use';
COMMENT ON COLUMN reporunner.connector.name IS 'Name, unique per owner; a role''s own connector hides a shipped one of the same name';
COMMENT ON COLUMN reporunner.connector.version IS 'Version number, 1 for the first save, increasing by one';
COMMENT ON COLUMN reporunner.connector.definition IS 'The definition exactly as saved (docs/connectors.md)';
COMMENT ON COLUMN reporunner.connector.created_by IS 'Role that saved this version';
COMMENT ON COLUMN reporunner.connector.created_at IS 'When this version was saved';
COMMENT ON CONSTRAINT connector_owner_name_version_key ON reporunner.connector IS 'One row per version of a connector; shipped ones (owner NULL) too';
COMMENT ON SEQUENCE reporunner.connector_id_seq IS 'Ids of connectors';

ALTER TABLE reporunner.connector ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporunner.connector FORCE ROW LEVEL SECURITY;
CREATE POLICY connector_tenant ON reporunner.connector
	USING (reporunner.has_owner_access(owner));
COMMENT ON POLICY connector_tenant ON reporunner.connector IS 'Rows are visible to the owner, its members and reporunner_admin';
CREATE POLICY connector_shipped ON reporunner.connector FOR SELECT
	USING (owner IS NULL);
COMMENT ON POLICY connector_shipped ON reporunner.connector IS 'Every role sees the connectors shipped with Reporunner';

/* reads only: rows are written by save_connector(), as the tables' owner */
GRANT SELECT ON reporunner.connector TO PUBLIC;

/* a tenant's rows are user data; shipped ones come with CREATE EXTENSION */
SELECT pg_catalog.pg_extension_config_dump('reporunner.connector', 'WHERE owner IS NOT NULL');
SELECT pg_catalog.pg_extension_config_dump('reporunner.connector_id_seq', '');

CREATE FUNCTION reporunner.save_connector(name text, definition jsonb)
RETURNS integer
LANGUAGE C
AS 'MODULE_PATHNAME', 'reporunner_save_connector';
COMMENT ON FUNCTION reporunner.save_connector(text, jsonb) IS 'Validates a connector definition and saves it as the caller''s next version of that connector (none if identical to the latest); returns the version number';

CREATE FUNCTION reporunner.drop_connector(name text)
RETURNS integer
LANGUAGE C
AS 'MODULE_PATHNAME', 'reporunner_drop_connector';
COMMENT ON FUNCTION reporunner.drop_connector(text) IS 'Deletes every version of the caller''s own connector and returns how many; refuses a shipped connector, and one the active version of a workflow of the caller''s uses';

CREATE VIEW reporunner.connectors WITH (security_invoker = true) AS
SELECT DISTINCT ON (c.owner, c.name)
	   c.name, reporunner.owner_name(c.owner) AS owner, c.version,
	   pg_catalog.jsonb_path_query_array(c.definition, 'strict $.operations.keyvalue().key') AS operations,
	   c.definition, c.created_at
FROM reporunner.connector c
ORDER BY c.owner, c.name, c.version DESC;
COMMENT ON VIEW reporunner.connectors IS 'The latest version of every connector the current role may see: its own, its roles'' and the shipped ones (owner NULL), with their operations';
GRANT SELECT ON reporunner.connectors TO PUBLIC;
