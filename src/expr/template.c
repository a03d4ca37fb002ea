/*-------------------------------------------------------------------------
 *
 * template.c
 *		Compile param values with {{ }} expressions once; evaluate per item.
 *
 * A compiled value is a small tree mirroring the JSON value: constant
 * parts are kept as they are (a whole constant value costs nothing to
 * evaluate), strings with expressions hold their compiled expressions,
 * and objects and arrays with expressions somewhere inside hold their
 * members.  A string that starts with "=" is n8n's stored form of an
 * expression: the "=" is dropped.
 *
 * How results become values is n8n's (its expression builder): a string
 * that is exactly one {{ }} keeps the result's type; in a string with text
 * around, each result is rendered as JavaScript's Array.prototype.join
 * would, except that only 0 and false among falsy values show (null,
 * undefined, NaN and "" render as nothing).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "document/document.h"
#include "expr/eval.h"
#include "expr/expression.h"
#include "expr/template.h"
#include "lib/stringinfo.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

typedef enum RrValueKind
{
	RR_VALUE_CONSTANT,			/* no expression inside */
	RR_VALUE_LONE,				/* a string that is one expression */
	RR_VALUE_MIXED,				/* a string with text and expressions */
	RR_VALUE_OBJECT,			/* an object with expressions inside */
	RR_VALUE_ARRAY				/* an array with expressions inside */
} RrValueKind;

/* One piece of a string: literal text, or an expression. */
typedef struct RrTemplatePart
{
	char	   *text;			/* literal text, or the expression's source */
	int			len;
	RrExpr	   *expr;			/* NULL for literal text */
} RrTemplatePart;

struct RrValue
{
	RrValueKind kind;
	const char *node;			/* for messages */
	const char *field;
	JsonbValue *constant;		/* RR_VALUE_CONSTANT */
	int			nparts;			/* RR_VALUE_LONE, RR_VALUE_MIXED */
	RrTemplatePart *parts;
	int			nmembers;		/* RR_VALUE_OBJECT, RR_VALUE_ARRAY */
	JsonbValue *keys;			/* RR_VALUE_OBJECT: jbvString keys */
	RrValue   **members;
};

static RrValue *compile_value(JsonbValue *value, const char *node,
							  const char *field);

/* A new compiled value of the given kind. */
static RrValue *
new_value(RrValueKind kind, const char *node, const char *field)
{
	RrValue    *value = palloc0(sizeof(RrValue));

	value->kind = kind;
	value->node = node;
	value->field = field;
	return value;
}

/*
 * Compile one expression of a string param; errors here mean the document
 * validator let through something the compiler refuses, which it should
 * not.
 */
static RrExpr *
compile_expression(const char *text, int len, const char *node,
				   const char *field)
{
	char	   *error = NULL;
	int			error_pos = 0;
	RrExpr	   *expr;

	expr = rr_expr_compile(text, len, &error, &error_pos);
	if (expr == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid expression in node \"%s\" field \"%s\"",
						node, field),
				 errdetail("%s", rr_expr_error_detail(error, error_pos, text,
													   len))));
	return expr;
}

/* Compile a string: constant, one lone expression, or mixed parts. */
static RrValue *
compile_string(JsonbValue *string, const char *node, const char *field)
{
	const char *text = string->val.string.val;
	size_t		len = string->val.string.len;
	size_t		from = 0;
	size_t		open;
	size_t		close;
	List	   *parts = NIL;
	RrValue    *value;
	ListCell   *lc;
	int			i;

	/* n8n's "=" before an expression */
	if (len > 0 && text[0] == '=')
		from = 1;
	if (from == 0 &&
		rr_expression_next(text, len, 0, &open, &close) != RR_EXPR_FOUND)
	{
		value = new_value(RR_VALUE_CONSTANT, node, field);
		value->constant = string;
		return value;
	}

	/*
	 * With "=" and no expression, the text after "=" is a mixed string of
	 * one part, so that the value (and a container holding it) is not
	 * taken for the param as written.
	 */
	value = new_value(rr_expression_is_lone(text, len) ?
					  RR_VALUE_LONE : RR_VALUE_MIXED, node, field);
	while (rr_expression_next(text, len, from, &open, &close) == RR_EXPR_FOUND)
	{
		RrTemplatePart *part;

		if (open > from)
		{
			part = palloc0(sizeof(RrTemplatePart));
			part->text = pnstrdup(text + from, open - from);
			part->len = open - from;
			parts = lappend(parts, part);
		}
		part = palloc0(sizeof(RrTemplatePart));
		part->text = pnstrdup(text + open + 2, close - open - 2);
		part->len = close - open - 2;
		part->expr = compile_expression(part->text, part->len, node, field);
		parts = lappend(parts, part);
		from = close + 2;
	}
	if (from < len)
	{
		RrTemplatePart *part = palloc0(sizeof(RrTemplatePart));

		part->text = pnstrdup(text + from, len - from);
		part->len = len - from;
		parts = lappend(parts, part);
	}

	value->nparts = list_length(parts);
	value->parts = palloc(sizeof(RrTemplatePart) * value->nparts);
	i = 0;
	foreach(lc, parts)
		value->parts[i++] = *(RrTemplatePart *) lfirst(lc);
	return value;
}

/*
 * Compile an object or array (a jbvBinary container).  When no member
 * holds an expression, the whole container is one constant.
 */
static RrValue *
compile_container(JsonbValue *container, const char *node, const char *field)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	List	   *keys = NIL;
	List	   *members = NIL;
	bool		constant = true;
	bool		is_object = false;
	RrValue    *value;
	ListCell   *lk;
	ListCell   *lm;
	int			i;

	it = JsonbIteratorInit(container->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_BEGIN_OBJECT)
			is_object = true;
		else if (token == WJB_KEY)
		{
			JsonbValue *key = palloc(sizeof(JsonbValue));

			*key = v;
			keys = lappend(keys, key);
		}
		else if (token == WJB_VALUE || token == WJB_ELEM)
		{
			JsonbValue *copy = palloc(sizeof(JsonbValue));
			RrValue    *member;
			char	   *member_field;

			*copy = v;
			if (is_object)
			{
				JsonbValue *key = llast(keys);

				member_field = psprintf("%s.%.*s", field,
										key->val.string.len,
										key->val.string.val);
			}
			else
				member_field = psprintf("%s[%d]", field, list_length(members));
			member = compile_value(copy, node, member_field);
			if (member->kind != RR_VALUE_CONSTANT)
				constant = false;
			members = lappend(members, member);
		}
	}

	if (constant)
	{
		value = new_value(RR_VALUE_CONSTANT, node, field);
		value->constant = container;
		return value;
	}

	value = new_value(is_object ? RR_VALUE_OBJECT : RR_VALUE_ARRAY, node, field);
	value->nmembers = list_length(members);
	value->members = palloc(sizeof(RrValue *) * value->nmembers);
	if (is_object)
		value->keys = palloc(sizeof(JsonbValue) * value->nmembers);
	i = 0;
	forboth(lk, is_object ? keys : members, lm, members)
	{
		RrValue    *member = lfirst(lm);

		if (is_object)
			value->keys[i] = *(JsonbValue *) lfirst(lk);
		value->members[i++] = member;
	}
	return value;
}

static RrValue *
compile_value(JsonbValue *value, const char *node, const char *field)
{
	RrValue    *result;

	if (value->type == jbvString)
		return compile_string(value, node, field);
	if (value->type == jbvBinary)
		return compile_container(value, node, field);
	result = new_value(RR_VALUE_CONSTANT, node, field);
	result->constant = value;
	return result;
}

RrValue *
rr_value_compile(JsonbValue *value, const char *node, const char *field)
{
	if (value == NULL)
		return NULL;
	return compile_value(value, pstrdup(node), pstrdup(field));
}

bool
rr_value_is_constant(const RrValue *value)
{
	return value->kind == RR_VALUE_CONSTANT;
}

/*
 * Run one expression for an item.  Returns false when a JavaScript
 * TypeError ended it (the result is then undefined, as in n8n).  An error
 * n8n reports (a data exception, class 22), or what is not supported yet
 * (0A000), becomes one naming the expression, node, field and item, with
 * the original SQLSTATE and detail; any other (a cancel, out of memory)
 * goes on as it is.
 */
static bool
eval_part(const RrValue *value, const RrTemplatePart *part, RrNodeRun *run,
		  Jsonb *item, int item_index, JsValue *result)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	bool		ok = false;

	PG_TRY();
	{
		ok = rr_expr_eval(part->expr, run, item, item_index, result);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION &&
			edata->sqlerrcode != ERRCODE_FEATURE_NOT_SUPPORTED)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(edata->sqlerrcode),
				 errmsg("expression {{%s}} in node \"%s\" field \"%s\" failed for item %d: %s",
						part->text, value->node, value->field, item_index,
						edata->message),
				 edata->detail ? errdetail("%s", edata->detail) : 0));
	}
	PG_END_TRY();
	return ok;
}

/* A lone expression's result as a value: undefined (no result) is null */
static JsonbValue *
result_value(JsValue result)
{
	JsonbValue *value = js_to_jsonb_value(result);

	if (value == NULL)
	{
		value = palloc(sizeof(JsonbValue));
		value->type = jbvNull;
	}
	return value;
}

/*
 * Append an expression's result to the text of a mixed string: n8n shows
 * a falsy result only when it is 0 or false.
 */
static void
append_as_text(StringInfo buf, JsValue result)
{
	if (!js_to_boolean(result) &&
		!(result.kind == JS_BOOL ||
		  ((result.kind == JS_NUMBER || result.kind == JS_NUMERIC) &&
		   js_to_number(result) == 0)))
		return;
	js_append_string(buf, result);
}

/*
 * pushJsonbValue takes scalars and jbvBinary containers as values, not the
 * in-memory objects and arrays that evaluating a member may produce.
 */
static JsonbValue *
pushable(JsonbValue *value)
{
	Jsonb	   *jsonb;
	JsonbValue *binary;

	if (value->type != jbvObject && value->type != jbvArray)
		return value;
	jsonb = JsonbValueToJsonb(value);
	binary = palloc(sizeof(JsonbValue));
	rr_jsonb_value(jsonb, binary);
	return binary;
}

JsonbValue *
rr_value_eval(const RrValue *value, RrNodeRun *run, Jsonb *item,
			  int item_index)
{
	JsonbValue *result;
	JsonbParseState *state = NULL;
	StringInfoData buf;
	JsValue		part_result;
	int			i;

	switch (value->kind)
	{
		case RR_VALUE_CONSTANT:
			return value->constant;

		case RR_VALUE_LONE:
			(void) eval_part(value, &value->parts[0], run, item, item_index,
							 &part_result);
			return result_value(part_result);

		case RR_VALUE_MIXED:
			initStringInfo(&buf);
			for (i = 0; i < value->nparts; i++)
			{
				const RrTemplatePart *part = &value->parts[i];

				if (part->expr == NULL)
					appendBinaryStringInfo(&buf, part->text, part->len);
				else if (eval_part(value, part, run, item, item_index,
								   &part_result))
					append_as_text(&buf, part_result);
			}
			result = palloc(sizeof(JsonbValue));
			result->type = jbvString;
			result->val.string.val = buf.data;
			result->val.string.len = buf.len;
			return result;

		case RR_VALUE_OBJECT:
			pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
			for (i = 0; i < value->nmembers; i++)
			{
				pushJsonbValue(&state, WJB_KEY, &value->keys[i]);
				pushJsonbValue(&state, WJB_VALUE,
							   pushable(rr_value_eval(value->members[i], run,
													  item, item_index)));
			}
			return pushJsonbValue(&state, WJB_END_OBJECT, NULL);

		case RR_VALUE_ARRAY:
			pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
			for (i = 0; i < value->nmembers; i++)
				pushJsonbValue(&state, WJB_ELEM,
							   pushable(rr_value_eval(value->members[i], run,
													  item, item_index)));
			return pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	elog(ERROR, "unexpected value kind %d", (int) value->kind);
	return NULL;				/* keep compiler quiet */
}

JsValue
rr_value_eval_js(const RrValue *value, RrNodeRun *run, Jsonb *item,
				 int item_index)
{
	JsValue		result;

	if (value->kind != RR_VALUE_LONE)
		return js_from_jsonb_value(pushable(rr_value_eval(value, run, item,
														  item_index)));
	(void) eval_part(value, &value->parts[0], run, item, item_index, &result);
	return result;
}

bool
rr_condition_eval(const RrValue *condition, RrNodeRun *run, Jsonb *item,
				  int item_index)
{
	JsValue		result;
	StringInfoData shown;

	Assert(condition->kind == RR_VALUE_LONE);
	if (!eval_part(condition, &condition->parts[0], run, item, item_index,
				   &result) || js_is_nullish(result))
		return false;
	if (result.kind == JS_BOOL)
		return result.u.b;
	initStringInfo(&shown);
	if (result.kind == JS_NUMBER || !js_json_stringify(&shown, result, 0))
		js_append_string(&shown, result);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("condition {{%s}} in node \"%s\" field \"%s\" did not yield a boolean for item %d",
					condition->parts[0].text, condition->node, condition->field,
					item_index),
			 errdetail("It yielded %s.", shown.data)));
	return false;				/* keep compiler quiet */
}
