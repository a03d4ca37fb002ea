/*-------------------------------------------------------------------------
 *
 * sort.c
 *		The "sort" node: a stable sort of the items by one or more fields.
 *
 * As n8n's Sort (simple mode) does: each "by" key names a field (a
 * top-level key, or with "dot_notation" a path) and an order; strings are
 * lower-cased, two values compare as lodash's isEqual and lt do (strings
 * by UTF-16 code units, anything else converted to numbers), and values lt
 * cannot order count as greater both ways round, so their place depends
 * on the sort algorithm: below 64 items that is V8's (n8n's JavaScript
 * engine), above a stable sort.  A key no item has is an error.  With
 * "random", the items are shuffled instead.
 *
 * "by" may be an expression; it is computed once per run, for the first
 * item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "common/pg_prng.h"
#include "expr/ast.h"
#include "expr/js_value.h"
#include "miscadmin.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/formatting.h"

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
	bool		dot_notation;	/* fields are paths */
	bool		random;			/* shuffle instead */
} SortState;

/* V8's TimSort sorts fewer elements by insertion alone */
#define V8_MIN_RUN 64

/* The kind of a value, for lodash's isEqual. */
typedef enum SortKind
{
	SORT_MISSING,				/* undefined */
	SORT_NULL,
	SORT_BOOL,
	SORT_NUMBER,
	SORT_STRING,
	SORT_CONTAINER				/* an array or object */
} SortKind;

/* One item's value for one key. */
typedef struct SortValue
{
	SortKind	kind;
	JsonbValue	value;			/* strings lower-cased */
	double		number;			/* lodash's toNumber of it (NaN) */
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
	int			count;
	JsonbValue *list = rr_param_object_list(state->node_name, "by", by, &count);
	int			n;

	*keys = palloc(sizeof(SortKey) * count);
	for (n = 0; n < count; n++)
	{
		JsonbValue *key = &list[n];
		JsonbValue	field;
		JsonbValue	order;
		JsonbValue *found;
		SortKey    *k = &(*keys)[n];

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
	}
	return count;
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
	state->dot_notation = rr_param_flag(node, "dot_notation");
	state->random = rr_param_flag(node, "random");
	if (state->by.constant != NULL)
		state->nkeys = sort_decode_by(state, state->by.constant,
									  &state->keys);
	return state;
}

/*
 * sort_value
 *		Fill *out with item's value for key: strings lower-cased, and the
 *		number lodash's lt compares unless both values are strings.
 */
static void
sort_value(const SortState *state, JsonbValue *item, const SortKey *key,
		   SortValue *out)
{
	JsonbValue *v = rr_item_get(item, key->field, key->len,
								state->dot_notation);

	out->kind = SORT_MISSING;
	out->number = get_float8_nan();
	if (v == NULL)
		return;
	out->value = *v;
	switch (v->type)
	{
		case jbvNull:
			out->kind = SORT_NULL;
			break;
		case jbvBool:
			out->kind = SORT_BOOL;
			break;
		case jbvNumeric:
			out->kind = SORT_NUMBER;
			break;
		case jbvString:
			out->kind = SORT_STRING;
			out->value.val.string.val = str_tolower(v->val.string.val,
													v->val.string.len,
													DEFAULT_COLLATION_OID);
			out->value.val.string.len = strlen(out->value.val.string.val);
			break;
		default:
			out->kind = SORT_CONTAINER;
			break;
	}
	out->number = js_to_number(js_from_jsonb_value(&out->value));
}

/*
 * sort_equal
 *		lodash's isEqual of two values of one key.
 */
static bool
sort_equal(const SortValue *a, const SortValue *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind)
	{
		case SORT_MISSING:
		case SORT_NULL:
			return true;
		case SORT_BOOL:
			return a->value.val.boolean == b->value.val.boolean;
		case SORT_NUMBER:
			return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
													 NumericGetDatum(a->value.val.numeric),
													 NumericGetDatum(b->value.val.numeric))) == 0;
		case SORT_STRING:
			return a->value.val.string.len == b->value.val.string.len &&
				memcmp(a->value.val.string.val, b->value.val.string.val,
					   a->value.val.string.len) == 0;
		case SORT_CONTAINER:
			return compareJsonbContainers(a->value.val.binary.data,
										  b->value.val.binary.data) == 0;
	}
	return false;
}

/*
 * sort_less
 *		lodash's lt: strings by UTF-16 code units, anything else as numbers
 *		(false when either is NaN).
 */
static bool
sort_less(const SortValue *a, const SortValue *b)
{
	if (a->kind == SORT_STRING && b->kind == SORT_STRING)
		return js_compare(RR_OP_LT, js_from_jsonb_value(&a->value),
						  js_from_jsonb_value(&b->value));
	return a->number < b->number;
}

/*
 * sort_compare
 *		n8n's comparator over item positions: the first key whose values
 *		are not equal decides, "less" by its order and anything else
 *		"greater", so values lt cannot order (a missing field, text that
 *		is no number against a number) are greater both ways round.
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
		const SortValue *va = &cxt->values[a * cxt->nkeys + k];
		const SortValue *vb = &cxt->values[b * cxt->nkeys + k];
		int			dir = cxt->keys[k].desc ? -1 : 1;

		if (sort_equal(va, vb))
			continue;
		return sort_less(va, vb) ? -dir : dir;
	}
	return 0;
}

/*
 * v8_sort
 *		V8's Array.prototype.sort on fewer than 64 elements (its TimSort's
 *		minimum run): the leading run (reversed when strictly descending),
 *		then a binary insertion sort of the rest.  With a comparator that
 *		is not a consistent order, as n8n's is for values it cannot order,
 *		the result depends on these steps, so they are V8's.
 */
static void
v8_sort(int *order, int n, SortContext *cxt)
{
	int			run = 2;
	bool		descending;
	int			start;

	descending = sort_compare(&order[1], &order[0], cxt) < 0;
	for (; run < n; run++)
	{
		int			res = sort_compare(&order[run], &order[run - 1], cxt);

		if (descending ? res >= 0 : res < 0)
			break;
	}
	if (descending)
	{
		int			i;

		for (i = 0; i < run / 2; i++)
		{
			int			t = order[i];

			order[i] = order[run - 1 - i];
			order[run - 1 - i] = t;
		}
	}
	for (start = run; start < n; start++)
	{
		int			pivot = order[start];
		int			left = 0;
		int			right = start;

		while (left < right)
		{
			int			mid = left + ((right - left) >> 1);

			if (sort_compare(&pivot, &order[mid], cxt) < 0)
				right = mid;
			else
				left = mid + 1;
		}
		memmove(&order[left + 1], &order[left], sizeof(int) * (start - left));
		order[left] = pivot;
	}
}

/*
 * stable_compare
 *		sort_compare, then by position: a stable sort for longer inputs.
 */
static int
stable_compare(const void *pa, const void *pb, void *arg)
{
	int			res = sort_compare(pa, pb, arg);

	if (res != 0)
		return res;
	return (*(const int *) pa > *(const int *) pb) -
		(*(const int *) pa < *(const int *) pb);
}

/*
 * check_found
 *		n8n's error for a key no item has.
 */
static void
check_found(RrNodeRun *run, const SortState *state, SortContext *cxt, int n)
{
	int			k;

	for (k = 0; k < cxt->nkeys; k++)
	{
		int			i;

		for (i = 0; i < n; i++)
		{
			rr_item_done(run);
			if (cxt->values[i * cxt->nkeys + k].kind != SORT_MISSING)
				break;
		}
		if (i == n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" couldn't find the field '%s' in the input data",
							state->node_name,
							pnstrdup(cxt->keys[k].field, cxt->keys[k].len)),
					 !state->dot_notation && memchr(cxt->keys[k].field, '.',
													cxt->keys[k].len) ?
					 errdetail("No item has a top-level field of that name; for a nested field, set \"dot_notation\".") :
					 errdetail("No item has that field.")));
	}
}

/*
 * shuffle
 *		n8n's random order: a Fisher-Yates shuffle.
 */
static void
shuffle(int *order, int n)
{
	int			i;

	for (i = n - 1; i > 0; i--)
	{
		int			j = (int) pg_prng_uint64_range(&pg_global_prng_state, 0, i);
		int			t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
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
	order = palloc(sizeof(int) * n);
	for (i = 0; i < n; i++)
		order[i] = i;
	if (state->random)
		shuffle(order, n);
	else
	{
		cxt.nkeys = state->nkeys;
		cxt.keys = state->keys;
		cxt.compared = 0;
		if (state->by.constant == NULL)
			cxt.nkeys = sort_decode_by(state,
									   rr_param_eval(&state->by, run,
													 rr_first_item(run), 0),
									   &cxt.keys);
		cxt.values = palloc(sizeof(SortValue) * n * cxt.nkeys);
		i = 0;
		foreach(lc, items)
		{
			JsonbValue *item = rr_item_value((Jsonb *) lfirst(lc));

			for (k = 0; k < cxt.nkeys; k++)
				sort_value(state, item, &cxt.keys[k],
						   &cxt.values[i * cxt.nkeys + k]);
			i++;
			rr_item_done(run);
		}
		check_found(run, state, &cxt, n);
		if (n < V8_MIN_RUN)
		{
			if (n > 1)
				v8_sort(order, n, &cxt);
		}
		else
			qsort_arg(order, n, sizeof(int), stable_compare, &cxt);
	}
	for (i = 0; i < n; i++)
		rr_emit_paired(run, 0, (Jsonb *) list_nth(items, order[i]), order[i]);
}

const RrNodeHandler rr_node_sort = {
	.side_effects = false,
	.prepare = sort_prepare,
	.execute = sort_execute,
};
