/*-------------------------------------------------------------------------
 *
 * aggregate.c
 *		The "aggregate" node: groups items and computes values per group.
 *
 * Items are grouped by the values of the "group_by" fields (no fields: one
 * group of all items), groups come out in the order their first item came
 * in, and each output item holds the group's "group_by" fields plus one
 * field per aggregation.  Sums, averages, minima and maxima are computed
 * with PostgreSQL's numeric type, so they are exact.  Field names are
 * literal top-level keys.
 *
 * "group_by" and "aggregations" may hold expressions; they are computed
 * once per run, for the first item: aggregating is about all items, not
 * about one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "nodes/item_keys.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

typedef enum AggOp
{
	AGG_COLLECT,
	AGG_COUNT,
	AGG_COUNT_DISTINCT,
	AGG_SUM,
	AGG_MIN,
	AGG_MAX,
	AGG_AVG,
	AGG_FIRST,
	AGG_LAST,
	AGG_CONCAT,
	AGG_ITEMS
} AggOp;

/* In AggOp order. */
static const char *const agg_op_names[] = {
	"collect", "count", "count_distinct", "sum", "min", "max", "avg",
	"first", "last", "concat", "items"
};

/* What "concat" puts between two values. */
#define CONCAT_SEPARATOR ", "

/* One aggregation of the "aggregations" param. */
typedef struct AggSpec
{
	AggOp		op;
	char	   *field;			/* NULL for a count of items */
	char	   *as;				/* the result field */
	bool		skip_nulls;		/* collect: n8n's Aggregate */
	bool		merge_lists;	/* collect: arrays' elements */
	char	  **include;		/* items: the fields kept, or NULL */
	int			ninclude;
	char	  **exclude;		/* items: the fields dropped, or NULL */
	int			nexclude;
} AggSpec;

/* What prepare compiles. */
typedef struct AggregateState
{
	const char *node_name;
	RrParam		group_by;
	RrParam		aggregations;
	/* decoded constants; valid when the params above are constant */
	char	  **group_fields;
	int			ngroup_fields;
	AggSpec    *specs;
	int			nspecs;
	bool		dot_notation;	/* fields are paths */
} AggregateState;

/* The running value of one aggregation over one group. */
typedef struct AggAcc
{
	int64		count;			/* count, count_distinct; values of avg */
	Numeric		number;			/* sum, min, max, avg; NULL before any */
	bool		has_value;		/* first, last */
	JsonbValue	value;
	List	   *values;			/* collect: JsonbValue * */
	StringInfo	text;			/* concat; NULL before any */
	RrKeyMap   *seen;			/* count_distinct */
} AggAcc;

/* One group of items. */
typedef struct AggGroup
{
	Jsonb	   *key;			/* the group_by fields its items share */
	AggAcc	   *accs;			/* one per aggregation */
	RrItemSource *sources;		/* its items (the emitted item's pairing) */
	int			nsources;
	int			sources_cap;
} AggGroup;

/*
 * spec_string
 *		A string field of an aggregation object, copied; NULL when it is
 *		absent or null.
 */
static char *
spec_string(const char *node, int index, JsonbValue *object, const char *key)
{
	JsonbValue	value;

	if (getKeyJsonValueFromContainer(object->val.binary.data, key,
									 strlen(key), &value) == NULL ||
		value.type == jbvNull)
		return NULL;
	if (value.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("node \"%s\" param \"aggregations[%d].%s\" must be a string",
						node, index, key),
				 errdetail("Its expression gave %s.",
						   rr_value_type_phrase(&value))));
	return pnstrdup(value.val.string.val, value.val.string.len);
}

/*
 * spec_flag
 *		A boolean member of an aggregation object (absent or null: false).
 */
static bool
spec_flag(const char *node, int index, JsonbValue *object, const char *key)
{
	JsonbValue *value = rr_value_member(object, key, strlen(key));

	if (value == NULL || value->type == jbvNull)
		return false;
	if (value->type != jbvBool)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("node \"%s\" param \"aggregations[%d].%s\" must be a boolean",
						node, index, key),
				 errdetail("Its expression gave %s.", rr_value_type_phrase(value))));
	return value->val.boolean;
}

/*
 * decode_aggregations
 *		Decode a value of "aggregations"; returns their number.  Checks what
 *		an expression may have got wrong.
 */
static int
decode_aggregations(const char *node, JsonbValue *value, AggSpec **specs)
{
	int			count;
	JsonbValue *list = rr_param_object_list(node, "aggregations", value, &count);
	int			n;

	*specs = palloc(sizeof(AggSpec) * count);
	for (n = 0; n < count; n++)
	{
		AggSpec    *spec = &(*specs)[n];
		JsonbValue	v = list[n];
		char	   *op;
		int			i;

		op = spec_string(node, n, &v, "op");
		if (op == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" is missing required param \"aggregations[%d].op\"",
							node, n),
					 errdetail("Its expression gave an aggregation without \"op\".")));
		for (i = 0; i < lengthof(agg_op_names); i++)
		{
			if (strcmp(op, agg_op_names[i]) == 0)
				break;
		}
		if (i == lengthof(agg_op_names))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" param \"aggregations[%d].op\" has invalid value \"%s\"",
							node, n, op),
					 errdetail("Valid values are \"collect\", \"count\", \"count_distinct\", \"sum\", \"min\", \"max\", \"avg\", \"first\", \"last\", \"concat\", \"items\".")));
		spec->op = (AggOp) i;

		spec->field = spec_string(node, n, &v, "field");
		if (spec->field == NULL && spec->op != AGG_COUNT && spec->op != AGG_ITEMS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" is missing required param \"aggregations[%d].field\"",
							node, n),
					 errdetail("Op \"%s\" needs a field.", op)));

		spec->as = spec_string(node, n, &v, "as");
		if (spec->as == NULL)
			spec->as = spec->field == NULL ? pstrdup(op) :
				psprintf("%s_%s", op, spec->field);
		spec->skip_nulls = spec_flag(node, n, &v, "skip_nulls");
		spec->merge_lists = spec_flag(node, n, &v, "merge_lists");
		spec->include = rr_decode_string_array(rr_value_member(&v, "include_fields", 14),
											   node,
											   psprintf("aggregations[%d].include_fields", n),
											   &spec->ninclude);
		spec->exclude = rr_decode_string_array(rr_value_member(&v, "exclude_fields", 14),
											   node,
											   psprintf("aggregations[%d].exclude_fields", n),
											   &spec->nexclude);
	}
	return count;
}

/*
 * aggregate_prepare
 *		Compile the params; decode those without expressions.
 */
static void *
aggregate_prepare(RrPlanNode *node)
{
	AggregateState *state = palloc0(sizeof(AggregateState));

	state->node_name = node->name;
	state->dot_notation = rr_param_flag(node, "dot_notation");
	rr_param_compile(node, "group_by", &state->group_by);
	rr_param_compile(node, "aggregations", &state->aggregations);
	if (state->group_by.constant != NULL)
		state->group_fields = rr_decode_string_array(state->group_by.constant,
													 node->name, "group_by",
													 &state->ngroup_fields);
	if (state->aggregations.constant != NULL)
		state->nspecs = decode_aggregations(node->name,
											state->aggregations.constant,
											&state->specs);
	return state;
}

/*
 * new_group
 *		A group with empty accumulators.
 */
static AggGroup *
new_group(Jsonb *key, int nspecs)
{
	AggGroup   *group = palloc0(sizeof(AggGroup));

	group->key = key;
	group->accs = palloc0(sizeof(AggAcc) * nspecs);
	return group;
}

/*
 * collect_value
 *		Add a value to a list; with skip_nulls without nulls (in arrays
 *		too), with merge_lists an array's elements one by one.
 */
static void
collect_value(const AggSpec *spec, AggAcc *acc, JsonbValue *value)
{
	JsonbValue *v = rr_value_normalize(value);
	JsonbParseState *ps = NULL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	e;
	JsonbValue *copy;

	if (spec->skip_nulls && v->type == jbvNull)
		return;
	if (!rr_value_is_array(v) || (!spec->skip_nulls && !spec->merge_lists))
	{
		copy = palloc(sizeof(JsonbValue));
		*copy = *v;
		acc->values = lappend(acc->values, copy);
		return;
	}
	if (!spec->merge_lists)
		pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM || (spec->skip_nulls && e.type == jbvNull))
			continue;
		if (spec->merge_lists)
		{
			copy = palloc(sizeof(JsonbValue));
			*copy = *rr_value_normalize(&e);
			acc->values = lappend(acc->values, copy);
		}
		else
			pushJsonbValue(&ps, WJB_ELEM, &e);
	}
	if (!spec->merge_lists)
		acc->values = lappend(acc->values,
							  rr_value_binary(pushJsonbValue(&ps, WJB_END_ARRAY, NULL)));
}

/* Whether name (len bytes) is one of names */
static bool
listed(char **names, int n, const char *name, int len)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	return false;
}

/*
 * collect_item
 *		Add an item to the list of "items": as it is, or with only its
 *		include_fields and without its exclude_fields (top-level keys), left
 *		out when nothing is left.
 */
static void
collect_item(const AggSpec *spec, AggAcc *acc, Jsonb *item)
{
	JsonbParseState *ps = NULL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	k;
	JsonbValue	v;
	int			kept = 0;

	if (spec->ninclude == 0 && spec->nexclude == 0)
	{
		acc->values = lappend(acc->values, rr_item_value(item));
		return;
	}
	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	it = JsonbIteratorInit(&item->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &v, true);
		if (listed(spec->exclude, spec->nexclude, k.val.string.val, k.val.string.len) ||
			(spec->ninclude > 0 &&
			 !listed(spec->include, spec->ninclude, k.val.string.val, k.val.string.len)))
			continue;
		pushJsonbValue(&ps, WJB_KEY, &k);
		pushJsonbValue(&ps, WJB_VALUE, &v);
		kept++;
	}
	v = *rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
	if (kept > 0)
	{
		JsonbValue *copy = palloc(sizeof(JsonbValue));

		*copy = v;
		acc->values = lappend(acc->values, copy);
	}
}

/*
 * accumulate
 *		Add one item to one aggregation of its group.
 */
static void
accumulate(const char *node, const AggSpec *spec, AggAcc *acc, Jsonb *item,
		   int item_index, bool dot_notation)
{
	JsonbValue	value;

	if (spec->op == AGG_ITEMS)
	{
		collect_item(spec, acc, item);
		return;
	}
	if (spec->field == NULL)
	{
		acc->count++;			/* count of items */
		return;
	}
	if (dot_notation)
	{
		JsonbValue *v = rr_item_get(rr_item_value(item), spec->field,
									strlen(spec->field), true);

		if (v == NULL)
			return;
		value = *v;
	}
	else if (!rr_item_field(item, spec->field, strlen(spec->field), &value))
		return;					/* missing fields never count */

	switch (spec->op)
	{
		case AGG_ITEMS:
			break;
		case AGG_COLLECT:
			collect_value(spec, acc, &value);
			break;
		case AGG_FIRST:
			if (!acc->has_value)
			{
				acc->value = value;
				acc->has_value = true;
			}
			break;
		case AGG_LAST:
			acc->value = value;
			acc->has_value = true;
			break;
		case AGG_COUNT:
			if (value.type != jbvNull)
				acc->count++;
			break;
		case AGG_COUNT_DISTINCT:
			if (value.type != jbvNull)
			{
				bool		found;

				if (acc->seen == NULL)
					acc->seen = rr_keymap_create(16);
				(void) rr_keymap_insert(acc->seen, JsonbValueToJsonb(&value),
										&found);
				if (!found)
					acc->count++;
			}
			break;
		case AGG_CONCAT:
			if (value.type == jbvNull)
				break;
			if (acc->text == NULL)
				acc->text = makeStringInfo();
			else
				appendStringInfoString(acc->text, CONCAT_SEPARATOR);
			if (value.type == jbvString)
				appendBinaryStringInfo(acc->text, value.val.string.val,
									   value.val.string.len);
			else
			{
				Jsonb	   *json = JsonbValueToJsonb(&value);

				(void) JsonbToCString(acc->text, &json->root, VARSIZE(json));
			}
			break;
		case AGG_SUM:
		case AGG_MIN:
		case AGG_MAX:
		case AGG_AVG:
			if (value.type == jbvNull)
				break;
			if (value.type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" field \"%s\" of item %d is not a number",
								node, spec->field, item_index),
						 errdetail("Aggregation \"%s\" takes numbers and nulls; the field holds %s.",
								   agg_op_names[spec->op],
								   rr_value_type_phrase(&value))));
			acc->count++;
			if (acc->number == NULL)
				acc->number = value.val.numeric;
			else if (spec->op == AGG_SUM || spec->op == AGG_AVG)
				acc->number = numeric_add_opt_error(acc->number,
													value.val.numeric, NULL);
			else
			{
				int			cmp;

				cmp = DatumGetInt32(DirectFunctionCall2(numeric_cmp,
														NumericGetDatum(value.val.numeric),
														NumericGetDatum(acc->number)));
				if (spec->op == AGG_MIN ? cmp < 0 : cmp > 0)
					acc->number = value.val.numeric;
			}
			break;
	}
}

/*
 * push_result
 *		Push the result of one aggregation of a group, as the value of the
 *		key just pushed.
 */
static void
push_result(JsonbParseState **state, const AggSpec *spec, AggAcc *acc)
{
	JsonbValue	value;
	ListCell   *lc;

	value.type = jbvNull;
	switch (spec->op)
	{
		case AGG_COLLECT:
		case AGG_ITEMS:
			pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
			foreach(lc, acc->values)
				pushJsonbValue(state, WJB_ELEM, (JsonbValue *) lfirst(lc));
			pushJsonbValue(state, WJB_END_ARRAY, NULL);
			return;
		case AGG_COUNT:
		case AGG_COUNT_DISTINCT:
			value.type = jbvNumeric;
			value.val.numeric = int64_to_numeric(acc->count);
			break;
		case AGG_SUM:
		case AGG_MIN:
		case AGG_MAX:
			if (acc->number != NULL)
			{
				value.type = jbvNumeric;
				value.val.numeric = acc->number;
			}
			break;
		case AGG_AVG:
			if (acc->number != NULL)
			{
				value.type = jbvNumeric;
				value.val.numeric = numeric_div_opt_error(acc->number,
														  int64_to_numeric(acc->count),
														  NULL);
				/* JSON numbers have no scale: 2.5, not 2.5000000000000000 */
				value.val.numeric =
					DatumGetNumeric(DirectFunctionCall1(numeric_trim_scale,
														NumericGetDatum(value.val.numeric)));
			}
			break;
		case AGG_FIRST:
		case AGG_LAST:
			if (acc->has_value)
				value = acc->value;
			break;
		case AGG_CONCAT:
			if (acc->text != NULL)
			{
				value.type = jbvString;
				value.val.string.val = acc->text->data;
				value.val.string.len = acc->text->len;
			}
			break;
	}
	pushJsonbValue(state, WJB_VALUE, &value);
}

/*
 * group_item
 *		The output item of a group: its key fields, then the results (a
 *		result named like a key field or an earlier result replaces it).
 */
static Jsonb *
group_item(AggGroup *group, const AggSpec *specs, int nspecs)
{
	JsonbParseState *state = NULL;
	JsonbValue	value;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	if (group->key != NULL)
	{
		JsonbIterator *it = JsonbIteratorInit(&group->key->root);
		JsonbIteratorToken tok;

		while ((tok = JsonbIteratorNext(&it, &value, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY || tok == WJB_VALUE)
				pushJsonbValue(&state, tok, &value);
		}
	}
	for (i = 0; i < nspecs; i++)
	{
		value.type = jbvString;
		value.val.string.val = specs[i].as;
		value.val.string.len = strlen(specs[i].as);
		pushJsonbValue(&state, WJB_KEY, &value);
		push_result(&state, &specs[i], &group->accs[i]);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * aggregate_execute
 *		Group the items, accumulate, and emit one item per group.
 */
static void
aggregate_execute(RrNodeRun *run)
{
	const AggregateState *state = run->node->state;
	const char *node = state->node_name;
	char	  **group_fields = state->group_fields;
	int			ngroup_fields = state->ngroup_fields;
	AggSpec    *specs = state->specs;
	int			nspecs = state->nspecs;
	List	   *items = run->inputs[0];
	List	   *groups = NIL;
	RrKeyMap   *map = NULL;
	AggGroup   *single = NULL;
	ListCell   *lc;
	int			index = 0;
	int			i;

	if (state->group_by.value != NULL && state->group_by.constant == NULL)
		group_fields = rr_decode_string_array(rr_param_eval(&state->group_by, run,
															rr_first_item(run), 0),
											  node, "group_by", &ngroup_fields);
	if (state->aggregations.value != NULL &&
		state->aggregations.constant == NULL)
		nspecs = decode_aggregations(node,
									 rr_param_eval(&state->aggregations, run,
												   rr_first_item(run), 0),
									 &specs);

	if (ngroup_fields == 0)
	{
		/* one group of all items, even of none */
		single = new_group(NULL, nspecs);
		groups = list_make1(single);
	}
	else
		map = rr_keymap_create(list_length(items));

	foreach(lc, items)
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);
		AggGroup   *group = single;

		if (group == NULL)
		{
			Jsonb	   *key = rr_item_pick(item, group_fields, ngroup_fields);
			bool		found;
			void	  **slot = rr_keymap_insert(map, key, &found);

			if (!found)
			{
				*slot = new_group(key, nspecs);
				groups = lappend(groups, *slot);
			}
			group = (AggGroup *) *slot;
		}
		for (i = 0; i < nspecs; i++)
			accumulate(node, &specs[i], &group->accs[i], item, index,
					   state->dot_notation);
		if (group->nsources == group->sources_cap)
		{
			group->sources_cap = Max(8, group->sources_cap * 2);
			group->sources = group->sources == NULL ?
				palloc(sizeof(RrItemSource) * group->sources_cap) :
				repalloc(group->sources, sizeof(RrItemSource) * group->sources_cap);
		}
		group->sources[group->nsources].input = 0;
		group->sources[group->nsources++].item = index;
		index++;
		rr_item_done(run);
	}

	/* each item comes from the items of its group (n8n: all of them) */
	foreach(lc, groups)
	{
		AggGroup   *group = (AggGroup *) lfirst(lc);

		rr_emit_from(run, 0, group_item(group, specs, nspecs),
					 group->nsources, group->sources);
	}
}

const RrNodeHandler rr_node_aggregate = {
	.side_effects = false,
	.prepare = aggregate_prepare,
	.execute = aggregate_execute,
};
