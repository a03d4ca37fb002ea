/*-------------------------------------------------------------------------
 *
 * map_set.c
 *		n8n's Edit Fields (Set) node, versions 1 to 3.4, as set, and back.
 *
 * The versions store their fields three ways: v1 and v2 typed lists
 * (values.string[], values.number[], values.boolean[]), v3.0 to v3.2
 * fields.values[] of {name, type: "stringValue"..., stringValue: ...},
 * v3.3 and later assignments.assignments[] of {name, type, value}.  v3
 * fields keep their values and get their types in "types": the set node
 * converts them when it runs, as n8n does (with ignore_conversion_errors
 * from the option); v1 and v2 take values as they are, but v2 makes a
 * number field's text a number when it is one (the type number, with
 * ignore_conversion_errors).  Which input
 * fields stay: v1/v2 keepOnlySet, v3.0-3.2 include (default all), v3.3+
 * includeOtherFields (default false) and then include (all, none,
 * selected or except).  Dot notation, n8n's default, is set explicitly
 * either way.
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n8n/mappers.h"

/* n8n's type of a v3 field ("stringValue" or "string") as set's type */
static json_t *
field_type(const char *type)
{
	size_t		len = strlen(type);

	if (len > 5 && strcmp(type + len - 5, "Value") == 0)
		len -= 5;
	if ((len == 6 && strncmp(type, "string", 6) == 0) ||
		(len == 6 && strncmp(type, "number", 6) == 0) ||
		(len == 7 && strncmp(type, "boolean", 7) == 0) ||
		(len == 5 && strncmp(type, "array", 5) == 0) ||
		(len == 6 && strncmp(type, "object", 6) == 0))
		return json_stringn(type, len);
	return NULL;
}

/*
 * One v3 field: its value as it is (the set node converts it to its type
 * when it runs, as n8n does) and its type in types
 */
static void
typed_field(RrN8nContext *cx, json_t *fields, json_t *types,
			const char *name, const char *type, json_t *value)
{
	json_t	   *set_type = field_type(type);

	if (set_type == NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "field \"%s\": the type \"%s\" is not supported", name,
					   type);
	else
		json_object_set_new(types, name, set_type);
	json_object_set_new(fields, name, value ? rr_n8n_value(cx, value) :
						json_null());
}

/* The fields of v3.0 and later (typed), and of v1/v2's typed lists */
static void
import_fields(RrN8nContext *cx, json_t *rest, json_t *fields, json_t *types)
{
	json_t	   *list = json_object_get(rr_n8n_take(rest, "assignments"),
									   "assignments");
	json_t	   *v3_fields = json_object_get(rr_n8n_take(rest, "fields"), "values");
	json_t	   *v1_values = rr_n8n_take(rest, "values");
	size_t		i;

	for (i = 0; i < json_array_size(list); i++)
	{
		json_t	   *entry = json_array_get(list, i);

		typed_field(cx, fields, types,
					rr_n8n_string(json_object_get(entry, "name"), ""),
					rr_n8n_string(json_object_get(entry, "type"), "string"),
					json_object_get(entry, "value"));
	}
	for (i = 0; i < json_array_size(v3_fields); i++)
	{
		json_t	   *entry = json_array_get(v3_fields, i);
		const char *type = rr_n8n_string(json_object_get(entry, "type"), "stringValue");
		json_t	   *value = json_object_get(entry, type);
		json_t	   *empty = value ? NULL : json_string("");

		typed_field(cx, fields, types,
					rr_n8n_string(json_object_get(entry, "name"), ""), type,
					value ? value : empty);
		json_decref(empty);
	}
	if (json_is_object(v1_values))
	{
		const char *type;
		json_t	   *typed;

		/*
		 * v1 and v2 take values as their parameters give them, but v2
		 * turns a number field's text into a number when it is one
		 */
		json_object_foreach(v1_values, type, typed)
		{
			for (i = 0; i < json_array_size(typed); i++)
			{
				json_t	   *entry = json_array_get(typed, i);
				json_t	   *value = json_object_get(entry, "value");
				const char *name = rr_n8n_string(json_object_get(entry, "name"), "");

				json_object_set_new(fields, name,
									value ? rr_n8n_value(cx, value) :
									strcmp(type, "number") == 0 ? json_integer(0) :
									strcmp(type, "boolean") == 0 ? json_false() :
									json_string(""));
				if (cx->version >= 2 && strcmp(type, "number") == 0)
					json_object_set_new(types, name, json_string("number"));
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
	bool		ignore = rr_n8n_bool(rr_n8n_take(rest_options, "ignoreConversionErrors"),
									 false);
	const char *mode = rr_n8n_string(rr_n8n_take(rest, "mode"), "manual");
	json_t	   *fields;
	json_t	   *types = rr_n8n_new_object();
	const char *include;

	out->rr_type = "set";
	out->params = rr_n8n_new_object();
	if (strcmp(mode, "raw") == 0)
		fields = import_json_output(cx, rr_n8n_take(rest, "jsonOutput"));
	else
	{
		fields = rr_n8n_new_object();
		import_fields(cx, rest, fields, types);
	}
	if (!json_is_object(fields) || json_object_size(fields) > 0)
		json_object_set(out->params, "fields", fields);
	json_decref(fields);
	if (json_object_size(types) > 0)
		json_object_set(out->params, "types", types);
	/* v2 keeps a number field's text that is no number */
	if (cx->version < 3 && json_object_size(types) > 0)
		ignore = true;
	json_decref(types);
	json_object_set_new(out->params, "dot_notation", json_boolean(dot_notation));
	if (ignore)
		json_object_set_new(out->params, "ignore_conversion_errors", json_true());

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
	if (strcmp(include, "all") != 0 && strcmp(include, "none") != 0 &&
		strcmp(include, "selected") != 0 && strcmp(include, "except") != 0)
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "including \"%s\" input fields is not an option", include);
	json_object_set_new(out->params, "include", json_string(include));
	if (strcmp(include, "except") == 0)
		json_object_set_new(out->params, "remove",
							rr_n8n_field_list(cx, rr_n8n_take(rest, "excludeFields")));
	else if (strcmp(include, "selected") == 0)
		json_object_set_new(out->params, "include_fields",
							rr_n8n_field_list(cx, rr_n8n_take(rest, "includeFields")));
	(void) rr_n8n_take(rest, "includeFields");
	(void) rr_n8n_take(rest, "excludeFields");

	/* manual runs only, and binary data, which Reporunner does not have */
	(void) rr_n8n_take(rest, "duplicateItem");
	(void) rr_n8n_take(rest, "duplicateCount");
	(void) rr_n8n_take(rest_options, "includeBinary");
	(void) rr_n8n_take(rest_options, "stripBinary");
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
	json_t	   *types = json_object_get(params, "types");
	const char *include = rr_n8n_string(json_object_get(params, "include"), "all");
	bool		keep_only = rr_n8n_bool(json_object_get(params, "keep_only"), false) ||
		strcmp(include, "none") == 0;
	bool		dot_notation = rr_n8n_bool(json_object_get(params, "dot_notation"),
										   false);
	json_t	   *assignments = json_array();
	json_t	   *options = rr_n8n_new_object();
	const char *name;
	json_t	   *value;
	size_t		index;
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
										"type",
										rr_n8n_string(json_object_get(types, name),
													  assignment_type(value))));
		if (!dot_notation && strpbrk(name, ".[") != NULL)
			json_object_set_new(options, "dotNotation", json_false());
	}
	if (!json_is_string(fields))
		json_object_set_new(out->params, "assignments",
							json_pack("{s:o}", "assignments", assignments));
	else
		json_decref(assignments);
	json_object_set_new(out->params, "includeOtherFields", json_boolean(!keep_only));
	if (!keep_only && strcmp(include, "selected") == 0)
	{
		json_object_set_new(out->params, "include", json_string("selected"));
		json_object_set_new(out->params, "includeFields",
							rr_n8n_join(json_object_get(params, "include_fields")));
	}
	else if (!keep_only && json_array_size(remove) > 0)
	{
		json_object_set_new(out->params, "include", json_string("except"));
		json_object_set_new(out->params, "excludeFields", rr_n8n_join(remove));
	}
	json_array_foreach(remove, index, value)
	{
		if (!dot_notation && strpbrk(rr_n8n_string(value, ""), ".[") != NULL)
			json_object_set_new(options, "dotNotation", json_false());
	}
	if (rr_n8n_bool(json_object_get(params, "ignore_conversion_errors"), false))
		json_object_set_new(options, "ignoreConversionErrors", json_true());
	json_object_set_new(out->params, "options", options);
}
