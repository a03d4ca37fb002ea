/*-------------------------------------------------------------------------
 *
 * map_misc.c
 *		n8n's No Operation, Stop and Error, Wait, Execute Workflow and
 *		Postgres (Execute Query) nodes as noop, stop_and_error, wait,
 *		execute_workflow and sql, and back.
 *
 * Execute Workflow names its sub-workflow by n8n's workflow id; the
 * import option "workflows" maps such ids to Reporunner workflow names,
 * and a call of an id it does not map is refused.  Postgres runs its
 * query in the database Reporunner runs in: its query must be fixed text
 * (values go in as "Query Parameters", which become the sql node's args).
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "n8n/mappers.h"

void
rr_n8n_import_noop(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	out->rr_type = "noop";
	rr_n8n_leftovers(cx, json_copy(parameters), "parameter");
}

void
rr_n8n_import_stop_and_error(RrN8nContext *cx, json_t *parameters,
							 RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *type = rr_n8n_string(rr_n8n_take(rest, "errorType"), "errorMessage");
	json_t	   *message = rr_n8n_take(rest, "errorMessage");

	out->rr_type = "stop_and_error";
	if (strcmp(type, "errorMessage") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "an error object is not supported yet (an error message is)");
	(void) rr_n8n_take(rest, "errorObject");
	out->params = json_pack("{s:o}", "message",
							message ? rr_n8n_value(cx, message) : json_string(""));
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_import_wait(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *resume = rr_n8n_string(rr_n8n_take(rest, "resume"), "timeInterval");

	out->rr_type = "wait";
	if (strcmp(resume, "timeInterval") == 0)
	{
		json_t	   *amount = rr_n8n_take(rest, "amount");
		const char *unit = rr_n8n_string(rr_n8n_take(rest, "unit"), "hours");

		if (amount != NULL && !json_is_number(amount))
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "a wait amount computed by an expression is not supported yet");
		out->params = json_pack("{s:o}", "for",
								json_sprintf("%g %s", json_is_number(amount) ?
											 json_number_value(amount) : 1.0, unit));
	}
	else if (strcmp(resume, "specificTime") == 0)
	{
		json_t	   *until = json_object_get(rest, "dateTime");

		out->params = json_pack("{s:o}", "until",
								until ? rr_n8n_value(cx, until) : json_string(""));
	}
	else
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "resuming on \"%s\" is not supported yet (inbound webhooks are not built); use reporunner.resume()",
					   resume);
	(void) rr_n8n_take(rest, "dateTime");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/* Execute Workflow: the sub-workflow by n8n id, named by options */
void
rr_n8n_import_execute_workflow(RrN8nContext *cx, json_t *parameters,
							   RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *source = rr_n8n_string(rr_n8n_take(rest, "source"), "database");
	json_t	   *id = rr_n8n_take(rest, "workflowId");
	const char *mode = rr_n8n_string(rr_n8n_take(rest, "mode"), "once");
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *inputs = rr_n8n_take(rest, "workflowInputs");
	json_t	   *name;
	const char *key;

	out->rr_type = "execute_workflow";
	out->params = rr_n8n_new_object();
	if (strcmp(source, "database") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a sub-workflow from \"%s\" is not supported (only a saved workflow)",
					   source);
	if (json_is_object(id))
		id = json_object_get(id, "value");
	key = rr_n8n_string(id, "");
	name = json_object_get(json_object_get(cx->options, "workflows"), key);
	if (json_is_string(name))
		json_object_set(out->params, "workflow", name);
	else
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "the sub-workflow is n8n's workflow \"%s\": name the Reporunner workflow for it in the option \"workflows\"",
					   key);
	if (strcmp(mode, "each") == 0)
		json_object_set_new(out->params, "per_item", json_true());
	if (!rr_n8n_bool(json_object_get(options, "waitForSubWorkflow"), true))
		json_object_set_new(out->params, "mode", json_string("fire_and_forget"));
	if (json_is_object(inputs) && !rr_n8n_is_empty(json_object_get(inputs, "value")))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "mapped workflow inputs are not supported yet; pass the items through");
	if (json_is_object(options))
	{
		json_t	   *rest_options = json_copy(options);

		(void) rr_n8n_take(rest_options, "waitForSubWorkflow");
		rr_n8n_leftovers(cx, rest_options, "option");
	}
	rr_n8n_leftovers(cx, rest, "parameter");
}

/*
 * Postgres "Query Parameters": one expression giving the array, or a
 * list separated by commas outside {{ }}.
 */
static json_t *
query_args(RrN8nContext *cx, json_t *replacement)
{
	json_t	   *value = rr_n8n_value(cx, replacement);
	const char *text = rr_n8n_string(value, "");
	json_t	   *args = json_array();
	const char *start = text;
	const char *c;
	int			depth = 0;

	if (!json_is_string(value))
	{
		json_decref(args);
		return value;
	}
	for (c = text;; c++)
	{
		if (c[0] == '{' && c[1] == '{')
			depth++, c++;
		else if (c[0] == '}' && c[1] == '}' && depth > 0)
			depth--, c++;
		else if ((*c == ',' && depth == 0) || *c == '\0')
		{
			const char *s = start;
			size_t		len = c - start;

			while (len > 0 && *s == ' ')
				s++, len--;
			while (len > 0 && s[len - 1] == ' ')
				len--;
			if (len > 0)
				json_array_append_new(args, json_stringn(s, len));
			if (*c == '\0')
				break;
			start = c + 1;
		}
	}
	json_decref(value);
	if (json_array_size(args) == 1 && rr_n8n_string(json_array_get(args, 0), "")[0] == '{')
	{
		/* one expression: n8n takes an array it gives as the list */
		value = json_incref(json_array_get(args, 0));
		json_decref(args);
		return value;
	}
	return args;
}

void
rr_n8n_import_postgres(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *operation = rr_n8n_string(rr_n8n_take(rest, "operation"),
										  cx->version < 2 ? "insert" : "insert");
	json_t	   *query = rr_n8n_take(rest, "query");
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *rest_options = json_is_object(options) ? json_copy(options) :
		rr_n8n_new_object();
	json_t	   *replacement = rr_n8n_take(rest_options, "queryReplacement");

	out->rr_type = "sql";
	out->params = rr_n8n_new_object();
	if (strcmp(operation, "executeQuery") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "the operation \"%s\" is not supported yet (only \"Execute Query\"; write the statement)",
					   operation);
	if (json_is_string(query))
	{
		json_t	   *text = rr_n8n_value(cx, query);

		if (strstr(json_string_value(text), "{{") != NULL)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "a query with expressions inside is not supported: pass the values as Query Parameters ($1, $2, ...)");
		json_object_set_new(out->params, "query", text);
	}
	if (replacement != NULL && !rr_n8n_is_empty(replacement))
		json_object_set_new(out->params, "args", query_args(cx, replacement));
	(void) rr_n8n_take(rest, "resource");
	(void) rr_n8n_take(rest_options, "queryBatching");
	rr_n8n_leftovers(cx, rest_options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_export_noop(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	out->n8n_type = "noOp";
	out->version = 1;
	out->params = rr_n8n_new_object();
}

void
rr_n8n_export_stop_and_error(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	out->n8n_type = "stopAndError";
	out->version = 1;
	out->params = json_pack("{s:o}", "errorMessage",
							rr_n8n_export_value(json_object_get(params, "message")));
	if (json_object_get(params, "code") != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "an error code has no counterpart in n8n's Stop and Error node");
}

void
rr_n8n_export_wait(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *until = json_object_get(params, "until");
	const char *duration = rr_n8n_string(json_object_get(params, "for"), NULL);
	double		amount;
	char		unit[16];

	out->n8n_type = "wait";
	out->version = 1.1;
	if (until != NULL)
		out->params = json_pack("{s:s, s:o}", "resume", "specificTime",
								"dateTime", rr_n8n_export_value(until));
	else if (duration != NULL &&
			 sscanf(duration, "%lf %15s", &amount, unit) == 2 &&
			 (strcmp(unit, "seconds") == 0 || strcmp(unit, "minutes") == 0 ||
			  strcmp(unit, "hours") == 0 || strcmp(unit, "days") == 0))
		out->params = json_pack("{s:s, s:f, s:s}", "resume", "timeInterval",
								"amount", amount, "unit", unit);
	else
	{
		out->params = rr_n8n_new_object();
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   duration ? "write the duration as n8n's amount and unit (\"5 minutes\")" :
					   "waiting for resume() has no counterpart in n8n");
	}
}

void
rr_n8n_export_execute_workflow(RrN8nContext *cx, json_t *params,
							   RrN8nNode *out)
{
	out->n8n_type = "executeWorkflow";
	out->version = 1.1;
	out->params = json_pack("{s:s, s:O, s:s, s:{s:b}}", "source", "database",
							"workflowId", json_object_get(params, "workflow"),
							"mode",
							rr_n8n_bool(json_object_get(params, "per_item"), false) ?
							"each" : "once",
							"options", "waitForSubWorkflow",
							strcmp(rr_n8n_string(json_object_get(params, "mode"), "wait"),
								   "wait") == 0);
	if (json_object_get(params, "input") != NULL ||
		json_object_get(params, "version") != NULL ||
		json_object_get(params, "owner") != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "input, version and owner have no counterpart in n8n's Execute Workflow node");
}

void
rr_n8n_export_sql(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *args = json_object_get(params, "args");

	out->n8n_type = "postgres";
	out->version = 2.5;
	out->params = json_pack("{s:s, s:O, s:{}}", "operation", "executeQuery",
							"query", json_object_get(params, "query"), "options");
	if (strcmp(rr_n8n_string(json_object_get(params, "mode"), "per_item"), "once") == 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "running the query once for all items has no counterpart in n8n's Postgres node");
	if (json_is_string(args))
		json_object_set_new(json_object_get(out->params, "options"),
							"queryReplacement", rr_n8n_export_value(args));
	else if (json_array_size(args) > 0)
	{
		json_t	   *joined = rr_n8n_join(args);

		json_object_set_new(json_object_get(out->params, "options"),
							"queryReplacement", rr_n8n_export_value(joined));
		json_decref(joined);
	}
}
