/*-------------------------------------------------------------------------
 *
 * sort.c
 *		The "sort" node: a stable sort of the items by one or more fields.
 *
 * Each "by" key names a top-level field (a literal key, not a path) and an
 * order.  Values of one type compare naturally: numbers numerically,
 * strings byte by byte (C collation, so "B" < "a" < "é"), false < true,
 * arrays and objects as PostgreSQL's jsonb ordering does.  Values of
 * different types compare by type: boolean < number < string < array <
 * object, and a missing field or null comes after all of them.  "desc"
 * reverses all of that, so missing and null come first.  Items equal on
 * every key keep their input order.
 *
 * "by" may be an expression; it is computed once per run, for the first
 * item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "nodes/node_util.h"
#include "utils/fmgrprotos.h"

/* One sort key. */
typedef struct SortKey
{
	const char *field;
	int			len;
	bool		desc;
} SortKey;

/* What prepare compiles. */
typedef struct SortState
{
	const char *node_name;
	RrParam		by;
	int			nkeys;			/* when "by" is constant */
	SortKey    *keys;
} SortState;

/* Rank of a value's type in ascending order. */
typedef enum SortRank
{
	SORT_BOOL,
	SORT_NUMBER,
	SORT_STRING,
	SORT_ARRAY,
	SORT_OBJECT,
	SORT_NULL					/* missing or null */
} SortRank;

/* One item's value for one key. */
typedef struct SortValue
{
	SortRank	rank;
	JsonbValue	value;
} SortValue;

/* What the comparator needs. */
typedef struct SortContext
{
	int			nkeys;
	SortKey    *keys;
	SortValue  *values;			/* nitems * nkeys, item by item */
	uint32		compared;		/* comparisons so far */
} SortContext;

/*
 * sort_decode_by
 *		Decode a value of "by" into keys; returns their number.  Checks what
 *		an expression may have got wrong.
 */
static int
sort_decode_by(SortState *state, JsonbValue *by, SortKey **keys)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	if (!rr_value_is_array(by))
		rr_param_type_error(state->node_name, "by", "an array of objects", by);
	if (JsonContainerSize(by->val.binary.data) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"by\" must not be empty",
						state->node_name),
				 errdetail("Its expression gave an empty array.")));

	*keys = palloc(sizeof(SortKey) * JsonContainerSize(by->val.binary.data));
	it = JsonbIteratorInit(by->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue *key;
		JsonbValue	field;
		JsonbValue	order;
		JsonbValue *found;
		SortKey    *k;

		if (tok != WJB_ELEM)
			continue;
		k = &(*keys)[n];
		key = rr_value_normalize(&v);
		if (!rr_value_is_object(key))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("node \"%s\" param \"by[%d]\" must be an object",
							state->node_name, n),
					 errdetail("Its expression gave %s.",
							   rr_value_type_phrase(key))));
		found = getKeyJsonValueFromContainer(key->val.binary.data, "field", 5,
											 &field);
		if (found == NULL || found->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("node \"%s\" param \"by[%d].field\" must be a string",
							state->node_name, n),
					 found == NULL ?
					 errdetail("Its expression gave an object without \"field\".") :
					 errdetail("Its expression gave %s.",
							   rr_value_type_phrase(found))));
		k->field = field.val.string.val;
		k->len = field.val.string.len;
		k->desc = false;
		if (getKeyJsonValueFromContainer(key->val.binary.data, "order", 5,
										 &order) != NULL &&
			order.type != jbvNull)
		{
			if (rr_value_is_word(&order, "desc"))
				k->desc = true;
			else if (!rr_value_is_word(&order, "asc"))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" param \"by[%d].order\" has invalid value %s",
								state->node_name, n, rr_value_to_text(&order)),
						 errdetail("Valid values are \"asc\", \"desc\".")));
		}
		n++;
	}
	return n;
}

/*
 * sort_prepare
 *		Compile "by"; decode it when it has no expressions.
 */
static void *
sort_prepare(RrPlanNode *node)
{
	SortState  *state = palloc0(sizeof(SortState));

	state->node_name = node->name;
	rr_param_compile(node, "by", &state->by);
	if (state->by.constant != NULL)
		state->nkeys = sort_decode_by(state, state->by.constant,
									  &state->keys);
	return state;
}

/*
 * sort_value
 *		Fill *out with item's value for key.
 */
static void
sort_value(Jsonb *item, const SortKey *key, SortValue *out)
{
	if (!rr_item_field(item, key->field, key->len, &out->value))
	{
		out->rank = SORT_NULL;
		return;
	}
	switch (out->value.type)
	{
		case jbvNull:
			out->rank = SORT_NULL;
			break;
		case jbvBool:
			out->rank = SORT_BOOL;
			break;
		case jbvNumeric:
			out->rank = SORT_NUMBER;
			break;
		case jbvString:
			out->rank = SORT_STRING;
			break;
		default:
			out->rank = JsonContainerIsObject(out->value.val.binary.data) ?
				SORT_OBJECT : SORT_ARRAY;
			break;
	}
}

/*
 * sort_compare_values
 *		Ascending comparison of two values of one key.
 */
static int
sort_compare_values(const SortValue *a, const SortValue *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;

	switch (a->rank)
	{
		case SORT_NULL:
			return 0;
		case SORT_BOOL:
			return (int) a->value.val.boolean - (int) b->value.val.boolean;
		case SORT_NUMBER:
			return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
													 NumericGetDatum(a->value.val.numeric),
													 NumericGetDatum(b->value.val.numeric)));
		case SORT_STRING:
			{
				int			alen = a->value.val.string.len;
				int			blen = b->value.val.string.len;
				int			res = memcmp(a->value.val.string.val,
										 b->value.val.string.val,
										 Min(alen, blen));

				if (res != 0)
					return res;
				return (alen > blen) - (alen < blen);
			}
		case SORT_ARRAY:
		case SORT_OBJECT:
			return compareJsonbContainers(a->value.val.binary.data,
										  b->value.val.binary.data);
	}
	return 0;
}

/*
 * sort_compare
 *		qsort_arg comparator over item positions: key by key, then by
 *		position, which makes the sort stable.
 */
static int
sort_compare(const void *pa, const void *pb, void *arg)
{
	SortContext *cxt = (SortContext *) arg;
	int			a = *(const int *) pa;
	int			b = *(const int *) pb;
	int			k;

	/* a sort of many items compares for long: stay cancellable */
	if (++cxt->compared % RR_LIMIT_CHECK_EVERY == 0)
		CHECK_FOR_INTERRUPTS();

	for (k = 0; k < cxt->nkeys; k++)
	{
		int			res = sort_compare_values(&cxt->values[a * cxt->nkeys + k],
											  &cxt->values[b * cxt->nkeys + k]);

		if (res != 0)
			return cxt->keys[k].desc ? (res < 0 ? 1 : -1) : res;
	}
	return (a > b) - (a < b);
}

/*
 * sort_execute
 *		Read every item's keys once, sort positions, emit in order.
 */
static void
sort_execute(RrNodeRun *run)
{
	SortState  *state = (SortState *) run->node->state;
	List	   *items = run->inputs[0];
	int			n = list_length(items);
	SortContext cxt;
	int		   *order;
	ListCell   *lc;
	int			i;
	int			k;

	if (n == 0)
		return;

	cxt.nkeys = state->nkeys;
	cxt.keys = state->keys;
	cxt.compared = 0;
	if (state->by.constant == NULL)
		cxt.nkeys = sort_decode_by(state,
								   rr_param_eval(&state->by, run,
												 rr_first_item(run), 0),
								   &cxt.keys);

	cxt.values = palloc(sizeof(SortValue) * n * cxt.nkeys);
	order = palloc(sizeof(int) * n);
	i = 0;
	foreach(lc, items)
	{
		for (k = 0; k < cxt.nkeys; k++)
			sort_value((Jsonb *) lfirst(lc), &cxt.keys[k],
					   &cxt.values[i * cxt.nkeys + k]);
		order[i] = i;
		i++;
		rr_item_done(run);
	}

	qsort_arg(order, n, sizeof(int), sort_compare, &cxt);

	for (i = 0; i < n; i++)
		rr_emit_paired(run, 0, (Jsonb *) list_nth(items, order[i]), order[i]);
}

const RrNodeHandler rr_node_sort = {
	.side_effects = false,
	.prepare = sort_prepare,
	.execute = sort_execute,
};
