/*-------------------------------------------------------------------------
 *
 * map_split_in_batches.c
 *		n8n's Loop Over Items (splitInBatches v3) as split_in_batches, and
 *		back.
 *
 * Version 3's outputs "done" and "loop" are ours, in the same order;
 * "batchSize" (n8n's default 1, which its export leaves out) becomes
 * "batch_size", and "options.reset", a boolean or an expression, "reset".
 * A batch size computed by an expression is refused: ours is fixed when
 * the workflow is saved.  Versions 1 and 2 are refused: they have one
 * output, and a workflow leaves their loop by testing
 * $node["..."].context["noItemsLeft"], which has no counterpart.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include "n8n/mappers.h"

void
rr_n8n_import_split_in_batches(RrN8nContext *cx, json_t *parameters,
							   RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *size = rr_n8n_take(rest, "batchSize");
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *rest_options = json_is_object(options) ?
		json_copy(options) : rr_n8n_new_object();
	json_t	   *reset = rr_n8n_take(rest_options, "reset");

	out->rr_type = "split_in_batches";
	out->outputs = rr_n8n_outputs("done", "loop", NULL);
	out->params = rr_n8n_new_object();
	if (cx->version < 3)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "versions 1 and 2 end their loop by testing $node[...].context[\"noItemsLeft\"], which has no counterpart: use version 3");
	/* the editor's notice that nodes loop by themselves: no value */
	(void) rr_n8n_take(rest, "splitInBatchesNotice");
	if (size != NULL && !json_is_integer(size))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "\"Batch Size\" must be a whole number (one computed by an expression is not supported)");
	else if (size != NULL && json_integer_value(size) < 1)
		rr_n8n_problem(cx, RR_N8N_INVALID, "\"Batch Size\" must be at least 1");
	else
		json_object_set_new(out->params, "batch_size",
							json_integer(size ? json_integer_value(size) : 1));
	if (reset != NULL && !json_is_false(reset))
		json_object_set_new(out->params, "reset", rr_n8n_value(cx, reset));
	rr_n8n_leftovers(cx, rest_options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_export_split_in_batches(RrN8nContext *cx, json_t *params,
							   RrN8nNode *out)
{
	json_t	   *size = json_object_get(params, "batch_size");
	json_t	   *reset = json_object_get(params, "reset");

	out->n8n_type = "splitInBatches";
	out->version = 3;
	out->outputs = rr_n8n_outputs("done", "loop", NULL);
	out->params = json_pack("{s:I}", "batchSize",
							(json_int_t) (size ? json_integer_value(size) : 1));
	if (reset != NULL)
		json_object_set_new(out->params, "options",
							json_pack("{s:o}", "reset", rr_n8n_export_value(reset)));
}
