
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
