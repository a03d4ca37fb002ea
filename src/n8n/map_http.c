/*-------------------------------------------------------------------------
 *
 * map_http.c
 *		n8n's HTTP Request node, versions 3 to 4.2, as http, and back.
 *
 * Query parameters and headers given as name/value pairs become the
 * query and headers objects; a JSON body (pairs, a JSON text, or one
 * expression) the body, form-urlencoded pairs a form body.  Response
 * format, timeout, redirects, batching and certificate checks are
 * options of both.  Authentication goes through Reporunner credentials,
 * which an import cannot create, so a node that authenticates is refused
 * (as is any option left over).
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "n8n/mappers.h"

/* {"parameters": [{"name", "value"}]} as an object of name to value */
static json_t *
pairs_object(RrN8nContext *cx, json_t *collection)
{
	json_t	   *list = json_object_get(collection, "parameters");
	json_t	   *object = rr_n8n_new_object();
	size_t		i;

	for (i = 0; i < json_array_size(list); i++)
	{
		json_t	   *pair = json_array_get(list, i);
		json_t	   *value = json_object_get(pair, "value");

		json_object_set_new(object, rr_n8n_string(json_object_get(pair, "name"), ""),
							value ? rr_n8n_value(cx, value) : json_string(""));
	}
	return object;
}

/* sendX, specifyX and the pairs of query parameters or headers */
static void
import_pairs(RrN8nContext *cx, json_t *rest, const char *send,
			 const char *specify, const char *pairs, const char *json_name,
			 json_t *params, const char *param)
{
	bool		on = rr_n8n_bool(rr_n8n_take(rest, send), false);
	const char *how = rr_n8n_string(rr_n8n_take(rest, specify), "keypair");
	json_t	   *collection = rr_n8n_take(rest, pairs);

	(void) rr_n8n_take(rest, json_name);
	if (!on)
		return;
	if (strcmp(how, "keypair") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "%s given as JSON are not supported yet (use name/value pairs)",
					   param);
	json_object_set_new(params, param, pairs_object(cx, collection));
}

/* The body: JSON pairs, JSON text or one expression; form pairs */
static void
import_body(RrN8nContext *cx, json_t *rest, json_t *params)
{
	bool		on = rr_n8n_bool(rr_n8n_take(rest, "sendBody"), false);
	const char *type = rr_n8n_string(rr_n8n_take(rest, "contentType"), "json");
	const char *how = rr_n8n_string(rr_n8n_take(rest, "specifyBody"), "keypair");
	json_t	   *pairs = rr_n8n_take(rest, "bodyParameters");
	json_t	   *json_body = rr_n8n_take(rest, "jsonBody");

	if (!on)
		return;
	if (strcmp(type, "form-urlencoded") == 0 && strcmp(how, "keypair") == 0)
	{
		json_object_set_new(params, "body", pairs_object(cx, pairs));
		json_object_set_new(params, "body_type", json_string("form"));
		return;
	}
	if (strcmp(type, "json") != 0)
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a body of type \"%s\" is not supported yet", type);
		return;
	}
	if (strcmp(how, "keypair") == 0)
		json_object_set_new(params, "body", pairs_object(cx, pairs));
	else
	{
		const char *text = rr_n8n_string(json_body, "");
		json_error_t error;
		json_t	   *parsed;

		if (text[0] == '=')
		{
			json_t	   *value = rr_n8n_lone_expression(cx, json_body, "a JSON body");

			if (value != NULL)
				json_object_set_new(params, "body", value);
			return;
		}
		parsed = json_loads(text, JSON_DECODE_ANY, &error);
		if (parsed == NULL)
			rr_n8n_problem(cx, RR_N8N_INVALID, "the JSON body is not valid JSON");
		else
			json_object_set_new(params, "body", rr_n8n_value(cx, parsed));
		json_decref(parsed);
	}
}

/* options: response, timeout, redirects, batching, certificates */
static void
import_http_options(RrN8nContext *cx, json_t *options, json_t *params)
{
	json_t	   *rest = json_is_object(options) ? json_copy(options) :
		rr_n8n_new_object();
	json_t	   *response = json_object_get(rr_n8n_take(rest, "response"), "response");
	json_t	   *redirect = json_object_get(rr_n8n_take(rest, "redirect"), "redirect");
	json_t	   *batch = json_object_get(rr_n8n_take(rest, "batching"), "batch");
	json_t	   *timeout = rr_n8n_take(rest, "timeout");
	json_t	   *rest_response = json_is_object(response) ? json_copy(response) :
		rr_n8n_new_object();
	const char *format = rr_n8n_string(rr_n8n_take(rest_response, "responseFormat"),
									   "autodetect");

	if (strcmp(format, "json") == 0 || strcmp(format, "text") == 0)
		json_object_set_new(params, "response", json_string(format));
	else if (strcmp(format, "file") == 0)
		json_object_set_new(params, "response", json_string("binary"));
	if (rr_n8n_bool(rr_n8n_take(rest_response, "fullResponse"), false))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "the full response is not supported yet (Reporunner's full response is {status, headers, body})");
	(void) rr_n8n_take(rest_response, "outputPropertyName");
	rr_n8n_leftovers(cx, rest_response, "response option");
	if (json_is_number(timeout))
		json_object_set_new(params, "timeout",
							json_sprintf("%lldms", (long long) json_number_value(timeout)));
	/* n8n follows up to 21 redirects by default, Reporunner up to 20 */
	if (!rr_n8n_bool(json_object_get(redirect, "followRedirects"), true))
		json_object_set_new(params, "max_redirects", json_integer(0));
	else
	{
		json_t	   *max = json_object_get(redirect, "maxRedirects");
		json_int_t	n = json_is_number(max) ? (json_int_t) json_number_value(max) : 21;

		json_object_set_new(params, "max_redirects", json_integer(n > 20 ? 20 : n));
	}
	if (json_is_object(batch))
	{
		json_t	   *size = json_object_get(batch, "batchSize");
		json_t	   *interval = json_object_get(batch, "batchInterval");

		if (json_is_number(size) && json_number_value(size) > 0)
			json_object_set_new(params, "batch_size",
								json_integer((json_int_t) json_number_value(size)));
		if (json_is_number(interval) && json_number_value(interval) > 0)
			json_object_set_new(params, "batch_interval",
								json_sprintf("%lldms", (long long) json_number_value(interval)));
	}
	if (rr_n8n_bool(rr_n8n_take(rest, "allowUnauthorizedCerts"), false))
		json_object_set_new(params, "verify_tls", json_false());
	rr_n8n_leftovers(cx, rest, "option");
}

void
rr_n8n_import_http(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	const char *method = rr_n8n_string(rr_n8n_take(rest, "method"), "GET");
	json_t	   *url = rr_n8n_take(rest, "url");
	const char *auth = rr_n8n_string(rr_n8n_take(rest, "authentication"), "none");

	out->rr_type = "http";
	out->params = json_pack("{s:s, s:o}", "method", method, "url",
							url ? rr_n8n_value(cx, url) : json_string(""));
	if (strcmp(auth, "none") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "authentication is not imported: make a Reporunner credential and name it in params.credential");
	import_pairs(cx, rest, "sendQuery", "specifyQuery", "queryParameters",
				 "jsonQuery", out->params, "query");
	import_pairs(cx, rest, "sendHeaders", "specifyHeaders", "headerParameters",
				 "jsonHeaders", out->params, "headers");
	import_body(cx, rest, out->params);
	import_http_options(cx, rr_n8n_take(rest, "options"), out->params);
	/* notices of the editor */
	(void) rr_n8n_take(rest, "infoMessage");
	(void) rr_n8n_take(rest, "curlImport");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/* A duration written "<digits>ms" as milliseconds, else -1 */
static long long
milliseconds(json_t *duration)
{
	const char *text = rr_n8n_string(duration, "");
	char	   *end;
	long long	ms = strtoll(text, &end, 10);

	if (end == text || strcmp(end, "ms") != 0 || ms < 0)
		return -1;
	return ms;
}

/* An object of name to value as n8n's {"parameters": [{name, value}]} */
static json_t *
pairs_collection(json_t *object)
{
	json_t	   *list = json_array();
	const char *name;
	json_t	   *value;

	json_object_foreach(object, name, value)
		json_array_append_new(list, json_pack("{s:s, s:o}", "name", name, "value",
											  rr_n8n_export_value(value)));
	return json_pack("{s:o}", "parameters", list);
}

void
rr_n8n_export_http(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	static const char *const unsupported[] = {"credential", "pagination",
	"next_url", "max_pages", "items_per_request", "proxy", "full_response",
	"connect_timeout", NULL};
	json_t	   *query = json_object_get(params, "query");
	json_t	   *headers = json_object_get(params, "headers");
	json_t	   *body = json_object_get(params, "body");
	json_t	   *response = json_object_get(params, "response");
	json_t	   *options = rr_n8n_new_object();
	json_t	   *max_redirects = json_object_get(params, "max_redirects");
	const char *body_type = rr_n8n_string(json_object_get(params, "body_type"), "json");
	int			i;

	out->n8n_type = "httpRequest";
	out->version = 4.2;
	out->params = json_pack("{s:s, s:o}", "method",
							rr_n8n_string(json_object_get(params, "method"), "GET"),
							"url", rr_n8n_export_value(json_object_get(params, "url")));
	for (i = 0; unsupported[i] != NULL; i++)
		if (json_object_get(params, unsupported[i]) != NULL)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "param \"%s\" is not exported yet", unsupported[i]);
	if (json_is_object(query))
	{
		json_object_set_new(out->params, "sendQuery", json_true());
		json_object_set_new(out->params, "queryParameters", pairs_collection(query));
	}
	if (json_is_object(headers))
	{
		json_object_set_new(out->params, "sendHeaders", json_true());
		json_object_set_new(out->params, "headerParameters", pairs_collection(headers));
	}
	if (body != NULL)
	{
		json_object_set_new(out->params, "sendBody", json_true());
		if (strcmp(body_type, "form") == 0 && json_is_object(body))
		{
			json_object_set_new(out->params, "contentType", json_string("form-urlencoded"));
			json_object_set_new(out->params, "bodyParameters", pairs_collection(body));
		}
		else if (strcmp(body_type, "json") == 0 && json_is_string(body))
		{
			json_object_set_new(out->params, "specifyBody", json_string("json"));
			json_object_set_new(out->params, "jsonBody", rr_n8n_export_value(body));
		}
		else if (strcmp(body_type, "json") == 0 && json_is_object(body))
			json_object_set_new(out->params, "bodyParameters", pairs_collection(body));
		else
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "a %s body of this shape is not exported yet", body_type);
	}
	if (json_is_string(response))
		json_object_set_new(options, "response",
							json_pack("{s:{s:s}}", "response", "responseFormat",
									  strcmp(json_string_value(response), "binary") == 0 ?
									  "file" : json_string_value(response)));
	if (json_object_get(params, "timeout") != NULL)
	{
		long long	ms = milliseconds(json_object_get(params, "timeout"));

		if (ms < 0)
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "write the timeout in milliseconds (\"30000ms\") for n8n");
		json_object_set_new(options, "timeout", json_integer(ms));
	}
	json_object_set_new(options, "redirect",
						json_pack("{s:{s:b, s:I}}", "redirect", "followRedirects",
								  !json_is_integer(max_redirects) ||
								  json_integer_value(max_redirects) > 0,
								  "maxRedirects",
								  json_is_integer(max_redirects) ?
								  json_integer_value(max_redirects) : (json_int_t) 5));
	if (!rr_n8n_bool(json_object_get(params, "verify_tls"), true))
		json_object_set_new(options, "allowUnauthorizedCerts", json_true());
	if (json_object_get(params, "batch_size") != NULL ||
		json_object_get(params, "batch_interval") != NULL)
	{
		json_t	   *size = json_object_get(params, "batch_size");
		long long	ms = json_object_get(params, "batch_interval") ?
			milliseconds(json_object_get(params, "batch_interval")) : 0;

		if (ms < 0 || !json_is_integer(size))
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "write batching as a batch_size and a batch_interval in milliseconds for n8n");
		json_object_set_new(options, "batching",
							json_pack("{s:{s:I, s:I}}", "batch", "batchSize",
									  json_is_integer(size) ? json_integer_value(size) : (json_int_t) 1,
									  "batchInterval", (json_int_t) ms));
	}
	json_object_set_new(out->params, "options", options);
}
