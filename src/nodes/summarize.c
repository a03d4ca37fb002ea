/*-------------------------------------------------------------------------
 *
 * summarize.c
 *		The "summarize" node: n8n's Summarize, with its semantics.
 *
 * Items are split into groups by the text of each "split_by" field in turn
 * (n8n keys a JavaScript object by it: a number as JavaScript writes it,
 * an object or null as JSON, a missing field as "undefined"), nested by
 * the first field, then the second...; the groups of one level come out
 * in the order of a JavaScript object's keys: array indexes ("0", "7")
 * first, ascending, then the others as they first appeared.  Each group
 * gets one result per aggregation, named as n8n names it ("sum_price",
 * "appended_a_b" for the field "a.b").  Sums and averages are JavaScript
 * doubles over the values that are numbers; min and max compare with
 * JavaScript's <; "empty" values (missing, null, "") are left out unless
 * the aggregation's "include_empty" is set.  The output is one item per
 * group holding the split fields (as text; with "typed_groups", the first
 * one's value converted back as n8n 1.1 does), or with "single_item" one
 * item of nested objects keyed by the groups' texts.  A field to
 * summarize that no item has is an error unless "ignore_missing".
 *
 * "split_by" and "aggregations" may hold expressions; they are computed
 * once per run, for the first item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/ast.h"
#include "expr/js_value.h"
#include "lib/stringinfo.h"
#include "nodes/item_keys.h"
#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "utils/float.h"

typedef enum SumOp
{
	SUM_APPEND,
	SUM_AVERAGE,
	SUM_CONCATENATE,
	SUM_COUNT,
	SUM_COUNT_UNIQUE,
	SUM_MAX,
	SUM_MIN,
	SUM_SUM
} SumOp;

/* In SumOp order: our names and n8n's output name prefixes. */
static const char *const sum_op_names[] = {
	"append", "average", "concatenate", "count", "count_unique", "max",
	"min", "sum"
};
static const char *const sum_op_prefixes[] = {
	"appended_", "average_", "concatenated_", "count_", "unique_count_",
	"max_", "min_", "sum_"
};

/* One aggregation of the "aggregations" param. */
typedef struct SumSpec
{
	SumOp		op;
	char	   *field;
	bool		include_empty;
	char	   *separator;		/* concatenate */
	char	   *as;				/* the output name */
} SumSpec;

/* What prepare compiles. */
typedef struct SummarizeState
{
	const char *node_name;
	RrParam		split_by;
	RrParam		aggregations;
	bool		dot_notation;
	bool		single_item;
	bool		skip_empty;
	bool		typed_groups;
	bool		ignore_missing;
	/* decoded constants */
	char	  **split;
	int			nsplit;
	SumSpec    *specs;
	int			nspecs;
} SummarizeState;

/* A group: its key's text, its subgroups or (at the last level) items. */
typedef struct SumGroup
{
	char	   *key;
	RrKeyMap   *map;			/* subgroups by key */
	List	   *children;		/* SumGroup *, in first appearance */
	List	   *items;			/* int: positions of its items */
} SumGroup;

/* What a run works on. */
typedef struct SumRun
{
	RrNodeRun  *run;
	const SummarizeState *state;
	char	  **split;
	int			nsplit;
	SumSpec    *specs;
	int			nspecs;
	JsonbValue **values;		/* the items as values */
} SumRun;

/*
 * n8n_name
 *		A name as n8n's Summarize writes it out: without [ ] and ", with
 *		spaces and dots as underscores.
 */
static char *
n8n_name(const char *prefix, const char *field)
{
	StringInfoData out;
	const char *c;

	initStringInfo(&out);
	appendStringInfoString(&out, prefix);
	for (c = field; *c != '\0'; c++)
	{
		if (*c == '[' || *c == ']' || *c == '"')
			continue;
		appendStringInfoChar(&out, *c == ' ' || *c == '.' ? '_' : *c);
	}
	return out.data;
}

/*
 * member
 *		A member of an aggregation object: NULL when absent or null, else
 *		checked to be of the given type.
 */
static JsonbValue *
member(const char *node, int index, JsonbValue *object, const char *key,
	   enum jbvType type, const char *expected)
{
	JsonbValue *value = rr_value_member(object, key, strlen(key));

	if (value == NULL || value->type == jbvNull)
		return NULL;
	if (value->type != type)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("node \"%s\" param \"aggregations[%d].%s\" must be %s",
						node, index, key, expected),
				 errdetail("Its expression gave %s.",
						   rr_value_type_phrase(value))));
	return value;
}

/*
 * decode_aggregations
 *		Decode a value of "aggregations"; returns their number.
 */
static int
decode_aggregations(const char *node, JsonbValue *value, SumSpec **specs)
{
	int			count;
	JsonbValue *list = rr_param_object_list(node, "aggregations", value, &count);
	int			n;

	*specs = palloc0(sizeof(SumSpec) * count);
	for (n = 0; n < count; n++)
	{
		SumSpec    *spec = &(*specs)[n];
		JsonbValue	v = list[n];
		JsonbValue *m;
		int			i;

		m = member(node, n, &v, "op", jbvString, "a string");
		for (i = 0; m != NULL && i < lengthof(sum_op_names); i++)
			if (rr_value_is_word(m, sum_op_names[i]))
				break;
		if (m == NULL || i == lengthof(sum_op_names))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" param \"aggregations[%d].op\" must be an aggregation",
							node, n),
					 errdetail("Valid values are \"append\", \"average\", \"concatenate\", \"count\", \"count_unique\", \"max\", \"min\", \"sum\".")));
		spec->op = (SumOp) i;
		m = member(node, n, &v, "field", jbvString, "a string");
		if (m == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" is missing required param \"aggregations[%d].field\"",
							node, n)));
		spec->field = pnstrdup(m->val.string.val, m->val.string.len);
		m = member(node, n, &v, "include_empty", jbvBool, "a boolean");
		spec->include_empty = m != NULL && m->val.boolean;
		m = member(node, n, &v, "separator", jbvString, "a string");
		spec->separator = m != NULL ?
			pnstrdup(m->val.string.val, m->val.string.len) : ",";
		spec->as = n8n_name(sum_op_prefixes[spec->op], spec->field);
	}
	return count;
}

/*
 * summarize_prepare
 *		Compile the params; decode those without expressions.
 */
static void *
summarize_prepare(RrPlanNode *node)
{
	SummarizeState *state = palloc0(sizeof(SummarizeState));

	state->node_name = node->name;
	rr_param_compile(node, "split_by", &state->split_by);
	rr_param_compile(node, "aggregations", &state->aggregations);
	state->dot_notation = rr_param_flag(node, "dot_notation");
	state->single_item = rr_param_flag(node, "single_item");
	state->skip_empty = rr_param_flag(node, "skip_empty_groups");
	state->typed_groups = rr_param_flag(node, "typed_groups");
	state->ignore_missing = rr_param_flag(node, "ignore_missing");
	if (state->split_by.constant != NULL)
		state->split = rr_decode_string_array(state->split_by.constant,
											  node->name, "split_by",
											  &state->nsplit);
	if (state->aggregations.constant != NULL)
		state->nspecs = decode_aggregations(node->name,
											state->aggregations.constant,
											&state->specs);
	return state;
}

/* ---------- values as JavaScript sees them ---------- */

/* A field of an item as a JsValue (undefined when missing). */
static JsValue
field_value(const SumRun *r, int item, const char *field)
{
	JsonbValue *v = rr_item_get(r->values[item], field, strlen(field),
								r->state->dot_notation);

	return v == NULL ? js_undefined() : js_from_jsonb_value(v);
}

/* n8n's isEmpty: undefined, null or "" */
static bool
is_empty(JsValue v)
{
	return js_is_nullish(v) || (v.kind == JS_STRING && v.u.str.len == 0);
}

/* Whether typeof v is "object" (null, arrays, objects) */
static bool
is_object(JsValue v)
{
	return strcmp(js_typeof(v), "object") == 0;
}

/*
 * key_text
 *		The text n8n keys a group by: objects and null as JSON, anything
 *		else as JavaScript's String(); NULL to leave the item out (with
 *		skip_empty_groups: undefined, "" and false).
 */
static char *
key_text(const SumRun *r, JsValue v)
{
	StringInfoData out;

	initStringInfo(&out);
	if (is_object(v))
		(void) js_json_stringify(&out, v, 0);
	else
	{
		if (r->state->skip_empty && strcmp(js_typeof(v), "number") != 0 &&
			!js_to_boolean(v))
			return NULL;
		js_append_string(&out, v);
	}
	return out.data;
}

/* ---------- groups ---------- */

static SumGroup *
new_group(char *key)
{
	SumGroup   *group = palloc0(sizeof(SumGroup));

	group->key = key;
	return group;
}

/* The subgroup of group with key, added when new. */
static SumGroup *
subgroup(SumGroup *group, char *key)
{
	JsonbValue	k = rr_value_string(key, strlen(key));
	bool		found;
	void	  **slot;

	if (group->map == NULL)
		group->map = rr_keymap_create(16);
	slot = rr_keymap_insert(group->map, JsonbValueToJsonb(&k), &found);
	if (!found)
	{
		*slot = new_group(key);
		group->children = lappend(group->children, *slot);
	}
	return (SumGroup *) *slot;
}

/* The value of a key that is an array index ("0", "42"), or -1. */
static int64
array_index(const char *key)
{
	int64		n = 0;
	const char *c;

	if (key[0] == '\0' || (key[0] == '0' && key[1] != '\0'))
		return -1;
	for (c = key; *c != '\0'; c++)
	{
		if (*c < '0' || *c > '9' || c - key >= 10)
			return -1;
		n = n * 10 + (*c - '0');
	}
	return n < 4294967295LL ? n : -1;
}

static int
index_order(const ListCell *a, const ListCell *b)
{
	int64		x = array_index(((SumGroup *) lfirst(a))->key);
	int64		y = array_index(((SumGroup *) lfirst(b))->key);

	return (x > y) - (x < y);
}

/*
 * ordered
 *		A group's subgroups as JavaScript's Object.keys orders them: array
 *		indexes ascending, then the other keys in insertion order.
 */
static List *
ordered(SumGroup *group)
{
	List	   *indexes = NIL;
	List	   *others = NIL;
	ListCell   *lc;

	foreach(lc, group->children)
	{
		SumGroup   *child = (SumGroup *) lfirst(lc);

		if (array_index(child->key) >= 0)
			indexes = lappend(indexes, child);
		else
			others = lappend(others, child);
	}
	list_sort(indexes, index_order);
	return list_concat(indexes, others);
}

/* ---------- aggregations ---------- */

/* The result of one aggregation over the items of a group. */
static JsonbValue *
aggregate(const SumRun *r, const SumSpec *spec, List *items)
{
	JsonbParseState *ps = NULL;
	StringInfoData text;
	ListCell   *lc;
	JsValue		best = js_undefined();
	double		sum = 0;
	int			count = 0;
	RrKeyMap   *seen = NULL;
	bool		seen_undefined = false;

	if (spec->op == SUM_APPEND)
		pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	initStringInfo(&text);
	foreach(lc, items)
	{
		JsValue		v = field_value(r, lfirst_int(lc), spec->field);

		rr_item_done(r->run);
		switch (spec->op)
		{
			case SUM_SUM:
			case SUM_AVERAGE:
				/* numbers only */
				if (strcmp(js_typeof(v), "number") != 0)
					continue;
				sum += js_to_number(v);
				count++;
				break;
			case SUM_MIN:
			case SUM_MAX:
				if (is_empty(v))
					continue;
				if (best.kind == JS_UNDEFINED ||
					js_compare(spec->op == SUM_MIN ? RR_OP_LT : RR_OP_GT, v, best))
					best = v;
				break;
			case SUM_APPEND:
				if (!spec->include_empty && is_empty(v))
					continue;
				{
					JsonbValue	null_value = {.type = jbvNull};
					JsonbValue *jv = js_to_jsonb_value(v);

					pushJsonbValue(&ps, WJB_ELEM, jv != NULL ? jv : &null_value);
				}
				break;
			case SUM_CONCATENATE:
				if (!spec->include_empty && is_empty(v))
					continue;
				if (count++ > 0)
					appendStringInfoString(&text, spec->separator);
				if (is_object(v))
					(void) js_json_stringify(&text, v, 0);
				else
					js_append_string(&text, v);
				break;
			case SUM_COUNT:
				if (spec->include_empty || !is_empty(v))
					count++;
				break;
			case SUM_COUNT_UNIQUE:
				if (!spec->include_empty && is_empty(v))
					continue;
				/* a Set: objects and arrays are all different */
				if (v.kind == JS_UNDEFINED)
				{
					count += seen_undefined ? 0 : 1;
					seen_undefined = true;
				}
				else if (is_object(v) && v.kind != JS_NULL)
					count++;
				else
				{
					bool		found;

					if (seen == NULL)
						seen = rr_keymap_create(16);
					(void) rr_keymap_insert(seen, JsonbValueToJsonb(js_to_jsonb_value(v)),
											&found);
					count += found ? 0 : 1;
				}
				break;
		}
	}

	switch (spec->op)
	{
		case SUM_APPEND:
			return rr_value_binary(pushJsonbValue(&ps, WJB_END_ARRAY, NULL));
		case SUM_SUM:
			return js_to_jsonb_value(js_number(sum));
		case SUM_AVERAGE:
			/* 0 / 0 is NaN, JSON's null */
			return js_to_jsonb_value(js_number(count > 0 ? sum / count :
											   get_float8_nan()));
		case SUM_MIN:
		case SUM_MAX:
			return js_to_jsonb_value(best.kind == JS_UNDEFINED ? js_null() : best);
		case SUM_CONCATENATE:
			return js_to_jsonb_value(js_string(text.data, text.len));
		case SUM_COUNT:
		case SUM_COUNT_UNIQUE:
			return js_to_jsonb_value(js_number(count));
	}
	return NULL;
}

/* Push the results of a group's items as members. */
static void
push_results(JsonbParseState **ps, const SumRun *r, List *items)
{
	int			i;

	for (i = 0; i < r->nspecs; i++)
	{
		JsonbValue	key = rr_value_string(r->specs[i].as,
										  strlen(r->specs[i].as));

		pushJsonbValue(ps, WJB_KEY, &key);
		pushJsonbValue(ps, WJB_VALUE, aggregate(r, &r->specs[i], items));
	}
}

/* n8n 1.1's value of a first-level key: null, a number, or the text */
static JsonbValue *
typed_key(char *key)
{
	JsValue		text = js_string(key, strlen(key));
	double		number = js_to_number(text);

	if (strcmp(key, "null") == 0)
		return js_to_jsonb_value(js_null());
	if (!isnan(number))
		return js_to_jsonb_value(js_number(number));
	return js_to_jsonb_value(text);
}

/*
 * emit_groups
 *		One item per group of the last level, with the keys on the way.
 */
static void
emit_groups(RrNodeRun *run, const SumRun *r, SumGroup *group, int level,
			JsonbValue **keys)
{
	ListCell   *lc;

	if (level == r->nsplit)
	{
		JsonbParseState *ps = NULL;
		RrItemSource *sources = palloc(sizeof(RrItemSource) *
									   Max(1, list_length(group->items)));
		int			i = 0;

		pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
		for (i = 0; i < r->nsplit; i++)
		{
			char	   *name = n8n_name("", r->split[i]);
			JsonbValue	key = rr_value_string(name, strlen(name));

			pushJsonbValue(&ps, WJB_KEY, &key);
			pushJsonbValue(&ps, WJB_VALUE, keys[i]);
		}
		push_results(&ps, r, group->items);
		i = 0;
		foreach(lc, group->items)
		{
			sources[i].input = 0;
			sources[i++].item = lfirst_int(lc);
		}
		rr_emit_from(run, 0,
					 JsonbValueToJsonb(pushJsonbValue(&ps, WJB_END_OBJECT, NULL)),
					 i, sources);
		return;
	}
	foreach(lc, ordered(group))
	{
		SumGroup   *child = (SumGroup *) lfirst(lc);
		JsonbValue	text = rr_value_string(child->key, strlen(child->key));

		keys[level] = level == 0 && r->state->typed_groups ?
			typed_key(child->key) : &text;
		emit_groups(run, r, child, level + 1, keys);
	}
}

/*
 * push_nested
 *		A group as n8n's single item has it: an object keyed by the texts
 *		of its subgroups, down to the results.
 */
static JsonbValue *
push_nested(JsonbParseState **ps, const SumRun *r, SumGroup *group, int level)
{
	ListCell   *lc;

	pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
	if (level == r->nsplit)
		push_results(ps, r, group->items);
	else
		foreach(lc, ordered(group))
		{
			SumGroup   *child = (SumGroup *) lfirst(lc);
			JsonbValue	key = rr_value_string(child->key, strlen(child->key));

			pushJsonbValue(ps, WJB_KEY, &key);
			(void) push_nested(ps, r, child, level + 1);
		}
	return pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

/*
 * check_fields
 *		n8n's error for a field to summarize that no item has.
 */
static void
check_fields(const SumRun *r, int nitems)
{
	int			i;

	for (i = 0; i < r->nspecs; i++)
	{
		int			j;

		if (r->specs[i].field[0] == '\0')
			continue;
		for (j = 0; j < nitems; j++)
		{
			rr_item_done(r->run);
			if (field_value(r, j, r->specs[i].field).kind != JS_UNDEFINED)
				break;
		}
		if (j == nitems)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("node \"%s\" field '%s' does not exist in any items",
							r->state->node_name, r->specs[i].field),
					 errdetail("Set \"ignore_missing\" to summarize it as empty.")));
	}
}

/*
 * summarize_execute
 *		Split the items into groups, aggregate, emit.
 */
static void
summarize_execute(RrNodeRun *run)
{
	const SummarizeState *state = run->node->state;
	SumRun		r;
	SumGroup   *root = new_group(NULL);
	List	   *items = run->inputs[0];
	ListCell   *lc;
	int			index = 0;

	r.run = run;
	r.state = state;
	r.split = state->split;
	r.nsplit = state->nsplit;
	r.specs = state->specs;
	r.nspecs = state->nspecs;
	if (state->split_by.value != NULL && state->split_by.constant == NULL)
		r.split = rr_decode_string_array(rr_param_eval(&state->split_by, run,
													   rr_first_item(run), 0),
										 state->node_name, "split_by",
										 &r.nsplit);
	if (state->aggregations.value != NULL &&
		state->aggregations.constant == NULL)
		r.nspecs = decode_aggregations(state->node_name,
									   rr_param_eval(&state->aggregations, run,
													 rr_first_item(run), 0),
									   &r.specs);
	r.values = palloc(sizeof(JsonbValue *) * Max(1, list_length(items)));
	foreach(lc, items)
		r.values[index++] = rr_item_value((Jsonb *) lfirst(lc));

	for (index = 0; index < list_length(items); index++)
	{
		SumGroup   *group = root;
		int			level;

		for (level = 0; level < r.nsplit && group != NULL; level++)
		{
			char	   *key = key_text(&r, field_value(&r, index,
													   r.split[level]));

			group = key == NULL ? NULL : subgroup(group, key);
		}
		if (group != NULL)
			group->items = lappend_int(group->items, index);
		rr_item_done(run);
	}
	if (!state->ignore_missing)
		check_fields(&r, list_length(items));

	if (state->single_item)
	{
		JsonbParseState *ps = NULL;
		RrItemSource *sources = palloc(sizeof(RrItemSource) *
									   Max(1, list_length(items)));

		for (index = 0; index < list_length(items); index++)
		{
			sources[index].input = 0;
			sources[index].item = index;
		}
		rr_emit_from(run, 0, JsonbValueToJsonb(push_nested(&ps, &r, root, 0)),
					 list_length(items), sources);
	}
	else
	{
		JsonbValue **keys = palloc(sizeof(JsonbValue *) * Max(1, r.nsplit));

		emit_groups(run, &r, root, 0, keys);
	}
}

const RrNodeHandler rr_node_summarize = {
	.side_effects = false,
	.prepare = summarize_prepare,
	.execute = summarize_execute,
};
