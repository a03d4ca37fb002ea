/*-------------------------------------------------------------------------
 *
 * map_conditions.c
 *		n8n's conditions (the "filter" parameter of If v2, Filter v2 and
 *		Switch v3 rules, and the typed lists of If v1 and Filter v1) as the
 *		"conditions" param of if, filter and switch rules, and back.
 *
 * The conditions param is n8n's filter parameter with Reporunner's names:
 *   {"combinator": "and"|"or", "case_sensitive": bool,
 *    "type_validation": "strict"|"loose",
 *    "rules": [{"left": v, "right": v, "operator": {"type": t, "operation": o}}]}
 * with n8n's operator types and operation names verbatim, so a v2
 * condition translates one to one.  If v1's lists name operations
 * differently ("larger", "isEmpty") and compare loosely; they are renamed
 * to v2's operations and imported with loose type validation.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "n8n/n8n.h"

/* If v1 / Filter v1 operation names as v2's, per type */
typedef struct V1Operation
{
	const char *type;
	const char *v1;
	const char *v2;
} V1Operation;

static const V1Operation v1_operations[] = {
	{"boolean", "equal", "equals"},
	{"boolean", "notEqual", "notEquals"},
	{"number", "equal", "equals"},
	{"number", "notEqual", "notEquals"},
	{"number", "smaller", "lt"},
	{"number", "smallerEqual", "lte"},
	{"number", "larger", "gt"},
	{"number", "largerEqual", "gte"},
	{"number", "isEmpty", "empty"},
	{"number", "isNotEmpty", "notEmpty"},
	{"string", "equal", "equals"},
	{"string", "notEqual", "notEquals"},
	{"string", "contains", "contains"},
	{"string", "notContains", "notContains"},
	{"string", "startsWith", "startsWith"},
	{"string", "notStartsWith", "notStartsWith"},
	{"string", "endsWith", "endsWith"},
	{"string", "notEndsWith", "notEndsWith"},
	{"string", "regex", "regex"},
	{"string", "notRegex", "notRegex"},
	{"string", "isEmpty", "empty"},
	{"string", "isNotEmpty", "notEmpty"},
	{"dateTime", "after", "after"},
	{"dateTime", "before", "before"},
	{NULL}
};

/* Operations that take no right value (n8n's "singleValue") */
static const char *const single_value[] = {"exists", "notExists", "empty",
"notEmpty", "true", "false", NULL};

static bool
is_single_value(const char *operation)
{
	int			i;

	for (i = 0; single_value[i] != NULL; i++)
		if (strcmp(single_value[i], operation) == 0)
			return true;
	return false;
}

/*
 * A filter parameter ({options, conditions, combinator}) as the conditions
 * param.  options are the node's own options (ignoreCase,
 * looseTypeValidation), loose the node's looseTypeValidation parameter.
 */
json_t *
rr_n8n_import_conditions(RrN8nContext *cx, json_t *conditions,
						 json_t *options, bool loose)
{
	json_t	   *filter_options = json_object_get(conditions, "options");
	json_t	   *list = json_object_get(conditions, "conditions");
	json_t	   *rules = json_array();
	const char *combinator = rr_n8n_string(json_object_get(conditions, "combinator"),
										   "and");
	bool		case_sensitive;
	const char *validation;
	json_t	   *ignore_case = json_object_get(options, "ignoreCase");
	size_t		i;

	if (!json_is_object(conditions))
		rr_n8n_problem(cx, RR_N8N_INVALID, "conditions must be an object");
	if (strcmp(combinator, "and") != 0 && strcmp(combinator, "or") != 0)
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "combinator \"%s\" is not \"and\" or \"or\"", combinator);
	case_sensitive = rr_n8n_bool(json_object_get(filter_options, "caseSensitive"),
								 true);
	if (json_is_boolean(ignore_case))
		case_sensitive = !json_is_true(ignore_case);
	validation = rr_n8n_string(json_object_get(filter_options, "typeValidation"),
							   "strict");
	if (loose || rr_n8n_bool(json_object_get(options, "looseTypeValidation"), false))
		validation = "loose";

	for (i = 0; i < json_array_size(list); i++)
	{
		json_t	   *condition = json_array_get(list, i);
		json_t	   *operator = json_object_get(condition, "operator");
		const char *type = rr_n8n_string(json_object_get(operator, "type"), NULL);
		const char *operation = rr_n8n_string(json_object_get(operator, "operation"), NULL);
		json_t	   *left = json_object_get(condition, "leftValue");
		json_t	   *right = json_object_get(condition, "rightValue");
		json_t	   *rule;

		if (type == NULL || operation == NULL)
		{
			rr_n8n_problem(cx, RR_N8N_INVALID,
						   "condition %zu has no operator type and operation", i);
			continue;
		}
		rule = json_pack("{s:o, s:{s:s, s:s}}",
						 "left", left ? rr_n8n_value(cx, left) : json_string(""),
						 "operator", "type", type, "operation", operation);
		if (!is_single_value(operation) &&
			!rr_n8n_bool(json_object_get(operator, "singleValue"), false))
			json_object_set_new(rule, "right",
								right ? rr_n8n_value(cx, right) : json_string(""));
		json_array_append_new(rules, rule);
	}
	return json_pack("{s:s, s:b, s:s, s:o}", "combinator", combinator,
					 "case_sensitive", case_sensitive,
					 "type_validation", validation, "rules", rules);
}

/*
 * If v1's and Filter v1's conditions ({"boolean": [{value1, operation,
 * value2}], "number": [...], ...}, combined by "all" or "any") as the
 * conditions param.
 */
json_t *
rr_n8n_import_v1_conditions(RrN8nContext *cx, json_t *conditions,
							const char *combine)
{
	json_t	   *rules = json_array();
	const char *type;
	json_t	   *list;

	json_object_foreach(conditions, type, list)
	{
		size_t		i;

		for (i = 0; i < json_array_size(list); i++)
		{
			json_t	   *condition = json_array_get(list, i);
			const char *v1 = rr_n8n_string(json_object_get(condition, "operation"),
										   "equal");
			const char *v2 = NULL;
			json_t	   *left = json_object_get(condition, "value1");
			json_t	   *right = json_object_get(condition, "value2");
			int			o;

			for (o = 0; v1_operations[o].type != NULL; o++)
				if (strcmp(v1_operations[o].type, type) == 0 &&
					strcmp(v1_operations[o].v1, v1) == 0)
					v2 = v1_operations[o].v2;
			if (v2 == NULL)
			{
				rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
							   "the %s operation \"%s\" is not supported", type, v1);
				continue;
			}
			/* v1's defaults: "" for strings, 0 for numbers, false */
			if (left == NULL)
				left = json_string("");
			else
				json_incref(left);
			if (right == NULL)
				right = strcmp(type, "number") == 0 ? json_integer(0) :
					strcmp(type, "boolean") == 0 ? json_false() : json_string("");
			else
				json_incref(right);
			json_array_append_new(rules,
								  json_pack("{s:o, s:o, s:{s:s, s:s}}",
											"left", rr_n8n_value(cx, left),
											"right", rr_n8n_value(cx, right),
											"operator", "type", type,
											"operation", v2));
			json_decref(left);
			json_decref(right);
		}
	}
	return json_pack("{s:s, s:b, s:s, s:o}",
					 "combinator", strcmp(combine, "any") == 0 ? "or" : "and",
					 "case_sensitive", true, "type_validation", "loose",
					 "rules", rules);
}

/*
 * The conditions param as n8n's filter parameter (version 2), or the
 * condition param (one boolean expression) as a filter testing that it
 * is true.
 */
json_t *
rr_n8n_export_conditions(RrN8nContext *cx, json_t *params)
{
	json_t	   *conditions = json_object_get(params, "conditions");
	json_t	   *condition = json_object_get(params, "condition");
	json_t	   *list = json_array();
	json_t	   *rules;
	size_t		i;
	char		id[32];

	if (conditions == NULL)
	{
		json_array_append_new(list,
							  json_pack("{s:s, s:o, s:s, s:{s:s, s:s, s:b}}",
										"id", "1",
										"leftValue", json_string_value(condition) ?
										rr_n8n_export_value(condition) : json_string(""),
										"rightValue", "",
										"operator", "type", "boolean",
										"operation", "true", "singleValue", true));
		return json_pack("{s:{s:b, s:s, s:s, s:i}, s:o, s:s}",
						 "options", "caseSensitive", true, "leftValue", "",
						 "typeValidation", "strict", "version", 2,
						 "conditions", list, "combinator", "and");
	}
	rules = json_object_get(conditions, "rules");
	for (i = 0; i < json_array_size(rules); i++)
	{
		json_t	   *rule = json_array_get(rules, i);
		json_t	   *operator = json_object_get(rule, "operator");
		json_t	   *right = json_object_get(rule, "right");
		const char *operation = rr_n8n_string(json_object_get(operator, "operation"), "");
		json_t	   *n8n_operator;

		n8n_operator = json_pack("{s:O, s:O}", "type", json_object_get(operator, "type"),
								 "operation", json_object_get(operator, "operation"));
		if (is_single_value(operation))
			json_object_set_new(n8n_operator, "singleValue", json_true());
		snprintf(id, sizeof(id), "%zu", i + 1);
		json_array_append_new(list,
							  json_pack("{s:s, s:o, s:o, s:o}", "id", id,
										"leftValue", rr_n8n_export_value(json_object_get(rule, "left")),
										"rightValue", right ? rr_n8n_export_value(right) : json_string(""),
										"operator", n8n_operator));
	}
	return json_pack("{s:{s:b, s:s, s:s, s:i}, s:o, s:s}",
					 "options",
					 "caseSensitive",
					 rr_n8n_bool(json_object_get(conditions, "case_sensitive"), true),
					 "leftValue", "",
					 "typeValidation",
					 rr_n8n_string(json_object_get(conditions, "type_validation"), "strict"),
					 "version", 2,
					 "conditions", list,
					 "combinator",
					 rr_n8n_string(json_object_get(conditions, "combinator"), "and"));
}
