/*-------------------------------------------------------------------------
 *
 * map_rename_keys.c
 *		n8n's Rename Keys node as rename_keys, and back.
 *
 * n8n's "keys.key" pairs (currentKey, newKey) become "keys" ({from, to});
 * a pair with an empty name, which n8n skips, is left out.  The regular
 * expressions of "additionalOptions.regexReplacement.replacements"
 * become "regex" entries; they are compiled when the workflow is saved,
 * so one computed by an expression is refused.  n8n's empty pattern
 * matches every key at its start: it becomes "(?:)".
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "n8n/mappers.h"

/* One pair of n8n's "keys.key", or NULL when n8n would skip it */
static json_t *
import_pair(RrN8nContext *cx, json_t *pair)
{
	json_t	   *from = json_object_get(pair, "currentKey");
	json_t	   *to = json_object_get(pair, "newKey");

	if (rr_n8n_is_empty(from) || rr_n8n_is_empty(to) ||
		strcmp(rr_n8n_string(from, ""), "=") == 0 ||
		strcmp(rr_n8n_string(to, ""), "=") == 0)
		return NULL;
	return json_pack("{s:o, s:o}", "from", rr_n8n_value(cx, from),
					 "to", rr_n8n_value(cx, to));
}

/* One of n8n's regular expression replacements, or NULL to leave out */
static json_t *
import_replacement(RrN8nContext *cx, json_t *replacement)
{
	json_t	   *rest = json_copy(replacement);
	json_t	   *search = rr_n8n_value(cx, rr_n8n_take(rest, "searchRegex"));
	json_t	   *replace = rr_n8n_value(cx, rr_n8n_take(rest, "replaceRegex"));
	json_t	   *options = rr_n8n_take(rest, "options");
	json_t	   *rest_options = json_is_object(options) ?
		json_copy(options) : rr_n8n_new_object();
	json_t	   *icase = rr_n8n_take(rest_options, "caseInsensitive");
	json_t	   *depth = rr_n8n_take(rest_options, "depth");
	const char *pattern = rr_n8n_string(search, "");
	const char *with = rr_n8n_string(replace, "");
	json_t	   *entry = NULL;

	/* the editor's notice about earlier renames: no value */
	(void) rr_n8n_take(rest, "regExNotice");
	if (strstr(pattern, "{{") != NULL || strstr(with, "{{") != NULL)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a regular expression or replacement computed by an expression is not supported (they are compiled when the workflow is saved)");
	else if (icase != NULL && !json_is_boolean(icase))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "\"Case Insensitive\" computed by an expression is not supported");
	else if (depth != NULL && !json_is_integer(depth))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "\"Max Depth\" must be a whole number");
	else if (pattern[0] != '\0' || with[0] != '\0')
	{
		entry = json_pack("{s:s, s:s}", "pattern",
						  pattern[0] != '\0' ? pattern : "(?:)",
						  "replacement", with);
		if (json_is_true(icase))
			json_object_set_new(entry, "case_insensitive", json_true());
		if (depth != NULL && json_integer_value(depth) >= 0)
			json_object_set_new(entry, "depth",
								json_integer(json_integer_value(depth) > 1000 ?
											 1000 : json_integer_value(depth)));
	}
	rr_n8n_leftovers(cx, rest_options, "regular expression option");
	rr_n8n_leftovers(cx, rest, "regular expression parameter");
	json_decref(search);
	json_decref(replace);
	return entry;
}

void
rr_n8n_import_rename_keys(RrN8nContext *cx, json_t *parameters,
						  RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *keys = rr_n8n_take(rest, "keys");
	json_t	   *additional = rr_n8n_take(rest, "additionalOptions");
	json_t	   *rest_additional = json_is_object(additional) ?
		json_copy(additional) : rr_n8n_new_object();
	json_t	   *regex = rr_n8n_take(rest_additional, "regexReplacement");
	json_t	   *pairs = json_array();
	json_t	   *entries = json_array();
	json_t	   *item;
	size_t		i;

	out->rr_type = "rename_keys";
	out->params = rr_n8n_new_object();
	json_array_foreach(json_object_get(keys, "key"), i, item)
	{
		json_t	   *pair = import_pair(cx, item);

		if (pair != NULL)
			json_array_append_new(pairs, pair);
	}
	json_array_foreach(json_object_get(regex, "replacements"), i, item)
	{
		json_t	   *entry = import_replacement(cx, item);

		if (entry != NULL)
			json_array_append_new(entries, entry);
	}
	if (json_array_size(pairs) > 0)
		json_object_set(out->params, "keys", pairs);
	if (json_array_size(entries) > 0)
		json_object_set(out->params, "regex", entries);
	json_decref(pairs);
	json_decref(entries);
	rr_n8n_leftovers(cx, rest_additional, "option");
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_export_rename_keys(RrN8nContext *cx, json_t *params, RrN8nNode *out)
{
	json_t	   *keys = json_object_get(params, "keys");
	json_t	   *pairs = json_array();
	json_t	   *replacements = json_array();
	json_t	   *item;
	size_t		i;

	out->n8n_type = "renameKeys";
	out->version = 1;
	if (json_is_string(keys))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "a list of keys computed by one expression has no counterpart in n8n's Rename Keys node");
	json_array_foreach(keys, i, item)
		json_array_append_new(pairs,
							  json_pack("{s:o, s:o}", "currentKey",
										rr_n8n_export_value(json_object_get(item, "from")),
										"newKey",
										rr_n8n_export_value(json_object_get(item, "to"))));
	json_array_foreach(json_object_get(params, "regex"), i, item)
	{
		json_t	   *options = rr_n8n_new_object();

		if (json_is_true(json_object_get(item, "case_insensitive")))
			json_object_set_new(options, "caseInsensitive", json_true());
		if (json_object_get(item, "depth") != NULL)
			json_object_set(options, "depth", json_object_get(item, "depth"));
		json_array_append_new(replacements,
							  json_pack("{s:O, s:s, s:o}", "searchRegex",
										json_object_get(item, "pattern"),
										"replaceRegex",
										rr_n8n_string(json_object_get(item, "replacement"), ""),
										"options", options));
	}
	out->params = json_pack("{s:{s:o}, s:o}", "keys", "key", pairs,
							"additionalOptions",
							json_array_size(replacements) > 0 ?
							json_pack("{s:{s:o}}", "regexReplacement",
									  "replacements", replacements) :
							(json_decref(replacements), rr_n8n_new_object()));
}
