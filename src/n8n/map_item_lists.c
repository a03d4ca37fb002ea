/*-------------------------------------------------------------------------
 *
 * map_item_lists.c
 *		n8n's legacy Item Lists node (versions 1 to 3.1), one operation per
 *		node, as the node of that operation.
 *
 * Item Lists bundled what became the Split Out, Aggregate, Remove
 * Duplicates, Sort, Limit and Summarize nodes, with the same parameters
 * beside "operation" (lists of fields as {"fields": [{"fieldName": ...}]}
 * in versions 1 and 2, which map_items.c reads too).  Each operation is
 * imported by map_items.c's mapper of that node, so it is refused where
 * that node is (a JavaScript sort); Summarize's rules are those of Item
 * Lists: group values stay text, a field no item has is an error before
 * version 2.1, and counts always leave out empty values.  Nothing exports
 * as Item Lists: the nodes export as n8n's own nodes of today.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "n8n/mappers.h"

/* Item Lists' counts leave out empty values whatever the entry says */
static void
counts_without_empty(json_t *aggregations)
{
	size_t		i;

	for (i = 0; i < json_array_size(aggregations); i++)
	{
		json_t	   *a = json_array_get(aggregations, i);
		const char *op = rr_n8n_string(json_object_get(a, "op"), "");

		if (strcmp(op, "count") == 0 || strcmp(op, "count_unique") == 0)
			json_object_del(a, "include_empty");
	}
}

void
rr_n8n_import_item_lists(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *operation = rr_n8n_string(rr_n8n_take(rest, "operation"),
										  "splitOutItems");

	(void) rr_n8n_take(rest, "resource");
	if (strcmp(operation, "splitOutItems") == 0)
		rr_n8n_import_split_out(cx, rest, out);
	else if (strcmp(operation, "aggregateItems") == 0 ||
			 strcmp(operation, "concatenateItems") == 0)
		rr_n8n_import_aggregate(cx, rest, out);
	else if (strcmp(operation, "removeDuplicates") == 0)
		rr_n8n_import_remove_duplicates(cx, rest, out);
	else if (strcmp(operation, "sort") == 0)
		rr_n8n_import_sort(cx, rest, out);
	else if (strcmp(operation, "limit") == 0)
		rr_n8n_import_limit(cx, rest, out);
	else if (strcmp(operation, "summarize") == 0)
	{
		rr_n8n_import_summarize_as(cx, rest, out, false, cx->version >= 2.1);
		counts_without_empty(json_object_get(out->params, "aggregations"));
	}
	else
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "the operation \"%s\" is not supported", operation);
		out->rr_type = "noop";
		out->params = rr_n8n_new_object();
	}
	json_decref(rest);
}
