/*-------------------------------------------------------------------------
 *
 * split_out.c
 *		The "split_out" node: one item per element of an array field.
 *
 * For each item, the array in field "field" is split into one new item per
 * element.  With "keep_fields", each new item is the original item with the
 * element in place of the array (or, with "destination", the element under
 * that name and "field" removed).  Without it, an object element becomes
 * the new item as it is and any other element is wrapped as
 * {"<destination or field>": element}; with "destination", every element
 * is wrapped.  As in n8n, a value that is not an array splits into itself,
 * and an item whose field is missing or null yields nothing.
 *
 * The params are evaluated per item, so each item may name its own field.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/node_util.h"

/* What prepare compiles. */
typedef struct SplitOutState
{
	const char *node_name;
	RrParam		field;
	RrParam		keep_fields;
	RrParam		destination;
} SplitOutState;

/* The params of one item. */
typedef struct SplitOutParams
{
	JsonbValue *field;			/* a string */
	bool		keep_fields;
	JsonbValue *destination;	/* a string, or NULL for none */
} SplitOutParams;

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
 * split_out_prepare
 *		Compile the params.  Constant ones are used as they are.
 */
static void *
split_out_prepare(RrPlanNode *node)
{
	SplitOutState *state = palloc0(sizeof(SplitOutState));

	state->node_name = node->name;
	rr_param_compile(node, "field", &state->field);
	rr_param_compile(node, "keep_fields", &state->keep_fields);
	rr_param_compile(node, "destination", &state->destination);
	return state;
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

	value = rr_param_eval(&state->field, run, item, index);
	if (value == NULL || value->type != jbvString)
		wrong_type(state, "field", "a string", value, index);
	params->field = value;

	value = rr_param_eval(&state->keep_fields, run, item, index);
	if (value != NULL && value->type != jbvBool && value->type != jbvNull)
		wrong_type(state, "keep_fields", "a boolean", value, index);
	params->keep_fields = value != NULL && value->type == jbvBool &&
		value->val.boolean;

	value = rr_param_eval(&state->destination, run, item, index);
	if (value != NULL && value->type != jbvString && value->type != jbvNull)
		wrong_type(state, "destination", "a string", value, index);
	params->destination = value != NULL && value->type == jbvString ?
		value : NULL;
}

/*
 * same_name
 *		Whether a key equals a name given as a JSON string.
 */
static inline bool
same_name(const JsonbValue *key, const JsonbValue *name)
{
	return key->val.string.len == name->val.string.len &&
		memcmp(key->val.string.val, name->val.string.val,
			   key->val.string.len) == 0;
}

/*
 * other_fields
 *		The fields of an item other than skip1 and skip2, as key/value
 *		pairs (2 * n entries); *npairs gets n.  Nested values stay binary.
 */
static JsonbValue *
other_fields(Jsonb *item, const JsonbValue *skip1, const JsonbValue *skip2,
			 int *npairs)
{
	JsonbValue *pairs = palloc(sizeof(JsonbValue) * 2 *
							   Max(1, JB_ROOT_COUNT(item)));
	JsonbIterator *it = JsonbIteratorInit(&item->root);
	JsonbIteratorToken tok;
	JsonbValue	key;
	JsonbValue	value;
	int			n = 0;

	while ((tok = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &value, true);
		if (same_name(&key, skip1) || same_name(&key, skip2))
			continue;
		pairs[2 * n] = key;
		pairs[2 * n + 1] = value;
		n++;
	}
	*npairs = n;
	return pairs;
}

/*
 * element_item
 *		The new item for one element: the pairs (the kept fields of the
 *		item, or none), then the element under name.
 */
static Jsonb *
element_item(JsonbValue *pairs, int npairs, JsonbValue *name,
			 JsonbValue *element)
{
	JsonbParseState *state = NULL;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < npairs; i++)
	{
		pushJsonbValue(&state, WJB_KEY, &pairs[2 * i]);
		pushJsonbValue(&state, WJB_VALUE, &pairs[2 * i + 1]);
	}
	pushJsonbValue(&state, WJB_KEY, name);
	pushJsonbValue(&state, WJB_VALUE, element);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * split_item
 *		Emit the new items of one item.
 */
static void
split_item(RrNodeRun *run, Jsonb *item, int index,
		   const SplitOutParams *params)
{
	JsonbValue *name = params->destination != NULL ? params->destination :
		params->field;
	JsonbValue	value;
	JsonbValue	element;
	JsonbValue *pairs = NULL;
	int			npairs = 0;
	JsonbIterator *it = NULL;

	if (!rr_item_field(item, params->field->val.string.val,
					   params->field->val.string.len, &value) ||
		value.type == jbvNull)
		return;

	if (params->keep_fields)
		pairs = other_fields(item, params->field, name, &npairs);

	if (rr_value_is_array(&value))
		it = JsonbIteratorInit(value.val.binary.data);
	else
		element = value;		/* not an array: split into itself */

	for (;;)
	{
		if (it != NULL)
		{
			JsonbIteratorToken tok;

			do
				tok = JsonbIteratorNext(&it, &element, true);
			while (tok != WJB_ELEM && tok != WJB_DONE);
			if (tok == WJB_DONE)
				break;
		}

		if (!params->keep_fields && params->destination == NULL &&
			rr_value_is_object(&element))
			rr_emit_paired(run, 0, JsonbValueToJsonb(&element), index);
		else
			rr_emit_paired(run, 0, element_item(pairs, npairs, name, &element),
						   index);

		if (it == NULL)
			break;
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
		split_item(run, item, index, &params);
		index++;
	}
}

const RrNodeHandler rr_node_split_out = {
	.side_effects = false,
	.prepare = split_out_prepare,
	.execute = split_out_execute,
};
