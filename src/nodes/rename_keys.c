/*-------------------------------------------------------------------------
 *
 * rename_keys.c
 *		The "rename_keys" node: n8n's Rename Keys.  Renames fields of each
 *		item by path, then by regular expression.
 *
 * "keys" is a list of {"from": path, "to": path}, computed per item.  As
 * in n8n (lodash get, set, unset), each pair reads "from" in the item as
 * it came in, and when it is there sets "to" and removes "from" in the
 * item being built; a pair with an empty name, or the same name twice,
 * does nothing.  A path is keys joined by "." with "[n]" for an array
 * element; a top-level key equal to the whole path is taken as it is.
 * Setting a path creates the objects (or, before a number, the arrays)
 * it goes through.
 *
 * "regex" is a list of {"pattern", "replacement", "case_insensitive",
 * "depth"}, applied in order after "keys": every key whose name the
 * JavaScript regular expression matches is renamed to the name with its
 * first match replaced ($1, $&, $<name> as in String.prototype.replace),
 * down to "depth" levels of nesting (-1: all; 0: top level only), inner
 * objects before their key.  Keys are visited in jsonb's order (n8n:
 * insertion order); a key renamed onto an existing one overwrites it.
 * The patterns are compiled when the workflow is saved (src/expr/regex.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/builtins_int.h"
#include "expr/regex.h"
#include "miscadmin.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "reporunner.h"
#include "utils/fmgrprotos.h"

/* One regular expression of "regex", compiled. */
typedef struct RenameRegex
{
	RrRegex    *re;
	JsValue		replacement;	/* a string */
	int			depth;			/* < 0: no limit */
} RenameRegex;

/* What prepare compiles. */
typedef struct RenameState
{
	const char *node_name;
	RrParam		keys;
	int			nregex;
	RenameRegex *regex;
} RenameState;

/* The pairs of one object being renamed, in order; dead ones removed. */
typedef struct RenamePairs
{
	int			n;
	JsonbValue *keys;
	JsonbValue *values;
	bool	   *dead;
} RenamePairs;

static JsonbValue *rename_by_regex(const RenameRegex *rx, JsonbValue *value,
								   int depth);

/* ---------- prepare ---------- */

/* Member key (a C string) of an object value, or NULL */
static inline JsonbValue *
member(JsonbValue *object, const char *key)
{
	return rr_value_member(object, key, strlen(key));
}

/*
 * compile_regex
 *		Compile one entry of "regex" (the validator checked its shape).
 */
static void
compile_regex(RenameState *state, JsonbValue *entry, RenameRegex *rx)
{
	JsonbValue *pattern = member(entry, "pattern");
	JsonbValue *replacement = member(entry, "replacement");
	JsonbValue *icase = member(entry, "case_insensitive");
	JsonbValue *depth = member(entry, "depth");
	char	   *error = NULL;
	int			error_pos = 0;

	rx->re = rr_regex_compile(pattern->val.string.val,
							  pattern->val.string.len,
							  icase != NULL && icase->type == jbvBool &&
							  icase->val.boolean ? "i" : "",
							  &error, &error_pos);
	if (rx->re == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("node \"%s\" param \"regex\" has an invalid regular expression",
						state->node_name),
				 errdetail("Pattern %s: %s at byte %d.",
						   rr_value_to_text(pattern), error, error_pos)));
	if (replacement != NULL && replacement->type == jbvString)
		rx->replacement = js_string(pnstrdup(replacement->val.string.val,
											 replacement->val.string.len),
									replacement->val.string.len);
	else
		rx->replacement = js_string("", 0);
	rx->depth = depth != NULL && depth->type == jbvNumeric ?
		DatumGetInt32(DirectFunctionCall1(numeric_int4,
										  NumericGetDatum(depth->val.numeric))) :
		-1;
}

/*
 * rename_keys_prepare
 *		Compile "keys" and the regular expressions of "regex".
 */
static void *
rename_keys_prepare(RrPlanNode *node)
{
	RenameState *state = palloc0(sizeof(RenameState));
	JsonbValue *regex = rr_node_param(node, "regex");

	state->node_name = node->name;
	rr_param_compile(node, "keys", &state->keys);
	regex = regex == NULL ? NULL : rr_value_normalize(regex);
	if (regex != NULL && rr_value_is_array(regex))
	{
		JsonbIterator *it = JsonbIteratorInit(regex->val.binary.data);
		JsonbIteratorToken tok;
		JsonbValue	entry;

		state->regex = palloc0(sizeof(RenameRegex) *
							   Max(1, JsonContainerSize(regex->val.binary.data)));
		while ((tok = JsonbIteratorNext(&it, &entry, true)) != WJB_DONE)
			if (tok == WJB_ELEM)
				compile_regex(state, rr_value_normalize(&entry),
							  &state->regex[state->nregex++]);
	}
	return state;
}

/* ---------- regular expressions ---------- */

/*
 * replaced_name
 *		The key with its first match replaced, or NULL when it does not
 *		match.
 */
static JsonbValue *
replaced_name(const RenameRegex *rx, const JsonbValue *key)
{
	RrRegexSubject s;
	regmatch_t *pm = palloc(sizeof(regmatch_t) * (rx->re->ngroups + 1));
	int		   *start = palloc(sizeof(int) * (rx->re->ngroups + 1));
	int		   *end = palloc(sizeof(int) * (rx->re->ngroups + 1));
	StringInfoData out;
	JsonbValue *name;
	int			i;

	rr_regex_subject(&s, key->val.string.val, key->val.string.len);
	if (!rr_regex_exec(rx->re, &s, 0, pm, rx->re->ngroups + 1))
		return NULL;
	for (i = 0; i <= rx->re->ngroups; i++)
	{
		start[i] = pm[i].rm_so < 0 ? -1 : s.bytes[pm[i].rm_so];
		end[i] = pm[i].rm_so < 0 ? -1 : s.bytes[pm[i].rm_eo];
	}
	initStringInfo(&out);
	appendBinaryStringInfo(&out, s.str, start[0]);
	rr_append_substitution(NULL, &out, s.str, s.len, start, end,
						   rx->re->ngroups, rx->re->names, rx->replacement);
	appendBinaryStringInfo(&out, s.str + end[0], s.len - end[0]);
	name = palloc(sizeof(JsonbValue));
	*name = rr_value_string(out.data, out.len);
	return name;
}

/*
 * find_pair
 *		The live pair whose key is key, or -1.
 */
static int
find_pair(const RenamePairs *pairs, const JsonbValue *key)
{
	int			i;

	for (i = 0; i < pairs->n; i++)
		if (!pairs->dead[i] &&
			pairs->keys[i].val.string.len == key->val.string.len &&
			memcmp(pairs->keys[i].val.string.val, key->val.string.val,
				   key->val.string.len) == 0)
			return i;
	return -1;
}

/*
 * rename_object
 *		An object with its keys renamed, as n8n's loop over "for (key in
 *		obj)" does: the keys there when it starts, each still there.
 */
static JsonbValue *
rename_object(const RenameRegex *rx, JsonbValue *object, int depth)
{
	int			size = JsonContainerSize(object->val.binary.data);
	RenamePairs pairs;
	JsonbIterator *it = JsonbIteratorInit(object->val.binary.data);
	JsonbIteratorToken tok;
	JsonbValue	k;
	JsonbParseState *ps = NULL;
	int			nstart;
	int			i;

	pairs.n = 0;
	pairs.keys = palloc(sizeof(JsonbValue) * 2 * Max(1, size));
	pairs.values = palloc(sizeof(JsonbValue) * 2 * Max(1, size));
	pairs.dead = palloc0(sizeof(bool) * 2 * Max(1, size));
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		pairs.keys[pairs.n] = k;
		(void) JsonbIteratorNext(&it, &pairs.values[pairs.n], true);
		pairs.n++;
	}
	nstart = pairs.n;
	for (i = 0; i < nstart; i++)
	{
		JsonbValue *name;
		int			other;

		CHECK_FOR_INTERRUPTS();
		if (pairs.dead[i])
			continue;
		if (depth != 0)
			pairs.values[i] = *rename_by_regex(rx, &pairs.values[i],
											   depth - 1);
		name = replaced_name(rx, &pairs.keys[i]);
		if (name == NULL ||
			(name->val.string.len == pairs.keys[i].val.string.len &&
			 memcmp(name->val.string.val, pairs.keys[i].val.string.val,
					name->val.string.len) == 0))
			continue;
		other = find_pair(&pairs, name);
		if (other < 0)
		{
			other = pairs.n++;
			pairs.keys[other] = *name;
		}
		pairs.values[other] = pairs.values[i];
		pairs.dead[i] = true;
	}

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < pairs.n; i++)
	{
		if (pairs.dead[i])
			continue;
		pushJsonbValue(&ps, WJB_KEY, &pairs.keys[i]);
		pushJsonbValue(&ps, WJB_VALUE, &pairs.values[i]);
	}
	return rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/*
 * rename_by_regex
 *		A value with the keys of its objects renamed, down to depth more
 *		levels (< 0: all).  Elements of an array are one level down.
 */
static JsonbValue *
rename_by_regex(const RenameRegex *rx, JsonbValue *value, int depth)
{
	JsonbParseState *ps = NULL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	elem;

	value = rr_value_normalize(value);
	if (rr_value_is_object(value))
		return rename_object(rx, value, depth);
	if (!rr_value_is_array(value) || depth == 0)
		return value;

	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		if (tok == WJB_ELEM)
			pushJsonbValue(&ps, WJB_ELEM,
						   rename_by_regex(rx, &elem, depth - 1));
	return rr_value_binary(pushJsonbValue(&ps, WJB_END_ARRAY, NULL));
}

/* ---------- execute ---------- */

/*
 * rename_pair
 *		Apply one pair of "keys" to result, reading from item.
 */
static JsonbValue *
rename_pair(JsonbValue *original, JsonbValue *result,
			JsonbValue *pair)
{
	JsonbValue *from = member(pair, "from");
	JsonbValue *to = member(pair, "to");
	RrPath		from_path;
	RrPath		to_path;
	JsonbValue *value;

	if (from == NULL || to == NULL || from->type != jbvString ||
		to->type != jbvString || from->val.string.len == 0 ||
		to->val.string.len == 0 ||
		(from->val.string.len == to->val.string.len &&
		 memcmp(from->val.string.val, to->val.string.val,
				from->val.string.len) == 0))
		return result;
	rr_path_parse(original, from->val.string.val, from->val.string.len,
				  &from_path);
	value = rr_path_get(original, &from_path);
	if (value == NULL)
		return result;
	rr_path_parse(result, to->val.string.val, to->val.string.len, &to_path);
	result = rr_path_set(result, &to_path, value);
	rr_path_parse(result, from->val.string.val, from->val.string.len,
				  &from_path);
	return rr_path_unset(result, &from_path);
}

/*
 * rename_keys_execute
 *		Rename the keys of every item.
 */
static void
rename_keys_execute(RrNodeRun *run)
{
	const RenameState *state = run->node->state;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);
		JsonbValue	original;
		JsonbValue *result;
		JsonbValue *keys;
		int			i;

		rr_jsonb_value(item, &original);
		result = &original;

		keys = rr_param_eval(&state->keys, run, item, index);
		if (keys != NULL && keys->type != jbvNull)
		{
			JsonbIterator *it;
			JsonbIteratorToken tok;
			JsonbValue	pair;

			keys = rr_value_normalize(keys);
			if (!rr_value_is_array(keys))
				rr_param_type_error(state->node_name, "keys",
									"an array of objects", keys);
			it = JsonbIteratorInit(keys->val.binary.data);
			while ((tok = JsonbIteratorNext(&it, &pair, true)) != WJB_DONE)
				if (tok == WJB_ELEM)
					result = rename_pair(&original, result,
										 rr_value_normalize(&pair));
		}
		for (i = 0; i < state->nregex; i++)
			result = rename_by_regex(&state->regex[i], result,
									 state->regex[i].depth);
		rr_emit_paired(run, 0, JsonbValueToJsonb(result), index);
		index++;
	}
}

const RrNodeHandler rr_node_rename_keys = {
	.side_effects = false,
	.prepare = rename_keys_prepare,
	.execute = rename_keys_execute,
};
