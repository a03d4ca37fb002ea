/*-------------------------------------------------------------------------
 *
 * item_merge.c
 *		lodash's merge and assign over jsonb values, and suffixed keys.
 *
 * merge: a source object merges into a target object member by member, a
 * source array into a target array element by element (the longer one's
 * tail kept); a source container replaces any other target (a target
 * array with a source object stays the array, as lodash gives it once it
 * is JSON); a source scalar, null included, replaces the target.  assign
 * does this for the top-level members only, with no recursion.  With
 * override_empty (n8n's mergeWith/assignWith customizer), a source null
 * or "" keeps a target value that is there, at every level.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/item_merge.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "reporunner.h"

static void push_merged(JsonbParseState **ps, JsonbIteratorToken tok,
						JsonbValue *target, JsonbValue *source,
						const RrMergeHow *how);

/*
 * is_empty
 *		Whether a value is one override_empty does not let replace another.
 */
static bool
is_empty(const JsonbValue *v)
{
	return v->type == jbvNull ||
		(v->type == jbvString && v->val.string.len == 0);
}

/*
 * push_object
 *		Push target's members, merged with source's of the same key, then
 *		source's other members; returns what the end of the object gives.
 */
static JsonbValue *
push_object(JsonbParseState **ps, JsonbValue *target, JsonbValue *source,
			const RrMergeHow *how)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;

	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	it = JsonbIteratorInit(target->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		JsonbValue *from;

		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &v, true);
		pushJsonbValue(ps, WJB_KEY, &k);
		from = rr_value_member(source, k.val.string.val, k.val.string.len);
		if (from == NULL)
			pushJsonbValue(ps, WJB_VALUE, &v);
		else
			push_merged(ps, WJB_VALUE, rr_value_normalize(&v), from, how);
	}
	it = JsonbIteratorInit(source->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &v, true);
		if (rr_value_member(target, k.val.string.val, k.val.string.len) != NULL)
			continue;
		pushJsonbValue(ps, WJB_KEY, &k);
		pushJsonbValue(ps, WJB_VALUE, &v);
	}
	return pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

/*
 * push_array
 *		Push target's elements merged with source's of the same index,
 *		then the longer array's rest.
 */
static void
push_array(JsonbParseState **ps, JsonbValue *target, JsonbValue *source,
		   const RrMergeHow *how)
{
	int			nt = JsonContainerSize(target->val.binary.data);
	int			ns = JsonContainerSize(source->val.binary.data);
	int			i;

	pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < Max(nt, ns); i++)
	{
		JsonbValue *t = i < nt ?
			getIthJsonbValueFromContainer(target->val.binary.data, i) : NULL;
		JsonbValue *s = i < ns ?
			getIthJsonbValueFromContainer(source->val.binary.data, i) : NULL;

		if (s == NULL)
			pushJsonbValue(ps, WJB_ELEM, t);
		else
			push_merged(ps, WJB_ELEM, t ? rr_value_normalize(t) : NULL,
						rr_value_normalize(s), how);
	}
	pushJsonbValue(ps, WJB_END_ARRAY, NULL);
}

/*
 * push_merged
 *		Push, as tok (a value or an element), source merged into target.
 */
static void
push_merged(JsonbParseState **ps, JsonbIteratorToken tok, JsonbValue *target,
			JsonbValue *source, const RrMergeHow *how)
{
	if (target != NULL && how->override_empty && is_empty(source))
		pushJsonbValue(ps, tok, target);
	else if (target == NULL || !how->deep)
		pushJsonbValue(ps, tok, source);
	else if (rr_value_is_object(source) && rr_value_is_object(target))
		(void) push_object(ps, target, source, how);
	else if (rr_value_is_array(source) && rr_value_is_array(target))
		push_array(ps, target, source, how);
	else if (rr_value_is_object(source) && rr_value_is_array(target))
		pushJsonbValue(ps, tok, target);
	else
		pushJsonbValue(ps, tok, source);
}

/*
 * rr_value_merge
 *		source merged into target; items are objects, so anything else is
 *		replaced whole.
 */
JsonbValue *
rr_value_merge(JsonbValue *target, JsonbValue *source, const RrMergeHow *how)
{
	JsonbParseState *ps = NULL;

	if (source == NULL)
		return target;
	if (target == NULL || !rr_value_is_object(target) ||
		!rr_value_is_object(source))
		return source;
	return rr_value_binary(push_object(&ps, target, source, how));
}

/*
 * rr_value_suffix_keys
 *		The object with its keys renamed key_suffix.
 */
JsonbValue *
rr_value_suffix_keys(JsonbValue *object, const char *suffix)
{
	JsonbParseState *ps = NULL;
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!rr_value_is_object(object))
		return object;
	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	it = JsonbIteratorInit(object->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *name;

		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &v, true);
		name = psprintf("%.*s_%s", k.val.string.len, k.val.string.val, suffix);
		k = rr_value_string(name, strlen(name));
		pushJsonbValue(&ps, WJB_KEY, &k);
		pushJsonbValue(&ps, WJB_VALUE, &v);
	}
	return rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

