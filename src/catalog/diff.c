/*-------------------------------------------------------------------------
 *
 * diff.c
 *		diff_versions(): what changed between two versions of a workflow.
 *
 * Two saved documents are compared by one statement: nodes by name
 * (added, removed, or changed with each differing field, and each
 * differing key of "params", as {"old": ..., "new": ...}), connections by
 * (from, output, to, input): added or removed.  render() draws the same
 * rows over the newer version (src/catalog/render.c).
 *
 * The workflow is found, and its versions read, as export_workflow() does
 * (src/catalog/workflow_store.c): only by those who may read its versions,
 * and a version that does not exist is the same error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/diff.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "catalog/workflow_store.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(reporunner_diff_versions);

/*
 * Old document $1, new document $2.  A node in both is changed when a
 * field or a key of its params differs; a changed node whose fields are
 * all equal has no detail and is no row.
 */
#define SQL_DIFF \
	"WITH old_nodes AS (" RR_SQL_DOCUMENT_NODES("$1") ")," \
	" new_nodes AS (" RR_SQL_DOCUMENT_NODES("$2") ")," \
	" old_edges AS (" RR_SQL_DOCUMENT_EDGES("$1") ")," \
	" new_edges AS (" RR_SQL_DOCUMENT_EDGES("$2") ")," \
	" nodes AS (SELECT CASE WHEN o.name IS NULL THEN 'added'" \
	"  WHEN w.name IS NULL THEN 'removed' ELSE 'changed' END AS kind," \
	"  coalesce(w.name, o.name) AS name," \
	"  CASE WHEN o.name IS NULL THEN w.n WHEN w.name IS NULL THEN o.n ELSE" \
	"  (SELECT jsonb_object_agg(f.field," \
	"    jsonb_build_object('old', f.old, 'new', f.new))" \
	"   FROM (SELECT k AS field, o.n->k AS old, w.n->k AS new" \
	"    FROM (SELECT jsonb_object_keys(o.n - 'params')" \
	"     UNION SELECT jsonb_object_keys(w.n - 'params')) AS keys(k)" \
	"    UNION ALL" \
	"    SELECT 'params.' || k, o.n->'params'->k, w.n->'params'->k" \
	"    FROM (SELECT jsonb_object_keys(coalesce(o.n->'params', '{}'))" \
	"     UNION SELECT jsonb_object_keys(coalesce(w.n->'params', '{}'))) AS keys(k)" \
	"   ) AS f WHERE f.old IS DISTINCT FROM f.new) END AS detail," \
	"  coalesce(w.n, o.n) AS n, w.ord AS new_ord, o.ord AS old_ord" \
	"  FROM old_nodes o FULL JOIN new_nodes w ON w.name = o.name)," \
	" edges AS (SELECT CASE WHEN o.from_node IS NULL THEN 'added'" \
	"  ELSE 'removed' END AS kind," \
	"  coalesce(w.from_node, o.from_node) AS from_node," \
	"  coalesce(w.output, o.output) AS output," \
	"  coalesce(w.to_node, o.to_node) AS to_node," \
	"  coalesce(w.input, o.input) AS input, w.ord AS new_ord, o.ord AS old_ord" \
	"  FROM old_edges o FULL JOIN new_edges w ON w.from_node = o.from_node" \
	"  AND w.output = o.output AND w.to_node = o.to_node AND w.input = o.input" \
	"  WHERE o.from_node IS NULL OR w.from_node IS NULL)" \
	" SELECT kind, 'node' AS what, name, detail, n->>'type' AS type," \
	"  coalesce((n->'disabled')::boolean, false) AS disabled, NULL AS from_node," \
	"  NULL AS output, NULL AS to_node, NULL::integer AS input, 0 AS section," \
	"  new_ord, old_ord" \
	" FROM nodes WHERE detail IS NOT NULL" \
	" UNION ALL" \
	" SELECT kind, 'connection', from_node" \
	"  || CASE WHEN output <> 'main' THEN ' [' || output || ']' ELSE '' END" \
	"  || ' -> ' || to_node" \
	"  || CASE WHEN input <> 0 THEN ' (input ' || input || ')' ELSE '' END," \
	"  jsonb_build_object('from', from_node, 'output', output, 'to', to_node," \
	"  'input', input), NULL, NULL, from_node, output, to_node, input, 1," \
	"  new_ord, old_ord" \
	" FROM edges" \
	" ORDER BY section, new_ord NULLS LAST, old_ord"

static SPIPlanPtr diff_plan = NULL;

void
rr_diff_run(Datum old_definition, Datum new_definition)
{
	Oid			argtypes[2] = {JSONBOID, JSONBOID};
	Datum		values[2];

	values[0] = old_definition;
	values[1] = new_definition;
	rr_store_run_kept(&diff_plan, SQL_DIFF, 2, argtypes, values, NULL,
					  SPI_OK_SELECT);
}

Datum
reporunner_diff_versions(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		from_version = PG_GETARG_INT32(1);
	int32		to_version = PG_GETARG_INT32(2);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RrWorkflowRef ref;
	Datum		old_definition;
	Datum		new_definition;
	int			nestlevel;
	uint64		row;

	InitMaterializedSRF(fcinfo, 0);
	nestlevel = rr_store_begin();
	rr_workflow_get(name, RR_WORKFLOW_MANAGE, InvalidOid, &ref);
	old_definition = rr_workflow_definition(name, &ref, from_version);
	new_definition = rr_workflow_definition(name, &ref, to_version);
	rr_diff_run(old_definition, new_definition);
	for (row = 0; row < SPI_processed; row++)
	{
		Datum		values[4];
		bool		nulls[4];
		int			col;

		for (col = 0; col < 4; col++)
			values[col] = SPI_getbinval(SPI_tuptable->vals[row],
										SPI_tuptable->tupdesc, col + 1,
										&nulls[col]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	rr_store_end(nestlevel);

	return (Datum) 0;
}
