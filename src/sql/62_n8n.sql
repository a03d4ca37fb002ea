
/*
 * n8n workflows: import_n8n() translates n8n's exported JSON and saves it
 * through import_workflow(); n8n_document() shows the translation;
 * export_workflow(name, format => 'n8n') writes the other way
 * (src/n8n/).
 */
CREATE FUNCTION reporunner.import_n8n(workflow jsonb, name text DEFAULT NULL, options jsonb DEFAULT '{}')
RETURNS integer
LANGUAGE c VOLATILE
AS 'MODULE_PATHNAME', 'reporunner_import_n8n';
COMMENT ON FUNCTION reporunner.import_n8n(jsonb, text, jsonb) IS 'Translates a workflow exported from n8n (nodes, settings, connections, pinData) into a document and saves it with import_workflow() under name (default: the n8n workflow''s name); fails with one error listing every node that cannot be translated faithfully, saving nothing; returns the version';

CREATE FUNCTION reporunner.n8n_document(workflow jsonb, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'reporunner_n8n_document';
COMMENT ON FUNCTION reporunner.n8n_document(jsonb, jsonb) IS 'The document import_n8n() would save for a workflow exported from n8n, without saving it';
