/*-------------------------------------------------------------------------
 *
 * merge.c
 *		The "merge" node: combines the items of its inputs.
 *
 * The executor runs a merge once, when every input that can still deliver
 * has delivered; inputs that got nothing are empty lists.  Modes:
 *
 *	append			all items of input 0, then of input 1, ...
 *	by_key			a join on field "key" of the left items and field
 *					"right_key" of the right ones; joined items are
 *					left || right (the right item wins on fields both
 *					have).  "join" keeps unmatched left items (left) or
 *					unmatched items of both sides (outer).  With more than
 *					two inputs, each further input is joined in turn to the
 *					result, always on the key of the input 0 item.
 *	by_position		the n-th items of all inputs merged, up to the longest
 *					input; a shorter input adds nothing.
 *	cross_join		every combination of one item of each input, merged;
 *					at most RR_MERGE_MAX_ITEMS items.
 *	choose_branch	the items of input "branch".
 *
 * Key values are compared as jsonb values, so 1 and 1.0 match as in jsonb
 * equality; a missing or null key matches nothing, as in SQL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "nodes/item_keys.h"
#include "nodes/node_util.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

/* Most items a cross join may produce. */
#define RR_MERGE_MAX_ITEMS 1000000

typedef enum MergeMode
{
	MERGE_APPEND,
	MERGE_BY_KEY,
	MERGE_BY_POSITION,
	MERGE_CROSS_JOIN,
	MERGE_CHOOSE_BRANCH
} MergeMode;

/* Which unmatched items by_key keeps. */
typedef enum MergeJoin
{
	MERGE_JOIN_INNER,
	MERGE_JOIN_LEFT,
	MERGE_JOIN_OUTER
} MergeJoin;

/* What prepare compiles. */
typedef struct MergeState
{
	const char *node_name;
	MergeMode	mode;
	MergeJoin	join;
	JsonbValue	key;			/* strings; by_key only */
	JsonbValue	right_key;
	RrParam		branch;
	int			fixed_branch;	/* when "branch" is constant, else -1 */
} MergeState;

/*
 * An item of a by_key result, with the key it joins on and the input items
 * it was joined from (its pairing).
 */
typedef struct JoinedItem
{
	Jsonb	   *item;
	Jsonb	   *key;			/* NULL: missing or null, matches nothing */
	RrItemSource *sources;
	int			nsources;
} JoinedItem;

/* sources with one more, (input, item), in new memory */
static RrItemSource *
add_source(const RrItemSource *sources, int n, int input, int item)
{
	RrItemSource *more = palloc(sizeof(RrItemSource) * (n + 1));

	if (n > 0)
		memcpy(more, sources, sizeof(RrItemSource) * n);
	more[n].input = input;
	more[n].item = item;
	return more;
}

/*
 * decode_branch
 *		Check a value of "branch" against the number of inputs.
 */
static int
decode_branch(const MergeState *state, JsonbValue *value, int ninputs)
{
	bool		error = false;
	int32		branch = 0;

	if (value == NULL || value->type == jbvNull)
		return 0;
	if (value->type != jbvNumeric)
		rr_param_type_error(state->node_name, "branch", "an integer", value);
	branch = numeric_int4_opt_error(value->val.numeric, &error);
	if (error || branch < 0 || branch >= ninputs ||
		DatumGetInt32(DirectFunctionCall2(numeric_cmp,
										  NumericGetDatum(value->val.numeric),
										  NumericGetDatum(int64_to_numeric(branch)))) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"branch\" must be an integer between 0 and %d",
						state->node_name, ninputs - 1),
				 errdetail("Its expression gave %s.",
						   rr_value_to_text(value))));
	return branch;
}

/*
 * merge_prepare
 *		Decode the mode, the join and the key fields; compile "branch".
 */
static void *
merge_prepare(RrPlanNode *node)
{
	MergeState *state = palloc0(sizeof(MergeState));
	JsonbValue *mode = rr_node_param(node, "mode");
	JsonbValue *join = rr_node_param(node, "join");
	JsonbValue *key = rr_node_param(node, "key");
	JsonbValue *right_key = rr_node_param(node, "right_key");

	state->node_name = node->name;

	/* the validator allows only these words, and no expressions */
	if (rr_value_is_word(mode, "by_key"))
		state->mode = MERGE_BY_KEY;
	else if (rr_value_is_word(mode, "by_position"))
		state->mode = MERGE_BY_POSITION;
	else if (rr_value_is_word(mode, "cross_join"))
		state->mode = MERGE_CROSS_JOIN;
	else if (rr_value_is_word(mode, "choose_branch"))
		state->mode = MERGE_CHOOSE_BRANCH;
	else
		state->mode = MERGE_APPEND;

	if (rr_value_is_word(join, "left"))
		state->join = MERGE_JOIN_LEFT;
	else if (rr_value_is_word(join, "outer"))
		state->join = MERGE_JOIN_OUTER;
	else
		state->join = MERGE_JOIN_INNER;

	/* "key" and "right_key" are literal strings; the validator says so */
	if (key != NULL)
		state->key = *key;
	state->right_key = right_key != NULL ? *right_key : state->key;

	rr_param_compile(node, "branch", &state->branch);
	state->fixed_branch = -1;
	if (state->branch.value == NULL)
		state->fixed_branch = 0;
	else if (state->branch.constant != NULL)
		state->fixed_branch = decode_branch(state, state->branch.constant,
											node->ninputs);
	return state;
}

/*
 * merge_items
 *		One object of the fields of n items; on fields several have, the
 *		later item wins.
 */
static Jsonb *
merge_items(Jsonb **items, int n)
{
	JsonbParseState *state = NULL;
	JsonbValue	v;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < n; i++)
	{
		JsonbIterator *it = JsonbIteratorInit(&items[i]->root);
		JsonbIteratorToken tok;

		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY || tok == WJB_VALUE)
				pushJsonbValue(&state, tok, &v);
		}
	}
	/* pairs with one key keep the last value pushed */
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * join_key
 *		An item's key field as jsonb, or NULL when it is missing or null.
 */
static Jsonb *
join_key(Jsonb *item, const JsonbValue *field)
{
	JsonbValue	value;

	if (!rr_item_field(item, field->val.string.val, field->val.string.len,
					   &value) ||
		value.type == jbvNull)
		return NULL;
	return JsonbValueToJsonb(&value);
}

/*
 * join_one
 *		Join the result so far (n items) with one more input; returns the
 *		new result and sets *n to its length.  run is the node's run, for
 *		rr_item_done; input is the number of the input joined.
 */
static JoinedItem *
join_one(RrNodeRun *run, const MergeState *state, JoinedItem *left, int *n,
		 int input)
{
	List	   *right = run->inputs[input];
	int			nleft = *n;
	int			nright = list_length(right);
	RrKeyMap   *map = rr_keymap_create(nright);
	bool	   *matched = palloc0(sizeof(bool) * Max(1, nright));
	int			size = Max(16, nleft + nright);
	JoinedItem *result = palloc(sizeof(JoinedItem) * size);
	int			count = 0;
	int			i;

	/* index the right items by key, in their order */
	for (i = 0; i < nright; i++)
	{
		Jsonb	   *key = join_key(list_nth(right, i), &state->right_key);
		bool		found;
		void	  **slot;

		rr_item_done(run);
		if (key == NULL)
			continue;
		slot = rr_keymap_insert(map, key, &found);
		*slot = lappend_int((List *) *slot, i);
	}

	for (i = 0; i < nleft; i++)
	{
		void	  **slot = NULL;
		ListCell   *lc;

		rr_item_done(run);
		if (left[i].key != NULL)
			slot = rr_keymap_lookup(map, left[i].key);
		if (slot == NULL)
		{
			if (state->join == MERGE_JOIN_INNER)
				continue;
			if (count == size)
				result = repalloc_huge(result, sizeof(JoinedItem) * (size *= 2));
			result[count++] = left[i];
			continue;
		}
		foreach(lc, (List *) *slot)
		{
			Jsonb	   *pair[2];

			rr_item_done(run);
			pair[0] = left[i].item;
			pair[1] = list_nth(right, lfirst_int(lc));
			matched[lfirst_int(lc)] = true;
			if (count == size)
				result = repalloc_huge(result, sizeof(JoinedItem) * (size *= 2));
			result[count].item = merge_items(pair, 2);
			result[count].key = left[i].key;
			result[count].sources = add_source(left[i].sources,
											   left[i].nsources, input,
											   lfirst_int(lc));
			result[count].nsources = left[i].nsources + 1;
			count++;
		}
	}

	if (state->join == MERGE_JOIN_OUTER)
	{
		for (i = 0; i < nright; i++)
		{
			if (matched[i])
				continue;
			if (count == size)
				result = repalloc_huge(result, sizeof(JoinedItem) * (size *= 2));
			result[count].item = list_nth(right, i);
			result[count].key = NULL;
			result[count].sources = add_source(NULL, 0, input, i);
			result[count].nsources = 1;
			count++;
		}
	}
	*n = count;
	return result;
}

/*
 * merge_by_key
 *		Join input 0 with input 1, the result with input 2, and so on.
 */
static void
merge_by_key(RrNodeRun *run, const MergeState *state)
{
	List	   *first = run->inputs[0];
	int			n = list_length(first);
	JoinedItem *result = palloc(sizeof(JoinedItem) * Max(1, n));
	int			i;

	for (i = 0; i < n; i++)
	{
		result[i].item = list_nth(first, i);
		result[i].key = join_key(result[i].item, &state->key);
		result[i].sources = add_source(NULL, 0, 0, i);
		result[i].nsources = 1;
	}
	for (i = 1; i < run->ninputs; i++)
		result = join_one(run, state, result, &n, i);
	for (i = 0; i < n; i++)
		rr_emit_from(run, 0, result[i].item, result[i].nsources,
					 result[i].sources);
}

/*
 * merge_by_position
 *		Merge the n-th items of all inputs.
 */
static void
merge_by_position(RrNodeRun *run)
{
	Jsonb	  **row = palloc(sizeof(Jsonb *) * run->ninputs);
	RrItemSource *sources = palloc(sizeof(RrItemSource) * run->ninputs);
	int			longest = 0;
	int			i;
	int			k;

	for (k = 0; k < run->ninputs; k++)
		longest = Max(longest, list_length(run->inputs[k]));

	for (i = 0; i < longest; i++)
	{
		int			n = 0;

		for (k = 0; k < run->ninputs; k++)
		{
			if (i < list_length(run->inputs[k]))
			{
				sources[n].input = k;
				sources[n].item = i;
				row[n++] = list_nth(run->inputs[k], i);
			}
		}
		rr_emit_from(run, 0, n == 1 ? row[0] : merge_items(row, n), n, sources);
	}
}

/*
 * merge_cross_join
 *		Every combination of one item per input, input 0 varying slowest.
 */
static void
merge_cross_join(RrNodeRun *run, const MergeState *state)
{
	int			ninputs = run->ninputs;
	int		   *pos = palloc0(sizeof(int) * ninputs);
	Jsonb	  **row = palloc(sizeof(Jsonb *) * ninputs);
	RrItemSource *sources = palloc(sizeof(RrItemSource) * ninputs);
	int64		total = 1;
	int			k;

	for (k = 0; k < ninputs; k++)
	{
		total *= list_length(run->inputs[k]);
		if (total > RR_MERGE_MAX_ITEMS)
		{
			StringInfoData counts;

			initStringInfo(&counts);
			for (k = 0; k < ninputs; k++)
				appendStringInfo(&counts, "%s%d",
								 k == 0 ? "" : k == ninputs - 1 ? " and " : ", ",
								 list_length(run->inputs[k]));
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("node \"%s\" cross join would produce more than %d items",
							state->node_name, RR_MERGE_MAX_ITEMS),
					 errdetail("Its inputs hold %s items.", counts.data)));
		}
	}
	if (total == 0)
		return;

	for (;;)
	{
		for (k = 0; k < ninputs; k++)
		{
			row[k] = list_nth(run->inputs[k], pos[k]);
			sources[k].input = k;
			sources[k].item = pos[k];
		}
		rr_emit_from(run, 0, merge_items(row, ninputs), ninputs, sources);

		/* next combination: the last input varies fastest */
		for (k = ninputs - 1; k >= 0; k--)
		{
			if (++pos[k] < list_length(run->inputs[k]))
				break;
			pos[k] = 0;
		}
		if (k < 0)
			break;
	}
}

/*
 * merge_execute
 *		Combine the inputs as the mode says.
 */
static void
merge_execute(RrNodeRun *run)
{
	const MergeState *state = run->node->state;
	ListCell   *lc;
	int			branch;
	int			k;

	switch (state->mode)
	{
		case MERGE_APPEND:
			for (k = 0; k < run->ninputs; k++)
			{
				foreach(lc, run->inputs[k])
				{
					RrItemSource source = {k, foreach_current_index(lc)};

					rr_emit_from(run, 0, (Jsonb *) lfirst(lc), 1, &source);
				}
			}
			break;
		case MERGE_BY_KEY:
			merge_by_key(run, state);
			break;
		case MERGE_BY_POSITION:
			merge_by_position(run);
			break;
		case MERGE_CROSS_JOIN:
			merge_cross_join(run, state);
			break;
		case MERGE_CHOOSE_BRANCH:
			branch = state->fixed_branch;
			if (branch < 0)
				branch = decode_branch(state,
									   rr_param_eval(&state->branch, run,
													 rr_first_item(run), 0),
									   run->ninputs);
			foreach(lc, run->inputs[branch])
			{
				RrItemSource source = {branch, foreach_current_index(lc)};

				rr_emit_from(run, 0, (Jsonb *) lfirst(lc), 1, &source);
			}
			break;
	}
}

const RrNodeHandler rr_node_merge = {
	.side_effects = false,
	.prepare = merge_prepare,
	.execute = merge_execute,
};
