/*-------------------------------------------------------------------------
 *
 * compare_datasets.c
 *		The "compare_datasets" node: n8n's Compare Datasets (version 2.3).
 *		Pairs the items of input A with those of input B whose "fields"
 *		match, and sends each to one of four outputs: in_a_only, same,
 *		different, in_b_only.
 *
 * Empty items ({}) are left out.  For each item of A, in order, the
 * values of its fields ("a" of each pair; a path unless dot_notation is
 * off) are looked for in B ("b"): the first B item whose values are equal
 * (multiple_matches "all": every one).  An A item lacking a field, or with
 * no match, goes to in_a_only; B items no A item matched go to in_b_only.
 * A matched pair is compared without skip_fields: equal, the A item goes
 * to same (once per A item; with fuzzy_compare and resolve prefer_b, the
 * B item); different, by resolve: prefer_a / prefer_b the item of that
 * input, mix the item of "prefer" with the "except" fields taken from the
 * other, include_both {"keys", "same", "different", "skipped"} with each
 * differing field as {"inputA": ..., "inputB": ...}.
 *
 * Values compare as lodash's isEqual; with fuzzy_compare, as n8n's
 * fuzzyCompare: null, "" and [] are alike, and alike a missing field; null
 * is alike 0 and "0"; a number is alike its JavaScript text; an object or
 * array is alike its JSON text; true is alike "true" (any case), "1" and 1,
 * false "false", "0" and 0.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "common/jsonapi.h"
#include "expr/js_value.h"
#include "mb/pg_wchar.h"
#include "nodes/item_keys.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "reporunner.h"
#include "utils/formatting.h"
#include "utils/memutils.h"
#include "utils/fmgrprotos.h"

#define OUT_A_ONLY		0
#define OUT_SAME		1
#define OUT_DIFFERENT	2
#define OUT_B_ONLY		3

typedef enum CompareResolve
{
	RESOLVE_INCLUDE_BOTH,
	RESOLVE_PREFER_A,
	RESOLVE_PREFER_B,
	RESOLVE_MIX
} CompareResolve;

/* What prepare decodes: every param is fixed when the workflow is saved. */
typedef struct CompareState
{
	const char *node_name;
	int			nfields;
	char	  **fields_a;
	char	  **fields_b;
	CompareResolve resolve;
	bool		prefer_b;		/* mix: the item of B, the except fields of A */
	int			nexcept;
	char	  **except;
	int			nskip;
	char	  **skip;
	bool		skip_paths;		/* a skipped field is a path */
	bool		fuzzy;
	bool		dot_notation;
	bool		all_matches;
} CompareState;

/* One input item: its position, and the item as a value */
typedef struct CompareItem
{
	int			index;
	JsonbValue *value;
} CompareItem;

/* ---------- prepare ---------- */

/*
 * param_word
 *		Whether choice param name is word.
 */
static bool
param_word(RrPlanNode *node, const char *name, const char *word)
{
	JsonbValue *value = rr_node_param(node, name);

	return value != NULL && rr_value_is_word(rr_value_normalize(value), word);
}

/*
 * param_bool
 *		A boolean param, or its default.
 */
static bool
param_bool(RrPlanNode *node, const char *name, bool fallback)
{
	JsonbValue *value = rr_node_param(node, name);

	if (value == NULL)
		return fallback;
	value = rr_value_normalize(value);
	return value->type == jbvBool ? value->val.boolean : fallback;
}

/*
 * param_strings
 *		A param that is an array of strings.
 */
static char **
param_strings(RrPlanNode *node, const char *name, int *count)
{
	JsonbValue *value = rr_node_param(node, name);

	return rr_decode_string_array(value == NULL ? NULL :
								  rr_value_normalize(value),
								  node->name, name, count);
}

/*
 * compare_datasets_prepare
 *		Decode the params.
 */
static void *
compare_datasets_prepare(RrPlanNode *node)
{
	CompareState *state = palloc0(sizeof(CompareState));
	JsonbValue *fields = rr_value_normalize(rr_node_param(node, "fields"));
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	pair;
	int			i;

	state->node_name = node->name;
	state->fields_a = palloc(sizeof(char *) *
							 JsonContainerSize(fields->val.binary.data));
	state->fields_b = palloc(sizeof(char *) *
							 JsonContainerSize(fields->val.binary.data));
	it = JsonbIteratorInit(fields->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &pair, true)) != WJB_DONE)
	{
		JsonbValue *a;
		JsonbValue *b;

		if (tok != WJB_ELEM)
			continue;
		a = rr_value_member(rr_value_normalize(&pair), "a", 1);
		b = rr_value_member(rr_value_normalize(&pair), "b", 1);
		state->fields_a[state->nfields] = pnstrdup(a->val.string.val,
												   a->val.string.len);
		state->fields_b[state->nfields] = pnstrdup(b->val.string.val,
												   b->val.string.len);
		state->nfields++;
	}

	if (param_word(node, "resolve", "prefer_a"))
		state->resolve = RESOLVE_PREFER_A;
	else if (param_word(node, "resolve", "prefer_b"))
		state->resolve = RESOLVE_PREFER_B;
	else if (param_word(node, "resolve", "mix"))
		state->resolve = RESOLVE_MIX;
	else
		state->resolve = RESOLVE_INCLUDE_BOTH;
	state->prefer_b = param_word(node, "prefer", "b");
	state->except = param_strings(node, "except", &state->nexcept);
	state->skip = param_strings(node, "skip_fields", &state->nskip);
	state->fuzzy = param_bool(node, "fuzzy_compare", false);
	state->dot_notation = param_bool(node, "dot_notation", true);
	state->all_matches = param_word(node, "multiple_matches", "all");
	for (i = 0; i < state->nskip; i++)
		if (strchr(state->skip[i], '.') != NULL)
		{
			if (!state->dot_notation)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" param \"skip_fields\" has a path, but \"dot_notation\" is off",
								node->name),
						 errdetail("Field \"%s\" contains a dot.",
								   state->skip[i])));
			state->skip_paths = true;
		}
	return state;
}

/* ---------- comparing values ---------- */

/* JavaScript's typeof, with null apart */
typedef enum JsType
{
	JT_UNDEFINED,
	JT_NULL,
	JT_OBJECT,					/* objects and arrays */
	JT_STRING,
	JT_NUMBER,
	JT_BOOLEAN
} JsType;

static JsType
js_type(const JsonbValue *v)
{
	if (v == NULL)
		return JT_UNDEFINED;
	switch (v->type)
	{
		case jbvNull:
			return JT_NULL;
		case jbvString:
			return JT_STRING;
		case jbvNumeric:
			return JT_NUMBER;
		case jbvBool:
			return JT_BOOLEAN;
		default:
			return JT_OBJECT;
	}
}

/*
 * same_value
 *		lodash's isEqual of two values (NULL: undefined).
 */
static bool
same_value(JsonbValue *a, JsonbValue *b)
{
	Jsonb	   *ja;
	Jsonb	   *jb;

	if (a == NULL || b == NULL)
		return a == b;
	ja = JsonbValueToJsonb(a);
	jb = JsonbValueToJsonb(b);
	return JB_ROOT_IS_SCALAR(ja) == JB_ROOT_IS_SCALAR(jb) &&
		compareJsonbContainers(&ja->root, &jb->root) == 0;
}

/* null, "" or [] */
static bool
is_falsy(const JsonbValue *v)
{
	return v != NULL &&
		(v->type == jbvNull ||
		 (v->type == jbvString && v->val.string.len == 0) ||
		 (rr_value_is_array((JsonbValue *) v) &&
		  JsonContainerSize(v->val.binary.data) == 0));
}

static bool
is_string(const JsonbValue *v, const char *s)
{
	return v != NULL && v->type == jbvString && v->val.string.len == strlen(s) &&
		memcmp(v->val.string.val, s, v->val.string.len) == 0;
}

static bool
is_number(const JsonbValue *v, int n)
{
	return v != NULL && v->type == jbvNumeric &&
		DatumGetBool(DirectFunctionCall2(numeric_eq,
										 NumericGetDatum(v->val.numeric),
										 DirectFunctionCall1(int4_numeric,
															 Int32GetDatum(n))));
}

/*
 * number_is_text
 *		Whether a number's JavaScript text is the string's.
 */
static bool
number_is_text(const JsonbValue *number, const JsonbValue *string)
{
	StringInfoData text;

	initStringInfo(&text);
	js_append_number(&text,
					 DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														NumericGetDatum(number->val.numeric))));
	return text.len == string->val.string.len &&
		memcmp(text.data, string->val.string.val, text.len) == 0;
}

/*
 * container_is_text
 *		Whether JSON.parse of the string equals the object or array.
 */
static bool
container_is_text(JsonbValue *container, const JsonbValue *string)
{
	char	   *text = pnstrdup(string->val.string.val, string->val.string.len);
	JsonLexContext *lex;
	Jsonb	   *parsed;
	JsonbValue	v;

	lex = makeJsonLexContextCstringLen(text, string->val.string.len,
									   GetDatabaseEncoding(), false);
	if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
		return false;
	parsed = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												CStringGetDatum(text)));
	if (JB_ROOT_IS_SCALAR(parsed))
		return false;
	rr_jsonb_value(parsed, &v);
	return same_value(&v, container);
}

/*
 * boolean_is
 *		Whether a boolean is alike a string or number, as fuzzyCompare
 *		says.
 */
static bool
boolean_is(const JsonbValue *boolean, const JsonbValue *other)
{
	bool		b = boolean->val.boolean;

	if (other->type == jbvString)
	{
		char	   *lower = str_tolower(other->val.string.val,
										other->val.string.len,
										DEFAULT_COLLATION_OID);

		return strcmp(lower, b ? "true" : "false") == 0 ||
			is_string(other, b ? "1" : "0");
	}
	return other->type == jbvNumeric && is_number(other, b ? 1 : 0);
}

/*
 * entries_equal
 *		Whether two values (NULL: undefined) are equal, by isEqual or, with
 *		fuzzy compare, as n8n's fuzzyCompare (version 2).
 */
static bool
entries_equal(const CompareState *state, JsonbValue *a, JsonbValue *b)
{
	JsType		ta = js_type(a);
	JsType		tb = js_type(b);

	if (!state->fuzzy)
		return same_value(a, b);
	if (ta != JT_NULL && tb != JT_NULL && ta == tb)
		return same_value(a, b);
	if (ta == JT_NULL && (tb == JT_NULL || is_number(b, 0) || is_string(b, "0")))
		return true;
	if (tb == JT_NULL && (is_number(a, 0) || is_string(a, "0")))
		return true;
	if ((is_falsy(a) || ta == JT_UNDEFINED) &&
		(is_falsy(b) || tb == JT_UNDEFINED))
		return true;
	if (ta == JT_NUMBER && tb == JT_STRING)
		return number_is_text(a, b);
	if (ta == JT_STRING && tb == JT_NUMBER)
		return number_is_text(b, a);
	if (ta == JT_OBJECT && tb == JT_STRING)
		return container_is_text(a, b);
	if (ta == JT_STRING && tb == JT_OBJECT)
		return container_is_text(b, a);
	if (ta == JT_BOOLEAN && (tb == JT_STRING || tb == JT_NUMBER))
		return boolean_is(a, b);
	if (tb == JT_BOOLEAN && (ta == JT_STRING || ta == JT_NUMBER))
		return boolean_is(b, a);
	return false;
}

/* ---------- fields ---------- */

/*
 * field
 *		Field name of an item: a path, or with dot_notation off a top-level
 *		key.  NULL when it has none.
 */
static JsonbValue *
field(const CompareState *state, JsonbValue *item, const char *name)
{
	RrPath		path;

	if (!state->dot_notation)
		return rr_value_member(item, name, strlen(name));
	rr_path_parse(item, name, strlen(name), &path);
	return rr_path_get(item, &path);
}

/*
 * path_of
 *		A name as a path of root.
 */
static RrPath *
path_of(JsonbValue *root, const char *name)
{
	RrPath	   *path = palloc(sizeof(RrPath));

	rr_path_parse(root, name, strlen(name), path);
	return path;
}

/*
 * without_skipped
 *		An item without the skip_fields: top-level keys (lodash's omit), or
 *		paths when one of them is a path.
 */
static JsonbValue *
without_skipped(const CompareState *state, JsonbValue *item)
{
	int			i;

	for (i = 0; i < state->nskip; i++)
	{
		RrPath		path;

		if (state->skip_paths)
			path = *path_of(item, state->skip[i]);
		else
		{
			path.n = 1;
			path.keys = palloc(sizeof(JsonbValue));
			path.keys[0] = rr_value_string(state->skip[i],
										   strlen(state->skip[i]));
		}
		item = rr_path_unset(item, &path);
	}
	return item;
}

/*
 * items_equal
 *		Whether a matched pair is the same: isEqual of the items without
 *		the skipped fields, or with fuzzy compare each field of A's alike
 *		B's.
 */
static bool
items_equal(const CompareState *state, JsonbValue *a, JsonbValue *b)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	key;
	JsonbValue	value;

	if (state->nskip > 0)
	{
		a = without_skipped(state, a);
		b = without_skipped(state, b);
	}
	if (!state->fuzzy)
		return same_value(a, b);
	it = JsonbIteratorInit(a->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &value, true);
		if (!entries_equal(state, rr_value_normalize(&value),
						   rr_value_member(b, key.val.string.val,
										   key.val.string.len)))
			return false;
	}
	return true;
}

/* ---------- the items of "different" ---------- */

/*
 * mixed_item
 *		The item of "prefer" with the "except" fields of the other (n8n's
 *		combineItems: through a path, a missing or falsy value becomes
 *		null).
 */
static JsonbValue *
mixed_item(const CompareState *state, JsonbValue *a, JsonbValue *b)
{
	JsonbValue *entry = state->prefer_b ? b : a;
	JsonbValue *match = state->prefer_b ? a : b;
	JsonbValue	null_value = {.type = jbvNull};
	int			i;

	for (i = 0; i < state->nexcept; i++)
	{
		const char *name = state->except[i];
		RrPath		top;
		JsonbValue *value;

		top.n = 1;
		top.keys = palloc(sizeof(JsonbValue));
		top.keys[0] = rr_value_string(name, strlen(name));
		value = rr_value_member(match, name, strlen(name));
		entry = value != NULL ? rr_path_set(entry, &top, value) :
			rr_path_unset(entry, &top);
		if (state->dot_notation)
		{
			value = rr_path_get(match, path_of(match, name));
			if (value == NULL || value->type == jbvNull ||
				(value->type == jbvBool && !value->val.boolean) ||
				is_number(value, 0) ||
				(value->type == jbvString && value->val.string.len == 0))
				value = &null_value;
			/* lodash's set(entry, "json." + name): always split */
			entry = rr_path_set(entry, path_of(NULL, name), value);
		}
	}
	return entry;
}

/* Appends key: {"inputA": a, "inputB": b} to an object being built */
static void
push_both(JsonbParseState **ps, JsonbValue *key, JsonbValue *a, JsonbValue *b)
{
	JsonbValue	name;

	pushJsonbValue(ps, WJB_KEY, key);
	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	name = rr_value_string("inputA", 6);
	pushJsonbValue(ps, WJB_KEY, &name);
	pushJsonbValue(ps, WJB_VALUE, a);
	name = rr_value_string("inputB", 6);
	pushJsonbValue(ps, WJB_KEY, &name);
	pushJsonbValue(ps, WJB_VALUE, b);
	pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

/* The keys of an object value, in order */
static JsonbValue *
object_keys(JsonbValue *object, int *n)
{
	JsonbValue *keys = palloc(sizeof(JsonbValue) *
							  Max(1, JsonContainerSize(object->val.binary.data)));
	JsonbIterator *it = JsonbIteratorInit(object->val.binary.data);
	JsonbIteratorToken tok;
	JsonbValue	v;

	*n = 0;
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_KEY)
			keys[(*n)++] = v;
	return keys;
}

static bool
is_skipped(const CompareState *state, const JsonbValue *key)
{
	int			i;

	for (i = 0; i < state->nskip; i++)
		if (is_string(key, state->skip[i]))
			return true;
	return false;
}

/*
 * differing_field
 *		One differing field of include_both into "different", or
 *		"skipped" (a skipped field, or the skipped paths inside it).
 */
static void
differing_field(const CompareState *state, JsonbValue *key, JsonbValue *a,
				JsonbValue *b, int position, JsonbParseState **different,
				JsonbParseState **skipped, int *nskipped)
{
	JsonbValue	null_value = {.type = jbvNull};
	JsonbValue	empty;
	JsonbValue *skipped_a = NULL;
	JsonbValue *skipped_b = NULL;
	int			i;

	if (a == NULL)
		a = &null_value;
	if (b == NULL)
		b = &null_value;
	if (!state->dot_notation || is_skipped(state, key))
	{
		if (is_skipped(state, key))
		{
			push_both(skipped, key, a, b);
			(*nskipped)++;
		}
		else
			push_both(different, key, a, b);
		return;
	}

	/* the skipped paths that start with the key go to skipped */
	for (i = 0; i < state->nskip; i++)
	{
		const char *skip = state->skip[i];
		char	   *prefix;
		const char *nested;
		RrPath		path;

		if (strchr(skip, '.') == NULL ||
			strncmp(skip, key->val.string.val, key->val.string.len) != 0)
			continue;
		if (js_type(a) != JT_OBJECT && js_type(a) != JT_NULL)
			goto not_object;
		if (js_type(b) != JT_OBJECT && js_type(b) != JT_NULL)
			goto not_object;
		if (skipped_a == NULL)
		{
			JsonbParseState *ps = NULL;

			pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
			empty = *rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
			skipped_a = &empty;
			skipped_b = &empty;
		}
		/* JavaScript's replace of the first "key." */
		prefix = psprintf("%.*s.", key->val.string.len, key->val.string.val);
		nested = strstr(skip, prefix);
		if (nested != NULL)
			nested = psprintf("%.*s%s", (int) (nested - skip), skip,
							  nested + strlen(prefix));
		else
			nested = skip;
		rr_path_parse(skipped_a, nested, strlen(nested), &path);
		skipped_a = rr_path_set(skipped_a, &path,
								rr_path_get(a, path_of(a, nested)));
		rr_path_parse(skipped_b, nested, strlen(nested), &path);
		skipped_b = rr_path_set(skipped_b, &path,
								rr_path_get(b, path_of(b, nested)));
		if (a->type != jbvNull)
			a = rr_path_unset(a, path_of(a, nested));
		if (b->type != jbvNull)
			b = rr_path_unset(b, path_of(b, nested));
	}
	if (skipped_a != NULL)
	{
		push_both(skipped, key, skipped_a, skipped_b);
		(*nskipped)++;
	}
	push_both(different, key, a, b);
	return;

not_object:
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("node \"%s\": the field \"%.*s\" in item %d is not an object",
					state->node_name, key->val.string.len, key->val.string.val,
					position),
			 errdetail("A field to skip is a path inside it.")));
}

/*
 * both_versions
 *		include_both's item for a differing pair: "keys" (each "a" field of
 *		A's top level), "same", "different" and, when any, "skipped".
 */
static JsonbValue *
both_versions(const CompareState *state, JsonbValue *a, JsonbValue *b)
{
	int			na;
	int			nb;
	JsonbValue *keys_a = object_keys(a, &na);
	JsonbValue *keys_b = object_keys(b, &nb);
	JsonbValue *all = palloc(sizeof(JsonbValue) * (na + nb + 1));
	JsonbParseState *keys = NULL;
	JsonbParseState *same = NULL;
	JsonbParseState *different = NULL;
	JsonbParseState *skipped = NULL;
	JsonbParseState *ps = NULL;
	JsonbValue	name;
	int			nall = 0;
	int			nskipped = 0;
	int			ndifferent = 0;
	int			i;

	pushJsonbValue(&keys, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < state->nfields; i++)
	{
		JsonbValue *v = rr_value_member(a, state->fields_a[i],
										strlen(state->fields_a[i]));

		if (v == NULL)
			continue;
		name = rr_value_string(state->fields_a[i], strlen(state->fields_a[i]));
		pushJsonbValue(&keys, WJB_KEY, &name);
		pushJsonbValue(&keys, WJB_VALUE, v);
	}

	/* the union of the keys, A's then B's others */
	for (i = 0; i < na; i++)
		all[nall++] = keys_a[i];
	for (i = 0; i < nb; i++)
		if (rr_value_member(a, keys_b[i].val.string.val,
							keys_b[i].val.string.len) == NULL)
			all[nall++] = keys_b[i];

	pushJsonbValue(&same, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&different, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&skipped, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < nall; i++)
	{
		JsonbValue *va = rr_value_member(a, all[i].val.string.val,
										 all[i].val.string.len);
		JsonbValue *vb = rr_value_member(b, all[i].val.string.val,
										 all[i].val.string.len);

		/* without fuzzy compare, only keys both have can be the same */
		if ((state->fuzzy || (va != NULL && vb != NULL)) &&
			entries_equal(state, va, vb))
		{
			/* a field A lacks is alike, but not written */
			if (va != NULL)
			{
				pushJsonbValue(&same, WJB_KEY, &all[i]);
				pushJsonbValue(&same, WJB_VALUE, va);
			}
			continue;
		}
		differing_field(state, &all[i], va, vb, ndifferent++, &different,
						&skipped, &nskipped);
	}

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	name = rr_value_string("keys", 4);
	pushJsonbValue(&ps, WJB_KEY, &name);
	pushJsonbValue(&ps, WJB_VALUE,
				   rr_value_binary(pushJsonbValue(&keys, WJB_END_OBJECT, NULL)));
	name = rr_value_string("same", 4);
	pushJsonbValue(&ps, WJB_KEY, &name);
	pushJsonbValue(&ps, WJB_VALUE,
				   rr_value_binary(pushJsonbValue(&same, WJB_END_OBJECT, NULL)));
	name = rr_value_string("different", 9);
	pushJsonbValue(&ps, WJB_KEY, &name);
	pushJsonbValue(&ps, WJB_VALUE,
				   rr_value_binary(pushJsonbValue(&different, WJB_END_OBJECT,
												  NULL)));
	if (nskipped > 0)
	{
		name = rr_value_string("skipped", 7);
		pushJsonbValue(&ps, WJB_KEY, &name);
		pushJsonbValue(&ps, WJB_VALUE,
					   rr_value_binary(pushJsonbValue(&skipped, WJB_END_OBJECT,
													  NULL)));
	}
	return rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/* ---------- execute ---------- */

/*
 * input_items
 *		The items of an input but the empty ones, with their positions.
 */
static CompareItem *
input_items(RrNodeRun *run, int input, int *n)
{
	List	   *items = input < run->ninputs ? run->inputs[input] : NIL;
	CompareItem *result = palloc(sizeof(CompareItem) *
								 Max(1, list_length(items)));
	ListCell   *lc;
	int			i = 0;

	*n = 0;
	foreach(lc, items)
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);

		rr_item_done(run);
		if (JB_ROOT_IS_OBJECT(item) && JB_ROOT_COUNT(item) > 0)
		{
			JsonbValue *v = palloc(sizeof(JsonbValue));

			rr_jsonb_value(item, v);
			result[*n].index = i;
			result[*n].value = v;
			(*n)++;
		}
		i++;
	}
	return result;
}

/* Emit a value that came from the given items of A and B (-1: none) */
static void
emit(RrNodeRun *run, int output, JsonbValue *value, int from_a, int from_b)
{
	RrItemSource sources[2];
	int			n = 0;

	if (from_a >= 0)
	{
		sources[n].input = 0;
		sources[n++].item = from_a;
	}
	if (from_b >= 0)
	{
		sources[n].input = 1;
		sources[n++].item = from_b;
	}
	rr_emit_from(run, output, JsonbValueToJsonb(value), n, sources);
}

/*
 * matches_item
 *		Whether B item b has the values looked for.
 */
static bool
matches_item(const CompareState *state, JsonbValue **lookup, JsonbValue *b)
{
	int			f;

	for (f = 0; f < state->nfields; f++)
		if (!entries_equal(state, lookup[f],
						   field(state, b, state->fields_b[f])))
			return false;
	return true;
}

/* Fill values with item's fields of names; false when one is missing */
static bool
item_values(const CompareState *state, JsonbValue *item, char **names,
			JsonbValue **values)
{
	int			f;

	for (f = 0; f < state->nfields; f++)
		if ((values[f] = field(state, item, names[f])) == NULL)
			return false;
	return true;
}

/* The values looked for as one key: the array of them */
static Jsonb *
values_key(const CompareState *state, JsonbValue **values)
{
	JsonbParseState *ps = NULL;
	int			f;

	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	for (f = 0; f < state->nfields; f++)
		pushJsonbValue(&ps, WJB_ELEM, rr_value_normalize(values[f]));
	return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_ARRAY, NULL));
}

/*
 * The B items each A item is tested against, in B's order: with exact
 * matching, B's items by the values of their fields (an RrKeyMap of
 * Lists of positions, jsonb equality being isEqual's here), so that an A
 * item tests only those with its values rather than every B item; a B
 * item missing a field matches nothing.  Fuzzy matching ("1" matches 1,
 * null matches 0) has no such key: every B item is a candidate (*all).
 */
static RrKeyMap *
index_build(RrNodeRun *run, const CompareState *state, CompareItem *b,
			int nb, List **all)
{
	RrKeyMap   *map = rr_keymap_create(nb);
	JsonbValue **values = palloc(sizeof(JsonbValue *) * state->nfields);
	MemoryContext scratch = AllocSetContextCreate(CurrentMemoryContext,
												  "compare_datasets index",
												  ALLOCSET_SMALL_SIZES);
	int			j;

	*all = NIL;
	for (j = 0; j < nb; j++)
	{
		MemoryContext old;
		Jsonb	   *key = NULL;
		bool		complete;

		rr_item_done(run);
		if (state->fuzzy)
		{
			*all = lappend_int(*all, j);
			continue;
		}
		/* the fields are read in scratch, the key (kept) made outside it */
		old = MemoryContextSwitchTo(scratch);
		complete = item_values(state, b[j].value, state->fields_b, values);
		MemoryContextSwitchTo(old);
		if (complete)
			key = values_key(state, values);
		MemoryContextReset(scratch);
		if (key != NULL)
		{
			bool		found;
			void	  **slot = rr_keymap_insert(map, key, &found);

			*slot = lappend_int((List *) *slot, j);
		}
	}
	MemoryContextDelete(scratch);
	pfree(values);
	return map;
}

/*
 * compare_pair
 *		Emit what a matched pair gives to "different"; whether it is the
 *		same.
 */
static bool
compare_pair(RrNodeRun *run, const CompareState *state, CompareItem *a,
			 CompareItem *b)
{
	if (items_equal(state, a->value, b->value))
		return true;
	switch (state->resolve)
	{
		case RESOLVE_PREFER_A:
			emit(run, OUT_DIFFERENT, a->value, a->index, -1);
			break;
		case RESOLVE_PREFER_B:
			emit(run, OUT_DIFFERENT, b->value, -1, b->index);
			break;
		case RESOLVE_MIX:
			emit(run, OUT_DIFFERENT, mixed_item(state, a->value, b->value),
				 a->index, b->index);
			break;
		case RESOLVE_INCLUDE_BOTH:
			emit(run, OUT_DIFFERENT, both_versions(state, a->value, b->value),
				 a->index, b->index);
			break;
	}
	return false;
}

/*
 * compare_datasets_execute
 *		Pair, compare, and send every item to its output.
 */
static void
compare_datasets_execute(RrNodeRun *run)
{
	const CompareState *state = run->node->state;
	int			na;
	int			nb;
	CompareItem *a = input_items(run, 0, &na);
	CompareItem *b = input_items(run, 1, &nb);
	bool	   *matched = palloc0(sizeof(bool) * Max(1, nb));
	JsonbValue **lookup = palloc(sizeof(JsonbValue *) * state->nfields);
	MemoryContext scratch = AllocSetContextCreate(CurrentMemoryContext,
												  "compare_datasets match",
												  ALLOCSET_SMALL_SIZES);
	List	   *all;
	RrKeyMap   *index = index_build(run, state, b, nb, &all);
	int			i;

	for (i = 0; i < na; i++)
	{
		CompareItem *same = NULL;
		bool		any = false;
		List	   *candidates = all;
		ListCell   *lc;

		if (!item_values(state, a[i].value, state->fields_a, lookup))
		{
			emit(run, OUT_A_ONLY, a[i].value, a[i].index, -1);
			continue;
		}
		if (!state->fuzzy)
		{
			void	  **slot = rr_keymap_lookup(index, values_key(state, lookup));

			candidates = slot != NULL ? (List *) *slot : NIL;
		}
		foreach(lc, candidates)
		{
			int			j = lfirst_int(lc);
			MemoryContext old;
			bool		match;

			/* what the tests read is dropped at once */
			rr_item_done(run);
			old = MemoryContextSwitchTo(scratch);
			match = matches_item(state, lookup, b[j].value);
			MemoryContextSwitchTo(old);
			MemoryContextReset(scratch);
			if (!match)
				continue;
			matched[j] = true;
			any = true;
			if (compare_pair(run, state, &a[i], &b[j]) && same == NULL)
				same = state->fuzzy && state->resolve == RESOLVE_PREFER_B ?
					&b[j] : &a[i];
			if (!state->all_matches)
				break;
		}
		if (!any)
			emit(run, OUT_A_ONLY, a[i].value, a[i].index, -1);
		else if (same != NULL)
			emit(run, OUT_SAME, same->value, same == &a[i] ? a[i].index : -1,
				 same == &a[i] ? -1 : same->index);
	}
	for (i = 0; i < nb; i++)
		if (!matched[i])
			emit(run, OUT_B_ONLY, b[i].value, -1, b[i].index);
}

const RrNodeHandler rr_node_compare_datasets = {
	.side_effects = false,
	.prepare = compare_datasets_prepare,
	.execute = compare_datasets_execute,
};
