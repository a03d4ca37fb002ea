/*-------------------------------------------------------------------------
 *
 * map_set.c
 *		n8n's Edit Fields (Set) node, versions 1 to 3.4, as set, and back.
 *
 * The versions store their fields three ways: v1 and v2 typed lists
 * (values.string[], values.number[], values.boolean[]), v3.0 to v3.2
 * fields.values[] of {name, type: "stringValue"..., stringValue: ...},
 * v3.3 and later assignments.assignments[] of {name, type, value}.  A
 * literal value is converted to its declared type here, as n8n does when
 * it runs; a value with an expression keeps the type the expression gives
 * (docs/n8n.md).  Which input fields stay: v1/v2 keepOnlySet, v3.0-3.2
 * include (default all), v3.3+ includeOtherFields (default false) and
 * then include.  Dot notation (on by default) sets nested fields, which
 * set does not do: a name with "." or "[" is refused unless the node
 * turns dot notation off.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n8n/mappers.h"

/* A literal value converted to n8n's declared type (a new reference) */
static json_t *
typed_literal(RrN8nContext *cx, const char *name, const char *type,
			  json_t *value)
{
	const char *text = json_string_value(value);

	if (!json_is_string(value) || text[0] == '=')
		return rr_n8n_value(cx, value);
	if (strncmp(type, "number", 6) == 0)
	{
		char	   *end;
		double		number = strtod(text, &end);

		if (text[0] == '\0' || *end != '\0')
		{
			rr_n8n_problem(cx, RR_N8N_INVALID,
						   "field \"%s\": \"%s\" is not a number", name, text);
			return json_null();
		}
		if (number == (double) (json_int_t) number)
			return json_integer((json_int_t) number);
		return json_real(number);
	}
	if (strncmp(type, "boolean", 7) == 0)
	{
		if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
			return json_boolean(strcmp(text, "true") == 0);
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "field \"%s\": \"%s\" is not a boolean", name, text);
		return json_null();
	}
	if (strncmp(type, "array", 5) == 0 || strncmp(type, "object", 6) == 0)
	{
		json_error_t error;
		json_t	   *parsed = json_loads(text, JSON_DECODE_ANY, &error);

		if (parsed == NULL ||
			(strncmp(type, "array", 5) == 0 ? !json_is_array(parsed) :
			 !json_is_object(parsed)))
		{
			rr_n8n_problem(cx, RR_N8N_INVALID,
						   "field \"%s\": the text is not a JSON %s", name,
						   strncmp(type, "array", 5) == 0 ? "array" : "object");
			json_decref(parsed);
			return json_null();
		}
		value = rr_n8n_value(cx, parsed);
		json_decref(parsed);
		return value;
	}
	return rr_n8n_value(cx, value);
}

/* Set field name to value in fields, refusing names n8n takes as paths */
static void
set_field(RrN8nContext *cx, json_t *fields, const char *name, json_t *value,
		  bool dot_notation)
{
	if (dot_notation && strpbrk(name, ".[") != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "field \"%s\": dot notation (nested fields) is not supported yet; turn the option \"Support Dot Notation\" off if the name is meant literally",
					   name);
	json_object_set_new(fields, name, value);
}

/* The fields of v3.0 and later, and of v1/v2's typed lists */
static void
import_fields(RrN8nContext *cx, json_t *rest, json_t *fields,
			  bool dot_notation)
{
	json_t	   *list = json_object_get(rr_n8n_take(rest, "assignments"),
									   "assignments");
	json_t	   *v3_fields = json_object_get(rr_n8n_take(rest, "fields"), "values");
	json_t	   *v1_values = rr_n8n_take(rest, "values");
	size_t		i;

	for (i = 0; i < json_array_size(list); i++)
	{
		json_t	   *entry = json_array_get(list, i);
		const char *name = rr_n8n_string(json_object_get(entry, "name"), "");
		const char *type = rr_n8n_string(json_object_get(entry, "type"), "string");
		json_t	   *value = json_object_get(entry, "value");

		set_field(cx, fields, name,
				  value ? typed_literal(cx, name, type, value) : json_null(),
				  dot_notation);
	}
	for (i = 0; i < json_array_size(v3_fields); i++)
	{
		json_t	   *entry = json_array_get(v3_fields, i);
		const char *name = rr_n8n_string(json_object_get(entry, "name"), "");
		const char *type = rr_n8n_string(json_object_get(entry, "type"), "stringValue");
		json_t	   *value = json_object_get(entry, type);

		set_field(cx, fields, name,
				  value ? typed_literal(cx, name, type, value) : json_string(""),
				  dot_notation);
	}
	if (json_is_object(v1_values))
	{
		const char *type;
		json_t	   *typed;

		json_object_foreach(v1_values, type, typed)
		{
			for (i = 0; i < json_array_size(typed); i++)
			{
				json_t	   *entry = json_array_get(typed, i);
				const char *name = rr_n8n_string(json_object_get(entry, "name"), "");
				json_t	   *value = json_object_get(entry, "value");

				set_field(cx, fields, name,
						  value ? typed_literal(cx, name, type, value) :
						  strcmp(type, "number") == 0 ? json_integer(0) :
						  strcmp(type, "boolean") == 0 ? json_false() :
						  json_string(""),
						  dot_notation);
			}
		}
	}
}

/* Raw mode: jsonOutput, a JSON text or one expression */
static json_t *
import_json_output(RrN8nContext *cx, json_t *json_output)
{
	const char *text = rr_n8n_string(json_output, "{}");
	json_error_t error;
	json_t	   *parsed;
	json_t	   *value;

	if (text[0] == '=')
	{
		value = rr_n8n_lone_expression(cx, json_output, "a JSON output");
		return value ? value : rr_n8n_new_object();
	}
	parsed = json_loads(text, 0, &error);
	if (!json_is_object(parsed))
	{
		rr_n8n_problem(cx, RR_N8N_INVALID, "the JSON output is not a JSON object");
		json_decref(parsed);
		return rr_n8n_new_object();
	}
	value = rr_n8n_value(cx, parsed);
	json_decref(parsed);
	return value;
}

void
rr_n8n_import_set(RrN8nContext *cx, json_t *parameters, RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *rest_options = json_is_object(options) ? json_copy(options) :
		rr_n8n_new_object();
	bool		dot_notation = rr_n8n_bool(rr_n8n_take(rest_options, "dotNotation"),
										   true);
	const char *mode = rr_n8n_string(rr_n8n_take(rest, "mode"), "manual");
	json_t	   *fields;
	const char *include;

	out->rr_type = "set";
	out->params = rr_n8n_new_object();
	if (strcmp(mode, "raw") == 0)
		fields = import_json_output(cx, rr_n8n_take(rest, "jsonOutput"));
	else
	{
		fields = rr_n8n_new_object();
		import_fields(cx, rest, fields, dot_notation);
	}
	if (!json_is_object(fields) || json_object_size(fields) > 0)
		json_object_set(out->params, "fields", fields);
	json_decref(fields);

	/* which input fields stay */
	if (cx->version < 3)
		include = rr_n8n_bool(rr_n8n_take(rest, "keepOnlySet"), false) ?
			"none" : "all";
	else if (cx->version >= 3.3 &&
			 !rr_n8n_bool(rr_n8n_take(rest, "includeOtherFields"), false))
		include = "none";
	else
		include = rr_n8n_string(json_object_get(rest, "include"), "all");
	(void) rr_n8n_take(rest, "include");
	if (strcmp(include, "none") == 0)
		json_object_set_new(out->params, "keep_only", json_true());
	else if (strcmp(include, "except") == 0)
		json_object_set_new(out->params, "remove",
							rr_n8n_field_list(cx, rr_n8n_take(rest, "excludeFields")));
	else if (strcmp(include, "all") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "including \"%s\" input fields is not supported yet",
					   include);
	(void) rr_n8n_take(rest, "includeFields");
	(void) rr_n8n_take(rest, "excludeFields");

	/* manual runs only, and binary data, which Reporunner does not have */
	(void) rr_n8n_take(rest, "duplicateItem");
	(void) rr_n8n_take(rest, "duplicateCount");
	(void) rr_n8n_take(rest_options, "includeBinary");
	(void) rr_n8n_take(rest_options, "stripBinary");
	(void) rr_n8n_take(rest_options, "ignoreConversionErrors");
	rr_n8n_leftovers(cx, rest_options, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

/* The JSON type of a value as the type of an n8n v3.3+ assignment */
static const char *
assignment_type(json_t *value)
{
	switch (json_typeof(value))
	{
		case JSON_INTEGER:
		case JSON_REAL:
			return "number";
		case JSON_TRUE:
		case JSON_FALSE:
			return "boolean";
		case JSON_ARRAY:
			return "array";
		case JSON_OBJECT:
			return "object";
		default:
			return "string";
	}
}

void
rr_n8n_export_set(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *fields = json_object_get(params, "fields");
	json_t	   *remove = json_object_get(params, "remove");
	bool		keep_only = rr_n8n_bool(json_object_get(params, "keep_only"), false);
	json_t	   *assignments = json_array();
	json_t	   *options = rr_n8n_new_object();
	const char *name;
	json_t	   *value;
	int			n = 0;

	out->n8n_type = "set";
	out->version = 3.4;
	out->params = rr_n8n_new_object();
	if (json_object_size(json_object_get(params, "rename")) > 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "rename has no counterpart in n8n's Edit Fields node");
	if (json_is_string(fields))
	{
		json_object_set_new(out->params, "mode", json_string("raw"));
		json_object_set_new(out->params, "jsonOutput", rr_n8n_export_value(fields));
	}
	json_object_foreach(fields, name, value)
	{
		char		id[16];
		json_t	   *n8n_value = rr_n8n_export_value(value);

		if (json_is_object(value) || json_is_array(value))
		{
			/* n8n takes an array or object as JSON text */
			char	   *text = json_dumps(n8n_value, JSON_COMPACT);

			json_decref(n8n_value);
			n8n_value = json_string(text ? text : "null");
			free(text);
			if (strstr(json_string_value(n8n_value), "{{") != NULL)
				rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
							   "field \"%s\": an array or object with expressions inside has no counterpart in n8n",
							   name);
		}
		snprintf(id, sizeof(id), "%d", ++n);
		json_array_append_new(assignments,
							  json_pack("{s:s, s:s, s:o, s:s}", "id", id,
										"name", name, "value", n8n_value,
										"type", assignment_type(value)));
		if (strpbrk(name, ".[") != NULL)
			json_object_set_new(options, "dotNotation", json_false());
	}
	if (!json_is_string(fields))
		json_object_set_new(out->params, "assignments",
							json_pack("{s:o}", "assignments", assignments));
	else
		json_decref(assignments);
	json_object_set_new(out->params, "includeOtherFields", json_boolean(!keep_only));
	if (!keep_only && json_array_size(remove) > 0)
	{
		json_object_set_new(out->params, "include", json_string("except"));
		json_object_set_new(out->params, "excludeFields", rr_n8n_join(remove));
	}
	json_object_set_new(out->params, "options", options);
}
