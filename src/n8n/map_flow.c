/*-------------------------------------------------------------------------
 *
 * map_flow.c
 *		n8n's If, Filter and Switch nodes as if, filter and switch, and
 *		back.
 *
 * Their conditions translate in map_conditions.c.  If has the outputs
 * true and false; Switch v3 one output per rule (named by the rule's
 * output key when it is renamed, else by its position) and, with the
 * fallback output "extra", fallback.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "n8n/mappers.h"

/* The conditions of If and Filter, whichever the version */
static json_t *
import_node_conditions(RrN8nContext *cx, json_t *rest)
{
	json_t	   *conditions = rr_n8n_take(rest, "conditions");
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *loose = rr_n8n_take(rest, "looseTypeValidation");
	json_t	   *result;

	if (cx->version < 2)
	{
		const char *combine = rr_n8n_string(rr_n8n_take(rest, "combineOperation"),
											"all");
		const char *filter_combine = rr_n8n_string(rr_n8n_take(rest, "combineConditions"),
												   NULL);

		if (filter_combine != NULL)
			combine = strcmp(filter_combine, "OR") == 0 ? "any" : "all";
		if (!rr_n8n_is_empty(options))
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "the options of version 1 are not supported");
		return rr_n8n_import_v1_conditions(cx, conditions, combine);
	}
	if (json_is_object(options))
	{
		json_t	   *rest_options = json_copy(options);

		(void) rr_n8n_take(rest_options, "ignoreCase");
		(void) rr_n8n_take(rest_options, "looseTypeValidation");
		rr_n8n_leftovers(cx, rest_options, "option");
	}
	result = rr_n8n_import_conditions(cx, conditions, options,
									  rr_n8n_bool(loose, false));
	return result;
}

void
rr_n8n_import_if(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);

	out->rr_type = "if";
	out->params = json_pack("{s:o}", "conditions",
							import_node_conditions(cx, rest));
	out->outputs = rr_n8n_outputs("true", "false", NULL);
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_import_filter(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);

	out->rr_type = "filter";
	out->params = json_pack("{s:o}", "conditions",
							import_node_conditions(cx, rest));
	rr_n8n_leftovers(cx, rest, "parameter");
}

/*
 * Switch v3 in rules mode: rules.values[] of {conditions, renameOutput,
 * outputKey}, options {fallbackOutput, allMatchingOutputs, ignoreCase,
 * looseTypeValidation}.
 */
void
rr_n8n_import_switch(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *mode = rr_n8n_string(rr_n8n_take(rest, "mode"), "rules");
	json_t	   *rules = json_object_get(rr_n8n_take(rest, "rules"), "values");
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *loose = rr_n8n_take(rest, "looseTypeValidation");
	json_t	   *rest_options = json_is_object(options) ? json_copy(options) :
		rr_n8n_new_object();
	json_t	   *fallback = rr_n8n_take(rest_options, "fallbackOutput");
	json_t	   *rr_rules = json_array();
	size_t		i;

	out->rr_type = "switch";
	out->outputs = json_array();
	if (cx->version < 3)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "Switch before version 3 is not supported yet: replace the node by a Switch of version 3");
	if (strcmp(mode, "rules") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "mode \"%s\" is not supported (only \"rules\")", mode);
	for (i = 0; i < json_array_size(rules); i++)
	{
		json_t	   *rule = json_array_get(rules, i);
		json_t	   *rr_rule;
		char		position[24];

		rr_rule = json_pack("{s:o}", "conditions",
							rr_n8n_import_conditions(cx, json_object_get(rule, "conditions"),
													 options, rr_n8n_bool(loose, false)));
		if (rr_n8n_bool(json_object_get(rule, "renameOutput"), false) &&
			json_is_string(json_object_get(rule, "outputKey")))
		{
			json_object_set(rr_rule, "output", json_object_get(rule, "outputKey"));
			json_array_append(out->outputs, json_object_get(rule, "outputKey"));
		}
		else
		{
			snprintf(position, sizeof(position), "%zu", i);
			json_array_append_new(out->outputs, json_string(position));
		}
		json_array_append_new(rr_rules, rr_rule);
	}
	out->params = json_pack("{s:o}", "rules", rr_rules);
	if (rr_n8n_bool(rr_n8n_take(rest_options, "allMatchingOutputs"), false))
		json_object_set_new(out->params, "mode", json_string("all"));
	if (json_is_string(fallback) && strcmp(json_string_value(fallback), "extra") == 0)
	{
		json_object_set_new(out->params, "fallback", json_true());
		json_array_append_new(out->outputs, json_string("fallback"));
		(void) rr_n8n_take(rest_options, "renameFallbackOutput");
	}
	else if (fallback != NULL && !(json_is_string(fallback) &&
								   strcmp(json_string_value(fallback), "none") == 0))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a fallback into a rule's output is not supported yet (use \"extra\")");
	(void) rr_n8n_take(rest_options, "ignoreCase");
	(void) rr_n8n_take(rest_options, "looseTypeValidation");
	rr_n8n_leftovers(cx, rest_options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_export_if(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	out->n8n_type = "if";
	out->version = 2.2;
	out->params = json_pack("{s:o, s:{}}", "conditions",
							rr_n8n_export_conditions(cx, params), "options");
	out->outputs = rr_n8n_outputs("true", "false", NULL);
}

void
rr_n8n_export_filter(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	out->n8n_type = "filter";
	out->version = 2.2;
	out->params = json_pack("{s:o, s:{}}", "conditions",
							rr_n8n_export_conditions(cx, params), "options");
}

void
rr_n8n_export_switch(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *rules = json_object_get(params, "rules");
	json_t	   *values = json_array();
	json_t	   *options = rr_n8n_new_object();
	const char *mode = rr_n8n_string(json_object_get(params, "mode"), "first");
	size_t		i;

	out->n8n_type = "switch";
	out->version = 3.2;
	out->outputs = json_array();
	for (i = 0; i < json_array_size(rules); i++)
	{
		json_t	   *rule = json_array_get(rules, i);
		json_t	   *output = json_object_get(rule, "output");
		json_t	   *value;
		char		position[24];

		value = json_pack("{s:o}", "conditions",
						  rr_n8n_export_conditions(cx, rule));
		if (output != NULL)
		{
			json_object_set_new(value, "renameOutput", json_true());
			json_object_set(value, "outputKey", output);
			json_array_append(out->outputs, output);
		}
		else
		{
			snprintf(position, sizeof(position), "%zu", i);
			json_array_append_new(out->outputs, json_string(position));
		}
		json_array_append_new(values, value);
	}
	if (strcmp(mode, "all") == 0)
		json_object_set_new(options, "allMatchingOutputs", json_true());
	if (rr_n8n_bool(json_object_get(params, "fallback"), false))
	{
		json_object_set_new(options, "fallbackOutput", json_string("extra"));
		json_array_append_new(out->outputs, json_string("fallback"));
	}
	out->params = json_pack("{s:{s:o}, s:o}", "rules", "values", values,
							"options", options);
}
