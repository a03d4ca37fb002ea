/*-------------------------------------------------------------------------
 *
 * set.c
 *		The "set" node: adds, renames and removes top-level fields of each
 *		item.
 *
 * For each item: start from the item (or from {} with keep_only), drop
 * the "remove" fields, apply "rename" (old name to new name, all at once,
 * against the item as it was), then set every "fields" entry.  Field
 * names are literal top-level keys: "a.b" names the key "a.b", not a path.
 *
 * Each output item is built in one pass over the input item's top-level
 * pairs: fields that are removed, renamed or overwritten are skipped, the
 * rest are copied, then renamed and set fields are added.  Constant params
 * are decoded once in prepare; only values with {{ }} are computed per
 * item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/item_keys.h"
#include "nodes/node_util.h"

/* A name given as a JSON string: pointer and length, not terminated. */
typedef struct SetName
{
	const char *str;
	int			len;
} SetName;

/* One pair of "rename". */
typedef struct SetRename
{
	SetName		from;
	SetName		to;
} SetRename;

/* The remove and rename lists, decoded. */
typedef struct SetEdits
{
	int			nremove;
	SetName    *remove;
	int			nrename;
	SetRename  *rename;
} SetEdits;

/* What prepare compiles. */
typedef struct SetState
{
	const char *node_name;

	/* "fields" as an object: keys, compiled values, constant values */
	int			nfields;
	SetName    *keys;
	RrValue   **values;			/* NULL where the value is constant */
	JsonbValue *constants;		/* the constant values, in place */
	bool		fields_constant;	/* every value is constant */
	/* "fields" as one lone expression, or NULL */
	RrValue    *fields_expr;

	RrParam		remove;
	RrParam		rename;
	RrParam		keep_only;

	/* decoded constants; valid when the params above are constant */
	SetEdits	edits;
	bool		keep_only_value;
} SetState;

static void decode_remove(SetState *state, JsonbValue *value,
						  SetEdits *edits);
static void decode_rename(SetState *state, JsonbValue *value,
						  SetEdits *edits);
static bool decode_keep_only(SetState *state, JsonbValue *value);
static int	decode_fields(SetState *state, JsonbValue *value,
						  SetName **keys, JsonbValue **values);

/*
 * name_in
 *		Whether name is one of the n names of list.
 */
static inline bool
name_in(const char *str, int len, const SetName *list, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		if (list[i].len == len && memcmp(list[i].str, str, len) == 0)
			return true;
	}
	return false;
}

/*
 * decode_remove, decode_rename, decode_keep_only
 *		Decode the value of a param, checking the JSON types that an
 *		expression may have got wrong.  Names point into the value.
 */
static void
decode_remove(SetState *state, JsonbValue *value, SetEdits *edits)
{
	char	  **names;
	int			n;
	int			i;

	edits->nremove = 0;
	edits->remove = NULL;
	names = rr_decode_string_array(value, state->node_name, "remove", &n);
	if (names == NULL)
		return;
	edits->remove = palloc(sizeof(SetName) * Max(1, n));
	for (i = 0; i < n; i++)
	{
		edits->remove[i].str = names[i];
		edits->remove[i].len = strlen(names[i]);
	}
	edits->nremove = n;
}

static void
decode_rename(SetState *state, JsonbValue *value, SetEdits *edits)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	SetName		key = {NULL, 0};
	int			n = 0;

	edits->nrename = 0;
	edits->rename = NULL;
	if (value == NULL || value->type == jbvNull)
		return;
	if (!rr_value_is_object(value))
		rr_param_type_error(state->node_name, "rename", "an object of strings", value);

	edits->rename = palloc(sizeof(SetRename) *
						   Max(1, JsonContainerSize(value->val.binary.data)));
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key.str = v.val.string.val;
			key.len = v.val.string.len;
		}
		else if (tok == WJB_VALUE)
		{
			if (v.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("node \"%s\" param \"rename.%.*s\" must be a string",
								state->node_name, key.len, key.str),
						 errdetail("Its expression gave %s.",
								   rr_value_type_phrase(&v))));
			edits->rename[n].from = key;
			edits->rename[n].to.str = v.val.string.val;
			edits->rename[n].to.len = v.val.string.len;
			n++;
		}
	}
	edits->nrename = n;
}

static bool
decode_keep_only(SetState *state, JsonbValue *value)
{
	if (value == NULL || value->type == jbvNull)
		return false;
	if (value->type != jbvBool)
		rr_param_type_error(state->node_name, "keep_only", "a boolean", value);
	return value->val.boolean;
}

/*
 * decode_fields
 *		Split an object of fields computed by one expression into keys and
 *		values; returns their number.
 */
static int
decode_fields(SetState *state, JsonbValue *value, SetName **keys,
			  JsonbValue **values)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			size;
	int			n = 0;

	if (value == NULL || value->type == jbvNull)
		return 0;
	if (!rr_value_is_object(value))
		rr_param_type_error(state->node_name, "fields", "an object", value);

	size = Max(1, JsonContainerSize(value->val.binary.data));
	*keys = palloc(sizeof(SetName) * size);
	*values = palloc(sizeof(JsonbValue) * size);
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			(*keys)[n].str = v.val.string.val;
			(*keys)[n].len = v.val.string.len;
		}
		else if (tok == WJB_VALUE)
			(*values)[n++] = v;
	}
	return n;
}

/*
 * set_prepare
 *		Compile every param; decode those without expressions.
 */
static void *
set_prepare(RrPlanNode *node)
{
	SetState   *state = palloc0(sizeof(SetState));
	JsonbValue *fields = rr_node_param(node, "fields");

	state->node_name = node->name;

	if (fields != NULL && fields->type == jbvBinary &&
		JsonContainerIsObject(fields->val.binary.data))
	{
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		int			n = 0;

		state->nfields = JsonContainerSize(fields->val.binary.data);
		state->keys = palloc(sizeof(SetName) * Max(1, state->nfields));
		state->values = palloc0(sizeof(RrValue *) * Max(1, state->nfields));
		state->constants = palloc0(sizeof(JsonbValue) * Max(1, state->nfields));
		state->fields_constant = true;
		it = JsonbIteratorInit(fields->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
			{
				state->keys[n].str = v.val.string.val;
				state->keys[n].len = v.val.string.len;
			}
			else if (tok == WJB_VALUE)
			{
				JsonbValue *copy = palloc(sizeof(JsonbValue));
				RrValue    *compiled;
				char	   *path;

				*copy = v;
				path = psprintf("params.fields.%.*s",
								state->keys[n].len, state->keys[n].str);
				compiled = rr_value_compile(copy, node->name, path);
				if (rr_value_is_constant(compiled))
					state->constants[n] = *rr_value_normalize(copy);
				else
				{
					state->values[n] = compiled;
					state->fields_constant = false;
				}
				n++;
			}
		}
	}
	else if (fields != NULL)
	{
		/* a lone expression computing the whole object */
		state->fields_expr = rr_value_compile(fields, node->name,
											  "params.fields");
	}
	else
		state->fields_constant = true;

	rr_param_compile(node, "remove", &state->remove);
	rr_param_compile(node, "rename", &state->rename);
	rr_param_compile(node, "keep_only", &state->keep_only);

	if (state->remove.constant != NULL)
		decode_remove(state, state->remove.constant, &state->edits);
	if (state->rename.constant != NULL)
		decode_rename(state, state->rename.constant, &state->edits);
	if (state->keep_only.constant != NULL)
		state->keep_only_value = decode_keep_only(state,
												  state->keep_only.constant);
	return state;
}

/*
 * push_pair
 *		Push a key and its value into an object under construction.
 */
static inline void
push_pair(JsonbParseState **ps, const char *key, int keylen,
		  JsonbValue *value)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = keylen;
	pushJsonbValue(ps, WJB_KEY, &k);
	pushJsonbValue(ps, WJB_VALUE, value);
}

/*
 * set_one
 *		Build the output item for one input item.
 */
static Jsonb *
set_one(SetState *state, RrNodeRun *run, Jsonb *item, int index)
{
	JsonbParseState *ps = NULL;
	SetEdits	edits = state->edits;
	bool		keep_only = state->keep_only_value;
	int			nfields = state->nfields;
	SetName    *keys = NULL;
	JsonbValue *values = NULL;
	JsonbValue *result;
	int			i;

	/* the params with expressions, for this item */
	if (state->remove.value != NULL && state->remove.constant == NULL)
		decode_remove(state, rr_param_eval(&state->remove, run, item, index),
					  &edits);
	if (state->rename.value != NULL && state->rename.constant == NULL)
		decode_rename(state, rr_param_eval(&state->rename, run, item, index),
					  &edits);
	if (state->keep_only.value != NULL && state->keep_only.constant == NULL)
		keep_only = decode_keep_only(state,
									 rr_param_eval(&state->keep_only, run,
												   item, index));

	/* the fields and their values */
	if (state->fields_expr != NULL)
		nfields = decode_fields(state,
								rr_value_normalize(rr_value_eval(state->fields_expr,
																 run, item,
																 index)),
								&keys, &values);
	else if (state->fields_constant)
	{
		keys = state->keys;
		values = state->constants;
	}
	else
	{
		keys = state->keys;
		values = palloc(sizeof(JsonbValue) * nfields);
		for (i = 0; i < nfields; i++)
		{
			if (state->values[i] == NULL)
				values[i] = state->constants[i];
			else
				values[i] = *rr_value_normalize(rr_value_eval(state->values[i],
															  run, item,
															  index));
		}
	}

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);

	if (!keep_only && JB_ROOT_IS_OBJECT(item))
	{
		JsonbIterator *it = JsonbIteratorInit(&item->root);
		JsonbValue	k;
		JsonbValue	v;
		JsonbIteratorToken tok;

		/* the pairs that stay as they are */
		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			bool		skip;

			if (tok != WJB_KEY)
				continue;
			tok = JsonbIteratorNext(&it, &v, true);
			Assert(tok == WJB_VALUE);
			skip = name_in(k.val.string.val, k.val.string.len,
						   edits.remove, edits.nremove) ||
				name_in(k.val.string.val, k.val.string.len,
						keys, nfields);
			for (i = 0; !skip && i < edits.nrename; i++)
			{
				if (edits.rename[i].from.len == k.val.string.len &&
					memcmp(edits.rename[i].from.str, k.val.string.val,
						   k.val.string.len) == 0)
					skip = true;
			}
			if (!skip)
			{
				pushJsonbValue(&ps, WJB_KEY, &k);
				pushJsonbValue(&ps, WJB_VALUE, &v);
			}
		}

		/* renamed pairs win over pairs of the same name left above */
		for (i = 0; i < edits.nrename; i++)
		{
			const SetRename *r = &edits.rename[i];

			if (name_in(r->from.str, r->from.len,
						edits.remove, edits.nremove) ||
				name_in(r->to.str, r->to.len, keys, nfields))
				continue;
			if (rr_item_field(item, r->from.str, r->from.len, &v))
				push_pair(&ps, r->to.str, r->to.len, &v);
		}
	}

	/* set fields win over everything */
	for (i = 0; i < nfields; i++)
		push_pair(&ps, keys[i].str, keys[i].len, &values[i]);

	result = pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(result);
}

/*
 * set_execute
 *		Emit one changed item per input item.
 */
static void
set_execute(RrNodeRun *run)
{
	SetState   *state = (SetState *) run->node->state;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		rr_emit_paired(run, 0, set_one(state, run, (Jsonb *) lfirst(lc), index),
					   index);
		index++;
	}
}

const RrNodeHandler rr_node_set = {
	.side_effects = false,
	.prepare = set_prepare,
	.execute = set_execute,
};
