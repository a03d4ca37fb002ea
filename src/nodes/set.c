/*-------------------------------------------------------------------------
 *
 * set.c
 *		The "set" node (n8n's Edit Fields): adds, renames and removes fields
 *		of each item.
 *
 * For each item: start from the item ("include" all or except), from {}
 * (none, or keep_only) or from its "include_fields" (selected); drop the
 * "remove" fields, apply "rename" (old name to new name, all at once,
 * against the item as it was), then set every "fields" entry, converted
 * to its type in "types" as n8n converts.  With "dot_notation" names in
 * fields, remove and include_fields are paths as lodash's set, unset and
 * get read them ("a.b", "a[0]"); without, literal top-level keys.
 * "rename" always names top-level keys.
 *
 * Without dot notation each output item is built in one pass over the
 * input item's top-level pairs: fields that are removed, renamed or
 * overwritten are skipped, the rest are copied, then renamed and set
 * fields are added.  With it, the item kept is built so, then changed path
 * by path (item_paths.c).  Constant params are decoded once in prepare;
 * only values with {{ }} are computed per item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/item_errors.h"
#include "expr/conditions.h"
#include "nodes/item_keys.h"
#include "nodes/item_merge.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"

/* Which input fields an output item starts from. */
typedef enum SetInclude
{
	SET_INCLUDE_ALL,			/* all, or except the "remove" ones */
	SET_INCLUDE_NONE,
	SET_INCLUDE_SELECTED		/* the "include_fields" ones */
} SetInclude;

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

/* The remove, rename and include_fields lists, decoded. */
typedef struct SetEdits
{
	int			nremove;
	SetName    *remove;
	int			nrename;
	SetRename  *rename;
	int			ninclude;
	SetName    *include;
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
	RrParam		include_fields;

	SetInclude	include;
	bool		dot_notation;
	bool		ignore_conversion_errors;
	int			ntypes;			/* "types": field names and type names */
	SetName    *type_keys;
	char	  **type_names;

	/* decoded constants; valid when the params above are constant */
	SetEdits	edits;
	bool		keep_only_value;
} SetState;

static void decode_names(SetState *state, JsonbValue *value,
						 const char *param, SetName **names, int *n);
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
 * decode_names, decode_rename, decode_keep_only
 *		Decode the value of a param, checking the JSON types that an
 *		expression may have got wrong.  Names point into the value.
 */
static void
decode_names(SetState *state, JsonbValue *value, const char *param,
			 SetName **names, int *n)
{
	char	  **strings;
	int			i;

	*n = 0;
	*names = NULL;
	strings = rr_decode_string_array(value, state->node_name, param, n);
	if (strings == NULL)
		return;
	*names = palloc(sizeof(SetName) * Max(1, *n));
	for (i = 0; i < *n; i++)
	{
		(*names)[i].str = strings[i];
		(*names)[i].len = strlen(strings[i]);
	}
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
 * prepare_options
 *		Decode include, dot_notation, types and ignore_conversion_errors,
 *		which the validator allows only as literals of the right kind.
 */
static void
prepare_options(SetState *state, RrPlanNode *node)
{
	JsonbValue *include = rr_node_param(node, "include");
	JsonbValue *types = rr_node_param(node, "types");

	if (rr_value_is_word(include, "none"))
		state->include = SET_INCLUDE_NONE;
	else if (rr_value_is_word(include, "selected"))
		state->include = SET_INCLUDE_SELECTED;
	else
		state->include = SET_INCLUDE_ALL;
	state->dot_notation = rr_node_flag(node, "dot_notation", false);
	state->ignore_conversion_errors = rr_node_flag(node,
												   "ignore_conversion_errors",
												   false);
	if (types != NULL && rr_value_is_object(types))
	{
		JsonbValue *values;
		int			i;

		state->ntypes = decode_fields(state, types, &state->type_keys,
									  &values);
		state->type_names = palloc(sizeof(char *) * Max(1, state->ntypes));
		for (i = 0; i < state->ntypes; i++)
			state->type_names[i] = pnstrdup(values[i].val.string.val,
											values[i].val.string.len);
	}
}

/*
 * convert
 *		A field's value converted to its type in "types", if it has one;
 *		index is the item's, or -1 for a constant.
 */
static JsonbValue *
convert(SetState *state, const SetName *key, JsonbValue *value, int index)
{
	JsonbValue *converted;
	int			i;

	for (i = 0; i < state->ntypes; i++)
	{
		if (state->type_keys[i].len == key->len &&
			memcmp(state->type_keys[i].str, key->str, key->len) == 0)
			break;
	}
	if (i == state->ntypes ||
		rr_value_convert(value, state->type_names[i], &converted))
		return i == state->ntypes ? value : converted;
	if (state->ignore_conversion_errors)
		return value;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("node \"%s\" field \"%.*s\" expects %s %s but got %s",
					state->node_name, key->len, key->str,
					strchr("aeiou", state->type_names[i][0]) ? "an" : "a",
					state->type_names[i], rr_value_to_text(value)),
			 index >= 0 ?
			 errdetail("Item %d.  Set \"ignore_conversion_errors\" to true to keep values that cannot be converted as they are.",
					   index) :
			 errdetail("Set \"ignore_conversion_errors\" to true to keep values that cannot be converted as they are.")));
	return value;				/* keep compiler quiet */
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
	int			n;

	state->node_name = node->name;

	if (fields != NULL && fields->type == jbvBinary &&
		JsonContainerIsObject(fields->val.binary.data))
	{
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;

		n = 0;
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
	rr_param_compile(node, "include_fields", &state->include_fields);
	prepare_options(state, node);
	for (n = 0; n < state->nfields; n++)
	{
		if (state->values[n] == NULL)
			state->constants[n] = *convert(state, &state->keys[n],
										   &state->constants[n], -1);
	}

	if (state->remove.constant != NULL)
		decode_names(state, state->remove.constant, "remove",
					 &state->edits.remove, &state->edits.nremove);
	if (state->include_fields.constant != NULL)
		decode_names(state, state->include_fields.constant, "include_fields",
					 &state->edits.include, &state->edits.ninclude);
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
 * push_kept
 *		Push the pairs of item that stay (neither removed, renamed nor set:
 *		the n keys), then the renamed ones.
 */
static void
push_kept(JsonbParseState **ps, Jsonb *item, const SetEdits *edits,
		  const SetName *keys, int nfields)
{
	int			i;

	if (JB_ROOT_IS_OBJECT(item))
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
						   edits->remove, edits->nremove) ||
				name_in(k.val.string.val, k.val.string.len,
						keys, nfields);
			for (i = 0; !skip && i < edits->nrename; i++)
			{
				if (edits->rename[i].from.len == k.val.string.len &&
					memcmp(edits->rename[i].from.str, k.val.string.val,
						   k.val.string.len) == 0)
					skip = true;
			}
			if (!skip)
			{
				pushJsonbValue(ps, WJB_KEY, &k);
				pushJsonbValue(ps, WJB_VALUE, &v);
			}
		}

		/* renamed pairs win over pairs of the same name left above */
		for (i = 0; i < edits->nrename; i++)
		{
			const SetRename *r = &edits->rename[i];

			if (name_in(r->from.str, r->from.len,
						edits->remove, edits->nremove) ||
				name_in(r->to.str, r->to.len, keys, nfields))
				continue;
			if (rr_item_field(item, r->from.str, r->from.len, &v))
				push_pair(ps, r->to.str, r->to.len, &v);
		}
	}
}

/*
 * path_of
 *		The path a name gives: lodash's with dot notation, else the name as
 *		one key.
 */
static void
path_of(SetState *state, JsonbValue *root, const SetName *name, RrPath *path)
{
	if (state->dot_notation)
	{
		rr_path_parse(root, name->str, name->len, path);
		return;
	}
	path->n = 1;
	path->keys = palloc(sizeof(JsonbValue));
	path->keys[0] = rr_value_string(name->str, name->len);
}

/*
 * set_paths
 *		Build the output item with lodash's paths (dot notation) or with
 *		the selected fields.
 */
static Jsonb *
set_paths(SetState *state, Jsonb *item, const SetEdits *edits,
		  SetInclude include, const SetName *keys, JsonbValue *values,
		  int nfields)
{
	JsonbParseState *ps = NULL;
	JsonbValue *root;
	JsonbValue *input = rr_item_value(item);
	SetEdits	kept = *edits;
	RrPath		path;
	int			i;

	/* the item kept: without the removed paths, with the renamed keys */
	if (state->dot_notation)
		kept.nremove = 0;
	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	if (include == SET_INCLUDE_ALL)
		push_kept(&ps, item, &kept, NULL, 0);
	root = rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
	for (i = 0; state->dot_notation && include == SET_INCLUDE_ALL &&
		 i < edits->nremove; i++)
	{
		path_of(state, root, &edits->remove[i], &path);
		root = rr_path_unset(root, &path);
	}

	/* selected fields: a dotted one under its last part, as n8n does */
	for (i = 0; include == SET_INCLUDE_SELECTED && i < edits->ninclude; i++)
	{
		SetName		name = edits->include[i];
		JsonbValue *value;
		int			dot = name.len - 1;

		path_of(state, input, &name, &path);
		value = rr_path_get(input, &path);
		while (state->dot_notation && dot >= 0 && name.str[dot] != '.')
			dot--;
		if (state->dot_notation && dot >= 0)
		{
			name.str += dot + 1;
			name.len -= dot + 1;
		}
		path_of(state, root, &name, &path);
		root = rr_path_set(root, &path, value);
	}

	for (i = 0; i < nfields; i++)
	{
		path_of(state, root, &keys[i], &path);
		root = rr_path_set(root, &path, &values[i]);
	}
	return JsonbValueToJsonb(root);
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
	SetInclude	include = state->include;
	bool		keep_only = state->keep_only_value;
	int			nfields = state->nfields;
	SetName    *keys = NULL;
	JsonbValue *values = NULL;
	JsonbValue *result;
	int			i;

	/* the params with expressions, for this item */
	if (state->remove.value != NULL && state->remove.constant == NULL)
		decode_names(state, rr_param_eval(&state->remove, run, item, index),
					 "remove", &edits.remove, &edits.nremove);
	if (state->include_fields.value != NULL &&
		state->include_fields.constant == NULL)
		decode_names(state, rr_param_eval(&state->include_fields, run, item,
										  index),
					 "include_fields", &edits.include, &edits.ninclude);
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

	/* converted to their types */
	if (state->ntypes > 0)
	{
		JsonbValue *converted = palloc(sizeof(JsonbValue) * Max(1, nfields));

		for (i = 0; i < nfields; i++)
			converted[i] = (state->fields_expr == NULL &&
							state->values[i] == NULL) ? values[i] :
				*convert(state, &keys[i], &values[i], index);
		values = converted;
	}

	if (keep_only)
		include = SET_INCLUDE_NONE;
	if (state->dot_notation || include == SET_INCLUDE_SELECTED)
		return set_paths(state, item, &edits, include, keys, values, nfields);

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	if (include == SET_INCLUDE_ALL)
		push_kept(&ps, item, &edits, keys, nfields);

	/* set fields win over everything */
	for (i = 0; i < nfields; i++)
		push_pair(&ps, keys[i].str, keys[i].len, &values[i]);

	result = pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(result);
}

/* One item's output, built by rr_item_attempt (src/engine/item_errors.c) */
typedef struct SetItem
{
	SetState   *state;
	RrNodeRun  *run;
	Jsonb	   *item;
	int			index;
	Jsonb	   *result;
} SetItem;

static void
set_item(void *arg)
{
	SetItem    *work = (SetItem *) arg;

	work->result = set_one(work->state, work->run, work->item, work->index);
}

/*
 * set_execute
 *		Emit one changed item per input item.  With on_error continue or
 *		error_output, an item that fails becomes n8n's error item,
 *		{"error": ...}, and the others are set as usual.
 */
static void
set_execute(RrNodeRun *run)
{
	SetItem		work = {(SetState *) run->node->state, run, NULL, 0, NULL};
	ListCell   *lc;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *error;

		work.item = (Jsonb *) lfirst(lc);
		error = rr_item_attempt(run, set_item, &work);
		if (error != NULL)
			rr_emit_item_error(run, error, work.index);
		else
			rr_emit_paired(run, 0, work.result, work.index);
		work.index++;
	}
}

const RrNodeHandler rr_node_set = {
	.side_effects = false,
	.prepare = set_prepare,
	.execute = set_execute,
};
