/*
 * Seeing workflows: render() draws a version (plain, coloured by an
 * execution, or by a diff) as Mermaid or Graphviz DOT; diff_versions()
 * lists what changed between two versions.  Both are C (src/catalog),
 * run with the caller's rights and find the workflow as export_workflow()
 * does.
 */

CREATE FUNCTION reporunner.render(workflow text, format text DEFAULT 'mermaid', options jsonb DEFAULT '{}')
RETURNS text
LANGUAGE c STABLE
AS 'MODULE_PATHNAME', 'reporunner_render';
COMMENT ON FUNCTION reporunner.render(text, text, jsonb) IS 'Draws the active version of a workflow (or options "version") as a Mermaid flowchart or Graphviz DOT; with options "execution" each node is coloured by its step status, with item counts, duration and error; with options "diff": [from, to] the changes are coloured';

CREATE FUNCTION reporunner.diff_versions(workflow text, from_version integer, to_version integer)
RETURNS TABLE (kind text, what text, name text, detail jsonb)
LANGUAGE c STRICT STABLE
AS 'MODULE_PATHNAME', 'reporunner_diff_versions';
COMMENT ON FUNCTION reporunner.diff_versions(text, integer, integer) IS 'What changed from one version of a workflow to another: nodes added, removed or changed (detail: each changed field as {"old", "new"}), connections added or removed';
