/*
 * The workflow API.  The functions are written in C (src/catalog) and run
 * with the caller's rights; see docs/tenancy.md for how they resolve a
 * workflow name and who may write what.
 */

CREATE FUNCTION reporunner.validate_workflow(definition jsonb)
RETURNS boolean
LANGUAGE c STRICT STABLE
AS 'MODULE_PATHNAME', 'reporunner_validate_workflow';
COMMENT ON FUNCTION reporunner.validate_workflow(jsonb) IS 'Checks a workflow document without saving it; returns true or raises the first problem';

CREATE FUNCTION reporunner.save_workflow(name text, definition jsonb, activate boolean DEFAULT true)
RETURNS integer
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_save_workflow';
COMMENT ON FUNCTION reporunner.save_workflow(text, jsonb, boolean) IS 'Validates and saves a workflow document as a new version (none if identical to the latest) and returns the version number';

CREATE FUNCTION reporunner.export_workflow(name text, version integer DEFAULT NULL, format text DEFAULT 'native')
RETURNS jsonb
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'reporunner_export_workflow';
COMMENT ON FUNCTION reporunner.export_workflow(text, integer, text) IS 'Returns the document of a version (the active one by default) as it was saved, with the workflow''s triggers, if it has any, under "triggers"; format ''n8n'' translates it to n8n''s workflow JSON';

CREATE FUNCTION reporunner.activate_version(name text, version integer)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_activate_version';
COMMENT ON FUNCTION reporunner.activate_version(text, integer) IS 'Makes a saved version the one that runs by default';

CREATE FUNCTION reporunner.delete_workflow(name text)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_delete_workflow';
COMMENT ON FUNCTION reporunner.delete_workflow(text) IS 'Deletes a workflow with all its versions and executions';

CREATE FUNCTION reporunner.share_workflow(name text, grantee regrole)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_share_workflow';
COMMENT ON FUNCTION reporunner.share_workflow(text, regrole) IS 'Lets a role (and its members) run a workflow, without seeing or changing its versions';

CREATE FUNCTION reporunner.unshare_workflow(name text, grantee regrole)
RETURNS void
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_unshare_workflow';
COMMENT ON FUNCTION reporunner.unshare_workflow(text, regrole) IS 'Stops sharing a workflow with a role';

CREATE FUNCTION reporunner.reassign_workflows(from_role regrole, to_role regrole)
RETURNS bigint
LANGUAGE c STRICT VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_reassign_workflows';
COMMENT ON FUNCTION reporunner.reassign_workflows(regrole, regrole) IS 'Gives every workflow, execution and credential of one role to another, as REASSIGN OWNED does for database objects; returns how many workflows moved';

CREATE FUNCTION reporunner.execute(workflow text, input jsonb DEFAULT '[]', options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_execute';
COMMENT ON FUNCTION reporunner.execute(text, jsonb, jsonb) IS 'Runs a workflow in the current transaction and returns the items of its final nodes';
