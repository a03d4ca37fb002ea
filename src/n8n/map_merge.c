/*-------------------------------------------------------------------------
 *
 * map_merge.c
 *		n8n's Merge node, versions 1 to 3.2, as merge, and back.
 *
 * v2 and v3 combine by matching fields (merge by_key: keep matches is an
 * inner join, keep non-matches an anti join, enrich input 1 a left join,
 * enrich input 2 a right join, keep everything an outer one; the fields
 * as key's comma-separated list), by position (by_position) or all
 * combinations (cross_join), each with n8n's clash handling; choose
 * branch passes one input on, or one empty item (choose_branch).  n8n's
 * defaults are set explicitly: dot notation, deep merge, dropping
 * unpaired items.  v1's append, multiplex and pass-through modes are the
 * same nodes, v1's wait one empty item, its merge by index by_position
 * (inner and outer joins).  Fuzzy comparison, SQL and v1's key modes are
 * refused.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "n8n/mappers.h"

/* The clash handling options n8n's combine modes share */
static void
import_clash(RrN8nContext *cx, json_t *rest_options, json_t *params,
			 const char *fallback)
{
	json_t	   *handling = rr_n8n_take(rest_options, "clashHandling");
	json_t	   *values = json_is_object(json_object_get(handling, "values")) ?
		json_copy(json_object_get(handling, "values")) : rr_n8n_new_object();
	const char *clash = rr_n8n_string(rr_n8n_take(values, "resolveClash"), "");
	const char *mode = rr_n8n_string(rr_n8n_take(values, "mergeMode"), "deepMerge");
	bool		override_empty = rr_n8n_bool(rr_n8n_take(values, "overrideEmpty"),
											 false);

	if (strcmp(clash, "") == 0)
		clash = fallback;
	if (strcmp(clash, "preferLast") == 0)
		json_object_set_new(params, "clash", json_string("prefer_last"));
	else if (strcmp(clash, "addSuffix") == 0)
		json_object_set_new(params, "clash", json_string("add_suffix"));
	else if (strncmp(clash, "preferInput", 11) == 0 &&
			 atoi(clash + 11) >= 1 && atoi(clash + 11) <= 10)
		json_object_set_new(params, "clash",
							json_sprintf("prefer_input%d", atoi(clash + 11)));
	else
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "\"%s\" is not a way of handling clashes", clash);
	json_object_set_new(params, "merge_mode",
						json_string(strcmp(mode, "shallowMerge") == 0 ?
									"shallow" : "deep"));
	if (strcmp(mode, "deepMerge") != 0 && strcmp(mode, "shallowMerge") != 0)
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "\"%s\" is not a way of merging nested fields", mode);
	if (override_empty)
		json_object_set_new(params, "override_empty", json_true());
	rr_n8n_leftovers(cx, values, "clash handling option");
	json_decref(values);
}

/* Fields to match: a list of n8n names as key's comma-separated text */
static json_t *
key_text(RrN8nContext *cx, json_t *names)
{
	size_t		i;
	json_t	   *name;

	json_array_foreach(names, i, name)
	{
		const char *text = rr_n8n_string(name, "");

		if (strchr(text, ',') != NULL || text[0] == '=' ||
			strstr(text, "{{") != NULL)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "matching on the field \"%s\" is not supported (a name with a comma, or computed by an expression)",
						   text);
	}
	return rr_n8n_join(names);
}

/* v2/v3 combine by fields: pairs of fields and a join */
static void
import_by_fields(RrN8nContext *cx, json_t *rest, json_t *params,
				 json_t *rest_options)
{
	const char *join_mode = rr_n8n_string(rr_n8n_take(rest, "joinMode"),
										  "keepMatches");
	const char *from = rr_n8n_string(rr_n8n_take(rest, "outputDataFrom"), "both");
	bool		advanced = rr_n8n_bool(rr_n8n_take(rest, "advanced"), false);
	json_t	   *pairs = json_object_get(rr_n8n_take(rest, "mergeByFields"), "values");
	json_t	   *names = rr_n8n_take(rest, "fieldsToMatchString");
	json_t	   *left = json_array();
	json_t	   *right = json_array();
	json_t	   *key;
	json_t	   *right_key;
	const char *join = NULL;
	size_t		i;

	if (advanced || cx->version < 3)
	{
		for (i = 0; i < json_array_size(pairs); i++)
		{
			json_array_append(left, json_object_get(json_array_get(pairs, i), "field1"));
			json_array_append(right, json_object_get(json_array_get(pairs, i), "field2"));
		}
	}
	else
	{
		json_decref(left);
		left = rr_n8n_field_list(cx, names);
		json_array_extend(right, left);
	}
	key = key_text(cx, left);
	right_key = key_text(cx, right);
	if (json_array_size(left) == 0 ||
		strlen(json_string_value(key)) == 0 ||
		strlen(json_string_value(right_key)) == 0)
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "no fields to match are given");
	json_object_set_new(params, "mode", json_string("by_key"));
	json_object_set(params, "key", key);
	if (!json_equal(key, right_key))
		json_object_set(params, "right_key", right_key);
	json_decref(key);
	json_decref(right_key);
	json_decref(left);
	json_decref(right);
	json_object_set_new(params, "dot_notation",
						json_boolean(!rr_n8n_bool(rr_n8n_take(rest_options, "disableDotNotation"),
												  false)));
	if (rr_n8n_bool(rr_n8n_take(rest_options, "fuzzyCompare"), false))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "fuzzy comparison of the fields to match is not supported yet");

	if (strcmp(join_mode, "keepMatches") == 0)
		join = "inner";
	else if (strcmp(join_mode, "keepNonMatches") == 0)
		join = "anti";
	else if (strcmp(join_mode, "keepEverything") == 0)
		join = "outer";
	else if (strcmp(join_mode, "enrichInput1") == 0)
		join = "left";
	else if (strcmp(join_mode, "enrichInput2") == 0)
		join = "right";
	else
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "\"%s\" is not an output type", join_mode);
	if (join != NULL)
		json_object_set_new(params, "join", json_string(join));
	if (join != NULL && (strcmp(join, "inner") == 0 || strcmp(join, "anti") == 0))
	{
		if (strcmp(from, "both") != 0 && strcmp(from, "input1") != 0 &&
			strcmp(from, "input2") != 0)
			rr_n8n_problem(cx, RR_N8N_INVALID,
						   "\"%s\" is not an input to output data from", from);
		json_object_set_new(params, "output_from", json_string(from));
	}
	json_object_set_new(params, "multiple_matches",
						json_string(strcmp(rr_n8n_string(rr_n8n_take(rest_options,
																	 "multipleMatches"),
														 "all"), "first") == 0 ?
									"first" : "all"));
	import_clash(cx, rest_options, params, "preferLast");
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

	if (cx->version < 2)
	{
		/* v1: append, multiplex, passThrough, wait, mergeByIndex */
		if (strcmp(mode, "multiplex") == 0)
		{
			json_object_set_new(out->params, "mode", json_string("cross_join"));
			json_object_set_new(out->params, "merge_mode", json_string("shallow"));
		}
		else if (strcmp(mode, "passThrough") == 0)
		{
			const char *output = rr_n8n_string(rr_n8n_take(rest, "output"), "input1");

			json_object_set_new(out->params, "mode", json_string("choose_branch"));
			json_object_set_new(out->params, "branch",
								json_integer(strcmp(output, "input2") == 0 ? 1 : 0));
		}
		else if (strcmp(mode, "wait") == 0)
		{
			json_object_set_new(out->params, "mode", json_string("choose_branch"));
			json_object_set_new(out->params, "empty_item", json_true());
		}
		else if (strcmp(mode, "mergeByIndex") == 0)
		{
			/* inner: up to the shorter input; outer: the longer */
			const char *join = rr_n8n_string(rr_n8n_take(rest, "join"), "left");

			json_object_set_new(out->params, "mode", json_string("by_position"));
			json_object_set_new(out->params, "merge_mode", json_string("shallow"));
			json_object_set_new(out->params, "include_unpaired",
								json_boolean(strcmp(join, "outer") == 0));
			if (strcmp(join, "inner") != 0 && strcmp(join, "outer") != 0)
				rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
							   "merging by index with the join \"%s\" (as many items as input 1 has) is not supported; use \"inner\" or \"outer\"",
							   join);
		}
		else if (strcmp(mode, "append") != 0)
		{
			(void) rr_n8n_take(rest, "propertyName1");
			(void) rr_n8n_take(rest, "propertyName2");
			(void) rr_n8n_take(rest, "overwrite");
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "mode \"%s\" of Merge version 1 is not supported: it compares keys as text and keeps the last input 2 item of each key, which no merge mode does; use Merge version 2 or later",
						   mode);
		}
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
			import_by_fields(cx, rest, out->params, rest_options);
		else if (strcmp(combine, "mergeByPosition") == 0 ||
				 strcmp(combine, "combineByPosition") == 0)
		{
			json_object_set_new(out->params, "mode", json_string("by_position"));
			json_object_set_new(out->params, "include_unpaired",
								json_boolean(rr_n8n_bool(rr_n8n_take(rest_options, "includeUnpaired"),
														 false)));
			import_clash(cx, rest_options, out->params, "preferLast");
		}
		else if (strcmp(combine, "multiplex") == 0 ||
				 strcmp(combine, "combineAll") == 0)
		{
			json_object_set_new(out->params, "mode", json_string("cross_join"));
			/* fuzzy comparison: this mode compares nothing */
			(void) rr_n8n_take(rest_options, "fuzzyCompare");
			import_clash(cx, rest_options, out->params, "preferLast");
		}
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
		else if (strcmp(output, "empty") == 0)
			json_object_set_new(out->params, "empty_item", json_true());
		else if (strcmp(output, "input1") != 0 &&
				 strcmp(output, "specifiedInput") != 0)
			rr_n8n_problem(cx, RR_N8N_INVALID,
						   "choose branch with output \"%s\" is not an option",
						   output);
	}
	else
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED, "mode \"%s\" is not supported",
					   mode);
	rr_n8n_leftovers(cx, rest_options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/* merge's clash handling as n8n's option */
static void
export_clash(json_t *params, json_t *options)
{
	const char *clash = rr_n8n_string(json_object_get(params, "clash"),
									  "prefer_last");
	json_t	   *values = rr_n8n_new_object();

	if (strcmp(clash, "add_suffix") == 0)
		json_object_set_new(values, "resolveClash", json_string("addSuffix"));
	else if (strncmp(clash, "prefer_input", 12) == 0)
		json_object_set_new(values, "resolveClash",
							json_sprintf("preferInput%s", clash + 12));
	else
		json_object_set_new(values, "resolveClash", json_string("preferLast"));
	json_object_set_new(values, "mergeMode",
						json_string(strcmp(rr_n8n_string(json_object_get(params, "merge_mode"),
														 "shallow"), "deep") == 0 ?
									"deepMerge" : "shallowMerge"));
	json_object_set_new(values, "overrideEmpty",
						json_boolean(rr_n8n_bool(json_object_get(params, "override_empty"),
												 false)));
	json_object_set_new(options, "clashHandling",
						json_pack("{s:o}", "values", values));
}

/* by_key as combine by fields */
static void
export_by_key(RrN8nContext *cx, json_t *params, json_t *out_params,
			  json_t *options)
{
	const char *join = rr_n8n_string(json_object_get(params, "join"), "inner");
	json_t	   *key = json_object_get(params, "key");
	json_t	   *right_key = json_object_get(params, "right_key");
	json_t	   *left = rr_n8n_field_list(cx, key);

	json_object_set_new(out_params, "mode", json_string("combine"));
	json_object_set_new(out_params, "combineBy", json_string("combineByFields"));
	if (right_key != NULL)
	{
		json_t	   *right = rr_n8n_field_list(cx, right_key);
		json_t	   *pairs = json_array();
		size_t		i;

		for (i = 0; i < json_array_size(left); i++)
			json_array_append_new(pairs,
								  json_pack("{s:O, s:O}", "field1",
											json_array_get(left, i), "field2",
											json_array_get(right, i)));
		json_object_set_new(out_params, "advanced", json_true());
		json_object_set_new(out_params, "mergeByFields",
							json_pack("{s:o}", "values", pairs));
		json_decref(right);
	}
	else
		json_object_set(out_params, "fieldsToMatchString", key);
	json_decref(left);
	json_object_set_new(out_params, "joinMode",
						json_string(strcmp(join, "left") == 0 ? "enrichInput1" :
									strcmp(join, "right") == 0 ? "enrichInput2" :
									strcmp(join, "outer") == 0 ? "keepEverything" :
									strcmp(join, "anti") == 0 ? "keepNonMatches" :
									"keepMatches"));
	if (strcmp(join, "inner") == 0 || strcmp(join, "anti") == 0)
		json_object_set_new(out_params, "outputDataFrom",
							json_string(rr_n8n_string(json_object_get(params, "output_from"),
													  "both")));
	if (!rr_n8n_bool(json_object_get(params, "dot_notation"), false) &&
		(strpbrk(rr_n8n_string(key, ""), ".[") ||
		 strpbrk(rr_n8n_string(right_key, ""), ".[")))
		json_object_set_new(options, "disableDotNotation", json_true());
	if (strcmp(rr_n8n_string(json_object_get(params, "multiple_matches"), "all"),
			   "first") == 0)
		json_object_set_new(options, "multipleMatches", json_string("first"));
}

void
rr_n8n_export_merge(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	const char *mode = rr_n8n_string(json_object_get(params, "mode"), "append");
	json_t	   *inputs = json_object_get(params, "inputs");
	json_t	   *options = rr_n8n_new_object();

	out->n8n_type = "merge";
	out->version = 3.1;
	out->params = rr_n8n_new_object();
	if (json_is_integer(inputs))
		json_object_set(out->params, "numberInputs", inputs);
	if (strcmp(mode, "append") == 0)
		json_object_set_new(out->params, "mode", json_string("append"));
	else if (strcmp(mode, "by_key") == 0)
	{
		export_by_key(cx, params, out->params, options);
		export_clash(params, options);
	}
	else if (strcmp(mode, "by_position") == 0)
	{
		json_object_set_new(out->params, "mode", json_string("combine"));
		json_object_set_new(out->params, "combineBy", json_string("combineByPosition"));
		json_object_set_new(options, "includeUnpaired",
							json_boolean(rr_n8n_bool(json_object_get(params, "include_unpaired"),
													 true)));
		export_clash(params, options);
	}
	else if (strcmp(mode, "cross_join") == 0)
	{
		json_object_set_new(out->params, "mode", json_string("combine"));
		json_object_set_new(out->params, "combineBy", json_string("combineAll"));
		export_clash(params, options);
	}
	else
	{
		json_t	   *branch = json_object_get(params, "branch");

		json_object_set_new(out->params, "mode", json_string("chooseBranch"));
		if (rr_n8n_bool(json_object_get(params, "empty_item"), false))
			json_object_set_new(out->params, "output", json_string("empty"));
		else
			json_object_set_new(out->params, "useDataOfInput",
								json_integer(json_is_integer(branch) ?
											 json_integer_value(branch) + 1 : 1));
	}
	if (json_object_size(options) > 0)
		json_object_set(out->params, "options", options);
	json_decref(options);
}
