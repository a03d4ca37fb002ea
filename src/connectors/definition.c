/*-------------------------------------------------------------------------
 *
 * definition.c
 *		What a valid connector definition is: the whole definition checked
 *		with jansson before anything is saved.
 *
 * A definition is an object: base_url, host_param (a param every
 * operation declares), credential {types, required}, headers, error
 * {when, message}, error_message, retry_on, and operations, each an
 * object: method, path, params {name: {required, description, slashes}},
 * query, headers, body, body_type, response, pagination {type: link |
 * cursor | page | next_url, ...}, items, error, error_message, retry_on.  Every "{{ }}" in it must
 * compile, except "{{ $param.<name> }}", which must name one of the
 * operation's params (docs/connectors.md).
 *
 * Errors (22023) name the operation and the dotted field.  The checks
 * collect the first problem into a Checker and the caller raises it once
 * every jansson value is released.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>

#include "connectors/connector.h"
#include "document/document.h"
#include "expr/expression.h"
#include "http/auth.h"
#include "utils/jsonb.h"

/* Room for a message or a detail. */
#define MESSAGE_LEN		512

/* Most operations one connector has. */
#define MAX_OPERATIONS	500

typedef struct Checker
{
	const char *operation;		/* the operation being checked, or NULL */
	char		message[MESSAGE_LEN];
	char		detail[MESSAGE_LEN];
	bool		failed;
} Checker;

static const char *const top_fields[] = {"description", "base_url",
	"host_param", "credential", "headers", "error", "error_message",
"retry_on", "operations", NULL};
static const char *const operation_fields[] = {"description", "method",
	"path", "params", "query", "headers", "body", "body_type", "response",
"pagination", "items", "error", "error_message", "retry_on", NULL};
static const char *const credential_fields[] = {"types", "required", NULL};
static const char *const error_fields[] = {"when", "message", NULL};
static const char *const param_fields[] = {"required", "description",
"slashes", NULL};
static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE",
"HEAD", NULL};
static const char *const body_types[] = {"json", "form", "raw", "file", NULL};
static const char *const responses[] = {"json", "text", "binary", "xml",
"file", NULL};
static const char *const page_types[] = {"link", "cursor", "page", "next_url",
NULL};
static const char *const page_places[] = {"query", "body", NULL};

/*
 * fail
 *		Record the first problem: "[operation "o" ]field "f" <what>" (field
 *		"": the operation, or the definition, itself).
 */
static bool
fail(Checker *c, const char *field, const char *detail, const char *fmt,...)
{
	char		what[MESSAGE_LEN];
	va_list		args;

	if (c->failed)
		return false;
	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	if (c->operation != NULL && field[0] == '\0')
		snprintf(c->message, sizeof(c->message), "operation \"%s\" %s",
				 c->operation, what);
	else if (c->operation != NULL)
		snprintf(c->message, sizeof(c->message),
				 "operation \"%s\" field \"%s\" %s", c->operation, field, what);
	else if (field[0] == '\0')
		snprintf(c->message, sizeof(c->message), "the definition %s", what);
	else
		snprintf(c->message, sizeof(c->message), "field \"%s\" %s", field,
				 what);
	strlcpy(c->detail, detail != NULL ? detail : "", sizeof(c->detail));
	c->failed = true;
	return false;
}

/* field "prefix.key", or key alone */
static char *
child(const char *prefix, const char *key)
{
	return prefix == NULL ? pstrdup(key) : psprintf("%s.%s", prefix, key);
}

static bool
in_list(const char *const *list, const char *text)
{
	for (; *list != NULL; list++)
	{
		if (strcmp(*list, text) == 0)
			return true;
	}
	return false;
}

static char *
list_text(const char *const *list)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (; *list != NULL; list++)
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", *list);
	return buf.data;
}

/*
 * check_object
 *		value must be an object whose keys are all in allowed (any, when
 *		allowed is NULL).  field names it (NULL: the definition or the
 *		operation itself, whose fields are named alone).
 */
static bool
check_object(Checker *c, const char *field, json_t *value,
			 const char *const *allowed)
{
	const char *key;
	json_t	   *member;

	if (!json_is_object(value))
		return fail(c, field != NULL ? field : "", NULL, "must be an object");
	json_object_foreach(value, key, member)
	{
		if (allowed != NULL && !in_list(allowed, key))
			return fail(c, child(field, key),
						psprintf("Known fields are %s.", list_text(allowed)),
						"is unknown");
	}
	return true;
}

/*
 * check_string
 *		A string member: present when required, not empty, one of choices
 *		when given.
 */
static bool
check_string(Checker *c, const char *prefix, json_t *object, const char *key,
			 bool required, const char *const *choices)
{
	json_t	   *value = json_object_get(object, key);
	char	   *field = child(prefix, key);

	if (value == NULL)
		return !required || fail(c, field, NULL, "is required");
	if (!json_is_string(value) || json_string_length(value) == 0)
		return fail(c, field, NULL, "must be a non-empty string");
	if (choices != NULL && !in_list(choices, json_string_value(value)))
		return fail(c, field, NULL, "must be one of %s", list_text(choices));
	return true;
}

static bool
is_name(const char *text, bool dots)
{
	const char *p;

	if (*text == '\0' || strlen(text) > RR_CONNECTOR_NAME_LEN)
		return false;
	for (p = text; *p != '\0'; p++)
	{
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  *p == '_' || (p > text && *p >= '0' && *p <= '9') ||
			  (dots && p > text && (*p == '.' || *p == '-'))))
			return false;
	}
	return true;
}

/*
 * rr_connector_param_reference
 *		When the expression inner[0..len) is "$param.<name>", with blanks
 *		around, its name (else NULL).
 */
char *
rr_connector_param_reference(const char *inner, size_t len)
{
	while (len > 0 && (*inner == ' ' || *inner == '\t'))
		inner++, len--;
	while (len > 0 && (inner[len - 1] == ' ' || inner[len - 1] == '\t'))
		len--;
	if (len <= 7 || strncmp(inner, "$param.", 7) != 0)
		return NULL;
	return pnstrdup(inner + 7, len - 7);
}

/*
 * check_text
 *		Every {{ }} of one string compiles, or names a param of the
 *		operation (params, NULL for none).
 */
static bool
check_text(Checker *c, const char *field, const char *text, size_t len,
		   json_t *params)
{
	size_t		from = 0;
	size_t		open;
	size_t		close;
	RrExprScan	scan;

	while ((scan = rr_expression_next(text, len, from, &open, &close)) ==
		   RR_EXPR_FOUND)
	{
		const char *inner = text + open + 2;
		size_t		inner_len = close - open - 2;
		char	   *name = rr_connector_param_reference(inner, inner_len);
		char		error[MESSAGE_LEN];

		if (name != NULL)
		{
			if (!is_name(name, false) || json_object_get(params, name) == NULL)
				return fail(c, field,
							"\"{{ $param.<name> }}\" stands for a param the operation declares in \"params\".",
							"names the param \"%s\", which the operation does not declare",
							name);
		}
		else if (!rr_expr_check(inner, inner_len, error, sizeof(error), NULL))
			return fail(c, field, error, "has an invalid expression");
		from = close + 2;
	}
	if (scan == RR_EXPR_UNTERMINATED)
		return fail(c, field, NULL, "has a \"{{\" that is never closed");
	return true;
}

/*
 * check_templates
 *		The expressions of every string in value (any JSON), keys included.
 */
static bool
check_templates(Checker *c, const char *field, json_t *value, json_t *params)
{
	if (json_is_string(value))
		return check_text(c, field, json_string_value(value),
						  json_string_length(value), params);
	if (json_is_object(value))
	{
		const char *key;
		json_t	   *member;

		json_object_foreach(value, key, member)
		{
			if (!check_templates(c, child(field, key), member, params))
				return false;
		}
	}
	if (json_is_array(value))
	{
		size_t		i;
		json_t	   *item;

		json_array_foreach(value, i, item)
		{
			if (!check_templates(c, psprintf("%s[%zu]", field, i), item,
								 params))
				return false;
		}
	}
	return true;
}

/*
 * check_condition
 *		A member that, when given, is one lone {{ }} expression.
 */
static bool
check_condition(Checker *c, const char *prefix, json_t *object,
				const char *key, bool required)
{
	json_t	   *value = json_object_get(object, key);
	char	   *field = child(prefix, key);

	if (!check_string(c, prefix, object, key, required, NULL))
		return false;
	if (value == NULL)
		return true;
	if (!rr_expression_is_lone(json_string_value(value),
							   json_string_length(value)))
		return fail(c, field, NULL, "must be one \"{{ }}\" expression");
	return check_text(c, field, json_string_value(value),
					  json_string_length(value), NULL);
}

/* headers: an object of strings */
static bool
check_headers(Checker *c, const char *field, json_t *headers, json_t *params)
{
	const char *key;
	json_t	   *value;

	if (headers == NULL)
		return true;
	if (!check_object(c, field, headers, NULL))
		return false;
	json_object_foreach(headers, key, value)
	{
		if (!json_is_string(value))
			return fail(c, child(field, key), NULL, "must be a string");
	}
	return check_templates(c, field, headers, params);
}

/* error: {when, message}, both expressions on the response's body */
static bool
check_error(Checker *c, json_t *error)
{
	if (error == NULL)
		return true;
	return check_object(c, "error", error, error_fields) &&
		check_condition(c, "error", error, "when", true) &&
		check_string(c, "error", error, "message", true, NULL) &&
		check_text(c, "error.message",
				   json_string_value(json_object_get(error, "message")),
				   json_string_length(json_object_get(error, "message")),
				   NULL);
}

/* error_message: an expression on an error response's body */
static bool
check_error_message(Checker *c, json_t *object)
{
	json_t	   *value = json_object_get(object, "error_message");

	return check_string(c, NULL, object, "error_message", false, NULL) &&
		(value == NULL ||
		 check_text(c, "error_message", json_string_value(value),
					json_string_length(value), NULL));
}

/* retry_on: the HTTP error statuses a retry may help */
static bool
check_retry_on(Checker *c, json_t *object)
{
	json_t	   *statuses = json_object_get(object, "retry_on");
	json_t	   *status;
	size_t		i;

	if (statuses == NULL)
		return true;
	if (!json_is_array(statuses) || json_array_size(statuses) == 0)
		return fail(c, "retry_on", NULL,
					"must be a non-empty array of HTTP statuses");
	json_array_foreach(statuses, i, status)
	{
		if (!json_is_integer(status) || json_integer_value(status) < 400 ||
			json_integer_value(status) > 599)
			return fail(c, psprintf("retry_on[%zu]", i), NULL,
						"must be an HTTP error status, 400 to 599");
	}
	return true;
}

static bool
check_integer(Checker *c, const char *prefix, json_t *object, const char *key,
			  json_int_t min)
{
	json_t	   *value = json_object_get(object, key);

	if (value == NULL)
		return true;
	if (!json_is_integer(value) || json_integer_value(value) < min)
		return fail(c, child(prefix, key), NULL,
					"must be an integer of at least %lld", (long long) min);
	return true;
}

/*
 * check_pagination
 *		{type: link} | {type: cursor, param, cursor, in} | {type: page,
 *		param, start, step, complete, in} | {type: next_url, next_url}.
 */
static bool
check_pagination(Checker *c, json_t *pagination)
{
	static const char *const link_fields[] = {"type", NULL};
	static const char *const cursor_fields[] = {"type", "param", "cursor",
	"in", NULL};
	static const char *const page_fields[] = {"type", "param", "start",
	"step", "complete", "in", NULL};
	static const char *const next_fields[] = {"type", "next_url", NULL};
	const char *type;

	if (pagination == NULL)
		return true;
	if (!check_object(c, "pagination", pagination, NULL) ||
		!check_string(c, "pagination", pagination, "type", true, page_types))
		return false;
	type = json_string_value(json_object_get(pagination, "type"));
	if (strcmp(type, "link") == 0)
		return check_object(c, "pagination", pagination, link_fields);
	if (strcmp(type, "next_url") == 0)
		return check_object(c, "pagination", pagination, next_fields) &&
			check_condition(c, "pagination", pagination, "next_url", true);
	if (!check_object(c, "pagination", pagination,
					  strcmp(type, "cursor") == 0 ? cursor_fields : page_fields) ||
		!check_string(c, "pagination", pagination, "param", true, NULL) ||
		!check_string(c, "pagination", pagination, "in", false, page_places))
		return false;
	if (strcmp(type, "cursor") == 0)
		return check_condition(c, "pagination", pagination, "cursor", true);
	return check_integer(c, "pagination", pagination, "start", -1000000000) &&
		check_integer(c, "pagination", pagination, "step", 1) &&
		check_condition(c, "pagination", pagination, "complete", false);
}

/* items: a dotted path of names into the response's body */
static bool
check_items(Checker *c, json_t *operation)
{
	json_t	   *items = json_object_get(operation, "items");
	const char *part;

	if (!check_string(c, NULL, operation, "items", false, NULL))
		return false;
	if (items == NULL)
		return true;
	for (part = json_string_value(items); part != NULL;)
	{
		const char *dot = strchr(part, '.');
		char	   *name = dot == NULL ? pstrdup(part) :
			pnstrdup(part, dot - part);

		if (!is_name(name, false))
			return fail(c, "items",
						"It is names separated by dots, such as \"data\" or \"result.rows\".",
						"must be a path of names");
		part = dot == NULL ? NULL : dot + 1;
	}
	return true;
}

/* params: {name: {required, description}} */
static bool
check_params(Checker *c, json_t *params)
{
	const char *key;
	json_t	   *param;

	if (params == NULL)
		return true;
	if (!check_object(c, "params", params, NULL))
		return false;
	json_object_foreach(params, key, param)
	{
		char	   *field = child("params", key);
		json_t	   *required;
		json_t	   *slashes;

		if (!is_name(key, false) || rr_connector_is_node_param(key))
			return fail(c, field,
						"Param names are letters, digits and \"_\", and not one of the connector node's own params.",
						"is not a valid param name");
		if (!check_object(c, field, param, param_fields) ||
			!check_string(c, field, param, "description", false, NULL))
			return false;
		required = json_object_get(param, "required");
		if (required != NULL && !json_is_boolean(required))
			return fail(c, child(field, "required"), NULL,
						"must be true or false");
		slashes = json_object_get(param, "slashes");
		if (slashes != NULL && !json_is_boolean(slashes))
			return fail(c, child(field, "slashes"), NULL,
						"must be true or false");
	}
	return true;
}

/*
 * check_operation
 *		One operation, its templates against its params.
 */
static bool
check_operation(Checker *c, json_t *operation, const char *host_param)
{
	json_t	   *params = json_object_get(operation, "params");
	json_t	   *path = json_object_get(operation, "path");
	json_t	   *query = json_object_get(operation, "query");
	json_t	   *body = json_object_get(operation, "body");

	if (!check_object(c, NULL, operation, operation_fields) ||
		!check_string(c, NULL, operation, "description", false, NULL) ||
		!check_string(c, NULL, operation, "method", true, methods) ||
		!check_string(c, NULL, operation, "path", true, NULL) ||
		!check_string(c, NULL, operation, "body_type", false, body_types) ||
		!check_string(c, NULL, operation, "response", false, responses) ||
		!check_params(c, params))
		return false;
	if (host_param != NULL && json_object_get(params, host_param) == NULL)
		return fail(c, "params",
					"The connector's \"host_param\" names a param every operation declares.",
					"does not declare \"%s\", the connector's host_param",
					host_param);
	if (json_string_value(path)[0] != '/')
		return fail(c, "path", "It is appended to the base URL.",
					"must start with \"/\"");
	if (!check_text(c, "path", json_string_value(path),
					json_string_length(path), params))
		return false;
	if (query != NULL &&
		(!check_object(c, "query", query, NULL) ||
		 !check_templates(c, "query", query, params)))
		return false;
	if (body != NULL && !check_templates(c, "body", body, params))
		return false;
	return check_headers(c, "headers", json_object_get(operation, "headers"),
						 params) &&
		check_pagination(c, json_object_get(operation, "pagination")) &&
		check_items(c, operation) &&
		check_error(c, json_object_get(operation, "error")) &&
		check_error_message(c, operation) &&
		check_retry_on(c, operation);
}

/*
 * check_credential
 *		{types: [credential types], required}.
 */
static bool
check_credential(Checker *c, json_t *credential)
{
	json_t	   *types;
	json_t	   *type;
	json_t	   *required;
	size_t		i;

	if (credential == NULL)
		return true;
	if (!check_object(c, "credential", credential, credential_fields))
		return false;
	types = json_object_get(credential, "types");
	if (!json_is_array(types) || json_array_size(types) == 0)
		return fail(c, "credential.types", NULL,
					"must be a non-empty array of credential types");
	json_array_foreach(types, i, type)
	{
		if (!json_is_string(type) ||
			!rr_http_auth_type_exists(json_string_value(type)))
			return fail(c, psprintf("credential.types[%zu]", i),
						"Types are bearer, basic, header, query, oauth2_client_credentials, aws_sigv4 and url.",
						"is not a credential type");
	}
	required = json_object_get(credential, "required");
	if (required != NULL && !json_is_boolean(required))
		return fail(c, "credential.required", NULL, "must be true or false");
	return true;
}

/*
 * check_definition
 *		The whole definition, operation after operation.
 */
static bool
check_definition(Checker *c, json_t *root)
{
	json_t	   *base_url = json_object_get(root, "base_url");
	json_t	   *operations = json_object_get(root, "operations");
	const char *name;
	json_t	   *operation;

	if (!check_object(c, NULL, root, top_fields) ||
		!check_string(c, NULL, root, "description", false, NULL) ||
		!check_string(c, NULL, root, "base_url", true, NULL))
		return false;
	if (strncmp(json_string_value(base_url), "http://", 7) != 0 &&
		strncmp(json_string_value(base_url), "https://", 8) != 0)
		return fail(c, "base_url", NULL,
					"must be an http:// or https:// URL");
	if (!check_string(c, NULL, root, "host_param", false, NULL))
		return false;
	if (json_object_get(root, "host_param") != NULL &&
		!is_name(json_string_value(json_object_get(root, "host_param")), false))
		return fail(c, "host_param", NULL, "must be a param name");
	if (!check_text(c, "base_url", json_string_value(base_url),
					json_string_length(base_url), NULL) ||
		!check_credential(c, json_object_get(root, "credential")) ||
		!check_headers(c, "headers", json_object_get(root, "headers"), NULL) ||
		!check_error(c, json_object_get(root, "error")) ||
		!check_error_message(c, root) ||
		!check_retry_on(c, root))
		return false;
	if (operations == NULL)
		return fail(c, "operations", NULL, "is required");
	if (!check_object(c, "operations", operations, NULL))
		return false;
	if (json_object_size(operations) == 0 ||
		json_object_size(operations) > MAX_OPERATIONS)
		return fail(c, "operations", NULL,
					"must have 1 to %d operations", MAX_OPERATIONS);
	json_object_foreach(operations, name, operation)
	{
		if (!is_name(name, true))
			return fail(c, child("operations", name),
						"Operation names are letters, digits, \"_\", \".\" and \"-\", starting with a letter or \"_\".",
						"is not a valid operation name");
		c->operation = name;
		if (!check_operation(c, operation,
							 json_string_value(json_object_get(root,
															   "host_param"))))
			return false;
		c->operation = NULL;
	}
	return true;
}

void
rr_connector_check(const char *connector, Jsonb *definition)
{
	char	   *text = JsonbToCString(NULL, &definition->root,
									  VARSIZE(definition));
	json_error_t error;
	json_t	   *root;
	Checker		c;

	memset(&c, 0, sizeof(c));
	memset(&error, 0, sizeof(error));
	root = json_loads(text, JSON_REJECT_DUPLICATES, &error);
	if (root == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not read the definition of connector \"%s\"",
						connector)));
	PG_TRY();
	{
		check_definition(&c, root);
	}
	PG_FINALLY();
	{
		json_decref(root);
	}
	PG_END_TRY();
	if (c.failed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("connector \"%s\": %s", connector, c.message),
				 c.detail[0] != '\0' ? errdetail_internal("%s", c.detail) : 0));
}
