/*-------------------------------------------------------------------------
 *
 * export.c
 *		A Reporunner document as n8n 1.x workflow JSON.
 *
 * Each node goes through the mapper row that exports its type
 * (mappers.c); this file writes what every node has (id, position, node
 * settings), n8n's connections (keyed by the source node's name, outputs
 * numbered as the mapper says), settings and pinData.  The workflow's
 * schedules make its trigger node a Schedule Trigger, its webhook trigger
 * a Webhook node.  What has no n8n
 * counterpart is collected as problems, like the import's, so that
 * export_workflow() fails with one error listing them all rather than
 * write a workflow that runs differently.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "n8n/n8n.h"

/* The mapper row that exports type, or NULL */
static const RrN8nMapper *
export_mapper(const char *type)
{
	int			i;

	for (i = 0; i < rr_n8n_mapper_count; i++)
		if (rr_n8n_mappers[i].rr_type != NULL &&
			strcmp(rr_n8n_mappers[i].rr_type, type) == 0)
			return &rr_n8n_mappers[i];
	return NULL;
}

/* A stable id in n8n's format (8-4-4-4-12 hex digits) from the node's name */
static json_t *
node_id(const char *name)
{
	unsigned long long a = 14695981039346656037ULL;
	unsigned long long b = 1099511628211ULL * 31;
	const unsigned char *c;

	for (c = (const unsigned char *) name; *c; c++)
	{
		a = (a ^ *c) * 1099511628211ULL;
		b = (b ^ *c) * 1469598103934665603ULL + 7;
	}
	return json_sprintf("%08llx-%04llx-%04llx-%04llx-%012llx",
						a >> 32, (a >> 16) & 0xffff, a & 0xffff,
						b >> 48, b & 0xffffffffffffULL);
}

/* A duration written "<digits>ms" or "<digits>s" in milliseconds, else -1 */
static long long
duration_ms(json_t *duration)
{
	long long	n;
	char		unit[4] = "";

	if (!json_is_string(duration) ||
		sscanf(json_string_value(duration), "%lld%3s", &n, unit) != 2 || n < 0)
		return -1;
	if (strcmp(unit, "ms") == 0)
		return n;
	if (strcmp(unit, "s") == 0)
		return n * 1000;
	return -1;
}

/* The node's fields as n8n's node settings, into n8n_node */
static void
export_settings(RrN8nContext *cx, json_t *node, json_t *n8n_node)
{
	json_t	   *retry = json_object_get(node, "retry");
	const char *on_error = rr_n8n_string(json_object_get(node, "on_error"), "stop");

	if (rr_n8n_bool(json_object_get(node, "disabled"), false))
		json_object_set_new(n8n_node, "disabled", json_true());
	if (json_is_string(json_object_get(node, "notes")))
		json_object_set(n8n_node, "notes", json_object_get(node, "notes"));
	if (rr_n8n_bool(json_object_get(node, "always_output_data"), false))
		json_object_set_new(n8n_node, "alwaysOutputData", json_true());
	if (rr_n8n_bool(json_object_get(node, "execute_once"), false))
		json_object_set_new(n8n_node, "executeOnce", json_true());
	if (retry != NULL)
	{
		json_t	   *tries = json_object_get(retry, "tries");
		long long	delay = json_object_get(retry, "delay") ?
			duration_ms(json_object_get(retry, "delay")) : 0;

		json_object_set_new(n8n_node, "retryOnFail", json_true());
		json_object_set_new(n8n_node, "maxTries",
							json_integer(json_is_integer(tries) ?
										 json_integer_value(tries) : 1));
		json_object_set_new(n8n_node, "waitBetweenTries", json_integer(delay < 0 ? 0 : delay));
		if (delay < 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "write retry.delay in milliseconds or seconds (\"1000ms\") for n8n");
		if (json_object_get(retry, "backoff") || json_object_get(retry, "max_delay") ||
			json_object_get(retry, "jitter"))
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "retry backoff, max_delay and jitter have no counterpart in n8n");
	}
	if (strcmp(on_error, "continue") == 0)
		json_object_set_new(n8n_node, "onError", json_string("continueRegularOutput"));
	else if (strcmp(on_error, "error_output") == 0)
		json_object_set_new(n8n_node, "onError", json_string("continueErrorOutput"));
	if (json_object_get(node, "timeout") != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a node timeout has no counterpart in n8n");
}

/* One node as an n8n node; its n8n output names go to outputs[name] */
static json_t *
export_node(json_t *node, int index, json_t *starts, json_t *outputs,
			json_t *problems)
{
	RrN8nContext cx = {0};
	RrN8nNode	out = {0};
	const RrN8nMapper *mapper;
	json_t	   *n8n_node;
	json_t	   *params = json_object_get(node, "params");
	json_t	   *position = json_object_get(node, "position");
	json_t	   *own = NULL;

	cx.problems = problems;
	cx.node = rr_n8n_string(json_object_get(node, "name"), "");
	cx.type = rr_n8n_string(json_object_get(node, "type"), "");
	mapper = export_mapper(cx.type);
	if (mapper == NULL)
	{
		rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
					   "node type \"%s\" has no counterpart in n8n", cx.type);
		return NULL;
	}
	if (strcmp(cx.type, "trigger") == 0)
		params = starts;
	else if (params == NULL)
		params = own = rr_n8n_new_object();
	mapper->export(&cx, params, &out);
	json_decref(own);

	n8n_node = json_pack("{s:o, s:s, s:o, s:f, s:o, s:o}",
						 "id", node_id(cx.node),
						 "name", cx.node,
						 "type", json_sprintf("n8n-nodes-base.%s", out.n8n_type),
						 "typeVersion", out.version,
						 "position", position ? json_incref(position) :
						 json_pack("[i, i]", 220 * index, 0),
						 "parameters", out.params ? out.params : rr_n8n_new_object());
	/* whole versions as integers, as n8n writes them */
	if (out.version == (double) (json_int_t) out.version)
		json_object_set_new(n8n_node, "typeVersion",
							json_integer((json_int_t) out.version));
	/* n8n gives every Webhook node an id of its own */
	if (out.n8n_type != NULL && strcmp(out.n8n_type, "webhook") == 0)
		json_object_set_new(n8n_node, "webhookId",
							node_id(rr_n8n_string(json_object_get(out.params, "path"), "")));
	export_settings(&cx, node, n8n_node);
	if (out.outputs == NULL)
		out.outputs = rr_n8n_outputs("main", NULL);
	if (strcmp(rr_n8n_string(json_object_get(node, "on_error"), ""), "error_output") == 0)
		json_array_append_new(out.outputs, json_string("error"));
	json_object_set_new(outputs, cx.node, out.outputs);
	return n8n_node;
}

/* The document's connections as n8n's */
static json_t *
export_connections(json_t *connections, json_t *outputs, json_t *problems)
{
	json_t	   *n8n = rr_n8n_new_object();
	size_t		i;

	for (i = 0; i < json_array_size(connections); i++)
	{
		json_t	   *c = json_array_get(connections, i);
		const char *from = rr_n8n_string(json_object_get(c, "from"), "");
		const char *output = rr_n8n_string(json_object_get(c, "output"), "main");
		json_t	   *names = json_object_get(outputs, from);
		json_t	   *input = json_object_get(c, "input");
		json_t	   *main;
		size_t		o;

		if (names == NULL)
			continue;			/* its node was refused */
		for (o = 0; o < json_array_size(names); o++)
			if (strcmp(json_string_value(json_array_get(names, o)), output) == 0)
				break;
		if (o == json_array_size(names))
		{
			RrN8nContext cx = {0};

			cx.problems = problems;
			cx.node = from;
			rr_n8n_problem(&cx, RR_N8N_INVALID, "the node has no output \"%s\"", output);
			continue;
		}
		if (json_object_get(n8n, from) == NULL)
			json_object_set_new(n8n, from, json_pack("{s:[]}", "main"));
		main = json_object_get(json_object_get(n8n, from), "main");
		while (json_array_size(main) <= o)
			json_array_append_new(main, json_array());
		json_array_append_new(json_array_get(main, o),
							  json_pack("{s:O, s:s, s:I}", "node", json_object_get(c, "to"),
										"type", "main",
										"index", json_is_integer(input) ?
										json_integer_value(input) : (json_int_t) 0));
	}
	return n8n;
}

/* Reporunner's settings as n8n's */
static json_t *
export_workflow_settings(json_t *settings, json_t *problems)
{
	RrN8nContext cx = {0};
	json_t	   *n8n = json_pack("{s:s}", "executionOrder",
									rr_n8n_string(json_object_get(settings, "execution_order"),
												  "v1"));
	const char *save = rr_n8n_string(json_object_get(settings, "save"), "all");
	long long	timeout = duration_ms(json_object_get(settings, "timeout"));

	cx.problems = problems;
	cx.node = "";
	cx.type = "settings";
	if (json_is_string(json_object_get(settings, "timezone")))
		json_object_set(n8n, "timezone", json_object_get(settings, "timezone"));
	if (json_object_get(settings, "timeout") != NULL)
	{
		if (timeout < 0 || timeout % 1000 != 0)
			rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
						   "write settings.timeout in seconds (\"300s\") for n8n");
		json_object_set_new(n8n, "executionTimeout", json_integer(timeout / 1000));
	}
	if (strcmp(save, "all") != 0)
	{
		json_object_set_new(n8n, "saveDataSuccessExecution", json_string("none"));
		if (strcmp(save, "none") == 0)
			json_object_set_new(n8n, "saveDataErrorExecution", json_string("none"));
	}
	if (json_object_get(settings, "error_workflow") != NULL)
		rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
					   "settings.error_workflow names a Reporunner workflow; n8n's names a workflow id");
	if (json_object_get(settings, "concurrency") != NULL ||
		json_object_size(json_object_get(settings, "vars")) > 0)
		rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
					   "settings.concurrency and settings.vars have no counterpart in an n8n workflow");
	return n8n;
}

json_t *
rr_n8n_export(json_t *document, const char *name, json_t *problems)
{
	json_t	   *nodes = json_array();
	json_t	   *outputs = rr_n8n_new_object();
	json_t	   *schedules = json_array();
	json_t	   *webhooks = json_array();
	json_t	   *starts = json_pack("{s:O, s:O}", "schedules", schedules,
								   "webhooks", webhooks);
	json_t	   *triggers = json_object_get(document, "triggers");
	json_t	   *pin_data = json_object_get(document, "pin_data");
	json_t	   *n8n_pin = rr_n8n_new_object();
	json_t	   *workflow;
	const char *node_name;
	json_t	   *items;
	size_t		i;

	for (i = 0; i < json_array_size(triggers); i++)
	{
		json_t	   *t = json_array_get(triggers, i);

		json_t	   *options = json_object_get(t, "options");
		json_t	   *input = json_object_get(options, "input");

		/* a schedule with no input of its own */
		if (strcmp(rr_n8n_string(json_object_get(t, "kind"), ""), "schedule") == 0 &&
			rr_n8n_is_empty(input) &&
			json_object_size(options) == (input != NULL ? 1 : 0))
			json_array_append(schedules, json_object_get(t, "target"));
		else if (strcmp(rr_n8n_string(json_object_get(t, "kind"), ""), "webhook") == 0)
			json_array_append(webhooks, t);
		else
		{
			RrN8nContext cx = {0};

			cx.problems = problems;
			cx.node = "";
			cx.type = "triggers";
			rr_n8n_problem(&cx, RR_N8N_UNSUPPORTED,
						   "the %s trigger \"%s\" has no counterpart in n8n",
						   rr_n8n_string(json_object_get(t, "kind"), ""),
						   rr_n8n_string(json_object_get(t, "target"), ""));
		}
	}
	for (i = 0; i < json_array_size(json_object_get(document, "nodes")); i++)
	{
		json_t	   *n8n_node = export_node(json_array_get(json_object_get(document, "nodes"), i),
										   (int) i, starts, outputs, problems);

		if (n8n_node != NULL)
			json_array_append_new(nodes, n8n_node);
	}
	json_object_foreach(pin_data, node_name, items)
	{
		json_t	   *list = json_array();

		for (i = 0; i < json_array_size(items); i++)
			json_array_append_new(list, json_pack("{s:O}", "json", json_array_get(items, i)));
		json_object_set_new(n8n_pin, node_name, list);
	}
	workflow = json_pack("{s:s, s:o, s:o, s:b, s:o, s:o}",
						 "name", name, "nodes", nodes,
						 "connections",
						 export_connections(json_object_get(document, "connections"),
											outputs, problems),
						 "active", false,
						 "settings",
						 export_workflow_settings(json_object_get(document, "settings"),
												  problems),
						 "pinData", n8n_pin);
	json_decref(outputs);
	json_decref(schedules);
	json_decref(webhooks);
	json_decref(starts);
	return workflow;
}
