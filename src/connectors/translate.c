/*-------------------------------------------------------------------------
 *
 * translate.c
 *		One operation of a connector for one connector node: the node's
 *		params checked against it, and the operation written as the params
 *		of an http node.
 *
 * The node's params must be its own or the operation's, the operation's
 * required ones given, and its credential, if the owner has it already,
 * of a type the connector takes.  "{{ $param.<name> }}" in the
 * definition's path, query, headers and body becomes the node's param:
 * the param's own value, of any type, when it is the whole string (a
 * member whose lone param is absent is left out); its text inside a
 * longer one.  In the path, fixed text is percent-encoded, and each
 * expression computed with encodeURIComponent() (a "slashes" param's "/"
 * kept).  The connector's host_param goes first in the base URL's host,
 * encoded so, or with the node's path_style first in its path.
 * Pagination becomes the http node's next_link, pagination (cursor or
 * page) or next_url.  Other expressions stay, for the http node to
 * compute per item or per response.
 *
 * Plain jansson on the definition and the params as JSON text; no SQL
 * here but the credential's type (connector_store.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>

#include "connectors/connector.h"
#include "document/document.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

/* What translating an operation needs. */
typedef struct Translation
{
	const char *node;
	const char *connector;
	const char *operation;
	json_t	   *params;			/* the node's params */
	json_t	   *declared;		/* the operation's params */
} Translation;

/* The http node params copied from the connector node as they are. */
static const char *const passed_params[] = {"credential", "timeout",
	"connect_timeout", "max_redirects", "verify_tls", "max_pages",
"batch_size", "batch_interval", "proxy", NULL};


/* ---------- Checking the node against the operation ---------- */

/*
 * text_of
 *		A jansson value as palloc'd JSON text; NULL for NULL.
 */
static char *
text_of(json_t *value)
{
	char	   *dumped;
	char	   *text;

	if (value == NULL)
		return NULL;
	dumped = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	if (dumped == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	text = pstrdup(dumped);
	free(dumped);
	return text;
}

/* Text of a param's value: a string as it is, anything else as JSON. */
static char *
param_text_json(json_t *value)
{
	if (json_is_string(value))
		return pstrdup(json_string_value(value));
	return text_of(value);
}


/*
 * known_list
 *		The keys of an object, for a detail.
 */
static char *
known_list(json_t *object)
{
	StringInfoData buf;
	const char *key;
	json_t	   *value;

	initStringInfo(&buf);
	json_object_foreach(object, key, value)
		appendStringInfo(&buf, "%s\"%s\"", buf.len > 0 ? ", " : "", key);
	return buf.len > 0 ? buf.data : pstrdup("none");
}

/*
 * check_node_params
 *		Every param of the node is the node's own or the operation's, and
 *		every param the operation requires is given.
 */
static void
check_node_params(Translation *t, json_t *operation)
{
	json_t	   *declared = json_object_get(operation, "params");
	const char *key;
	json_t	   *value;

	json_object_foreach(t->params, key, value)
	{
		if (rr_connector_is_node_param(key) ||
			json_object_get(declared, key) != NULL)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"%s\" is not a param of operation \"%s\" of connector \"%s\"",
						t->node, key, t->operation, t->connector),
				 errdetail("The operation's params are %s.",
						   known_list(declared))));
	}
	json_object_foreach(declared, key, value)
	{
		if (json_is_true(json_object_get(value, "required")) &&
			json_object_get(t->params, key) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" is missing param \"%s\", which operation \"%s\" of connector \"%s\" requires",
							t->node, key, t->operation, t->connector)));
	}
}

/*
 * check_credential
 *		A connector that takes a credential needs one (unless it says it is
 *		optional), and one the owner has already must be of a type it takes.
 */
static void
check_credential(Translation *t, json_t *definition, Oid owner)
{
	json_t	   *credential = json_object_get(definition, "credential");
	json_t	   *types = json_object_get(credential, "types");
	json_t	   *name = json_object_get(t->params, "credential");
	json_t	   *type;
	char	   *actual;
	size_t		i;

	if (credential == NULL)
		return;
	if (name == NULL)
	{
		if (json_is_false(json_object_get(credential, "required")))
			return;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" is missing param \"credential\", which connector \"%s\" requires",
						t->node, t->connector),
				 errhint("Set a credential with reporunner.set_credential() and name it in the node.")));
	}
	actual = rr_connector_credential_type(owner, json_string_value(name));
	if (actual == NULL)
		return;					/* set later; checked when it is loaded */
	json_array_foreach(types, i, type)
	{
		if (strcmp(json_string_value(type), actual) == 0)
			return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("node \"%s\" credential \"%s\" is of type \"%s\", which connector \"%s\" does not take",
					t->node, json_string_value(name), actual, t->connector),
			 errdetail("The connector takes credentials of the types %s.",
					   param_text_json(types))));
}


/* ---------- Writing the operation as http params ---------- */

/* Fixed text percent-encoded for a path segment, or segments (slashes). */
static void
append_encoded(StringInfo buf, const char *text, bool slashes)
{
	const char *c;

	for (c = text; *c != '\0'; c++)
	{
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || strchr("-._~", *c) != NULL ||
			(slashes && *c == '/'))
			appendStringInfoChar(buf, *c);
		else
			appendStringInfo(buf, "%%%02X", (unsigned char) *c);
	}
}

/*
 * append_encoded_template
 *		A param's text for a path or a host: its fixed text percent-encoded,
 *		each of its expressions computed with encodeURIComponent() (a
 *		"slashes" param's "/" kept) and its "." and ".." segments written
 *		%2E, which libcurl would otherwise resolve, so that no item's value
 *		can reach another path, add a query or name another host.  A leading
 *		"=" (n8n's mark of an expression) goes.
 */
static void
append_encoded_template(StringInfo buf, const char *text, bool slashes)
{
	size_t		len;
	size_t		from = 0;
	size_t		open;
	size_t		close;

	if (text[0] == '=' && strstr(text, "{{") != NULL)
		text++;
	len = strlen(text);
	while (rr_expression_next(text, len, from, &open, &close) == RR_EXPR_FOUND)
	{
		append_encoded(buf, pnstrdup(text + from, open - from), slashes);
		/* a newline ends a "//" comment the expression may end with */
		appendStringInfo(buf, "{{ encodeURIComponent(%.*s\n)%s.split('/')"
						 ".map(segment => segment === '.' || segment === '..' ?"
						 " segment.replaceAll('.', '%%2E') : segment).join('/') }}",
						 (int) (close - open - 2), text + open + 2,
						 slashes ? ".replaceAll('%2F', '/')" : "");
		from = close + 2;
	}
	append_encoded(buf, text + from, slashes);
}

/*
 * fill_text
 *		A definition string with its {{ $param.x }} replaced by the params'
 *		text (nothing for an absent one); other expressions stay.
 */
static char *
fill_text(Translation *t, const char *text, size_t len, bool path)
{
	StringInfoData buf;
	size_t		from = 0;
	size_t		open;
	size_t		close;

	initStringInfo(&buf);
	while (rr_expression_next(text, len, from, &open, &close) == RR_EXPR_FOUND)
	{
		char	   *name = rr_connector_param_reference(text + open + 2,
														close - open - 2);

		appendBinaryStringInfo(&buf, text + from, open - from);
		if (name == NULL)
			appendBinaryStringInfo(&buf, text + open, close + 2 - open);
		else
		{
			json_t	   *value = json_object_get(t->params, name);
			char	   *filled = value == NULL ? "" : param_text_json(value);
			bool		slashes = json_is_true(json_object_get(json_object_get(t->declared,
																				   name),
															   "slashes"));

			if (path)
				append_encoded_template(&buf, filled, slashes);
			else
				appendStringInfoString(&buf, filled);
		}
		from = close + 2;
	}
	appendBinaryStringInfo(&buf, text + from, len - from);
	return buf.data;
}

/*
 * fill
 *		A definition value with the node's params in it (a new reference),
 *		or NULL when it is a lone param the node does not give.
 */
static json_t *
fill(Translation *t, json_t *value)
{
	if (json_is_string(value))
	{
		const char *text = json_string_value(value);
		size_t		len = json_string_length(value);
		char	   *name = rr_expression_is_lone(text, len) ?
			rr_connector_param_reference(text + 2, len - 4) : NULL;

		if (name != NULL)
		{
			json_t	   *given = json_object_get(t->params, name);

			return given == NULL ? NULL : json_incref(given);
		}
		return json_string(fill_text(t, text, len, false));
	}
	if (json_is_object(value))
	{
		json_t	   *result = json_pack("{}");
		const char *key;
		json_t	   *member;

		json_object_foreach(value, key, member)
		{
			json_t	   *filled = fill(t, member);

			if (filled != NULL)
				json_object_set_new(result, key, filled);
		}
		return result;
	}
	if (json_is_array(value))
	{
		json_t	   *result = json_pack("[]");
		size_t		i;
		json_t	   *item;

		json_array_foreach(value, i, item)
		{
			json_t	   *filled = fill(t, item);

			json_array_append_new(result, filled != NULL ? filled : json_null());
		}
		return result;
	}
	return json_incref(value);
}

/* Set key of http to the operation's value filled, unless it is absent. */
static void
set_filled(Translation *t, json_t *http, const char *key, json_t *value)
{
	json_t	   *filled = value == NULL ? NULL : fill(t, value);

	if (filled != NULL)
		json_object_set_new(http, key, filled);
}

/* The members of object value, filled, set in object (headers). */
static void
update_filled(Translation *t, json_t *object, json_t *value)
{
	json_t	   *filled = value == NULL ? NULL : fill(t, value);

	if (filled == NULL)
		return;
	json_object_update(object, filled);
	json_decref(filled);
}

/*
 * set_pagination
 *		The operation's pagination as the http node's.
 */
static void
set_pagination(json_t *http, json_t *pagination)
{
	const char *type = json_string_value(json_object_get(pagination, "type"));
	json_t	   *copy;

	if (type == NULL)
		return;
	if (strcmp(type, "link") == 0)
	{
		json_object_set_new(http, "next_link", json_true());
		return;
	}
	if (strcmp(type, "next_url") == 0)
	{
		json_object_set(http, "next_url",
						json_object_get(pagination, "next_url"));
		return;
	}
	copy = json_deep_copy(pagination);
	json_object_del(copy, "type");
	json_object_set_new(http, "pagination", copy);
}

/*
 * with_host_param
 *		The base URL with the connector's host_param: its value the first
 *		label of the host ("https://<bucket>.s3.amazonaws.com", virtual-
 *		hosted), or with the node's path_style the first segment of the
 *		path ("https://s3.amazonaws.com/<bucket>"), encoded as a path param.
 */
static char *
with_host_param(Translation *t, json_t *definition, const char *url)
{
	json_t	   *host_param = json_object_get(definition, "host_param");
	bool		path_style = json_is_true(json_object_get(t->params,
														  "path_style"));
	char	   *reference;
	char	   *value;
	const char *host;

	if (host_param == NULL)
	{
		if (json_object_get(t->params, "path_style") != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" param \"path_style\" does not apply to connector \"%s\"",
							t->node, t->connector),
					 errdetail("Only a connector with a \"host_param\" has two ways of addressing.")));
		return (char *) url;
	}
	reference = psprintf("{{ $param.%s }}", json_string_value(host_param));
	value = fill_text(t, reference, strlen(reference), true);
	if (path_style)
		return psprintf("%s/%s", url, value);
	host = strstr(url, "://");
	if (host == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"base_url\" is not an http:// or https:// URL",
						t->node)));
	host += 3;
	return psprintf("%.*s%s.%s", (int) (host - url), url, value, host);
}

/*
 * http_params
 *		The operation as the params of an http node (a new object).
 */
static json_t *
http_params(Translation *t, json_t *definition, json_t *operation)
{
	json_t	   *http = json_pack("{}");
	json_t	   *base = json_object_get(t->params, "base_url");
	json_t	   *path = json_object_get(operation, "path");
	json_t	   *headers = json_pack("{}");
	json_t	   *error_message = json_object_get(operation, "error_message");
	json_t	   *retry_on = json_object_get(operation, "retry_on");
	const char *const *name;
	char	   *url;
	size_t		len;

	if (base == NULL)
		base = json_object_get(definition, "base_url");
	url = pstrdup(json_string_value(base));
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		url[--len] = '\0';
	url = with_host_param(t, definition, url);
	json_object_set_new(http, "url",
						json_string(psprintf("%s%s", url,
											 fill_text(t, json_string_value(path),
													   json_string_length(path),
													   true))));
	json_object_set(http, "method", json_object_get(operation, "method"));
	if (json_object_get(operation, "response") != NULL)
		json_object_set(http, "response",
						json_object_get(operation, "response"));
	set_filled(t, http, "query", json_object_get(operation, "query"));
	set_filled(t, http, "body", json_object_get(operation, "body"));
	if (json_object_get(operation, "body_type") != NULL)
		json_object_set(http, "body_type",
						json_object_get(operation, "body_type"));
	update_filled(t, headers, json_object_get(definition, "headers"));
	update_filled(t, headers, json_object_get(operation, "headers"));
	json_object_set_new(http, "headers", headers);
	set_pagination(http, json_object_get(operation, "pagination"));
	if (error_message == NULL)
		error_message = json_object_get(definition, "error_message");
	if (error_message != NULL)
		json_object_set(http, "error_message", error_message);
	if (retry_on == NULL)
		retry_on = json_object_get(definition, "retry_on");
	if (retry_on != NULL)
		json_object_set(http, "retry_on", retry_on);
	for (name = passed_params; *name != NULL; name++)
	{
		if (json_object_get(t->params, *name) != NULL)
			json_object_set(http, *name, json_object_get(t->params, *name));
	}
	return http;
}



/* A Jsonb as jansson (a new reference). */
static json_t *
jansson_of(Jsonb *jsonb)
{
	json_error_t error;
	json_t	   *value;

	memset(&error, 0, sizeof(error));
	value = json_loads(JsonbToCString(NULL, &jsonb->root, VARSIZE(jsonb)),
					   0, &error);
	if (value == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	return value;
}


/*
 * translate
 *		The work of rr_connector_translate on jansson values.
 */
static void
translate(Translation *t, json_t *definition, Oid owner,
		  RrConnectorOperation *result)
{
	json_t	   *operation = json_object_get(json_object_get(definition,
															"operations"),
											t->operation);
	json_t	   *error;
	json_t	   *http;

	if (operation == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\": connector \"%s\" has no operation \"%s\"",
						t->node, t->connector, t->operation),
				 errdetail("Its operations are %s.",
						   known_list(json_object_get(definition,
													  "operations")))));
	t->declared = json_object_get(operation, "params");
	check_node_params(t, operation);
	check_credential(t, definition, owner);

	error = json_object_get(operation, "error");
	if (error == NULL)
		error = json_object_get(definition, "error");
	result->error_when = text_of(json_object_get(error, "when"));
	result->error_message = text_of(json_object_get(error, "message"));
	if (json_object_get(operation, "items") != NULL)
		result->items = pstrdup(json_string_value(json_object_get(operation,
																  "items")));
	http = http_params(t, definition, operation);
	result->http_params = text_of(http);
	json_decref(http);
}

/* Release the jansson values of a translation (a memory context callback). */
static void
release_roots(void *arg)
{
	json_t	  **roots = (json_t **) arg;

	json_decref(roots[0]);
	json_decref(roots[1]);
}

void
rr_connector_translate(const char *node, const char *connector,
					   const char *operation, Jsonb *definition,
					   Jsonb *params, Oid owner, RrConnectorOperation *result)
{
	Translation t = {node, connector, operation, NULL, NULL};
	MemoryContext context;
	MemoryContextCallback *callback;
	json_t	  **roots;

	/*
	 * The jansson values go with a context of their own: deleted at the
	 * end, or with its parent when an error ends the translation.
	 */
	context = AllocSetContextCreate(CurrentMemoryContext,
									"connector translation",
									ALLOCSET_SMALL_SIZES);
	callback = MemoryContextAlloc(context, sizeof(MemoryContextCallback));
	roots = MemoryContextAllocZero(context, sizeof(json_t *) * 2);
	callback->func = release_roots;
	callback->arg = roots;
	MemoryContextRegisterResetCallback(context, callback);

	memset(result, 0, sizeof(RrConnectorOperation));
	roots[0] = jansson_of(definition);
	roots[1] = jansson_of(params);
	t.params = roots[1];
	translate(&t, roots[0], owner, result);
	MemoryContextDelete(context);
}
