/*-------------------------------------------------------------------------
 *
 * map_compare_datasets.c
 *		n8n's Compare Datasets node (versions 2.2 and 2.3) as
 *		compare_datasets, and back.
 *
 * The four outputs keep their order: "In A only", "Same", "Different",
 * "In B only" are in_a_only, same, different, in_b_only.  Every parameter
 * is read once in n8n and fixed when the workflow is saved here, so a
 * parameter computed by an expression is refused.  Versions before 2.2
 * are refused: they fail on a field no item has, and before 2.1 they
 * compare and name differences otherwise (src/nodes/compare_datasets.c
 * does what 2.2 and 2.3 do).
 *
 * Plain C on jansson; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "n8n/mappers.h"

#define COMPARE_OUTPUTS "in_a_only", "same", "different", "in_b_only", NULL

/* n8n's resolve values and ours, in the same order */
static const char *const n8n_resolves[] = {"includeBoth", "preferInput1",
"preferInput2", "mix", NULL};
static const char *const rr_resolves[] = {"include_both", "prefer_a",
"prefer_b", "mix", NULL};

/* A field name as text, or NULL after a problem */
static json_t *
field_name(RrN8nContext *cx, json_t *value, const char *what)
{
	json_t	   *name = rr_n8n_value(cx, value);

	if (!json_is_string(name) || json_string_length(name) == 0 ||
		strstr(json_string_value(name), "{{") != NULL)
	{
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "%s must be a field name (not empty, not computed by an expression)",
					   what);
		json_decref(name);
		return NULL;
	}
	return name;
}

/* The index of a word in a NULL-terminated list, or -1 */
static int
word_index(const char *const *words, const char *word)
{
	int			i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(words[i], word) == 0)
			return i;
	return -1;
}

/* The options collection */
static void
import_options(RrN8nContext *cx, json_t *options, json_t *params)
{
	json_t	   *rest = json_is_object(options) ? json_copy(options) :
		rr_n8n_new_object();
	json_t	   *skip = rr_n8n_take(rest, "skipFields");
	json_t	   *dots = rr_n8n_take(rest, "disableDotNotation");
	const char *matches = rr_n8n_string(rr_n8n_take(rest, "multipleMatches"),
										"first");

	if (skip != NULL && !rr_n8n_is_empty(skip))
	{
		json_t	   *names = rr_n8n_field_list(cx, skip);

		if (json_array_size(names) > 0)
			json_object_set(params, "skip_fields", names);
		json_decref(names);
	}
	if (dots != NULL && !json_is_boolean(dots))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "\"Disable Dot Notation\" computed by an expression is not supported");
	else if (json_is_true(dots))
		json_object_set_new(params, "dot_notation", json_false());
	if (strcmp(matches, "all") == 0)
		json_object_set_new(params, "multiple_matches", json_string("all"));
	else if (strcmp(matches, "first") != 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "multiple matches \"%s\" is not supported", matches);
	rr_n8n_leftovers(cx, rest, "option");
}

void
rr_n8n_import_compare_datasets(RrN8nContext *cx, json_t *parameters,
							   RrN8nNode *out)
{
	json_t	   *rest = json_copy(parameters);
	json_t	   *pairs = json_object_get(rr_n8n_take(rest, "mergeByFields"),
										"values");
	const char *resolve = rr_n8n_string(rr_n8n_take(rest, "resolve"),
										"includeBoth");
	json_t	   *fuzzy = rr_n8n_take(rest, "fuzzyCompare");
	const char *prefer = rr_n8n_string(rr_n8n_take(rest, "preferWhenMix"),
									   "input1");
	json_t	   *except = rr_n8n_take(rest, "exceptWhenMix");
	json_t	   *fields = json_array();
	json_t	   *pair;
	size_t		i;
	int			r = word_index(n8n_resolves, resolve);

	out->rr_type = "compare_datasets";
	out->outputs = rr_n8n_outputs(COMPARE_OUTPUTS);
	out->params = rr_n8n_new_object();
	if (cx->version < 2.2)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "versions before 2.2 are not supported (they fail on a field no item has, and before 2.1 compare otherwise): replace the node by a Compare Datasets of version 2.3");
	/* the editor's notice: no value */
	(void) rr_n8n_take(rest, "infoBox");
	json_array_foreach(pairs, i, pair)
	{
		json_t	   *a = field_name(cx, json_object_get(pair, "field1"),
								   "\"Input A Field\"");
		json_t	   *b = field_name(cx, json_object_get(pair, "field2"),
								   "\"Input B Field\"");

		if (a != NULL && b != NULL)
			json_array_append_new(fields, json_pack("{s:o, s:o}", "a", a, "b", b));
		else
		{
			json_decref(a);
			json_decref(b);
		}
	}
	if (json_array_size(pairs) == 0)
		rr_n8n_problem(cx, RR_N8N_INVALID,
					   "no \"Fields to Match\": define at least one pair of fields");
	json_object_set_new(out->params, "fields", fields);

	if (r < 0)
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "\"When There Are Differences\" \"%s\" is not supported", resolve);
	else
		json_object_set_new(out->params, "resolve", json_string(rr_resolves[r]));
	if (r >= 0 && strcmp(rr_resolves[r], "mix") == 0)
	{
		json_t	   *names = except != NULL ? rr_n8n_field_list(cx, except) : json_array();

		json_object_set_new(out->params, "prefer",
							json_string(strcmp(prefer, "input2") == 0 ? "b" : "a"));
		if (json_array_size(names) > 0)
			json_object_set(out->params, "except", names);
		json_decref(names);
	}
	if (fuzzy != NULL && !json_is_boolean(fuzzy))
		rr_n8n_problem(cx, RR_N8N_UNSUPPORTED,
					   "\"Fuzzy Compare\" computed by an expression is not supported");
	else if (json_is_true(fuzzy))
		json_object_set_new(out->params, "fuzzy_compare", json_true());
	import_options(cx, rr_n8n_take(rest, "options"), out->params);
	rr_n8n_leftovers(cx, rest, "parameter");
}

void
rr_n8n_export_compare_datasets(RrN8nContext *cx, json_t *params,
							   RrN8nNode *out)
{
	const char *resolve = rr_n8n_string(json_object_get(params, "resolve"),
										"include_both");
	json_t	   *pairs = json_array();
	json_t	   *options = rr_n8n_new_object();
	json_t	   *pair;
	size_t		i;

	out->n8n_type = "compareDatasets";
	out->version = 2.3;
	out->outputs = rr_n8n_outputs(COMPARE_OUTPUTS);
	json_array_foreach(json_object_get(params, "fields"), i, pair)
		json_array_append_new(pairs, json_pack("{s:O, s:O}",
											   "field1", json_object_get(pair, "a"),
											   "field2", json_object_get(pair, "b")));
	if (json_array_size(json_object_get(params, "skip_fields")) > 0)
		json_object_set_new(options, "skipFields",
							rr_n8n_join(json_object_get(params, "skip_fields")));
	if (!rr_n8n_bool(json_object_get(params, "dot_notation"), true))
		json_object_set_new(options, "disableDotNotation", json_true());
	if (json_object_get(params, "multiple_matches") != NULL)
		json_object_set(options, "multipleMatches",
						json_object_get(params, "multiple_matches"));
	out->params = json_pack("{s:{s:o}, s:s, s:b, s:o}",
							"mergeByFields", "values", pairs,
							"resolve", n8n_resolves[word_index(rr_resolves, resolve)],
							"fuzzyCompare",
							rr_n8n_bool(json_object_get(params, "fuzzy_compare"), false),
							"options", options);
	if (strcmp(resolve, "mix") == 0)
	{
		json_object_set_new(out->params, "preferWhenMix",
							json_string(strcmp(rr_n8n_string(json_object_get(params, "prefer"), "a"),
											   "b") == 0 ? "input2" : "input1"));
		if (json_array_size(json_object_get(params, "except")) > 0)
			json_object_set_new(out->params, "exceptWhenMix",
								rr_n8n_join(json_object_get(params, "except")));
	}
}
