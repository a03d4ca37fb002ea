/*-------------------------------------------------------------------------
 *
 * map_util.c
 *		What every n8n node mapper needs: problems, parameters taken one by
 *		one (so that the ones left over can be refused), and values whose
 *		expressions are written n8n's way or ours.
 *
 * n8n marks a parameter value that holds expressions with a leading "=";
 * a value without it is plain text even when it contains "{{".  In a
 * Reporunner document every "{{ }}" in a string is an expression, and a
 * leading "=" is dropped when it runs.  So an imported value loses its
 * "=", a plain n8n text with "{{" or a leading "=" cannot be imported,
 * and an exported value gets an "=" when it has an expression.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "n8n/n8n.h"

void
rr_n8n_problem(RrN8nContext *cx, RrN8nProblemKind kind, const char *fmt,...)
{
	char		reason[512];
	va_list		args;

	va_start(args, fmt);
	vsnprintf(reason, sizeof(reason), fmt, args);
	va_end(args);
	json_array_append_new(cx->problems,
						  json_pack("{s:s, s:s, s:f, s:s, s:s}",
									"node", cx->node ? cx->node : "",
									"type", cx->type ? cx->type : "",
									"version", cx->version,
									"reason", reason,
									"kind", kind == RR_N8N_INVALID ?
									"invalid" : "unsupported"));
	cx->failed = true;
}

/*
 * A new empty object.  Never json_object(): the server exports a function
 * of that name (see src/document/README.md).
 */
json_t *
rr_n8n_new_object(void)
{
	return json_pack("{}");
}

/*
 * The value of key in rest (a shallow copy of a node's parameters), taken
 * out of rest; the reference stays the parameters'.  NULL when absent.
 */
json_t *
rr_n8n_take(json_t *rest, const char *key)
{
	json_t	   *value = json_object_get(rest, key);

	if (value != NULL)
		json_object_del(rest, key);
	return value;
}

/* Null, "", {} and [] are n8n's "not set" */
bool
rr_n8n_is_empty(json_t *value)
{
	return value == NULL || json_is_null(value) ||
		(json_is_string(value) && json_string_length(value) == 0) ||
		(json_is_object(value) && json_object_size(value) == 0) ||
		(json_is_array(value) && json_array_size(value) == 0);
}

/*
 * Refuse what is left of rest: parameters the mapper does not know change
 * what the node does, unless they are empty.  Frees rest.
 */
void
rr_n8n_leftovers(RrN8nContext *cx, json_t *rest, const char *where)
{
	const char *key;
	json_t	   *value;

	json_object_foreach(rest, key, value)
	{
		if (!rr_n8n_is_empty(value))
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "%s \"%s\" is not supported", where, key);
	}
	json_decref(rest);
}

/*
 * A copy of value (a new reference) with each string, at any depth,
 * replaced by what map gives for it.
 */
static json_t *
map_strings(json_t *value, json_t *(*map) (json_t *string, void *arg),
			void *arg)
{
	json_t	   *copy;
	size_t		i;
	const char *key;
	json_t	   *member;

	switch (json_typeof(value))
	{
		case JSON_STRING:
			return map(value, arg);
		case JSON_ARRAY:
			copy = json_array();
			for (i = 0; i < json_array_size(value); i++)
				json_array_append_new(copy, map_strings(json_array_get(value, i),
														map, arg));
			return copy;
		case JSON_OBJECT:
			copy = rr_n8n_new_object();
			json_object_foreach(value, key, member)
				json_object_set_new(copy, key, map_strings(member, map, arg));
			return copy;
		default:
			return json_incref(value);
	}
}

/* n8n's string as Reporunner's: without its "=" */
static json_t *
import_string(json_t *string, void *arg)
{
	RrN8nContext *cx = (RrN8nContext *) arg;
	const char *text = json_string_value(string);
	size_t		len = json_string_length(string);

	if (len > 0 && text[0] == '=')
	{
		if (len > 1 && text[1] == '=')
			rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
						   "the text \"%.40s\" starts with \"=\"", text + 1);
		return json_stringn(text + 1, len - 1);
	}
	if (strstr(text, "{{") != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "the plain text \"%.40s\" contains \"{{\", which would be an expression",
					   text);
	return json_incref(string);
}

/* Reporunner's string as n8n's: with an "=" when it has expressions */
static json_t *
export_string(json_t *string, void *arg)
{
	const char *text = json_string_value(string);

	if (strstr(text, "{{") == NULL && text[0] != '=')
		return json_incref(string);
	return json_sprintf("=%s", text);
}

/* A parameter value as a Reporunner param value (a new reference) */
json_t *
rr_n8n_value(RrN8nContext *cx, json_t *value)
{
	return map_strings(value, import_string, cx);
}

/* A Reporunner param value as an n8n parameter value (a new reference) */
json_t *
rr_n8n_export_value(json_t *value)
{
	return map_strings(value, export_string, NULL);
}

/*
 * An n8n value that must be one expression ("={{ ... }}", say a JSON
 * output or body written as an expression) as a lone expression (a new
 * reference), or NULL after a problem naming what.
 */
json_t *
rr_n8n_lone_expression(RrN8nContext *cx, json_t *value, const char *what)
{
	json_t	   *expression = rr_n8n_value(cx, value);
	const char *inner = rr_n8n_string(expression, "");
	size_t		len = strlen(inner);

	if (len >= 4 && strncmp(inner, "{{", 2) == 0 &&
		strcmp(inner + len - 2, "}}") == 0 && strstr(inner + 2, "{{") == NULL)
		return expression;
	json_decref(expression);
	rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
				   "%s that is a template with expressions inside is not supported; write it as one expression, ={{ {...} }}",
				   what);
	return NULL;
}

/* A string value, or fallback when value is absent or not a string */
const char *
rr_n8n_string(json_t *value, const char *fallback)
{
	return json_is_string(value) ? json_string_value(value) : fallback;
}

/* A boolean value, or fallback when value is absent or not a boolean */
bool
rr_n8n_bool(json_t *value, bool fallback)
{
	return json_is_boolean(value) ? json_is_true(value) : fallback;
}

/*
 * n8n's list of field names, "a, b" (or an array of them), as an array of
 * names; an expression cannot be a list of fields here.
 */
json_t *
rr_n8n_field_list(RrN8nContext *cx, json_t *value)
{
	json_t	   *names = json_array();
	const char *text;
	const char *start;

	if (json_is_array(value))
	{
		json_decref(names);
		return rr_n8n_value(cx, value);
	}
	text = rr_n8n_string(value, "");
	if (text[0] == '=')
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a list of fields computed by an expression is not supported");
		return names;
	}
	for (start = text; *start != '\0';)
	{
		const char *end = strchr(start, ',');
		size_t		len = end ? (size_t) (end - start) : strlen(start);
		const char *s = start;

		while (len > 0 && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len > 0)
			json_array_append_new(names, json_stringn(s, len));
		start = end ? end + 1 : start + strlen(start);
	}
	return names;
}

/* An array of output names, the arguments up to a NULL */
json_t *
rr_n8n_outputs(const char *first,...)
{
	json_t	   *names = json_array();
	const char *name;
	va_list		args;

	va_start(args, first);
	for (name = first; name != NULL; name = va_arg(args, const char *))
		json_array_append_new(names, json_string(name));
	va_end(args);
	return names;
}

/* An array of strings as n8n's list of field names, "a,b" */
json_t *
rr_n8n_join(json_t *names)
{
	json_t	   *text = json_string("");
	size_t		i;

	for (i = 0; i < json_array_size(names); i++)
	{
		json_t	   *longer = json_sprintf("%s%s%s", json_string_value(text),
										  i > 0 ? "," : "",
										  rr_n8n_string(json_array_get(names, i), ""));

		json_decref(text);
		text = longer;
	}
	return text;
}
