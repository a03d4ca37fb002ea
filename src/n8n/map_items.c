/*-------------------------------------------------------------------------
 *
 * map_items.c
 *		n8n's item list nodes (Split Out, Aggregate, Summarize, Limit, Sort,
 *		Remove Duplicates) as split_out, aggregate, summarize, limit, sort
 *		and remove_duplicates, and back.
 *
 * Each node's parameters map onto the params that give our node n8n's
 * behaviour: dot notation (on in n8n unless disabled) → "dot_notation",
 * Aggregate's nulls → "skip_nulls", Remove Duplicates' checks →
 * "strict_fields", Summarize 1.1 → "typed_groups".  Aggregate's individual
 * fields and all item data become aggregate's "collect" and "items";
 * aggregate exports as Aggregate when it only collects fields into lists
 * (or items) without grouping, else as Summarize.  What n8n fails on at
 * every run (no field to split, sort or aggregate) is refused.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "n8n/mappers.h"

/* Summarize's aggregations: n8n's name, ours, the output field prefix */
typedef struct SummarizeOp
{
	const char *n8n;
	const char *rr;
	const char *prefix;
} SummarizeOp;

static const SummarizeOp summarize_ops[] = {
	{"append", "collect", "appended"},
	{"average", "avg", "average"},
	{"concatenate", "concat", "concatenated"},
	{"count", "count", "count"},
	{"countUnique", "count_distinct", "unique_count"},
	{"max", "max", "max"},
	{"min", "min", "min"},
	{"sum", "sum", "sum"},
	{NULL}
};

/*
 * Summarize's name for an aggregation's output field: "sum_total", the
 * field's dots as underscores ("appended_params_interval").
 */
static void
output_name(char *name, size_t size, const char *prefix, const char *field)
{
	char	   *c;

	snprintf(name, size, "%s_%s", prefix, field);
	for (c = name; *c != '\0'; c++)
		if (*c == '.')
			*c = '_';
}

static json_t *
options_of(json_t *rest)
{
	json_t	   *options = rr_n8n_take(rest, "options");

	return json_is_object(options) ? json_copy(options) : rr_n8n_new_object();
}

/*
 * dot_notation
 *		Our "dot_notation" for n8n's option disableDotNotation (taken from
 *		the options): names are paths unless it is set.
 */
static void
dot_notation(json_t *params, json_t *options)
{
	if (!rr_n8n_bool(rr_n8n_take(options, "disableDotNotation"), false))
		json_object_set_new(params, "dot_notation", json_true());
}

/* "disableDotNotation" for our "dot_notation" */
static json_t *
export_options(json_t *params)
{
	return json_pack("{s:b}", "disableDotNotation",
					 !rr_n8n_bool(json_object_get(params, "dot_notation"), false));
}

/* "name" or the list of names, for one field or several */
static void
set_names(json_t *params, const char *one, const char *several, json_t *names)
{
	if (json_array_size(names) == 1)
		json_object_set(params, one, json_array_get(names, 0));
	else
		json_object_set(params, several, names);
}

/*
 * A list of fields as the item nodes give it: "a, b", or (Remove
 * Duplicates 1.0, Item Lists 1 and 2) {"fields": [{"fieldName": ...}]}
 */
static json_t *
field_names(RrN8nContext *cx, json_t *fields)
{
	json_t	   *list;
	size_t		i;

	if (!json_is_object(fields))
		return rr_n8n_field_list(cx, fields);
	list = json_array();
	for (i = 0; i < json_array_size(json_object_get(fields, "fields")); i++)
		json_array_append(list,
						  json_object_get(json_array_get(json_object_get(fields, "fields"), i),
										  "fieldName"));
	return list;
}

void
rr_n8n_import_split_out(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *options = options_of(rest);
	json_t	   *fields = rr_n8n_field_list(cx, rr_n8n_take(rest, "fieldToSplitOut"));
	const char *include = rr_n8n_string(rr_n8n_take(rest, "include"), "noOtherFields");
	json_t	   *destinations = rr_n8n_field_list(cx, rr_n8n_take(options,
																 "destinationFieldName"));
	json_t	   *to_include = rr_n8n_take(rest, "fieldsToInclude");
	size_t		i;

	out->rr_type = "split_out";
	out->params = rr_n8n_new_object();
	/* n8n reads "$json.a" as "a" */
	for (i = 0; i < json_array_size(fields); i++)
	{
		const char *name = json_string_value(json_array_get(fields, i));

		if (name != NULL && strncmp(name, "$json.", 6) == 0)
			json_array_set_new(fields, i, json_string(name + 6));
	}
	if (json_array_size(fields) == 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED, "no field to split out");
	else
		set_names(out->params, "field", "fields", fields);
	if (json_array_size(destinations) > 0)
	{
		if (json_array_size(destinations) != json_array_size(fields))
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "%zu destination fields for %zu fields to split out (n8n fails on every item)",
						   json_array_size(destinations), json_array_size(fields));
		else
			set_names(out->params, "destination", "destinations", destinations);
	}
	json_decref(fields);
	json_decref(destinations);
	if (strcmp(include, "allOtherFields") == 0)
		json_object_set_new(out->params, "keep_fields", json_true());
	else if (strcmp(include, "selectedOtherFields") == 0)
	{
		json_t	   *list = field_names(cx, to_include);

		if (json_array_size(list) == 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "no fields to include (n8n fails: \"No fields specified\")");
		json_object_set_new(out->params, "include_fields", list);
	}
	else if (strcmp(include, "noOtherFields") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "including \"%s\" is not supported", include);
	dot_notation(out->params, options);
	(void) rr_n8n_take(options, "includeBinary");
	rr_n8n_leftovers(cx, options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/*
 * Aggregate: individual fields into lists (nulls and missing values left
 * out unless keepMissing, lists merged with mergeLists), or all item data
 * into one list.
 */
void
rr_n8n_import_aggregate(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *options = options_of(rest);
	const char *what = rr_n8n_string(rr_n8n_take(rest, "aggregate"),
									 "aggregateIndividualFields");
	json_t	   *list = json_object_get(rr_n8n_take(rest, "fieldsToAggregate"),
								   "fieldToAggregate");
	json_t	   *aggregations = json_array();
	bool		dot = !rr_n8n_bool(json_object_get(options, "disableDotNotation"), false);
	bool		skip_nulls = !rr_n8n_bool(rr_n8n_take(options, "keepMissing"), false);
	bool		merge_lists = rr_n8n_bool(rr_n8n_take(options, "mergeLists"), false);
	json_t	   *names = json_array();
	size_t		i;

	out->rr_type = "aggregate";
	if (strcmp(what, "aggregateAllItemData") == 0)
	{
		const char *include = rr_n8n_string(rr_n8n_take(rest, "include"), "allFields");
		json_t	   *destination = rr_n8n_take(rest, "destinationFieldName");
		json_t	   *a = json_pack("{s:s}", "op", "items");
		json_t	   *included = field_names(cx, rr_n8n_take(rest, "fieldsToInclude"));
		json_t	   *excluded = field_names(cx, rr_n8n_take(rest, "fieldsToExclude"));

		json_object_set_new(a, "as", destination != NULL ?
							rr_n8n_value(cx, destination) : json_string("data"));

		if (strcmp(include, "specifiedFields") == 0 && json_array_size(included) > 0)
			json_object_set(a, "include_fields", included);
		else if (strcmp(include, "allFieldsExcept") == 0 && json_array_size(excluded) > 0)
			json_object_set(a, "exclude_fields", excluded);
		json_decref(included);
		json_decref(excluded);
		json_array_append_new(aggregations, a);
		list = NULL;
	}
	else if (json_array_size(list) == 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "no field to aggregate (n8n fails: \"No fields specified\")");
	for (i = 0; i < json_array_size(list); i++)
	{
		json_t	   *entry = json_array_get(list, i);
		const char *field = rr_n8n_string(json_object_get(entry, "fieldToAggregate"), "");
		const char *as = field;
		const char *output = rr_n8n_string(json_object_get(entry, "outputFieldName"), "");
		json_t	   *a;
		size_t		j;

		if (field[0] == '\0')
			continue;			/* n8n skips it */
		/* n8n names the list by the output name, or the path's last key */
		if (output[0] != '\0')
			as = output;
		else if (dot && strrchr(field, '.') != NULL)
			as = strrchr(field, '.') + 1;
		if (dot && strchr(as, '.') != NULL)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "output field \"%s\": a nested output field is not supported", as);
		for (j = 0; j < json_array_size(names); j++)
			if (strcmp(json_string_value(json_array_get(names, j)), as) == 0)
				rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
							   "the output field \"%s\" is used more than once (n8n fails)", as);
		json_array_append_new(names, json_string(as));
		a = json_pack("{s:s, s:s, s:s}", "op", "collect", "field", field, "as", as);
		if (skip_nulls)
			json_object_set_new(a, "skip_nulls", json_true());
		if (merge_lists)
			json_object_set_new(a, "merge_lists", json_true());
		json_array_append_new(aggregations, a);
	}
	json_decref(names);
	out->params = json_pack("{s:o}", "aggregations", aggregations);
	if (strcmp(what, "aggregateAllItemData") != 0)
		dot_notation(out->params, options);
	else
		(void) rr_n8n_take(options, "disableDotNotation");
	(void) rr_n8n_take(options, "includeBinaries");
	rr_n8n_leftovers(cx, options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/* Summarize's aggregations: n8n's name and ours */
static const char *const summarize_names[][2] = {
	{"append", "append"}, {"average", "average"},
	{"concatenate", "concatenate"}, {"count", "count"},
	{"countUnique", "count_unique"}, {"max", "max"}, {"min", "min"},
	{"sum", "sum"}
};

/* Summarize's name for ours, or the other way round; NULL for none */
static const char *
summarize_name(const char *name, bool to_n8n)
{
	size_t		i;

	for (i = 0; i < sizeof(summarize_names) / sizeof(summarize_names[0]); i++)
		if (strcmp(summarize_names[i][to_n8n ? 1 : 0], name) == 0)
			return summarize_names[i][to_n8n ? 0 : 1];
	return NULL;
}

/*
 * Summarize's parameters as summarize; typed: the first field to split by
 * gets its type back; ignore_missing: a field no item has is no error.
 */
void
rr_n8n_import_summarize_as(RrN8nContext *cx, json_t *parameters,
						   RrN8nNode *out, bool typed, bool ignore_missing)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *options = options_of(rest);
	json_t	   *list = json_object_get(rr_n8n_take(rest, "fieldsToSummarize"), "values");
	json_t	   *split_by = rr_n8n_field_list(cx, rr_n8n_take(rest, "fieldsToSplitBy"));
	json_t	   *aggregations = json_array();
	size_t		i;

	if (rr_n8n_bool(rr_n8n_take(options, "continueIfFieldNotFound"), false))
		ignore_missing = true;
	out->rr_type = "summarize";
	for (i = 0; i < json_array_size(list); i++)
	{
		json_t	   *entry = json_array_get(list, i);
		const char *op = summarize_name(rr_n8n_string(json_object_get(entry, "aggregation"),
													  "count"), false);
		json_t	   *field = json_object_get(entry, "field");
		json_t	   *a;

		if (op == NULL)
		{
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "the aggregation \"%s\" is not supported",
						   rr_n8n_string(json_object_get(entry, "aggregation"), ""));
			continue;
		}
		a = json_pack("{s:s, s:o}", "op", op, "field",
					  field != NULL ? rr_n8n_value(cx, field) : json_string(""));
		if (rr_n8n_bool(json_object_get(entry, "includeEmpty"), false))
			json_object_set_new(a, "include_empty", json_true());
		if (strcmp(op, "concatenate") == 0)
		{
			const char *by = rr_n8n_string(json_object_get(entry, "separateBy"), ",");

			json_object_set_new(a, "separator",
								strcmp(by, "other") == 0 ?
								rr_n8n_value(cx, json_object_get(entry, "customSeparator") ?
											 json_object_get(entry, "customSeparator") :
											 json_string("")) :
								json_string(by));
		}
		json_array_append_new(aggregations, a);
	}
	if (json_array_size(aggregations) == 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "no field to summarize (n8n fails on it)");
	out->params = json_pack("{s:o}", "aggregations", aggregations);
	if (json_array_size(split_by) > 0)
		json_object_set(out->params, "split_by", split_by);
	json_decref(split_by);
	if (typed)
		json_object_set_new(out->params, "typed_groups", json_true());
	if (ignore_missing)
		json_object_set_new(out->params, "ignore_missing", json_true());
	if (strcmp(rr_n8n_string(rr_n8n_take(options, "outputFormat"), "separateItems"),
			   "singleItem") == 0)
		json_object_set_new(out->params, "single_item", json_true());
	if (rr_n8n_bool(rr_n8n_take(options, "skipEmptySplitFields"), false))
		json_object_set_new(out->params, "skip_empty_groups", json_true());
	dot_notation(out->params, options);
	rr_n8n_leftovers(cx, options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/*
 * Summarize as summarize: version 1.1 gives the first field to split by
 * its type back and only hints at a field no item has.
 */
void
rr_n8n_import_summarize(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	rr_n8n_import_summarize_as(cx, parameters, out, cx->version > 1,
							   cx->version > 1);
}

/* summarize as Summarize 1 or 1.1 */
void
rr_n8n_export_summarize(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *aggregations = json_object_get(params, "aggregations");
	json_t	   *split_by = json_object_get(params, "split_by");
	json_t	   *options = export_options(params);
	json_t	   *list = json_array();
	bool		typed = rr_n8n_bool(json_object_get(params, "typed_groups"), false);
	bool		ignore = rr_n8n_bool(json_object_get(params, "ignore_missing"), false);
	size_t		i;

	for (i = 0; i < json_array_size(aggregations); i++)
	{
		json_t	   *a = json_array_get(aggregations, i);
		const char *op = summarize_name(rr_n8n_string(json_object_get(a, "op"), ""), true);
		json_t	   *entry = json_pack("{s:s, s:O}", "aggregation", op ? op : "count",
									  "field", json_object_get(a, "field"));
		json_t	   *separator = json_object_get(a, "separator");

		if (rr_n8n_bool(json_object_get(a, "include_empty"), false))
			json_object_set_new(entry, "includeEmpty", json_true());
		if (op != NULL && strcmp(op, "concatenate") == 0)
		{
			json_object_set_new(entry, "separateBy", json_string("other"));
			json_object_set_new(entry, "customSeparator",
								separator ? json_incref(separator) : json_string(","));
		}
		json_array_append_new(list, entry);
	}
	if (typed && !ignore)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "typed_groups without ignore_missing has no Summarize version");
	out->n8n_type = "summarize";
	out->version = typed ? 1.1 : 1;
	if (!typed && ignore)
		json_object_set_new(options, "continueIfFieldNotFound", json_true());
	if (rr_n8n_bool(json_object_get(params, "single_item"), false))
		json_object_set_new(options, "outputFormat", json_string("singleItem"));
	if (rr_n8n_bool(json_object_get(params, "skip_empty_groups"), false))
		json_object_set_new(options, "skipEmptySplitFields", json_true());
	out->params = json_pack("{s:{s:o}, s:o}", "fieldsToSummarize", "values", list,
							"options", options);
	if (json_array_size(split_by) > 0)
		json_object_set_new(out->params, "fieldsToSplitBy", rr_n8n_join(split_by));
}

void
rr_n8n_import_limit(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *max = rr_n8n_take(rest, "maxItems");
	const char *keep = rr_n8n_string(rr_n8n_take(rest, "keep"), "firstItems");

	out->rr_type = "limit";
	out->params = json_pack("{s:o}", "max",
							max ? rr_n8n_value(cx, max) : json_integer(1));
	if (strcmp(keep, "lastItems") == 0)
		json_object_set_new(out->params, "from", json_string("end"));
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_import_sort(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *options = options_of(rest);
	const char *type = rr_n8n_string(rr_n8n_take(rest, "type"), "simple");
	json_t	   *list = json_object_get(rr_n8n_take(rest, "sortFieldsUi"), "sortField");
	json_t	   *by = json_array();
	size_t		i;

	out->rr_type = "sort";
	out->params = rr_n8n_new_object();
	(void) rr_n8n_take(rest, "code");
	if (strcmp(type, "random") == 0)
		json_object_set_new(out->params, "random", json_true());
	else if (strcmp(type, "simple") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "sorting of type \"%s\" is not supported%s", type,
					   strcmp(type, "code") == 0 ?
					   " (JavaScript is not run; sort by fields, or with a sql node)" : "");
	else if (json_array_size(list) == 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "no field to sort by (n8n fails: \"No sorting specified\")");
	for (i = 0; i < json_array_size(list); i++)
	{
		json_t	   *entry = json_array_get(list, i);
		const char *field = rr_n8n_string(json_object_get(entry, "fieldName"), "");
		const char *order = rr_n8n_string(json_object_get(entry, "order"), "ascending");

		json_array_append_new(by, json_pack("{s:s, s:s}", "field", field, "order",
											strcmp(order, "descending") == 0 ?
											"desc" : "asc"));
	}
	if (strcmp(type, "simple") == 0)
	{
		json_object_set(out->params, "by", by);
		dot_notation(out->params, options);
	}
	else
		(void) rr_n8n_take(options, "disableDotNotation");
	json_decref(by);
	rr_n8n_leftovers(cx, options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_import_remove_duplicates(RrN8nContext *cx, json_t *parameters,
								RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *options = options_of(rest);
	const char *operation = rr_n8n_string(rr_n8n_take(rest, "operation"),
										  "removeDuplicateInputItems");
	const char *compare = rr_n8n_string(rr_n8n_take(rest, "compare"), "allFields");
	json_t	   *fields = rr_n8n_take(rest, "fieldsToCompare");
	json_t	   *except = rr_n8n_take(rest, "fieldsToExclude");

	out->rr_type = "remove_duplicates";
	/* n8n checks the compared fields before it compares */
	out->params = json_pack("{s:b}", "strict_fields", true);
	if (strcmp(operation, "removeDuplicateInputItems") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "the operation \"%s\" is not supported yet", operation);
	if (strcmp(compare, "selectedFields") == 0 ||
		strcmp(compare, "allFieldsExcept") == 0)
	{
		bool		selected = compare[0] == 's';
		json_t	   *list = field_names(cx, selected ? fields : except);

		if (json_array_size(list) == 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "no fields %s (n8n fails: \"No fields specified\")",
						   selected ? "to compare" : "to exclude");
		json_object_set_new(out->params, selected ? "fields" : "except_fields", list);
	}
	else if (strcmp(compare, "allFields") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "comparing \"%s\" is not supported", compare);
	if (rr_n8n_bool(rr_n8n_take(options, "removeOtherFields"), false))
		json_object_set_new(out->params, "remove_other_fields", json_true());
	dot_notation(out->params, options);
	rr_n8n_leftovers(cx, options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_export_split_out(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *fields = json_object_get(params, "fields");
	json_t	   *destination = json_object_get(params, "destination");
	json_t	   *destinations = json_object_get(params, "destinations");
	json_t	   *include = json_object_get(params, "include_fields");
	json_t	   *options = export_options(params);

	out->n8n_type = "splitOut";
	out->version = 1;
	out->params = json_pack("{s:o, s:s}",
							"fieldToSplitOut",
							fields != NULL ? rr_n8n_join(fields) :
							json_incref(json_object_get(params, "field")),
							"include",
							include != NULL ? "selectedOtherFields" :
							rr_n8n_bool(json_object_get(params, "keep_fields"), false) ?
							"allOtherFields" : "noOtherFields");
	if (include != NULL)
		json_object_set_new(out->params, "fieldsToInclude", rr_n8n_join(include));
	if (destination != NULL)
		json_object_set(options, "destinationFieldName", destination);
	else if (json_array_size(destinations) > 0)
		json_object_set_new(options, "destinationFieldName",
							rr_n8n_join(destinations));
	json_object_set_new(out->params, "options", options);
}

/* aggregate as Aggregate (lists of fields) or Summarize */
void
rr_n8n_export_aggregate(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *aggregations = json_object_get(params, "aggregations");
	json_t	   *group_by = json_object_get(params, "group_by");
	json_t	   *list = json_array();
	bool		lists_only = json_array_size(group_by) == 0;
	json_t	   *first = json_array_get(aggregations, 0);
	bool		skip_nulls = rr_n8n_bool(json_object_get(first, "skip_nulls"), false);
	bool		merge_lists = rr_n8n_bool(json_object_get(first, "merge_lists"), false);
	size_t		i;

	for (i = 0; i < json_array_size(aggregations); i++)
	{
		json_t	   *a = json_array_get(aggregations, i);

		if (strcmp(rr_n8n_string(json_object_get(a, "op"), ""), "collect") != 0)
			lists_only = false;
		else if (rr_n8n_bool(json_object_get(a, "skip_nulls"), false) != skip_nulls ||
				 rr_n8n_bool(json_object_get(a, "merge_lists"), false) != merge_lists)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "aggregation %zu: n8n's Aggregate has one skip_nulls and merge_lists for all fields", i);
	}
	out->version = 1;
	if (json_array_size(aggregations) == 1 && json_array_size(group_by) == 0 &&
		strcmp(rr_n8n_string(json_object_get(first, "op"), ""), "items") == 0)
	{
		json_t	   *include = json_object_get(first, "include_fields");
		json_t	   *exclude = json_object_get(first, "exclude_fields");

		out->n8n_type = "aggregate";
		out->params = json_pack("{s:s, s:O, s:s, s:{}}", "aggregate", "aggregateAllItemData",
								"destinationFieldName", json_object_get(first, "as"),
								"include", include ? "specifiedFields" :
								exclude ? "allFieldsExcept" : "allFields", "options");
		if (include != NULL)
			json_object_set_new(out->params, "fieldsToInclude", rr_n8n_join(include));
		if (exclude != NULL)
			json_object_set_new(out->params, "fieldsToExclude", rr_n8n_join(exclude));
		json_decref(list);
		return;
	}
	for (i = 0; i < json_array_size(aggregations); i++)
	{
		json_t	   *a = json_array_get(aggregations, i);
		const char *op = rr_n8n_string(json_object_get(a, "op"), "");
		const char *field = rr_n8n_string(json_object_get(a, "field"), "");
		const char *as = rr_n8n_string(json_object_get(a, "as"), NULL);
		const SummarizeOp *s;
		char		name[300];

		if (lists_only)
		{
			json_t	   *entry = json_pack("{s:s}", "fieldToAggregate", field);

			if (as != NULL && strcmp(as, field) != 0)
			{
				json_object_set_new(entry, "renameField", json_true());
				json_object_set_new(entry, "outputFieldName", json_string(as));
			}
			else if (as == NULL)
				rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
							   "aggregation %zu: name the output field (\"as\") for n8n", i);
			json_array_append_new(list, entry);
			continue;
		}
		for (s = summarize_ops; s->n8n != NULL; s++)
			if (strcmp(s->rr, op) == 0)
				break;
		if (s->n8n == NULL)
		{
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "the aggregation \"%s\" has no counterpart in n8n's Summarize", op);
			continue;
		}
		output_name(name, sizeof(name), s->prefix, field);
		if (as == NULL || strcmp(as, name) != 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "aggregation %zu: n8n's Summarize names its output \"%s\"",
						   i, name);
		json_array_append_new(list, json_pack("{s:s, s:s}", "aggregation", s->n8n,
											  "field", field));
		if (strcmp(s->n8n, "concatenate") == 0)
			json_object_set_new(json_array_get(list, json_array_size(list) - 1),
								"separateBy", json_string(", "));
	}
	if (lists_only)
	{
		json_t	   *options = export_options(params);

		if (!skip_nulls)
			json_object_set_new(options, "keepMissing", json_true());
		if (merge_lists)
			json_object_set_new(options, "mergeLists", json_true());
		out->n8n_type = "aggregate";
		out->params = json_pack("{s:{s:o}, s:o}", "fieldsToAggregate",
								"fieldToAggregate", list, "options", options);
		return;
	}
	out->n8n_type = "summarize";
	out->version = 1.1;
	out->params = json_pack("{s:{s:o}, s:{s:b}}", "fieldsToSummarize", "values", list,
							"options", "disableDotNotation", true);
	if (json_array_size(group_by) > 0)
		json_object_set_new(out->params, "fieldsToSplitBy", rr_n8n_join(group_by));
}

void
rr_n8n_export_limit(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	out->n8n_type = "limit";
	out->version = 1;
	out->params = json_pack("{s:o}", "maxItems",
							rr_n8n_export_value(json_object_get(params, "max")));
	if (strcmp(rr_n8n_string(json_object_get(params, "from"), "start"), "end") == 0)
		json_object_set_new(out->params, "keep", json_string("lastItems"));
}

void
rr_n8n_export_sort(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *by = json_object_get(params, "by");
	json_t	   *list = json_array();
	size_t		i;

	for (i = 0; i < json_array_size(by); i++)
	{
		json_t	   *key = json_array_get(by, i);

		json_array_append_new(list,
							  json_pack("{s:O, s:s}", "fieldName", json_object_get(key, "field"),
										"order",
										strcmp(rr_n8n_string(json_object_get(key, "order"), "asc"),
											   "desc") == 0 ? "descending" : "ascending"));
	}
	out->n8n_type = "sort";
	out->version = 1;
	if (rr_n8n_bool(json_object_get(params, "random"), false))
	{
		json_decref(list);
		out->params = json_pack("{s:s}", "type", "random");
		return;
	}
	out->params = json_pack("{s:{s:o}, s:o}", "sortFieldsUi", "sortField", list,
							"options", export_options(params));
}

void
rr_n8n_export_remove_duplicates(RrN8nContext *cx, json_t *params,
								RrN8nNode *out)
{
	json_t	   *fields = json_object_get(params, "fields");
	json_t	   *except = json_object_get(params, "except_fields");
	json_t	   *options = export_options(params);

	out->n8n_type = "removeDuplicates";
	out->version = 2;
	if (rr_n8n_bool(json_object_get(params, "remove_other_fields"), false))
		json_object_set_new(options, "removeOtherFields", json_true());
	out->params = json_pack("{s:s, s:o}", "operation", "removeDuplicateInputItems",
							"options", options);
	if (strcmp(rr_n8n_string(json_object_get(params, "scope"), "input"), "input") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "removing items seen by earlier executions has other parameters in n8n");
	if (json_array_size(fields) > 0)
	{
		json_object_set_new(out->params, "compare", json_string("selectedFields"));
		json_object_set_new(out->params, "fieldsToCompare", rr_n8n_join(fields));
	}
	else if (except != NULL)
	{
		json_object_set_new(out->params, "compare", json_string("allFieldsExcept"));
		json_object_set_new(out->params, "fieldsToExclude", rr_n8n_join(except));
	}
}
