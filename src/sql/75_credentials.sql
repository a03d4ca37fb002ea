/*
 * Credentials (src/crypto, src/http/auth.c).  Secrets are sealed with
 * AES-256-GCM under the master key in the file reporunner.key_file names;
 * tenants set and drop their own through these functions, and nobody but
 * the tables' owner reads the sealed bytes.
 */
CREATE FUNCTION reporunner.set_credential(name text, type text, secret jsonb)
RETURNS void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_set_credential';
COMMENT ON FUNCTION reporunner.set_credential(text, text, jsonb) IS 'Makes or replaces the caller''s credential of that name: the secret, checked for the type (bearer, basic, header, query, oauth2_client_credentials, aws_sigv4, url), is sealed under the master key';

CREATE FUNCTION reporunner.drop_credential(name text)
RETURNS void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_drop_credential';
COMMENT ON FUNCTION reporunner.drop_credential(text) IS 'Deletes the caller''s credential of that name';

CREATE FUNCTION reporunner.rotate_key()
RETURNS bigint
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_rotate_key';
REVOKE EXECUTE ON FUNCTION reporunner.rotate_key() FROM PUBLIC;
COMMENT ON FUNCTION reporunner.rotate_key() IS 'Superusers: re-seals every credential not sealed under the key of reporunner.key_file (opening it with the key of reporunner.old_key_file); returns how many';

CREATE VIEW reporunner.credentials WITH (security_invoker = true) AS
SELECT c.name, c.type, reporunner.owner_name(c.owner) AS owner, c.key_id, c.created_at,
	   c.updated_at, c.rotated_at
FROM reporunner.credential c;
COMMENT ON VIEW reporunner.credentials IS 'The credentials the current role may see, without their secrets';
GRANT SELECT ON reporunner.credentials TO PUBLIC;
