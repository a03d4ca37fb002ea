/*-------------------------------------------------------------------------
 *
 * map_webhook.c
 *		n8n's Webhook node as a trigger node and a webhook registration,
 *		and back.
 *
 * The node becomes a trigger node, and the workflow a webhook trigger, an
 * entry of the document's "triggers" that import_workflow() makes with
 * on_webhook(): its target is n8n's path (the URL /webhook/<path> is the
 * same on both sides; the node's webhookId is not used, since n8n only
 * uses it in paths with route parameters, which are refused), its options
 * say when and with what to answer.  Respond immediately (onReceived) is
 * on_webhook()'s default; respond when the last node finishes (lastNode)
 * is "respond": "when_finished", with "output": "first" for n8n's default
 * answer, the first item's JSON (firstEntryJson), and without it all
 * items (allEntries).  What the listener cannot do (other HTTP methods
 * than GET and POST, a Respond to Webhook node, binary data, custom
 * response codes, headers or bodies, bot or IP filters, authentication,
 * which needs a credential an import cannot make) is refused.  Export
 * writes the trigger node of a workflow with one webhook trigger as a
 * Webhook node.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "n8n/mappers.h"

/* The Webhook node's typeVersion that export writes */
#define WEBHOOK_EXPORT_VERSION 2

/*
 * Take option key out of rest and refuse it, saying why, unless it is n8n's
 * "not set" or false.
 */
static void
refuse_set(RrN8nContext *cx, json_t *rest, const char *key, const char *why)
{
	json_t	   *value = rr_n8n_take(rest, key);

	if (!rr_n8n_is_empty(value) && !json_is_false(value))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED, "option \"%s\": %s", key, why);
}

/* Whether a response code (v1's number, v2's {values: {responseCode}}) is 200 */
static bool
default_code(json_t *code)
{
	if (json_is_object(code))
		code = json_object_get(json_object_get(code, "values"), "responseCode");
	return code == NULL || (json_is_number(code) && json_number_value(code) == 200);
}

/* The node's options collection; a problem for each option not supported */
static void
import_options(RrN8nContext *cx, json_t *options)
{
	json_t	   *rest = json_is_object(options) ? json_copy(options) :
		rr_n8n_new_object();

	refuse_set(cx, rest, "binaryData", "binary data is not received: a body that is not JSON is text");
	/* names the field for binary data, which the listener never makes */
	(void) rr_n8n_take(rest, "binaryPropertyName");
	refuse_set(cx, rest, "rawBody", "the raw body as binary data is not supported");
	refuse_set(cx, rest, "ignoreBots", "requests are not filtered by user agent");
	refuse_set(cx, rest, "ipWhitelist", "requests are not filtered by address: filter them in the proxy in front of the listener");
	refuse_set(cx, rest, "allowedOrigins", "CORS headers are not answered");
	refuse_set(cx, rest, "noResponseBody", "the answer always has a body");
	refuse_set(cx, rest, "responseData", "the answer to an immediate response is the execution's id");
	refuse_set(cx, rest, "responseContentType", "answers are JSON");
	refuse_set(cx, rest, "responseHeaders", "answers have no custom headers");
	refuse_set(cx, rest, "responsePropertyName", "the answer is the whole item");
	if (!default_code(rr_n8n_take(rest, "responseCode")))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "option \"responseCode\": the answer's status is 202 (immediately) or 200 (when finished)");
	rr_n8n_leftovers(cx, rest, "option");
}

/* The answer: on_webhook()'s options into webhook */
static void
import_response(RrN8nContext *cx, json_t *rest, json_t *webhook)
{
	const char *mode = rr_n8n_string(rr_n8n_take(rest, "responseMode"),
									 "onReceived");
	const char *data = rr_n8n_string(rr_n8n_take(rest, "responseData"),
									 "firstEntryJson");

	/* only with responseData firstEntryBinary, refused below */
	(void) rr_n8n_take(rest, "responseBinaryPropertyName");
	if (strcmp(mode, "onReceived") == 0)
		return;
	if (strcmp(mode, "lastNode") != 0)
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "responding \"%s\" is not supported (there is no Respond to Webhook node): respond immediately or when the last node finishes",
					   mode);
		return;
	}
	if (strcmp(data, "firstEntryJson") == 0)
		json_object_set_new(webhook, "options",
							json_pack("{s:s, s:s}", "respond", "when_finished",
									  "output", "first"));
	else if (strcmp(data, "allEntries") == 0)
		json_object_set_new(webhook, "options",
							json_pack("{s:s}", "respond", "when_finished"));
	else
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "response data \"%s\" is not supported: answer with the first entry's JSON or all entries",
					   data);
}

void
rr_n8n_import_webhook(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *path_value = rr_n8n_take(rest, "path");
	const char *path = rr_n8n_string(path_value, "");
	json_t	   *method_value = rr_n8n_take(rest, "httpMethod");
	const char *method = rr_n8n_string(method_value, "GET");
	const char *auth = rr_n8n_string(rr_n8n_take(rest, "authentication"), "none");
	json_t	   *webhook = json_pack("{s:s, s:s, s:{}}", "kind", "webhook",
									"target", path, "options");

	out->rr_type = "trigger";
	if (!json_is_string(path_value) || path[0] == '\0')
		rr_n8n_problem(cx, RR_N8N_INVALID, "the webhook has no path");
	else if (path[0] == '=')
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a path computed by an expression is not supported");
	else if (strchr(path, ':') != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "route parameters (\":name\") in the path are not supported: a path is fixed text");
	if (rr_n8n_bool(rr_n8n_take(rest, "multipleMethods"), false) ||
		(method_value != NULL && !json_is_string(method_value)))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a list of HTTP methods (an output for each) is not supported");
	else if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "HTTP method %s is not supported: the webhook listener answers GET and POST",
					   method);
	if (strcmp(auth, "basicAuth") == 0 || strcmp(auth, "headerAuth") == 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "authentication is not imported: import the node with authentication None, make a credential with set_credential(), then register the path again with on_webhook() and its options auth (\"%s\") and credential",
					   strcmp(auth, "basicAuth") == 0 ? "basic" : "header");
	else if (strcmp(auth, "none") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "authentication \"%s\" is not supported: the listener checks none, header, basic, stripe, github or slack",
					   auth);
	if (!default_code(rr_n8n_take(rest, "responseCode")))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "parameter \"responseCode\": the answer's status is 202 (immediately) or 200 (when finished)");
	import_response(cx, rest, webhook);
	import_options(cx, rr_n8n_take(rest, "options"));
	rr_n8n_leftovers(cx, rest, "parameter");
	out->trigger = json_pack("[o]", webhook);
}

/*
 * The trigger node of a workflow whose trigger is webhook (an entry of
 * the document's "triggers"): a Webhook node taking POST requests.
 */
void
rr_n8n_export_webhook(RrN8nContext *cx, json_t *webhook, RrN8nNode *out)
{
	json_t	   *options = json_object_get(webhook, "options");
	const char *respond = rr_n8n_string(json_object_get(options, "respond"),
										"immediately");
	const char *output = rr_n8n_string(json_object_get(options, "output"), "all");
	const char *key;
	json_t	   *value;

	out->n8n_type = "webhook";
	out->version = WEBHOOK_EXPORT_VERSION;
	out->params = json_pack("{s:s, s:O, s:s, s:{}}", "httpMethod", "POST",
							"path", json_object_get(webhook, "target"),
							"responseMode",
							strcmp(respond, "when_finished") == 0 ?
							"lastNode" : "onReceived",
							"options");
	if (strcmp(respond, "when_finished") == 0)
		json_object_set_new(out->params, "responseData",
							json_string(strcmp(output, "first") == 0 ?
										"firstEntryJson" : "allEntries"));
	json_object_foreach(options, key, value)
	{
		if (strcmp(key, "respond") != 0 && strcmp(key, "output") != 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "the webhook option \"%s\" has no counterpart in n8n's Webhook node",
						   key);
	}
}
