/*-------------------------------------------------------------------------
 *
 * template.c
 *		Compile param values with {{ }} expressions once; evaluate per item.
 *
 * A compiled value is a small tree mirroring the JSON value: constant
 * parts are kept as they are (a whole constant value costs nothing to
 * evaluate), strings with expressions hold their parsed jsonpaths, and
 * objects and arrays with expressions somewhere inside hold their members.
 *
 * Expressions run through jsonb_path_query_first() with the item as the
 * root and the run's context (see rr_run_context_vars) as variables.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "document/document.h"
#include "expr/expression.h"
#include "expr/template.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonpath.h"
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
	JsonPath   *path;			/* NULL for literal text */
} RrTemplatePart;

struct RrValue
{
	RrValueKind kind;
	int			uses;			/* RR_EXPR_USES_* of everything inside */
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
 * Parse one expression of a string param; errors here mean the document
 * validator let through something the parser refuses, which it should not.
 */
static JsonPath *
compile_expression(const char *text, int len, const char *node,
				   const char *field, int *uses)
{
	char	   *error = NULL;
	JsonPath   *path;

	path = rr_expr_parse(text, len, uses, &error);
	if (path == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid expression in node \"%s\" field \"%s\"",
						node, field),
				 errdetail("%s", error)));
	return path;
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

	if (rr_expression_next(text, len, 0, &open, &close) != RR_EXPR_FOUND)
	{
		value = new_value(RR_VALUE_CONSTANT, node, field);
		value->constant = string;
		return value;
	}

	/* a lone expression: only whitespace around one {{ }} */
	value = new_value(RR_VALUE_MIXED, node, field);
	if (rr_expression_is_lone(text, len))
		value->kind = RR_VALUE_LONE;

	while (rr_expression_next(text, len, from, &open, &close) == RR_EXPR_FOUND)
	{
		RrTemplatePart *part;
		int			uses = 0;

		if (open > from && value->kind == RR_VALUE_MIXED)
		{
			part = palloc0(sizeof(RrTemplatePart));
			part->text = pnstrdup(text + from, open - from);
			part->len = open - from;
			parts = lappend(parts, part);
		}
		part = palloc0(sizeof(RrTemplatePart));
		part->text = pnstrdup(text + open + 2, close - open - 2);
		part->len = close - open - 2;
		part->path = compile_expression(part->text, part->len, node, field,
										&uses);
		value->uses |= uses;
		parts = lappend(parts, part);
		from = close + 2;
	}
	if (from < len && value->kind == RR_VALUE_MIXED)
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
		value->uses |= member->uses;
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
 * Run one expression for an item: its first result, or NULL when it has
 * none.  A failure becomes an error naming the node, field, expression and
 * item, with the SQLSTATE of the original error.
 */
static Jsonb *
eval_path(const RrValue *value, const RrTemplatePart *part, RrNodeRun *run,
		  Jsonb *item, int item_index)
{
	LOCAL_FCINFO(fcinfo, 4);
	MemoryContext oldcontext = CurrentMemoryContext;
	Datum		result = (Datum) 0;

	InitFunctionCallInfoData(*fcinfo, NULL, 4, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = JsonbPGetDatum(item);
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = PointerGetDatum(part->path);
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = JsonbPGetDatum(rr_run_context_vars(run, value->uses));
	fcinfo->args[2].isnull = false;
	fcinfo->args[3].value = BoolGetDatum(false);
	fcinfo->args[3].isnull = false;

	PG_TRY();
	{
		result = jsonb_path_query_first(fcinfo);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(ERROR,
				(errcode(edata->sqlerrcode),
				 errmsg("expression {{%s}} in node \"%s\" field \"%s\" failed for item %d: %s",
						part->text, value->node, value->field, item_index,
						edata->message)));
	}
	PG_END_TRY();

	return fcinfo->isnull ? NULL : DatumGetJsonbP(result);
}

/* The JsonbValue form of a jsonb datum: a scalar, or its container. */
static JsonbValue *
jsonb_to_value(Jsonb *jsonb)
{
	JsonbValue *value = palloc(sizeof(JsonbValue));

	if (jsonb == NULL)
		value->type = jbvNull;
	else if (!JsonbExtractScalar(&jsonb->root, value))
	{
		value->type = jbvBinary;
		value->val.binary.data = &jsonb->root;
		value->val.binary.len = VARSIZE(jsonb) - VARHDRSZ;
	}
	return value;
}

/* Append an expression's result to the text of a mixed string. */
static void
append_as_text(StringInfo buf, Jsonb *result)
{
	JsonbValue	scalar;

	if (result == NULL)
		return;
	if (JsonbExtractScalar(&result->root, &scalar))
	{
		switch (scalar.type)
		{
			case jbvNull:
				return;
			case jbvString:
				appendBinaryStringInfo(buf, scalar.val.string.val,
									   scalar.val.string.len);
				return;
			case jbvNumeric:
				appendStringInfoString(buf,
									   DatumGetCString(DirectFunctionCall1(numeric_out,
																		   NumericGetDatum(scalar.val.numeric))));
				return;
			case jbvBool:
				appendStringInfoString(buf, scalar.val.boolean ? "true" : "false");
				return;
			default:
				break;
		}
	}
	(void) JsonbToCString(buf, &result->root, VARSIZE(result));
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
	binary->type = jbvBinary;
	binary->val.binary.data = &jsonb->root;
	binary->val.binary.len = VARSIZE(jsonb) - VARHDRSZ;
	return binary;
}

JsonbValue *
rr_value_eval(const RrValue *value, RrNodeRun *run, Jsonb *item,
			  int item_index)
{
	JsonbValue *result;
	JsonbParseState *state = NULL;
	StringInfoData buf;
	int			i;

	switch (value->kind)
	{
		case RR_VALUE_CONSTANT:
			return value->constant;

		case RR_VALUE_LONE:
			return jsonb_to_value(eval_path(value, &value->parts[0], run,
											item, item_index));

		case RR_VALUE_MIXED:
			initStringInfo(&buf);
			for (i = 0; i < value->nparts; i++)
			{
				const RrTemplatePart *part = &value->parts[i];

				if (part->path == NULL)
					appendBinaryStringInfo(&buf, part->text, part->len);
				else
					append_as_text(&buf, eval_path(value, part, run, item,
												   item_index));
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

bool
rr_condition_eval(const RrValue *condition, RrNodeRun *run, Jsonb *item,
				  int item_index)
{
	Jsonb	   *result;
	JsonbValue	scalar;

	Assert(condition->kind == RR_VALUE_LONE);
	result = eval_path(condition, &condition->parts[0], run, item, item_index);
	if (result == NULL)
		return false;
	if (JsonbExtractScalar(&result->root, &scalar))
	{
		if (scalar.type == jbvBool)
			return scalar.val.boolean;
		if (scalar.type == jbvNull)
			return false;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("condition {{%s}} in node \"%s\" field \"%s\" did not yield a boolean for item %d",
					condition->parts[0].text, condition->node, condition->field,
					item_index),
			 errdetail("It yielded %s.",
					   JsonbToCString(NULL, &result->root, VARSIZE(result)))));
	return false;				/* keep compiler quiet */
}
