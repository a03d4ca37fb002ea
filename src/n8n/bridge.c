/*-------------------------------------------------------------------------
 *
 * bridge.c
 *		The translation as text in, text out, for n8n_sql.c.
 *
 * n8n_sql.c cannot include jansson next to the server's headers (both
 * declare json_object), so it hands JSON text over and gets back the
 * translated JSON text, or the problems as lines of an error detail, or
 * what is wrong before any node is translated (the options, or JSON that
 * jansson cannot hold).  Everything returned is malloc'd and
 * freed by rr_n8n_outcome_free().
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "n8n/bridge.h"
#include "n8n/n8n.h"

/*
 * Significant digits of a number with a fraction.  jansson holds such
 * numbers as doubles and would write 0.1 as 0.10000000000000001 (17
 * digits, the exact double), which jsonb reads as another number; 15
 * digits write every number of up to 15 digits as it was read.
 */
#define RR_N8N_REAL_DIGITS 15

/* Lines of a problem list, or the text of result; frees both */
static void
finish(RrN8nOutcome *out, json_t *result, json_t *problems)
{
	size_t		i;

	out->nlines = (int) json_array_size(problems);
	if (out->nlines == 0)
		out->text = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY |
							   JSON_REAL_PRECISION(RR_N8N_REAL_DIGITS));
	else
		out->lines = calloc(out->nlines, sizeof(char *));
	for (i = 0; out->lines != NULL && i < json_array_size(problems); i++)
	{
		json_t	   *p = json_array_get(problems, i);
		const char *node = rr_n8n_string(json_object_get(p, "node"), "");
		const char *type = rr_n8n_string(json_object_get(p, "type"), "");
		const char *reason = rr_n8n_string(json_object_get(p, "reason"), "");
		double		version = json_number_value(json_object_get(p, "version"));
		json_t	   *line;

		if (strcmp(rr_n8n_string(json_object_get(p, "kind"), ""), "invalid") == 0)
			out->invalid = true;
		if (node[0] == '\0')
			line = json_sprintf("%s: %s.", type, reason);
		else if (version > 0)
			line = json_sprintf("Node \"%s\" (%s, version %g): %s.", node, type,
								version, reason);
		else
			line = json_sprintf("Node \"%s\" (%s): %s.", node, type, reason);
		out->lines[i] = line ? strdup(json_string_value(line)) : NULL;
		json_decref(line);
	}
	json_decref(result);
	json_decref(problems);
}

/* Check the import options; on a problem, sets out->error and returns false */
static bool
check_options(json_t *options, RrN8nOutcome *out)
{
	const char *key;
	json_t	   *value;
	char		error[300];

	if (!json_is_object(options))
	{
		out->message = strdup("options must be a JSON object");
		out->error = RR_N8N_OPTION_TYPE;
		return false;
	}
	json_object_foreach(options, key, value)
	{
		bool		ok = true;

		if (strcmp(key, "workflows") == 0)
		{
			const char *id;
			json_t	   *name;

			ok = json_is_object(value);
			json_object_foreach(value, id, name)
				ok = ok && json_is_string(name);
			if (!ok)
				snprintf(error, sizeof(error),
						 "option \"workflows\" must be an object of n8n workflow ids to workflow names");
		}
		else if (strcmp(key, "pin_data") == 0)
		{
			ok = json_is_boolean(value);
			if (!ok)
				snprintf(error, sizeof(error), "option \"pin_data\" must be a boolean");
		}
		else
		{
			snprintf(error, sizeof(error), "unknown option \"%.200s\"", key);
			out->message = strdup(error);
			out->error = RR_N8N_UNKNOWN_OPTION;
			return false;
		}
		if (!ok)
		{
			out->message = strdup(error);
			out->error = RR_N8N_OPTION_TYPE;
			return false;
		}
	}
	return true;
}

/* JSON text (from jsonb, so valid JSON) as jansson; NULL sets out's error */
static json_t *
parse(const char *text, RrN8nOutcome *out)
{
	json_error_t error;
	json_t	   *value;

	memset(&error, 0, sizeof(error));
	value = json_loads(text, JSON_DECODE_ANY, &error);
	if (value == NULL && out->error == RR_N8N_OK)
	{
		/* without error text, jansson ran out of memory */
		out->error = error.text[0] ? RR_N8N_UNREADABLE : RR_N8N_OUT_OF_MEMORY;
		out->message = strdup(error.text);
	}
	return value;
}

void
rr_n8n_import_text(const char *workflow, const char *options,
				   RrN8nOutcome *out)
{
	json_t	   *n8n;
	json_t	   *opts;
	json_t	   *problems = json_array();
	json_t	   *document;

	memset(out, 0, sizeof(*out));
	n8n = parse(workflow, out);
	opts = parse(options, out);
	if (n8n == NULL || opts == NULL || problems == NULL)
		;
	else if (check_options(opts, out))
	{
		document = rr_n8n_import(n8n, opts, problems);
		if (!rr_n8n_bool(json_object_get(opts, "pin_data"), true))
			json_object_del(document, "pin_data");
		finish(out, document, problems);
		problems = NULL;
	}
	json_decref(problems);
	json_decref(n8n);
	json_decref(opts);
	if (out->nlines == 0 && out->error == RR_N8N_OK && out->text == NULL)
		out->error = RR_N8N_OUT_OF_MEMORY;
}

void
rr_n8n_export_text(const char *document, const char *name, RrN8nOutcome *out)
{
	json_t	   *doc;
	json_t	   *problems = json_array();

	memset(out, 0, sizeof(*out));
	doc = parse(document, out);
	if (doc == NULL || problems == NULL)
		json_decref(problems);
	else
		finish(out, rr_n8n_export(doc, name, problems), problems);
	json_decref(doc);
	if (out->nlines == 0 && out->error == RR_N8N_OK && out->text == NULL)
		out->error = RR_N8N_OUT_OF_MEMORY;
}

void
rr_n8n_outcome_free(RrN8nOutcome *out)
{
	int			i;

	free(out->text);
	free(out->message);
	for (i = 0; out->lines != NULL && i < out->nlines; i++)
		free(out->lines[i]);
	free(out->lines);
	memset(out, 0, sizeof(*out));
}
