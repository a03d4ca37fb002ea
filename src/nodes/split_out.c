/*-------------------------------------------------------------------------
 *
 * split_out.c
 *		The "split_out" node: one item per element of an array field, as
 *		n8n's Split Out does.
 *
 * For each item, the value of each field of "field" (or "fields") is
 * split: an array into its elements, an object into its values, anything
 * else (null included) into itself; a missing field into nothing.  The
 * k-th new item holds the k-th element of every field, each under the
 * field's name (or its "destination"), so fields of different lengths
 * give as many items as the longest.  With one field, no destination and
 * no other fields, an object element becomes the new item as it is.
 * The item's other fields are copied: none, all ("keep_fields"; the split
 * fields removed), or those of "include_fields".  With "dot_notation",
 * names are paths ("a.b", "list[0]") as lodash reads them.
 *
 * The params are evaluated per item, so each item may name its own field.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/item_keys.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"

/* What prepare compiles. */
typedef struct SplitOutState
{
	const char *node_name;
	RrParam		field;
	RrParam		fields;
	RrParam		keep_fields;
	RrParam		include_fields;
	RrParam		destination;
	RrParam		destinations;
	bool		dot_notation;
} SplitOutState;

/* The params of one item. */
typedef struct SplitOutParams
{
	char	  **fields;
	int			nfields;
	char	  **destinations;	/* nfields of them, or NULL for none */
	bool		keep_fields;
	char	  **include;		/* "include_fields", or NULL */
	int			ninclude;
} SplitOutParams;

/* One new item: its members, pairs of key and value. */
typedef struct SplitEntry
{
	List	   *pairs;			/* JsonbValue *: key, value, key, ... */
} SplitEntry;

static void wrong_type(const SplitOutState *state, const char *param,
					   const char *expected, JsonbValue *value, int index)
			pg_attribute_noreturn();

/*
 * wrong_type
 *		Report a computed param value of the wrong JSON type.
 */
static void
wrong_type(const SplitOutState *state, const char *param,
		   const char *expected, JsonbValue *value, int index)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("node \"%s\" param \"%s\" must be %s",
					state->node_name, param, expected),
			 errdetail("Its expression gave %s for item %d.",
					   rr_value_type_phrase(value), index)));
}

/*
 * check_destinations
 *		As many destinations as fields, as n8n requires.
 */
static void
check_destinations(const SplitOutState *state, int nfields, int ndest)
{
	if (ndest != nfields)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"destinations\" must name as many fields as \"fields\"",
						state->node_name),
				 errdetail("It names %d for %d fields to split out.",
						   ndest, nfields)));
}

/*
 * split_out_prepare
 *		Compile the params; check constant destinations against constant
 *		fields.
 */
static void *
split_out_prepare(RrPlanNode *node)
{
	SplitOutState *state = palloc0(sizeof(SplitOutState));

	state->node_name = node->name;
	rr_param_compile(node, "field", &state->field);
	rr_param_compile(node, "fields", &state->fields);
	rr_param_compile(node, "keep_fields", &state->keep_fields);
	rr_param_compile(node, "include_fields", &state->include_fields);
	rr_param_compile(node, "destination", &state->destination);
	rr_param_compile(node, "destinations", &state->destinations);
	state->dot_notation = rr_param_flag(node, "dot_notation");
	if (state->fields.constant != NULL && state->destinations.constant != NULL)
	{
		int			nfields;
		int			ndest;

		(void) rr_decode_string_array(state->fields.constant, node->name,
									  "fields", &nfields);
		(void) rr_decode_string_array(state->destinations.constant,
									  node->name, "destinations", &ndest);
		check_destinations(state, nfields, ndest);
	}
	return state;
}

/*
 * one_name
 *		A param that is one name (a string), as a list of one; NULL for a
 *		param the node lacks or that gave null.
 */
static char **
one_name(const SplitOutState *state, const RrParam *param, const char *name,
		 RrNodeRun *run, Jsonb *item, int index)
{
	JsonbValue *value = rr_param_eval(param, run, item, index);
	char	  **list;

	if (value == NULL || value->type == jbvNull)
		return NULL;
	if (value->type != jbvString)
		wrong_type(state, name, "a string", value, index);
	list = palloc(sizeof(char *));
	list[0] = pnstrdup(value->val.string.val, value->val.string.len);
	return list;
}

/*
 * item_params
 *		The params for one item: the constants, or the expressions computed
 *		for it.
 */
static void
item_params(RrNodeRun *run, const SplitOutState *state, Jsonb *item,
			int index, SplitOutParams *params)
{
	JsonbValue *value;
	int			n;

	if (state->fields.value != NULL)
		params->fields = rr_decode_string_array(rr_param_eval(&state->fields,
															  run, item, index),
												state->node_name, "fields",
												&params->nfields);
	else
	{
		params->fields = one_name(state, &state->field, "field", run, item,
								  index);
		if (params->fields == NULL)
			wrong_type(state, "field", "a string",
					   rr_param_eval(&state->field, run, item, index), index);
		params->nfields = 1;
	}

	params->destinations = NULL;
	if (state->destinations.value != NULL)
	{
		params->destinations =
			rr_decode_string_array(rr_param_eval(&state->destinations, run,
												 item, index),
								   state->node_name, "destinations", &n);
		if (n == 0)
			params->destinations = NULL;
		else
			check_destinations(state, params->nfields, n);
	}
	else if (params->nfields == 1)
		params->destinations = one_name(state, &state->destination,
										"destination", run, item, index);

	value = rr_param_eval(&state->keep_fields, run, item, index);
	if (value != NULL && value->type != jbvBool && value->type != jbvNull)
		wrong_type(state, "keep_fields", "a boolean", value, index);
	params->keep_fields = value != NULL && value->type == jbvBool &&
		value->val.boolean;

	params->include = NULL;
	params->ninclude = 0;
	if (state->include_fields.value != NULL)
		params->include =
			rr_decode_string_array(rr_param_eval(&state->include_fields, run,
												 item, index),
								   state->node_name, "include_fields",
								   &params->ninclude);
}

/*
 * entry_set
 *		Set member key (a string) of an entry; value NULL removes it
 *		(JavaScript's undefined).
 */
static void
entry_set(SplitEntry *entry, JsonbValue *key, JsonbValue *value)
{
	int			i;

	for (i = 0; i < list_length(entry->pairs); i += 2)
	{
		JsonbValue *k = (JsonbValue *) list_nth(entry->pairs, i);

		if (k->val.string.len == key->val.string.len &&
			memcmp(k->val.string.val, key->val.string.val,
				   k->val.string.len) == 0)
		{
			/* drop the old pair: n8n's object keeps one value per key */
			entry->pairs = list_delete_nth_cell(entry->pairs, i);
			entry->pairs = list_delete_nth_cell(entry->pairs, i);
			break;
		}
	}
	if (value != NULL)
	{
		entry->pairs = lappend(entry->pairs, key);
		entry->pairs = lappend(entry->pairs, value);
	}
}

/*
 * entry_merge
 *		Copy the members of an object value into an entry.
 */
static void
entry_merge(SplitEntry *entry, JsonbValue *object)
{
	JsonbIterator *it = JsonbIteratorInit(object->val.binary.data);
	JsonbIteratorToken tok;
	JsonbValue	key;

	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		JsonbValue *k;
		JsonbValue *v;

		if (tok != WJB_KEY)
			continue;
		k = palloc(sizeof(JsonbValue));
		v = palloc(sizeof(JsonbValue));
		*k = key;
		(void) JsonbIteratorNext(&it, v, true);
		entry_set(entry, k, v);
	}
}

/*
 * elements
 *		What a field's value splits into: an array's elements, an object's
 *		values, or the value itself; *n gets their number.
 */
static JsonbValue *
elements(JsonbValue *value, int *n)
{
	JsonbValue *list;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;

	if (!rr_value_is_array(value) && !rr_value_is_object(value))
	{
		*n = 1;
		return value;
	}
	list = palloc(sizeof(JsonbValue) *
				  Max(1, JsonContainerSize(value->val.binary.data)));
	*n = 0;
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_ELEM || tok == WJB_VALUE)
			list[(*n)++] = v;
	}
	return list;
}

/*
 * entry_item
 *		The new item of an entry, after the pairs of base (an object value,
 *		or NULL), which the entry's members replace.
 */
static Jsonb *
entry_item(SplitEntry *entry, JsonbValue *base)
{
	JsonbParseState *ps = NULL;
	int			i;

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	if (base != NULL)
	{
		JsonbIterator *it = JsonbIteratorInit(base->val.binary.data);
		JsonbIteratorToken tok;
		JsonbValue	v;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY || tok == WJB_VALUE)
				pushJsonbValue(&ps, tok, &v);
		}
	}
	/* a key pushed twice keeps its last value */
	for (i = 0; i < list_length(entry->pairs); i += 2)
	{
		pushJsonbValue(&ps, WJB_KEY, (JsonbValue *) list_nth(entry->pairs, i));
		pushJsonbValue(&ps, WJB_VALUE,
					   (JsonbValue *) list_nth(entry->pairs, i + 1));
	}
	return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/*
 * split_item
 *		Emit the new items of one item.
 */
static void
split_item(RrNodeRun *run, const SplitOutState *state, Jsonb *item,
		   int index, const SplitOutParams *params)
{
	JsonbValue *root = rr_item_value(item);
	bool		dot = state->dot_notation;
	bool		no_others = !params->keep_fields && params->include == NULL;
	SplitEntry *entries = NULL;
	int			nentries = 0;
	JsonbValue *base = NULL;
	int			f;
	int			e;

	for (f = 0; f < params->nfields; f++)
	{
		const char *field = params->fields[f];
		const char *name = params->destinations != NULL ?
			params->destinations[f] : field;
		JsonbValue *value = rr_item_get(root, field, strlen(field), dot);
		JsonbValue *list;
		JsonbValue *key;
		int			n;

		if (value == NULL)
			continue;			/* missing: nothing to split */
		list = elements(rr_value_normalize(value), &n);
		if (n > nentries)
		{
			entries = entries == NULL ? palloc0(sizeof(SplitEntry) * n) :
				repalloc(entries, sizeof(SplitEntry) * n);
			memset(entries + nentries, 0, sizeof(SplitEntry) * (n - nentries));
			nentries = n;
		}
		key = palloc(sizeof(JsonbValue));
		*key = rr_value_string(name, strlen(name));
		for (e = 0; e < n; e++)
		{
			JsonbValue *element = rr_value_normalize(&list[e]);

			if (no_others && params->nfields == 1 &&
				params->destinations == NULL && rr_value_is_object(element))
				entry_merge(&entries[e], element);
			else
				entry_set(&entries[e], key, element);
		}
	}

	if (params->keep_fields)
	{
		base = root;
		for (f = 0; f < params->nfields; f++)
			base = rr_item_unset(base, params->fields[f],
								 strlen(params->fields[f]), dot);
	}
	for (e = 0; e < nentries; e++)
	{
		int			i;

		for (i = 0; i < params->ninclude && !params->keep_fields; i++)
		{
			const char *name = params->include[i];
			JsonbValue *key = palloc(sizeof(JsonbValue));

			*key = rr_value_string(name, strlen(name));
			entry_set(&entries[e], key,
					  rr_item_get(root, name, strlen(name), dot));
		}
		rr_emit_paired(run, 0, entry_item(&entries[e], base), index);
	}
}

/*
 * split_out_execute
 *		Split every item.
 */
static void
split_out_execute(RrNodeRun *run)
{
	const SplitOutState *state = run->node->state;
	SplitOutParams params;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);

		item_params(run, state, item, index, &params);
		split_item(run, state, item, index, &params);
		index++;
	}
}

const RrNodeHandler rr_node_split_out = {
	.side_effects = false,
	.prepare = split_out_prepare,
	.execute = split_out_execute,
};
