
/*
 * HTTP (src/http, src/nodes/http.c).  Sending requests is a grant: http
 * nodes run only in workflows whose owner has the privileges of this role.
 * Cluster-wide, like reporunner_admin.
 */
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'reporunner_http') THEN
		CREATE ROLE reporunner_http NOLOGIN;
	END IF;
END
$$;
COMMENT ON ROLE reporunner_http IS 'Workflows owned by its members may run http nodes';

CREATE FUNCTION reporunner.xml_to_json(document text)
RETURNS jsonb
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'reporunner_xml_to_json';
COMMENT ON FUNCTION reporunner.xml_to_json(text) IS 'An XML document as the JSON the http node''s response format xml makes of it (no DTD, no entities beyond the predefined ones, nesting at most 64 deep)';
