/*-------------------------------------------------------------------------
 *
 * diff.h
 *		What changed between two versions of a workflow.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_DIFF_H
#define RR_DIFF_H

#include "postgres.h"

/* The nodes of a document parameter: name, node object n, position ord */
#define RR_SQL_DOCUMENT_NODES(doc) \
	"SELECT n->>'name' AS name, n, ord" \
	" FROM pg_catalog.jsonb_array_elements(" doc "->'nodes') WITH ORDINALITY AS t(n, ord)"
/* The connections of a document parameter, with the defaults filled in */
#define RR_SQL_DOCUMENT_EDGES(doc) \
	"SELECT c->>'from' AS from_node, coalesce(c->>'output', 'main') AS output," \
	" c->>'to' AS to_node, coalesce((c->'input')::integer, 0) AS input, ord" \
	" FROM pg_catalog.jsonb_array_elements(coalesce(" doc "->'connections', '[]'))" \
	" WITH ORDINALITY AS t(c, ord)"

/*
 * Compare two saved documents (inside rr_store_begin/rr_store_end): leaves
 * in SPI_tuptable one row per difference, with the columns of
 * diff_versions() (kind, what, name, detail) and, for drawing it, those of
 * the node or connection it concerns (type, disabled; from, output, to,
 * input).  Nodes come first, then connections, each in the order of the
 * newer document, then the removed ones in the order of the older.
 */
extern void rr_diff_run(Datum old_definition, Datum new_definition);

#endif							/* RR_DIFF_H */
