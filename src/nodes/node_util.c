/*-------------------------------------------------------------------------
 *
 * node_util.c
 *		Small helpers shared by the node types: reading items' fields,
 *		reading compiled params, and turning JSON values into text.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/item_errors.h"
#include "expr/conditions.h"
#include "lib/stringinfo.h"
#include "nodes/node_util.h"
#include "reporunner.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"

/*
 * rr_param_compile
 *		Compile param "name" of node into *param.  A value without
 *		expressions is also kept as it is, so prepare can decode it once.
 */
void
rr_param_compile(RrPlanNode *node, const char *name, RrParam *param)
{
	JsonbValue *raw = rr_node_param(node, name);
	char	   *field;

	param->value = NULL;
	param->constant = NULL;
	if (raw == NULL)
		return;

	field = psprintf("params.%s", name);
	param->value = rr_value_compile(raw, node->name, field);
	pfree(field);
	if (rr_value_is_constant(param->value))
		param->constant = rr_value_normalize(raw);
}

/*
 * rr_param_eval
 *		The param's value for one item; NULL when the param is absent.
 */
JsonbValue *
rr_param_eval(const RrParam *param, RrNodeRun *run, Jsonb *item,
			  int item_index)
{
	if (param->value == NULL)
		return NULL;
	if (param->constant != NULL)
		return param->constant;
	return rr_value_normalize(rr_value_eval(param->value, run, item,
											item_index));
}

/*
 * rr_param_flag
 *		A literal boolean param: true only when it is the constant true.
 */
bool
rr_param_flag(RrPlanNode *node, const char *name)
{
	RrParam		param;

	rr_param_compile(node, name, &param);
	return param.constant != NULL && param.constant->type == jbvBool &&
		param.constant->val.boolean;
}

/*
 * rr_param_object_list
 *		A non-empty array of objects, element by element.
 */
JsonbValue *
rr_param_object_list(const char *node, const char *param, JsonbValue *value,
					 int *count)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	JsonbValue *list;
	int			n = 0;

	if (!rr_value_is_array(value))
		rr_param_type_error(node, param, "an array of objects", value);
	if (JsonContainerSize(value->val.binary.data) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"%s\" must not be empty",
						node, param),
				 errdetail("Its expression gave an empty array.")));
	list = palloc(sizeof(JsonbValue) * JsonContainerSize(value->val.binary.data));
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		list[n] = *rr_value_normalize(&v);
		if (!rr_value_is_object(&list[n]))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("node \"%s\" param \"%s[%d]\" must be an object",
							node, param, n),
					 errdetail("Its expression gave %s.",
							   rr_value_type_phrase(&list[n]))));
		n++;
	}
	*count = n;
	return list;
}

/*
 * rr_first_item
 *		The item that params evaluated once per run are computed for: the
 *		first item of input 0, or {} when the node got no items.
 */
Jsonb *
rr_first_item(RrNodeRun *run)
{
	JsonbParseState *state = NULL;
	JsonbValue *empty;

	if (run->ninputs > 0 && run->inputs[0] != NIL)
		return (Jsonb *) linitial(run->inputs[0]);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	empty = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(empty);
}

/*
 * rr_item_field
 *		Look up a top-level field of an item.
 */
bool
rr_item_field(Jsonb *item, const char *key, int len, JsonbValue *result)
{
	if (!JB_ROOT_IS_OBJECT(item))
		return false;
	return getKeyJsonValueFromContainer(&item->root, key, len,
										result) != NULL;
}

/*
 * rr_value_normalize
 *		Bring a value into the two shapes node code handles: a scalar, or a
 *		binary array or object.
 */
JsonbValue *
rr_value_normalize(JsonbValue *value)
{
	if (value == NULL)
		return NULL;

	if (value->type == jbvBinary &&
		JsonContainerIsScalar(value->val.binary.data))
	{
		JsonbValue *scalar = palloc(sizeof(JsonbValue));

		if (!JsonbExtractScalar(value->val.binary.data, scalar))
			elog(ERROR, "could not extract a jsonb scalar");
		return scalar;
	}
	if (value->type == jbvArray && value->val.array.rawScalar)
		return &value->val.array.elems[0];
	if (value->type == jbvArray || value->type == jbvObject)
	{
		Jsonb	   *jb = JsonbValueToJsonb(value);
		JsonbValue *binary = palloc(sizeof(JsonbValue));

		rr_jsonb_value(jb, binary);
		return binary;
	}
	return value;
}

/*
 * rr_value_is_object, rr_value_is_array
 *		Type tests on normalized values.
 */
bool
rr_value_is_object(JsonbValue *value)
{
	return value != NULL && value->type == jbvBinary &&
		JsonContainerIsObject(value->val.binary.data);
}

bool
rr_value_is_array(JsonbValue *value)
{
	return value != NULL && value->type == jbvBinary &&
		JsonContainerIsArray(value->val.binary.data) &&
		!JsonContainerIsScalar(value->val.binary.data);
}

/*
 * object_of
 *		{"key": value} as an item.
 */
static Jsonb *
object_of(const char *key, JsonbValue *value)
{
	JsonbParseState *parse = NULL;
	JsonbValue	name;

	name.type = jbvString;
	name.val.string.val = pstrdup(key);
	name.val.string.len = strlen(key);
	pushJsonbValue(&parse, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&parse, WJB_KEY, &name);
	pushJsonbValue(&parse, WJB_VALUE, value);
	return JsonbValueToJsonb(pushJsonbValue(&parse, WJB_END_OBJECT, NULL));
}

/*
 * rr_value_items
 *		A value as items, appended to items: an object is the item; an
 *		array gives one item per element (an object, or {"body": element});
 *		anything else is {"body": value}.
 */
List *
rr_value_items(List *items, JsonbValue *value)
{
	if (rr_value_is_object(value))
		return lappend(items, JsonbValueToJsonb(value));
	if (rr_value_is_array(value))
	{
		JsonbContainer *array = value->val.binary.data;
		int			count = JsonContainerSize(array);
		int			i;

		for (i = 0; i < count; i++)
		{
			JsonbValue *element = rr_value_normalize(getIthJsonbValueFromContainer(array, i));

			items = lappend(items, rr_value_is_object(element) ?
							JsonbValueToJsonb(element) :
							object_of("body", element));
		}
		return items;
	}
	return lappend(items, object_of("body", value));
}

/*
 * rr_value_is_word
 *		Whether a value is the string word.
 */
bool
rr_value_is_word(const JsonbValue *value, const char *word)
{
	return value != NULL && value->type == jbvString &&
		value->val.string.len == strlen(word) &&
		memcmp(value->val.string.val, word, value->val.string.len) == 0;
}

/*
 * rr_node_flag
 *		A boolean param the validator allows only as a literal.
 */
bool
rr_node_flag(RrPlanNode *node, const char *name, bool absent)
{
	JsonbValue *value = rr_node_param(node, name);

	return value == NULL || value->type != jbvBool ? absent :
		value->val.boolean;
}

void
rr_param_type_error(const char *node, const char *param,
					const char *expected, JsonbValue *value)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("node \"%s\" param \"%s\" must be %s", node, param,
					expected),
			 errdetail("Its expression gave %s.", rr_value_type_phrase(value))));
}

/*
 * rr_value_type_phrase
 *		The JSON type of a value with its article, for error details.
 */
const char *
rr_value_type_phrase(JsonbValue *value)
{
	value = rr_value_normalize(value);
	if (value == NULL)
		return "nothing";
	switch (value->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		default:
			break;
	}
	if (rr_value_is_object(value))
		return "an object";
	if (rr_value_is_array(value))
		return "an array";
	return "a value of unknown type";
}

/*
 * rr_value_to_text
 *		A value as JSON text, for messages.
 */
char *
rr_value_to_text(JsonbValue *value)
{
	value = rr_value_normalize(value);
	if (value == NULL)
		return pstrdup("null");
	if (value->type == jbvBinary)
		return JsonbToCString(NULL, value->val.binary.data,
							  value->val.binary.len);
	return JsonbToCString(NULL, &JsonbValueToJsonb(value)->root, 0);
}

/*
 * rr_value_text
 *		A JSON value as text: a string as it is, without quotes; a number
 *		or boolean as written in JSON; an object or array as JSON text;
 *		null as "null".
 *
 * It differs from rr_value_to_text only for strings (and datetimes): it
 * gives them as they are, without JSON's quotes and escapes, as a type's
 * input function or a NOTIFY payload wants them; rr_value_to_text shows
 * the JSON value, as messages want it.
 */
char *
rr_value_text(JsonbValue *value)
{
	value = rr_value_normalize(value);
	if (value == NULL)
		return pstrdup("null");
	switch (value->type)
	{
		case jbvString:
			return pnstrdup(value->val.string.val, value->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(value->val.numeric)));
		case jbvBool:
			return pstrdup(value->val.boolean ? "true" : "false");
		case jbvDatetime:
			return JsonEncodeDateTime(NULL, value->val.datetime.value,
									  value->val.datetime.typid,
									  &value->val.datetime.tz);
		default:
			return rr_value_to_text(value);
	}
}

/* One item's test, run by rr_item_attempt (src/engine/item_errors.c). */
typedef struct ItemTest
{
	const RrConditions *test;
	RrNodeRun  *run;
	Jsonb	   *item;
	int			index;
	bool		passed;
} ItemTest;

static void
item_test(void *arg)
{
	ItemTest   *work = (ItemTest *) arg;

	work->passed = rr_conditions_eval(work->test, work->run, work->item,
									  work->index);
}

/*
 * rr_item_passes
 *		Whether an item passes the node's test.  With on_error continue or
 *		error_output, an item whose test fails with an error does not pass
 *		(n8n's If sends it to "false", its Filter drops it) and the other
 *		items are routed as usual.
 */
bool
rr_item_passes(const RrConditions *test, RrNodeRun *run, Jsonb *item,
			   int index)
{
	ItemTest	work = {test, run, item, index, false};

	if (rr_item_attempt(run, item_test, &work) != NULL)
		return false;
	return work.passed;
}
