/*-------------------------------------------------------------------------
 *
 * import.c
 *		n8n's exported workflow JSON as a Reporunner document.
 *
 * Each node goes through the mapper of its type and version (mappers.c),
 * which translates its parameters; this file translates what every node
 * has (n8n's node settings: retries, error handling, always output data,
 * execute once, disabled, notes, position), the connections (n8n keys
 * them by the source node's name and numbers outputs; the mappers say
 * which Reporunner output each number is), the settings and pinData.
 *
 * Nothing is refused at the first problem: every node is translated and
 * every problem is collected, so that one error can list them all.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "n8n/n8n.h"

#define N8N_PREFIX "n8n-nodes-base."

/* Types that only draw on n8n's canvas: left out */
static const char *const canvas_only[] = {"stickyNote", NULL};

/* The mapper row for type and version, or NULL after adding a problem */
static const RrN8nMapper *
find_mapper(RrN8nContext *cx, const char *type, double version)
{
	const RrN8nMapper *known = NULL;
	int			i;

	if (strncmp(type, N8N_PREFIX, strlen(N8N_PREFIX)) != 0)
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "only nodes of n8n-nodes-base have Reporunner counterparts");
		return NULL;
	}
	type += strlen(N8N_PREFIX);
	for (i = 0; i < rr_n8n_mapper_count; i++)
	{
		const RrN8nMapper *m = &rr_n8n_mappers[i];

		if (strcmp(m->n8n_type, type) != 0)
			continue;
		if (m->import == NULL)
		{
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED, "%s", m->refusal);
			return NULL;
		}
		known = m;
		if (version >= m->min_version && version <= m->max_version)
			return m;
	}
	if (known != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "typeVersion %g is not supported", version);
	else
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "this node type has no Reporunner counterpart yet");
	return NULL;
}

/*
 * n8n's node settings as the node's fields; returns whether the node gets
 * the extra "error" output (n8n's "continueErrorOutput").
 */
static bool
import_settings(RrN8nContext *cx, json_t *rest, json_t *node)
{
	json_t	   *value;
	json_t	   *tries;
	json_t	   *wait;
	const char *on_error;
	bool		retry;

	if (rr_n8n_bool(rr_n8n_take(rest, "disabled"), false))
		json_object_set_new(node, "disabled", json_true());
	value = rr_n8n_take(rest, "notes");
	if (json_is_string(value) && json_string_length(value) > 0)
		json_object_set(node, "notes", value);
	(void) rr_n8n_take(rest, "notesInFlow");
	if (rr_n8n_bool(rr_n8n_take(rest, "alwaysOutputData"), false))
		json_object_set_new(node, "always_output_data", json_true());
	if (rr_n8n_bool(rr_n8n_take(rest, "executeOnce"), false))
		json_object_set_new(node, "execute_once", json_true());

	/* n8n: maxTries 3 and waitBetweenTries 1000 ms unless set */
	retry = rr_n8n_bool(rr_n8n_take(rest, "retryOnFail"), false);
	tries = rr_n8n_take(rest, "maxTries");
	wait = rr_n8n_take(rest, "waitBetweenTries");
	if (retry)
		json_object_set_new(node, "retry",
							json_pack("{s:I, s:o}", "tries",
									  (json_int_t) (json_is_number(tries) ?
													json_number_value(tries) : 3),
									  "delay",
									  json_sprintf("%lldms", (long long)
												   (json_is_number(wait) ?
													json_number_value(wait) : 1000))));

	on_error = rr_n8n_string(rr_n8n_take(rest, "onError"), NULL);
	if (rr_n8n_bool(rr_n8n_take(rest, "continueOnFail"), false) &&
		on_error == NULL)
		on_error = "continueRegularOutput";
	if (on_error == NULL || strcmp(on_error, "stopWorkflow") == 0)
		return false;
	if (strcmp(on_error, "continueRegularOutput") == 0)
	{
		json_object_set_new(node, "on_error", json_string("continue"));
		return false;
	}
	if (strcmp(on_error, "continueErrorOutput") == 0)
	{
		json_object_set_new(node, "on_error", json_string("error_output"));
		return true;
	}
	rr_n8n_problem(cx, RR_N8N_INVALID, "onError \"%s\" is not one of n8n's",
				   on_error);
	return false;
}

/*
 * One n8n node as a Reporunner node appended to nodes; its output names
 * go to outputs[name], a trigger it makes to triggers.
 */
static void
import_node(json_t *n8n_node, int index, json_t *options, json_t *nodes,
			json_t *outputs, json_t *triggers, json_t *problems)
{
	RrN8nContext cx = {0};
	RrN8nNode	out = {0};
	const RrN8nMapper *mapper;
	json_t	   *rest;
	json_t	   *node;
	json_t	   *value;
	json_t	   *parameters;
	const char *short_type;
	char		label[32];
	bool		error_output;
	int			i;

	cx.problems = problems;
	cx.options = options;
	if (!json_is_object(n8n_node))
	{
		snprintf(label, sizeof(label), "nodes[%d]", index);
		cx.node = label;
		rr_n8n_problem(&cx, RR_N8N_INVALID, "a node must be an object");
		return;
	}
	rest = json_copy(n8n_node);
	cx.node = rr_n8n_string(rr_n8n_take(rest, "name"), NULL);
	cx.type = rr_n8n_string(rr_n8n_take(rest, "type"), NULL);
	value = rr_n8n_take(rest, "typeVersion");
	cx.version = json_is_number(value) ? json_number_value(value) : 1;
	if (cx.node == NULL || cx.type == NULL)
	{
		snprintf(label, sizeof(label), "nodes[%d]", index);
		cx.node = cx.node ? cx.node : label;
		rr_n8n_problem(&cx, RR_N8N_INVALID, "a node needs a name and a type");
		json_decref(rest);
		return;
	}
	short_type = strncmp(cx.type, N8N_PREFIX, strlen(N8N_PREFIX)) == 0 ?
		cx.type + strlen(N8N_PREFIX) : cx.type;
	for (i = 0; canvas_only[i] != NULL; i++)
		if (strcmp(short_type, canvas_only[i]) == 0)
		{
			json_decref(rest);
			return;
		}

	node = json_pack("{s:s}", "name", cx.node);
	(void) rr_n8n_take(rest, "id");
	(void) rr_n8n_take(rest, "webhookId");
	value = rr_n8n_take(rest, "position");
	if (json_is_array(value) && json_array_size(value) == 2 &&
		json_is_number(json_array_get(value, 0)) &&
		json_is_number(json_array_get(value, 1)))
		json_object_set(node, "position", value);
	error_output = import_settings(&cx, rest, node);
	mapper = find_mapper(&cx, cx.type, cx.version);
	if (!rr_n8n_is_empty(rr_n8n_take(rest, "credentials")) &&
		(mapper == NULL || !mapper->own_database))
		rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
					   "credentials are not imported: make a Reporunner credential and name it in the node's params");
	parameters = rr_n8n_take(rest, "parameters");
	if (parameters != NULL && !json_is_object(parameters))
		rr_n8n_problem(&cx, RR_N8N_INVALID, "parameters must be an object");
	rr_n8n_leftovers(&cx, rest, "node field");

	if (mapper != NULL)
	{
		json_t	   *empty = rr_n8n_new_object();

		mapper->import(&cx, json_is_object(parameters) ? parameters : empty,
					   &out);
		json_decref(empty);
	}
	if (out.rr_type != NULL)
		json_object_set_new(node, "type", json_string(out.rr_type));
	if (out.params != NULL && json_object_size(out.params) > 0)
		json_object_set(node, "params", out.params);
	json_decref(out.params);
	if (out.outputs == NULL)
		out.outputs = rr_n8n_outputs("main", NULL);
	if (error_output)
		json_array_append_new(out.outputs, json_string("error"));
	json_object_set_new(outputs, cx.node, out.outputs);
	if (out.trigger != NULL)
		json_array_extend(triggers, out.trigger);
	json_decref(out.trigger);
	json_array_append_new(nodes, node);
}

/* n8n's connections of node from, given as {"main": [[{node, index}]]} */
static void
import_connections(const char *from, json_t *by_type, json_t *outputs,
				   json_t *connections, json_t *problems)
{
	RrN8nContext cx = {0};
	json_t	   *names = json_object_get(outputs, from);
	const char *kind;
	json_t	   *lists;

	cx.problems = problems;
	cx.node = from;
	if (names == NULL)
	{
		rr_n8n_problem(&cx, RR_N8N_INVALID,
					   "connections come from a node that is not in the workflow");
		return;
	}
	json_object_foreach(by_type, kind, lists)
	{
		size_t		o;

		if (strcmp(kind, "main") != 0)
		{
			rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
						   "connections of type \"%s\" are not supported", kind);
			continue;
		}
		for (o = 0; o < json_array_size(lists); o++)
		{
			json_t	   *list = json_array_get(lists, o);
			size_t		c;

			for (c = 0; c < json_array_size(list); c++)
			{
				json_t	   *target = json_array_get(list, c);
				const char *to = rr_n8n_string(json_object_get(target, "node"), NULL);
				json_t	   *input = json_object_get(target, "index");
				json_t	   *connection;
				const char *output;

				if (to == NULL)
				{
					rr_n8n_problem(&cx, RR_N8N_INVALID,
								   "a connection names no target node");
					continue;
				}
				if (o >= json_array_size(names))
				{
					rr_n8n_problem(&cx, RR_N8N_INVALID,
								   "the node has no output %zu", o);
					continue;
				}
				output = json_string_value(json_array_get(names, o));
				connection = json_pack("{s:s}", "from", from);
				if (strcmp(output, "main") != 0)
					json_object_set_new(connection, "output", json_string(output));
				json_object_set_new(connection, "to", json_string(to));
				if (json_is_integer(input) && json_integer_value(input) != 0)
					json_object_set(connection, "input", input);
				json_array_append_new(connections, connection);
			}
		}
	}
}

/* n8n's workflow settings as Reporunner's */
static json_t *
import_workflow_settings(json_t *settings, json_t *problems)
{
	RrN8nContext cx = {0};
	json_t	   *out = rr_n8n_new_object();
	json_t	   *rest = json_is_object(settings) ? json_copy(settings) :
		rr_n8n_new_object();
	json_t	   *value;
	const char *success;
	const char *error;

	cx.problems = problems;
	cx.node = "";
	cx.type = "settings";
	value = rr_n8n_take(rest, "timezone");
	if (json_is_string(value) && strcmp(json_string_value(value), "DEFAULT") != 0)
		json_object_set(out, "timezone", value);
	value = rr_n8n_take(rest, "executionTimeout");
	if (json_is_number(value) && json_number_value(value) > 0)
		json_object_set_new(out, "timeout",
							json_sprintf("%llds", (long long) json_number_value(value)));
	success = rr_n8n_string(rr_n8n_take(rest, "saveDataSuccessExecution"), "all");
	error = rr_n8n_string(rr_n8n_take(rest, "saveDataErrorExecution"), "all");
	if (strcmp(success, "none") == 0)
		json_object_set_new(out, "save",
							json_string(strcmp(error, "none") == 0 ? "none" : "errors"));
	if (!rr_n8n_is_empty(rr_n8n_take(rest, "errorWorkflow")))
		rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
					   "settings.errorWorkflow names an n8n workflow id: set settings.error_workflow to a Reporunner workflow's name instead");
	/* n8n runs a workflow without executionOrder in its legacy v0 order */
	value = rr_n8n_take(rest, "executionOrder");
	if (value == NULL || json_is_null(value) ||
		(json_is_string(value) && strcmp(json_string_value(value), "v0") == 0))
		json_object_set_new(out, "execution_order", json_string("v0"));
	else if (!json_is_string(value) ||
			 strcmp(json_string_value(value), "v1") != 0)
		rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
					   "settings.executionOrder is neither \"v0\" nor \"v1\"");
	/* how n8n runs and stores executions, not what they do */
	(void) rr_n8n_take(rest, "saveManualExecutions");
	(void) rr_n8n_take(rest, "saveExecutionProgress");
	(void) rr_n8n_take(rest, "callerPolicy");
	(void) rr_n8n_take(rest, "callerIds");
	(void) rr_n8n_take(rest, "timeSavedPerExecution");
	(void) rr_n8n_take(rest, "availableInMCP");
	rr_n8n_leftovers(&cx, rest, "setting");
	return out;
}

/* pinData, {"node": [{"json": {...}}]}, as pin_data, {"node": [{...}]} */
static json_t *
import_pin_data(json_t *pin_data, json_t *problems)
{
	json_t	   *out = rr_n8n_new_object();
	const char *name;
	json_t	   *items;

	json_object_foreach(pin_data, name, items)
	{
		RrN8nContext cx = {0};
		json_t	   *list = json_array();
		size_t		i;

		cx.problems = problems;
		cx.node = name;
		cx.type = "pinData";
		for (i = 0; i < json_array_size(items); i++)
		{
			json_t	   *item = json_array_get(items, i);
			json_t	   *data = json_object_get(item, "json");

			if (json_object_get(item, "binary") != NULL)
				rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
							   "pinned binary data is not supported");
			/* n8n also accepts items pinned without their "json" wrapper */
			json_array_append(list, json_is_object(data) ? data : item);
		}
		json_object_set_new(out, name, list);
	}
	return out;
}

json_t *
rr_n8n_import(json_t *workflow, json_t *options, json_t *problems)
{
	RrN8nContext cx = {0};
	json_t	   *document = rr_n8n_new_object();
	json_t	   *nodes = json_array();
	json_t	   *connections = json_array();
	json_t	   *triggers = json_array();
	json_t	   *outputs = rr_n8n_new_object();
	json_t	   *n8n_nodes = json_object_get(workflow, "nodes");
	json_t	   *n8n_connections = json_object_get(workflow, "connections");
	json_t	   *settings;
	json_t	   *pin_data;
	const char *from;
	json_t	   *by_type;
	size_t		i;

	cx.problems = problems;
	cx.node = "";
	cx.type = "workflow";
	if (!json_is_array(n8n_nodes))
		rr_n8n_problem(&cx, RR_N8N_INVALID,
					   "an n8n workflow is an object with an array \"nodes\"");
	for (i = 0; i < json_array_size(n8n_nodes); i++)
		import_node(json_array_get(n8n_nodes, i), (int) i, options, nodes,
					outputs, triggers, problems);
	json_object_foreach(n8n_connections, from, by_type)
		import_connections(from, by_type, outputs, connections, problems);

	json_object_set_new(document, "nodes", nodes);
	if (json_array_size(connections) > 0)
		json_object_set_new(document, "connections", connections);
	else
		json_decref(connections);
	settings = import_workflow_settings(json_object_get(workflow, "settings"),
										problems);
	if (json_object_size(settings) > 0)
		json_object_set_new(document, "settings", settings);
	else
		json_decref(settings);
	pin_data = import_pin_data(json_object_get(workflow, "pinData"), problems);
	if (json_object_size(pin_data) > 0)
		json_object_set_new(document, "pin_data", pin_data);
	else
		json_decref(pin_data);
	if (json_array_size(triggers) > 0)
		json_object_set_new(document, "triggers", triggers);
	else
		json_decref(triggers);
	json_decref(outputs);
	return document;
}
