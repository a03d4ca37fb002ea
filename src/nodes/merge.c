/*-------------------------------------------------------------------------
 *
 * merge.c
 *		The "merge" node: combines the items of its inputs, as n8n's Merge
 *		node does.
 *
 * The executor runs a merge once, when every input that can still deliver
 * has delivered; inputs that got nothing are empty lists.  Modes:
 *
 *	append			all items of input 0, then of input 1, ...
 *	by_key			a join of input 0 and input 1 on the fields "key" (a
 *					comma-separated list, n8n's "Fields to Match") of the
 *					left items and "right_key" of the right ones, as
 *					n8n's combine by fields: "join" inner (keep matches),
 *					left (enrich input 1), right (enrich input 2), outer
 *					(keep everything) or anti (keep non-matches), with
 *					"output_from" both, input1 or input2.  Matched items
 *					come first, in input 0 order (input 1 order for the
 *					right join), then the unmatched ones of input 0, then
 *					those of input 1.  With more than two
 *					inputs each further input is joined in turn to the
 *					result, always on the key of the input 0 item.
 *	by_position		the n-th items of all inputs merged, up to the
 *					longest input with "include_unpaired", else the
 *					shortest.
 *	cross_join		every combination of one item of each input, merged;
 *					at most RR_MERGE_MAX_ITEMS items.
 *	choose_branch	the items of input "branch", or one empty item.
 *
 * Items merge as "merge_mode" says (shallow: lodash assign, deep: lodash
 * merge, item_merge.c), with "clash": prefer_last (later inputs win),
 * prefer_inputN (input N wins) or add_suffix (every key gets _N, N the
 * input's number from 1).
 *
 * Key values are compared as jsonb values, so 1 and 1.0 match as in jsonb
 * equality, and null matches null as in lodash's isEqual; an item without
 * a key field matches nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "nodes/item_keys.h"
#include "nodes/item_merge.h"
#include "nodes/item_paths.h"
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

/* Which items by_key keeps. */
typedef enum MergeJoin
{
	MERGE_JOIN_INNER,
	MERGE_JOIN_LEFT,
	MERGE_JOIN_RIGHT,
	MERGE_JOIN_OUTER,
	MERGE_JOIN_ANTI
} MergeJoin;

/* Whose data by_key's inner and anti joins give. */
typedef enum MergeFrom
{
	MERGE_FROM_BOTH,
	MERGE_FROM_LEFT,
	MERGE_FROM_RIGHT
} MergeFrom;

/* What prepare compiles. */
typedef struct MergeState
{
	const char *node_name;
	MergeMode	mode;
	MergeJoin	join;
	MergeFrom	from;
	int			nkeys;			/* by_key only */
	char	  **keys;
	char	  **right_keys;
	bool		dot_notation;
	bool		first_match_only;
	int			prefer;			/* input whose fields win (0-based); -1:
								 * the last; -2: add suffixes */
	RrMergeHow	how;
	bool		include_unpaired;
	bool		empty_item;
	RrParam		branch;
	int			fixed_branch;	/* when "branch" is constant, else -1 */
} MergeState;

#define PREFER_LAST		(-1)
#define ADD_SUFFIX		(-2)

/*
 * An item of a by_key result, with the key it joins on and the input items
 * it was joined from (its pairing).
 */
typedef struct JoinedItem
{
	Jsonb	   *item;
	Jsonb	   *key;			/* NULL: a key field is missing */
	RrItemSource *sources;
	int			nsources;
} JoinedItem;

/* A growing list of joined items. */
typedef struct JoinedList
{
	JoinedItem *items;
	int			n;
	int			size;
} JoinedList;

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

/* Append an item to a list */
static void
joined_add(JoinedList *list, const JoinedItem *item)
{
	if (list->n == list->size)
	{
		list->size = Max(16, list->size * 2);
		list->items = list->items == NULL ?
			palloc(sizeof(JoinedItem) * list->size) :
			repalloc_huge(list->items, sizeof(JoinedItem) * list->size);
	}
	list->items[list->n++] = *item;
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
 * split_fields
 *		The fields of a comma-separated list, trimmed, empty ones left out
 *		(n8n's "Fields to Match"); returns their number.
 */
static int
split_fields(const JsonbValue *value, char ***fields)
{
	char	   *text = pnstrdup(value->val.string.val, value->val.string.len);
	char	   *part;
	char	   *save = NULL;
	int			n = 0;

	*fields = palloc(sizeof(char *) * (value->val.string.len / 2 + 1));
	for (part = strtok_r(text, ",", &save); part != NULL;
		 part = strtok_r(NULL, ",", &save))
	{
		char	   *end = part + strlen(part);

		while (*part == ' ' || *part == '\t' || *part == '\n')
			part++;
		while (end > part && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'))
			*--end = '\0';
		if (*part != '\0')
			(*fields)[n++] = part;
	}
	return n;
}

/*
 * merge_prepare
 *		Decode the mode, the join, the key fields and the options; compile
 *		"branch".  The validator has checked the words and the types.
 */
static void *
merge_prepare(RrPlanNode *node)
{
	MergeState *state = palloc0(sizeof(MergeState));
	JsonbValue *mode = rr_node_param(node, "mode");
	JsonbValue *join = rr_node_param(node, "join");
	JsonbValue *from = rr_node_param(node, "output_from");
	JsonbValue *key = rr_node_param(node, "key");
	JsonbValue *right_key = rr_node_param(node, "right_key");
	JsonbValue *clash = rr_node_param(node, "clash");

	state->node_name = node->name;

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
	else if (rr_value_is_word(join, "right"))
		state->join = MERGE_JOIN_RIGHT;
	else if (rr_value_is_word(join, "outer"))
		state->join = MERGE_JOIN_OUTER;
	else if (rr_value_is_word(join, "anti"))
		state->join = MERGE_JOIN_ANTI;
	else
		state->join = MERGE_JOIN_INNER;

	if (rr_value_is_word(from, "input1"))
		state->from = MERGE_FROM_LEFT;
	else if (rr_value_is_word(from, "input2"))
		state->from = MERGE_FROM_RIGHT;
	else
		state->from = MERGE_FROM_BOTH;

	if (key != NULL)
	{
		int			nright;

		state->nkeys = split_fields(key, &state->keys);
		state->right_keys = state->keys;
		if (right_key != NULL)
		{
			nright = split_fields(right_key, &state->right_keys);
			if (nright != state->nkeys)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("node \"%s\" params \"key\" and \"right_key\" name %d and %d fields",
								node->name, state->nkeys, nright),
						 errdetail("Each field of \"key\" is matched with the field of \"right_key\" at the same place.")));
		}
	}
	state->dot_notation = rr_node_flag(node, "dot_notation", false);
	state->first_match_only = rr_value_is_word(rr_node_param(node, "multiple_matches"),
											   "first");

	state->prefer = PREFER_LAST;
	if (rr_value_is_word(clash, "add_suffix"))
		state->prefer = ADD_SUFFIX;
	else if (rr_value_is_word(clash, "prefer_last"))
		state->prefer = PREFER_LAST;
	else if (clash != NULL && clash->type == jbvString)
		state->prefer = atoi(pnstrdup(clash->val.string.val + strlen("prefer_input"),
									  clash->val.string.len - strlen("prefer_input"))) - 1;
	state->how.deep = rr_value_is_word(rr_node_param(node, "merge_mode"), "deep");
	state->how.override_empty = rr_node_flag(node, "override_empty", false);
	state->include_unpaired = rr_node_flag(node, "include_unpaired", true);
	state->empty_item = rr_node_flag(node, "empty_item", false);

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
 *		One object of n items (NULL ones left out), items[k] from input k,
 *		as "clash" and "merge_mode" say.
 */
static Jsonb *
merge_items(const MergeState *state, Jsonb **items, int n)
{
	JsonbValue *acc = NULL;
	int			k;

	for (k = 0; k < n; k++)
	{
		JsonbValue *v;

		if (items[k] == NULL || (k == state->prefer && n > 1))
			continue;
		v = rr_item_value(items[k]);
		if (state->prefer == ADD_SUFFIX)
			v = rr_value_suffix_keys(v, psprintf("%d", k + 1));
		acc = acc == NULL ? v : rr_value_merge(acc, v, &state->how);
	}
	if (state->prefer >= 0 && state->prefer < n && items[state->prefer] != NULL &&
		n > 1)
		acc = acc == NULL ? rr_item_value(items[state->prefer]) :
			rr_value_merge(acc, rr_item_value(items[state->prefer]),
						   &state->how);
	if (acc == NULL)
	{
		JsonbParseState *ps = NULL;

		pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
		return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
	}
	return JsonbValueToJsonb(acc);
}
/*
 * item_key
 *		The values of an item's key fields as a jsonb array, or NULL when
 *		one is missing (lodash's get gives undefined).
 */
static Jsonb *
item_key(const MergeState *state, Jsonb *item, char **fields)
{
	JsonbValue *root = rr_item_value(item);
	JsonbParseState *ps = NULL;
	int			i;

	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < state->nkeys; i++)
	{
		JsonbValue *v;

		if (state->dot_notation)
		{
			RrPath		path;

			rr_path_parse(root, fields[i], strlen(fields[i]), &path);
			v = rr_path_get(root, &path);
		}
		else
			v = rr_value_member(root, fields[i], strlen(fields[i]));
		if (v == NULL)
			return NULL;
		pushJsonbValue(&ps, WJB_ELEM, v);
	}
	return JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_ARRAY, NULL));
}

/*
 * labelled
 *		An unmatched item as by_key outputs it: with keys suffixed _N under
 *		add_suffix, with "_source" when an anti join outputs both inputs.
 */
static JoinedItem
labelled(const MergeState *state, JoinedItem item, int input)
{
	JsonbValue *v = NULL;

	if (state->join == MERGE_JOIN_ANTI && state->from == MERGE_FROM_BOTH)
	{
		char	   *label = psprintf("input%d", input + 1);
		JsonbValue	key = rr_value_string("_source", strlen("_source"));
		JsonbValue	value = rr_value_string(label, strlen(label));
		RrPath		path = {1, &key};

		v = rr_path_set(rr_item_value(item.item), &path, &value);
	}
	else if (state->join != MERGE_JOIN_ANTI && state->prefer == ADD_SUFFIX)
		v = rr_value_suffix_keys(rr_item_value(item.item),
								 psprintf("%d", Min(input + 1, 2)));
	if (v != NULL)
		item.item = JsonbValueToJsonb(v);
	return item;
}

/*
 * join_empty
 *		n8n's result when one side of a join has no items: nothing, or the
 *		items of both sides as they are.
 */
static void
join_empty(const MergeState *state, JoinedList *left, List *right, int input,
		   JoinedList *result)
{
	ListCell   *lc;

	if ((state->join == MERGE_JOIN_ANTI && state->from == MERGE_FROM_LEFT &&
		 left->n == 0) ||
		(state->join == MERGE_JOIN_ANTI && state->from == MERGE_FROM_RIGHT &&
		 right == NIL) ||
		state->join == MERGE_JOIN_INNER ||
		(state->join == MERGE_JOIN_LEFT && left->n == 0) ||
		(state->join == MERGE_JOIN_RIGHT && right == NIL))
		return;
	*result = *left;
	foreach(lc, right)
	{
		JoinedItem	item = {lfirst(lc), NULL,
		add_source(NULL, 0, input, foreach_current_index(lc)), 1};

		joined_add(result, &item);
	}
}

/*
 * join_right
 *		The right join (n8n's enrich input 2): each item of the input in
 *		its order, merged with its matches among the result so far, then
 *		the input's items that match none.
 */
static JoinedList
join_right(RrNodeRun *run, const MergeState *state, JoinedList *left,
		   int input)
{
	List	   *right = run->inputs[input];
	RrKeyMap   *map = rr_keymap_create(left->n);
	JoinedList	result = {NULL, 0, 0};
	JoinedList	unmatched = {NULL, 0, 0};
	ListCell   *lc;
	int			i;

	for (i = 0; i < left->n; i++)
	{
		bool		found;
		void	  **slot;

		rr_item_done(run);
		if (left->items[i].key == NULL)
			continue;
		slot = rr_keymap_insert(map, left->items[i].key, &found);
		*slot = lappend_int((List *) *slot, i);
	}
	foreach(lc, right)
	{
		int			j = foreach_current_index(lc);
		Jsonb	   *key = item_key(state, lfirst(lc), state->right_keys);
		void	  **slot = key ? rr_keymap_lookup(map, key) : NULL;
		JoinedItem	item = {lfirst(lc), NULL, add_source(NULL, 0, input, j), 1};
		ListCell   *m;

		rr_item_done(run);
		if (slot == NULL)
		{
			item = labelled(state, item, input);
			joined_add(&unmatched, &item);
			continue;
		}
		foreach(m, (List *) *slot)
		{
			JoinedItem *l = &left->items[lfirst_int(m)];
			Jsonb	   *pair[2] = {l->item, lfirst(lc)};

			item.item = merge_items(state, pair, 2);
			item.key = l->key;
			item.sources = add_source(l->sources, l->nsources, input, j);
			item.nsources = l->nsources + 1;
			joined_add(&result, &item);
			if (state->first_match_only)
				break;
		}
	}
	for (i = 0; i < unmatched.n; i++)
		joined_add(&result, &unmatched.items[i]);
	return result;
}

/*
 * join_one
 *		Join the result so far with one more input, as n8n's combine by
 *		fields joins input 1 and input 2.
 */
static JoinedList
join_one(RrNodeRun *run, const MergeState *state, JoinedList *left,
		 int input)
{
	List	   *right = run->inputs[input];
	int			nright = list_length(right);
	RrKeyMap   *map = rr_keymap_create(nright);
	bool	   *matched = palloc0(sizeof(bool) * Max(1, nright));
	JoinedList	result = {NULL, 0, 0};
	JoinedList	unmatched = {NULL, 0, 0};
	bool		pairs = state->join != MERGE_JOIN_ANTI &&
		(state->from == MERGE_FROM_BOTH || state->join != MERGE_JOIN_INNER);
	int			i;

	if (left->n == 0 || nright == 0)
	{
		join_empty(state, left, right, input, &result);
		return result;
	}
	if (state->join == MERGE_JOIN_RIGHT)
		return join_right(run, state, left, input);

	/* index the right items by key, in their order */
	for (i = 0; i < nright; i++)
	{
		Jsonb	   *key = item_key(state, list_nth(right, i), state->right_keys);
		bool		found;
		void	  **slot;

		rr_item_done(run);
		if (key == NULL)
			continue;
		slot = rr_keymap_insert(map, key, &found);
		*slot = lappend_int((List *) *slot, i);
	}

	/* the matches, in left order, and the unmatched left items */
	for (i = 0; i < left->n; i++)
	{
		JoinedItem *l = &left->items[i];
		void	  **slot = NULL;
		ListCell   *lc;

		rr_item_done(run);
		if (l->key != NULL)
			slot = rr_keymap_lookup(map, l->key);
		if (slot == NULL)
		{
			joined_add(&unmatched, l);
			continue;
		}
		foreach(lc, (List *) *slot)
		{
			int			j = lfirst_int(lc);
			Jsonb	   *pair[2] = {l->item, list_nth(right, j)};
			JoinedItem	item = *l;

			rr_item_done(run);
			matched[j] = true;
			if (pairs)
			{
				item.item = merge_items(state, pair, 2);
				item.sources = add_source(l->sources, l->nsources, input, j);
				item.nsources = l->nsources + 1;
			}
			if (pairs || (state->join == MERGE_JOIN_INNER &&
						  state->from == MERGE_FROM_LEFT &&
						  lc == list_head((List *) *slot)))
				joined_add(&result, &item);
			if (state->first_match_only)
				break;
		}
	}

	/* the unmatched items each join adds */
	if ((state->join == MERGE_JOIN_ANTI && state->from != MERGE_FROM_RIGHT) ||
		state->join == MERGE_JOIN_LEFT || state->join == MERGE_JOIN_OUTER)
	{
		for (i = 0; i < unmatched.n; i++)
		{
			JoinedItem	item = labelled(state, unmatched.items[i], 0);

			joined_add(&result, &item);
		}
	}
	for (i = 0; i < nright; i++)
	{
		JoinedItem	item = {list_nth(right, i), NULL,
		add_source(NULL, 0, input, i), 1};

		if (matched[i] ? (state->join == MERGE_JOIN_INNER &&
						  state->from == MERGE_FROM_RIGHT) :
			((state->join == MERGE_JOIN_ANTI &&
			  state->from != MERGE_FROM_LEFT) ||
			 state->join == MERGE_JOIN_OUTER))
		{
			if (!matched[i])
				item = labelled(state, item, input);
			joined_add(&result, &item);
		}
	}
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
	JoinedList	result = {NULL, 0, 0};
	ListCell   *lc;
	int			i;

	foreach(lc, first)
	{
		JoinedItem	item;

		item.item = lfirst(lc);
		item.key = item_key(state, item.item, state->keys);
		item.sources = add_source(NULL, 0, 0, foreach_current_index(lc));
		item.nsources = 1;
		joined_add(&result, &item);
	}
	for (i = 1; i < run->ninputs; i++)
		result = join_one(run, state, &result, i);
	for (i = 0; i < result.n; i++)
		rr_emit_from(run, 0, result.items[i].item, result.items[i].nsources,
					 result.items[i].sources);
}

/*
 * merge_by_position
 *		Merge the n-th items of all inputs: up to the longest input with
 *		include_unpaired (the shorter ones adding nothing), else up to the
 *		shortest.
 */
static void
merge_by_position(RrNodeRun *run, const MergeState *state)
{
	Jsonb	  **row = palloc(sizeof(Jsonb *) * run->ninputs);
	RrItemSource *sources = palloc(sizeof(RrItemSource) * run->ninputs);
	int			count = state->include_unpaired ? 0 : PG_INT32_MAX;
	int			i;
	int			k;

	for (k = 0; k < run->ninputs; k++)
		count = state->include_unpaired ?
			Max(count, list_length(run->inputs[k])) :
			Min(count, list_length(run->inputs[k]));

	for (i = 0; i < count; i++)
	{
		int			n = 0;

		for (k = 0; k < run->ninputs; k++)
		{
			row[k] = NULL;
			if (i < list_length(run->inputs[k]))
			{
				sources[n].input = k;
				sources[n].item = i;
				row[k] = list_nth(run->inputs[k], i);
				n++;
			}
		}
		rr_emit_from(run, 0, merge_items(state, row, run->ninputs), n,
					 sources);
	}
}

/*
 * merge_cross_join
 *		Every combination of one item per input, input 0 varying slowest
 *		(fastest with prefer_input1).
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
		rr_emit_from(run, 0, merge_items(state, row, ninputs), ninputs, sources);

		/*
		 * next combination: the last input varies fastest, or the first
		 * when it is preferred (n8n swaps the two inputs then)
		 */
		for (k = 0; k < ninputs; k++)
		{
			int			at = state->prefer == 0 ? k : ninputs - 1 - k;

			if (++pos[at] < list_length(run->inputs[at]))
				break;
			pos[at] = 0;
		}
		if (k == ninputs)
			break;
	}
}

/*
 * merge_choose_branch
 *		The items of input "branch", or one empty item paired with every
 *		item of all inputs.
 */
static void
merge_choose_branch(RrNodeRun *run, const MergeState *state)
{
	ListCell   *lc;
	int			branch;
	int			k;

	if (state->empty_item)
	{
		RrItemSource *sources;
		int			n = 0;
		JsonbParseState *ps = NULL;

		for (k = 0; k < run->ninputs; k++)
			n += list_length(run->inputs[k]);
		sources = palloc(sizeof(RrItemSource) * Max(1, n));
		n = 0;
		for (k = 0; k < run->ninputs; k++)
		{
			foreach(lc, run->inputs[k])
			{
				sources[n].input = k;
				sources[n++].item = foreach_current_index(lc);
			}
		}
		pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
		rr_emit_from(run, 0,
					 JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL)),
					 n, sources);
		return;
	}
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
			merge_by_position(run, state);
			break;
		case MERGE_CROSS_JOIN:
			merge_cross_join(run, state);
			break;
		case MERGE_CHOOSE_BRANCH:
			merge_choose_branch(run, state);
			break;
	}
}

/* choose_branch runs only when both inputs got items, as n8n's Merge v3 */
static bool
merge_needs_all_inputs(const RrPlanNode *node)
{
	return rr_value_is_word(rr_node_param((RrPlanNode *) node, "mode"),
							"choose_branch");
}

const RrNodeHandler rr_node_merge = {
	.side_effects = false,
	.prepare = merge_prepare,
	.execute = merge_execute,
	.needs_all_inputs = merge_needs_all_inputs,
};
