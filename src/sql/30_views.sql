/*
 * Views for people.  They are security_invoker, so row-level security is
 * applied as the querying role, not as the view's owner.
 */

CREATE VIEW reporunner.workflows WITH (security_invoker = true) AS
SELECT w.name,
	   pg_catalog.pg_get_userbyid(w.owner) AS owner,
	   w.active_version,
	   v.latest_version,
	   v.versions,
	   w.created_at,
	   w.updated_at,
	   w.id
FROM reporunner.workflow w
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.max(wv.version) AS latest_version,
			   pg_catalog.count(*) AS versions
		FROM reporunner.workflow_version wv
		WHERE wv.workflow_id = w.id) v ON true;
COMMENT ON VIEW reporunner.workflows IS 'Workflows visible to the current role, with their active and latest versions';

CREATE VIEW reporunner.workflow_versions WITH (security_invoker = true) AS
SELECT w.name,
	   pg_catalog.pg_get_userbyid(wv.owner) AS owner,
	   wv.version,
	   wv.version = w.active_version AS active,
	   n.nodes,
	   pg_catalog.pg_get_userbyid(wv.created_by) AS created_by,
	   wv.created_at,
	   wv.definition,
	   w.id AS workflow_id
FROM reporunner.workflow_version wv
	 JOIN reporunner.workflow w ON w.id = wv.workflow_id
	 LEFT JOIN LATERAL (
		SELECT pg_catalog.count(*) AS nodes
		FROM reporunner.node nd
		WHERE nd.workflow_id = wv.workflow_id AND nd.version = wv.version) n ON true;
COMMENT ON VIEW reporunner.workflow_versions IS 'Every saved version of the workflows visible to the current role';

GRANT SELECT ON reporunner.workflows, reporunner.workflow_versions TO PUBLIC;
