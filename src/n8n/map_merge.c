/*-------------------------------------------------------------------------
 *
 * map_merge.c
 *		n8n's Merge node, versions 1 to 3.2, as merge, and back.
 *
 * v2 and v3 combine by matching fields (merge by_key: keep matches is an
 * inner join, enrich input 1 a left join, keep everything an outer one),
 * by position (by_position, which keeps unpaired items: n8n's
 * "include unpaired" option) or all combinations (cross_join); choose
 * branch passes one input on (choose_branch).  v1's append, multiplex
 * and pass-through modes are the same nodes.  What merge cannot do yet
 * (keep non-matches, enrich input 2, several field pairs, output data of
 * one input, clash handling options, SQL) is refused.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "n8n/mappers.h"

/* v2/v3 combine by fields: one pair of fields and a join */
static void
import_by_fields(RrN8nContext *cx, json_t *rest, json_t *params,
				 json_t *options)
{
	const char *join_mode = rr_n8n_string(rr_n8n_take(rest, "joinMode"),
										  "keepMatches");
	const char *from = rr_n8n_string(rr_n8n_take(rest, "outputDataFrom"), "both");
	bool		advanced = rr_n8n_bool(rr_n8n_take(rest, "advanced"), false);
	json_t	   *pairs = json_object_get(rr_n8n_take(rest, "mergeByFields"), "values");
	json_t	   *names = rr_n8n_take(rest, "fieldsToMatchString");
	json_t	   *list = NULL;
	const char *key = NULL;
	const char *right_key = NULL;
	bool		dots = !rr_n8n_bool(json_object_get(options, "disableDotNotation"),
									false);

	if (advanced || cx->version < 3)
	{
		/* pairs of an input 1 field and an input 2 field */
		if (json_array_size(pairs) != 1)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "matching on %zu pairs of fields is not supported yet (one pair)",
						   json_array_size(pairs));
		else
		{
			key = rr_n8n_string(json_object_get(json_array_get(pairs, 0), "field1"), "");
			right_key = rr_n8n_string(json_object_get(json_array_get(pairs, 0), "field2"), "");
		}
	}
	else
	{
		/* "a, b": fields of the same name in both inputs */
		list = rr_n8n_field_list(cx, names);
		if (json_array_size(list) != 1)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "matching on %zu fields is not supported yet (one field)",
						   json_array_size(list));
		else
			key = right_key = json_string_value(json_array_get(list, 0));
	}
	if (key != NULL)
	{
		json_object_set_new(params, "key", json_string(key));
		if (strcmp(key, right_key) != 0)
			json_object_set_new(params, "right_key", json_string(right_key));
	}
	json_decref(list);
	if (dots && (strchr(rr_n8n_string(json_object_get(params, "key"), ""), '.') ||
				 strchr(rr_n8n_string(json_object_get(params, "right_key"), ""), '.')))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "matching on nested fields (dot notation) is not supported yet");
	json_object_set_new(params, "mode", json_string("by_key"));
	if (strcmp(join_mode, "keepMatches") == 0)
		json_object_set_new(params, "join", json_string("inner"));
	else if (strcmp(join_mode, "enrichInput1") == 0)
		json_object_set_new(params, "join", json_string("left"));
	else if (strcmp(join_mode, "keepEverything") == 0)
		json_object_set_new(params, "join", json_string("outer"));
	else
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "the output type \"%s\" is not supported yet", join_mode);
	if (strcmp(from, "both") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "output data from \"%s\" only is not supported yet", from);
}

void
rr_n8n_import_merge(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *mode = rr_n8n_string(rr_n8n_take(rest, "mode"), "append");
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *rest_options = json_is_object(options) ? json_copy(options) :
		rr_n8n_new_object();
	json_t	   *inputs = rr_n8n_take(rest, "numberInputs");
	const char *combine;

	out->rr_type = "merge";
	out->params = rr_n8n_new_object();
	if (json_is_integer(inputs) && json_integer_value(inputs) != 2)
		json_object_set(out->params, "inputs", inputs);
	(void) rr_n8n_take(rest_options, "disableDotNotation");

	if (cx->version < 2)
	{
		/* v1: append, multiplex, passThrough */
		if (strcmp(mode, "multiplex") == 0)
			json_object_set_new(out->params, "mode", json_string("cross_join"));
		else if (strcmp(mode, "passThrough") == 0)
		{
			const char *output = rr_n8n_string(rr_n8n_take(rest, "output"), "input1");

			json_object_set_new(out->params, "mode", json_string("choose_branch"));
			json_object_set_new(out->params, "branch",
								json_integer(strcmp(output, "input2") == 0 ? 1 : 0));
		}
		else if (strcmp(mode, "append") != 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "mode \"%s\" of Merge version 1 is not supported yet", mode);
	}
	else if (strcmp(mode, "append") == 0)
		;
	else if (strcmp(mode, "combine") == 0 ||
			 strcmp(mode, "combineByFields") == 0 ||
			 strcmp(mode, "combineByPosition") == 0 ||
			 strcmp(mode, "combineAll") == 0)
	{
		combine = strcmp(mode, "combine") != 0 ? mode :
			rr_n8n_string(rr_n8n_take(rest, cx->version < 3 ? "combinationMode" : "combineBy"),
						  cx->version < 3 ? "mergeByFields" : "combineByFields");
		(void) rr_n8n_take(rest, "combineBy");
		(void) rr_n8n_take(rest, "combinationMode");
		if (strcmp(combine, "mergeByFields") == 0 ||
			strcmp(combine, "combineByFields") == 0)
			import_by_fields(cx, rest, out->params, options);
		else if (strcmp(combine, "mergeByPosition") == 0 ||
				 strcmp(combine, "combineByPosition") == 0)
		{
			json_object_set_new(out->params, "mode", json_string("by_position"));
			if (!rr_n8n_bool(rr_n8n_take(rest_options, "includeUnpaired"), false))
				rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
							   "dropping unpaired items (n8n's default) is not supported yet; set the option \"Include Any Unpaired Items\"");
		}
		else if (strcmp(combine, "multiplex") == 0 ||
				 strcmp(combine, "combineAll") == 0)
			json_object_set_new(out->params, "mode", json_string("cross_join"));
		else
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "combining by \"%s\" is not supported", combine);
	}
	else if (strcmp(mode, "chooseBranch") == 0)
	{
		const char *output = rr_n8n_string(rr_n8n_take(rest, "output"),
										   cx->version < 3 ? "input1" : "specifiedInput");
		json_t	   *input = rr_n8n_take(rest, "useDataOfInput");

		(void) rr_n8n_take(rest, "chooseBranchMode");
		json_object_set_new(out->params, "mode", json_string("choose_branch"));
		if (strcmp(output, "input2") == 0)
			json_object_set_new(out->params, "branch", json_integer(1));
		else if (strcmp(output, "specifiedInput") == 0 && json_is_integer(input) &&
				 json_integer_value(input) > 1)
			json_object_set_new(out->params, "branch",
								json_integer(json_integer_value(input) - 1));
		else if (strcmp(output, "input1") != 0 &&
				 strcmp(output, "specifiedInput") != 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "choose branch with output \"%s\" is not supported yet",
						   output);
	}
	else
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED, "mode \"%s\" is not supported",
					   mode);
	rr_n8n_leftovers(cx, rest_options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_export_merge(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	const char *mode = rr_n8n_string(json_object_get(params, "mode"), "append");
	json_t	   *inputs = json_object_get(params, "inputs");

	out->n8n_type = "merge";
	out->version = 3.1;
	out->params = rr_n8n_new_object();
	if (json_is_integer(inputs))
		json_object_set(out->params, "numberInputs", inputs);
	if (strcmp(mode, "append") == 0)
		json_object_set_new(out->params, "mode", json_string("append"));
	else if (strcmp(mode, "by_key") == 0)
	{
		const char *join = rr_n8n_string(json_object_get(params, "join"), "inner");
		json_t	   *key = json_object_get(params, "key");
		json_t	   *right_key = json_object_get(params, "right_key");

		json_object_set_new(out->params, "mode", json_string("combine"));
		json_object_set_new(out->params, "combineBy", json_string("combineByFields"));
		if (right_key != NULL)
		{
			json_object_set_new(out->params, "advanced", json_true());
			json_object_set_new(out->params, "mergeByFields",
								json_pack("{s:[{s:O, s:O}]}", "values",
										  "field1", key, "field2", right_key));
		}
		else
			json_object_set(out->params, "fieldsToMatchString", key);
		json_object_set_new(out->params, "joinMode",
							json_string(strcmp(join, "left") == 0 ? "enrichInput1" :
										strcmp(join, "outer") == 0 ? "keepEverything" :
										"keepMatches"));
		if (strchr(json_string_value(key), '.') ||
			(right_key && strchr(json_string_value(right_key), '.')))
			json_object_set_new(out->params, "options",
								json_pack("{s:b}", "disableDotNotation", true));
	}
	else if (strcmp(mode, "by_position") == 0)
	{
		json_object_set_new(out->params, "mode", json_string("combine"));
		json_object_set_new(out->params, "combineBy", json_string("combineByPosition"));
		json_object_set_new(out->params, "options",
							json_pack("{s:b}", "includeUnpaired", true));
	}
	else if (strcmp(mode, "cross_join") == 0)
	{
		json_object_set_new(out->params, "mode", json_string("combine"));
		json_object_set_new(out->params, "combineBy", json_string("combineAll"));
	}
	else
	{
		json_t	   *branch = json_object_get(params, "branch");

		json_object_set_new(out->params, "mode", json_string("chooseBranch"));
		json_object_set_new(out->params, "useDataOfInput",
							json_integer(json_is_integer(branch) ?
										 json_integer_value(branch) + 1 : 1));
	}
}
