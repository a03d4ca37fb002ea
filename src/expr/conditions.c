/*-------------------------------------------------------------------------
 *
 * conditions.c
 *		The tests of if, filter and switch rules: one {{ }} condition, or
 *		n8n's filter parameter ("conditions").
 *
 * "conditions" is n8n's filter parameter, with n8n's semantics (W
 * src/node-parameters/filter-parameter.ts, executeFilter, and
 * src/type-validation.ts, validateFieldType, at its newest filter version,
 * 3): every rule has a left value, an operator {type, operation} and a
 * right value; both values are first validated against the operator's
 * type (type_validation "strict": a value of another JavaScript type fails
 * the node; "loose": it is converted as n8n converts it, and one that
 * cannot be fails), then compared by the operation.  Rules combine with
 * "and" (every, stopping at the first false) or "or" (some, stopping at
 * the first true), so a later rule's type error only fails the node when
 * that rule is reached, as in n8n.
 *
 * Values are JavaScript values (js_value.h): a lone {{ }} keeps its
 * result's type (undefined, NaN and DateTimes included), a constant its
 * JSON value.  Everything about a rule but its two values is decoded once,
 * at plan time, and so is a constant regular expression.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_collation.h"
#include "document/condition_ops.h"
#include "expr/ast.h"
#include "expr/builtins_int.h"
#include "expr/conditions.h"
#include "expr/datetime.h"
#include "expr/eval.h"
#include "expr/regex.h"
#include "expr/template.h"
#include "utils/formatting.h"

/* A condition's type (any is also n8n's rightType of array contains) */
typedef enum RrCondType
{
#define TYPE_ENUM(t) RR_CT_##t,
	RR_CONDITION_TYPES(TYPE_ENUM)
	RR_CT_COUNT
} RrCondType;

static const char *const type_names[] = {
#define TYPE_NAME(t) #t,
	RR_CONDITION_TYPES(TYPE_NAME)
};

typedef enum RrCondOp
{
#define OP_ENUM(op, single) RR_CO_##op,
	RR_CONDITION_OPERATIONS(OP_ENUM)
	RR_CO_COUNT
} RrCondOp;

static const struct
{
	const char *name;
	bool		single;
}			operations[] = {
#define OP_ENTRY(op, single) {#op, single},
	RR_CONDITION_OPERATIONS(OP_ENTRY)
};

/* One rule of "conditions" */
typedef struct RrCondRule
{
	int			index;			/* n8n's condition index, for messages */
	const char *field;			/* "params.conditions.rules[0]" */
	RrValue    *left;
	RrValue    *right;			/* NULL when absent or ignored */
	RrCondType	type;
	RrCondType	right_type;
	RrCondOp	op;
	const RrRegex *regex;		/* a constant pattern, compiled once */
	bool		sticky;			/* its flags have "y" */
} RrCondRule;

struct RrConditions
{
	const char *node;
	RrValue    *condition;		/* the "condition" form, or NULL */
	bool		any;			/* combinator "or" */
	bool		ignore_case;	/* case_sensitive false */
	bool		strict;			/* type_validation "strict" */
	int			nrules;
	RrCondRule *rules;
};

/* The member key of object, or NULL */
static JsonbValue *
member(JsonbValue *object, const char *key)
{
	JsonbValue *value = palloc(sizeof(JsonbValue));

	if (object == NULL || object->type != jbvBinary ||
		getKeyJsonValueFromContainer(object->val.binary.data, key,
									 strlen(key), value) == NULL)
		return NULL;
	return value;
}

/* A string member as a C string, or NULL */
static char *
string_member(JsonbValue *object, const char *key)
{
	JsonbValue *value = member(object, key);

	if (value == NULL || value->type != jbvString)
		return NULL;
	return pnstrdup(value->val.string.val, value->val.string.len);
}

/* Whether a JavaScript line terminator starts at s (at most len bytes) */
static bool
is_line_terminator(const char *s, int len)
{
	const unsigned char *u = (const unsigned char *) s;

	return u[0] == '\n' || u[0] == '\r' ||
		(len >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
		 (u[2] == 0xa8 || u[2] == 0xa9));	/* U+2028, U+2029 */
}

/*
 * n8n's parseRegexPattern, whose test is /^\/(.*?)\/([gimusy]*)$/: the
 * position of the slash that ends "/source/flags", or -1 when the text is
 * no such form (a line terminator in the source makes it none, as "." does
 * not match one).
 */
static int
closing_slash(const char *text, int len)
{
	int			slash = len - 1;
	int			i;

	while (slash >= 1 && text[slash] != '\0' &&
		   strchr("gimusy", text[slash]) != NULL)
		slash--;
	if (len < 2 || text[0] != '/' || slash < 1 || text[slash] != '/')
		return -1;
	for (i = 1; i < slash; i++)
		if (is_line_terminator(text + i, slash - i))
			return -1;
	return slash;
}

/*
 * Compile the pattern of a regex rule: "/source/flags" is a pattern with
 * flags, any other text a pattern; "i" is added when case does not matter.
 * *sticky says whether the flags had "y" (the match must start at 0, as
 * test() from lastIndex 0 wants).  item_index is -1 at plan time (a
 * constant pattern), where an invalid one fails the save.
 */
static const RrRegex *
compile_pattern(const char *text, int len, bool ignore_case,
				const RrCondRule *rule, const char *node, int item_index,
				bool *sticky)
{
	int			slash = closing_slash(text, len);
	const char *source = slash > 0 ? text + 1 : text;
	int			source_len = slash > 0 ? slash - 1 : len;
	int			nflags = slash > 0 ? len - slash - 1 : 0;
	char	   *flags = palloc(nflags + 2);
	const RrRegex *re = NULL;
	char	   *error = NULL;
	int			error_pos = 0;
	int			i;

	memcpy(flags, text + slash + 1, nflags);
	if (ignore_case && memchr(flags, 'i', nflags) == NULL)
		flags[nflags++] = 'i';
	flags[nflags] = '\0';

	/* new RegExp(source, "gg") is a SyntaxError */
	for (i = 0; i < nflags && error == NULL; i++)
		if (memchr(flags + i + 1, flags[i], nflags - i - 1) != NULL)
		{
			error = psprintf("the flag \"%c\" is given twice", flags[i]);
			error_pos = source_len + 2 + i;
		}
	*sticky = memchr(flags, 'y', nflags) != NULL;
	if (error == NULL)
		re = rr_regex_compile(source, source_len, flags, &error, &error_pos);
	if (re == NULL && item_index < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("invalid regular expression in node \"%s\" field \"%s.right\"",
						node, rule->field),
				 errdetail("/%.*s/%s: %s (at offset %d).", source_len,
						   source, flags, error, error_pos)));
	if (re == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("invalid regular expression in field \"%s.right\" for item %d",
						rule->field, item_index),
				 errdetail("/%.*s/%s: %s (at offset %d).", source_len,
						   source, flags, error, error_pos)));
	return re;
}

/* The enum of a type or operation name the validator accepted */
static int
lookup_type(const char *name)
{
	int			i;

	for (i = 0; i < RR_CT_COUNT; i++)
		if (name != NULL && strcmp(type_names[i], name) == 0)
			return i;
	elog(ERROR, "unknown condition type \"%s\"", name ? name : "");
	return 0;					/* keep compiler quiet */
}

static RrCondOp
lookup_op(const char *name)
{
	int			i;

	for (i = 0; i < RR_CO_COUNT; i++)
		if (name != NULL && strcmp(operations[i].name, name) == 0)
			return (RrCondOp) i;
	elog(ERROR, "unknown condition operation \"%s\"", name ? name : "");
	return 0;					/* keep compiler quiet */
}

/* Compile one rule (an object the validator checked) */
static void
compile_rule(RrConditions *test, RrCondRule *rule, JsonbValue *object,
			 const char *owner)
{
	JsonbValue *operator = member(object, "operator");
	JsonbValue *right;

	rule->field = psprintf("%s.conditions.rules[%d]", owner, rule->index);
	rule->type = lookup_type(string_member(operator, "type"));
	rule->op = lookup_op(string_member(operator, "operation"));
	rule->left = rr_value_compile(member(object, "left"), test->node,
								  psprintf("%s.left", rule->field));

	/* n8n's rightType: any for array contains, number for lengths */
	rule->right_type = rule->type;
	if (rule->type == RR_CT_array)
		rule->right_type = (rule->op == RR_CO_contains ||
							rule->op == RR_CO_notContains) ?
			RR_CT_any : RR_CT_number;

	/* single-value operations ignore right */
	right = operations[rule->op].single ? NULL : member(object, "right");
	rule->right = rr_value_compile(right, test->node,
								   psprintf("%s.right", rule->field));

	if ((rule->op == RR_CO_regex || rule->op == RR_CO_notRegex) &&
		right != NULL && right->type == jbvString &&
		rr_value_is_constant(rule->right))
		rule->regex = compile_pattern(right->val.string.val,
									  right->val.string.len,
									  test->ignore_case, rule, test->node, -1,
									  &rule->sticky);
}

RrConditions *
rr_conditions_compile(JsonbValue *condition, JsonbValue *conditions,
					  const char *node, const char *owner)
{
	RrConditions *test = palloc0(sizeof(RrConditions));
	JsonbValue *value;
	JsonbValue *rules;
	char	   *text;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	test->node = pstrdup(node);
	if (condition != NULL && condition->type != jbvNull)
	{
		/* the caller's JsonbValue may not outlive the call */
		value = palloc(sizeof(JsonbValue));
		*value = *condition;
		test->condition = rr_value_compile(value, node,
										   psprintf("%s.condition", owner));
		return test;
	}

	/* n8n's defaults: and, case sensitive, strict */
	text = string_member(conditions, "combinator");
	test->any = text != NULL && strcmp(text, "or") == 0;
	value = member(conditions, "case_sensitive");
	test->ignore_case = value != NULL && value->type == jbvBool &&
		!value->val.boolean;
	text = string_member(conditions, "type_validation");
	test->strict = text == NULL || strcmp(text, "loose") != 0;

	rules = member(conditions, "rules");
	if (rules == NULL || rules->type != jbvBinary)
		elog(ERROR, "node \"%s\" has no condition rules", node);
	test->nrules = JsonContainerSize(rules->val.binary.data);
	test->rules = palloc0(sizeof(RrCondRule) * Max(test->nrules, 1));
	it = JsonbIteratorInit(rules->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue *object;

		if (tok != WJB_ELEM)
			continue;
		object = palloc(sizeof(JsonbValue));
		*object = v;
		test->rules[n].index = n;
		compile_rule(test, &test->rules[n], object, owner);
		n++;
	}
	return test;
}


/* ---------------------------------------------------------------------
 * Type validation (n8n's parseSingleFilterValue and validateFieldType)
 * ---------------------------------------------------------------------
 */

/* The number of elements of an array, or of members of an object */
static int
container_size(JsValue v)
{
	if (v.kind == JS_ARRAY)
		return v.u.arr->len;
	if (v.kind == JS_OBJECT)
		return v.u.obj->len;
	return JsonContainerSize(v.u.jc);
}

/* A string that is empty once trimmed */
static bool
is_blank_string(JsValue v)
{
	int			i;

	if (v.kind != JS_STRING)
		return false;
	for (i = 0; i < v.u.str.len; i++)
		if (!js_is_space((unsigned char) v.u.str.ptr[i]))
			return false;
	return true;
}

/* lodash's isObject: an object of any kind (arrays and dates too) */
static bool
is_any_object(JsValue v)
{
	return !js_is_nullish(v) && v.kind != JS_BOOL && v.kind != JS_NUMBER &&
		v.kind != JS_NUMERIC && v.kind != JS_STRING;
}

/*
 * JSON.parse(String(v)) giving an array (want_array) or an object; for an
 * array n8n tries again with every ' replaced by "
 */
static bool
parse_json_text(JsValue v, bool want_array, JsValue *out)
{
	JsValue		s = js_to_string(v);
	char	   *text;
	int			i;

	if (rr_json_parse(s.u.str.ptr, s.u.str.len, out) &&
		(want_array ? rr_is_array(*out) : rr_is_object(*out)))
		return true;
	if (!want_array)
		return false;
	text = pnstrdup(s.u.str.ptr, s.u.str.len);
	for (i = 0; i < s.u.str.len; i++)
		if (text[i] == '\'')
			text[i] = '"';
	return rr_json_parse(text, s.u.str.len, out) && rr_is_array(*out);
}

/* n8n's tryToParseBoolean, which may fail (false) */
static bool
parse_boolean(JsValue v, bool *result)
{
	double		num;

	if (v.kind == JS_BOOL)
	{
		*result = v.u.b;
		return true;
	}
	if (v.kind == JS_STRING &&
		((v.u.str.len == 4 && pg_strncasecmp(v.u.str.ptr, "true", 4) == 0) ||
		 (v.u.str.len == 5 && pg_strncasecmp(v.u.str.ptr, "false", 5) == 0)))
	{
		*result = v.u.str.len == 4;
		return true;
	}
	if (is_blank_string(v))
		return false;
	num = js_to_number(v);
	if (num != 0 && num != 1)
		return false;
	*result = num == 1;
	return true;
}

/*
 * Validate one value against a type, converting it as n8n does unless
 * strict: true with the value to compare in *out, false when it is not of
 * that type (strict) or cannot be converted (loose).
 */
static bool
parse_value(JsValue v, RrCondType type, bool strict, RrNodeRun *run,
			JsValue *out)
{
	bool		b;
	double		num;

	*out = v;
	if (type == RR_CT_any || js_is_nullish(v))
		return true;

	switch (type)
	{
		case RR_CT_boolean:
			if (strict)
				return v.kind == JS_BOOL;
			/* tryToParseBoolean, else Boolean(value) */
			if (!parse_boolean(v, &b))
				b = js_to_boolean(v);
			*out = js_bool(b);
			return true;

		case RR_CT_number:
			if (v.kind == JS_NUMBER && isnan(v.u.num))
				return true;
			/* filter version 3: "" and [] are no value, not 0 */
			if (is_blank_string(v) ||
				(rr_is_array(v) && container_size(v) == 0))
			{
				*out = js_null();
				return true;
			}
			if (strict && v.kind != JS_NUMBER && v.kind != JS_NUMERIC)
				return false;
			num = js_to_number(v);
			if (isnan(num))
				return false;
			*out = js_number(num);
			return true;

		case RR_CT_string:
			if (v.kind == JS_STRING)
				return true;
			if (strict)
				return false;
			/* tryToParseString: objects as JSON, the rest by toString */
			if (is_any_object(v))
			{
				StringInfoData buf;

				initStringInfo(&buf);
				(void) js_json_stringify(&buf, v, 0);
				*out = js_string(buf.data, buf.len);
			}
			else
				*out = js_to_string(v);
			return true;

		case RR_CT_dateTime:
			/* tryToParseDateTime, the same whether strict or not */
			if (v.kind == JS_DATETIME && !isnan(v.u.dt->ms))
				return true;
			if (v.kind == JS_DATE)
			{
				*out = rr_datetime(v.u.dt->ms, rr_run_zone(run));
				return !isnan(v.u.dt->ms);
			}
			v = js_to_string(v);
			*out = rr_parse_any_datetime(v.u.str.ptr, v.u.str.len,
										 rr_run_zone(run), rr_run_now(run));
			return !isnan(out->u.dt->ms);

		case RR_CT_array:
			if (rr_is_array(v))
				return true;
			if (strict)
				return false;
			return parse_json_text(v, true, out);

		case RR_CT_object:
			if (rr_is_object(v) || (is_any_object(v) && !rr_is_array(v)))
				return true;
			if (strict || rr_is_array(v))
				return false;
			return parse_json_text(v, false, out);

		case RR_CT_any:
		case RR_CT_COUNT:
			break;
	}
	return true;
}

/*
 * rr_value_convert
 *		validateFieldType: parse_value's loose conversions, but a number
 *		from any text Number() takes ("" is 0) and a boolean only from
 *		what tryToParseBoolean takes.
 */
bool
rr_value_convert(JsonbValue *value, const char *type, JsonbValue **out)
{
	JsValue		v = js_from_jsonb_value(value);
	JsValue		result;
	int			t = lookup_type(type);
	bool		b;

	*out = value;
	if (js_is_nullish(v) || (t == RR_CT_number && v.kind == JS_NUMERIC))
		return true;
	if (t == RR_CT_boolean)
	{
		if (!parse_boolean(v, &b))
			return false;
		result = js_bool(b);
	}
	else if (t == RR_CT_number)
	{
		result = js_number(js_to_number(v));
		if (isnan(result.u.num))
			return false;
	}
	else if (!parse_value(v, t, false, NULL, &result))
		return false;
	*out = js_to_jsonb_value(result);
	return true;
}

/* "a" or "an" before a word, as n8n's withIndefiniteArticle */
static const char *
article(const char *word)
{
	return strchr("aeiou", word[0]) != NULL ? "an" : "a";
}

/* String(value), for messages */
static char *
shown(JsValue v)
{
	StringInfoData buf;

	initStringInfo(&buf);
	js_append_string(&buf, v);
	return buf.data;
}

/*
 * n8n's FilterError for a value of the wrong type: "Wrong type: '5' is a
 * number but was expecting a string" (strict) or "Conversion error: the
 * string 'abc' can't be converted to a number" (loose), with the rule and
 * item; both values wrong and of one JavaScript type: "Comparison type
 * expects a number but both fields are a string".
 */
static void
type_error(const RrConditions *test, const RrCondRule *rule, int item_index,
		   JsValue left, JsValue right, bool left_ok, bool right_ok)
{
	const char *type = type_names[left_ok ? rule->right_type : rule->type];
	JsValue		bad = left_ok ? right : left;
	const char *from = js_typeof(bad);
	const char *position = left_ok ? "right" : "left";
	int			code = test->strict ? ERRCODE_DATATYPE_MISMATCH :
		ERRCODE_INVALID_CHARACTER_VALUE_FOR_CAST;

	if (!left_ok && !right_ok && strcmp(from, js_typeof(right)) == 0)
		ereport(ERROR,
				(errcode(code),
				 errmsg("field \"%s\": comparison type expects %s %s but both fields are %s %s [condition %d, item %d]",
						rule->field, article(type), type,
						article(from), from, rule->index, item_index),
				 errdetail("Change the operator's type%s.",
						   test->strict ? ", or set \"type_validation\" to \"loose\" to convert values" : "")));
	if (test->strict)
		ereport(ERROR,
				(errcode(code),
				 errmsg("field \"%s\": wrong type: '%s' is %s %s but was expecting %s %s [condition %d, item %d]",
						rule->field, shown(bad), article(from),
						from, article(type), type, rule->index, item_index),
				 errdetail("Set \"type_validation\" to \"loose\" to convert values, or convert the %s value to %s %s in its expression.",
						   position, article(type), type)));
	ereport(ERROR,
			(errcode(code),
			 errmsg("field \"%s\": conversion error: the %s '%s' can't be converted to %s %s [condition %d, item %d]",
					rule->field, from, shown(bad), article(type),
					type, rule->index, item_index),
			 errdetail("Change the operator's type, or the %s value.",
					   position)));
}


/* ---------------------------------------------------------------------
 * The operations
 * ---------------------------------------------------------------------
 */

/* A string value's text, lower-cased when case does not matter */
static JsValue
case_folded(JsValue v, bool ignore_case)
{
	if (js_is_nullish(v))
		return js_string("", 0);
	if (!ignore_case)
		return v;
	return js_cstring(str_tolower(v.u.str.ptr, v.u.str.len,
								  DEFAULT_COLLATION_OID));
}

static bool
string_op(const RrConditions *test, const RrCondRule *rule, JsValue left,
		  JsValue right, int item_index)
{
	bool		pattern = rule->op == RR_CO_regex || rule->op == RR_CO_notRegex;
	JsValue		l = case_folded(left, test->ignore_case && !pattern);
	JsValue		r = case_folded(right, test->ignore_case && !pattern);
	const char *lp = l.u.str.ptr;
	const char *rp = r.u.str.ptr;
	int			ll = l.u.str.len;
	int			rl = r.u.str.len;
	const RrRegex *re;
	RrRegexSubject subject;
	regmatch_t	m;
	bool		sticky;

	switch (rule->op)
	{
		case RR_CO_empty:
			return ll == 0;
		case RR_CO_notEmpty:
			return ll != 0;
		case RR_CO_equals:
			return js_strict_equals(l, r);
		case RR_CO_notEquals:
			return !js_strict_equals(l, r);
		case RR_CO_contains:
		case RR_CO_notContains:
			{
				bool		found = rl == 0;
				int			i;

				for (i = 0; !found && i + rl <= ll; i++)
					found = memcmp(lp + i, rp, rl) == 0;
				return found == (rule->op == RR_CO_contains);
			}
		case RR_CO_startsWith:
		case RR_CO_notStartsWith:
			return (rl <= ll && memcmp(lp, rp, rl) == 0) ==
				(rule->op == RR_CO_startsWith);
		case RR_CO_endsWith:
		case RR_CO_notEndsWith:
			return (rl <= ll && memcmp(lp + ll - rl, rp, rl) == 0) ==
				(rule->op == RR_CO_endsWith);
		case RR_CO_regex:
		case RR_CO_notRegex:
			sticky = rule->sticky;
			re = rule->regex != NULL ? rule->regex :
				compile_pattern(rp, rl, test->ignore_case, rule, test->node,
								item_index, &sticky);
			rr_regex_subject(&subject, lp, ll);
			/* the leftmost match starts at 0 if any match does */
			return (rr_regex_exec(re, &subject, 0, &m, 1) &&
					(!sticky || m.rm_so == 0)) == (rule->op == RR_CO_regex);
		default:
			break;
	}
	return false;
}

/* SameValueZero, as Array.prototype.includes compares */
static bool
same_value_zero(JsValue a, JsValue b)
{
	if (a.kind == JS_NUMBER && b.kind == JS_NUMBER &&
		isnan(a.u.num) && isnan(b.u.num))
		return true;
	return js_strict_equals(a, b);
}

/* n8n's arrayContainsValue */
static bool
array_contains(JsValue array, JsValue value, bool ignore_case)
{
	JsArray    *arr = rr_array_view(array);
	JsValue		folded = value;
	int			i;

	if (ignore_case && value.kind == JS_STRING)
		folded = case_folded(value, true);
	for (i = 0; i < arr->len; i++)
	{
		JsValue		e = arr->elems[i];

		if (ignore_case && value.kind == JS_STRING)
		{
			if (e.kind == JS_STRING &&
				js_strict_equals(case_folded(e, true), folded))
				return true;
		}
		else if (same_value_zero(e, value))
			return true;
	}
	return false;
}

static bool
number_op(RrCondOp op, JsValue left, JsValue right)
{
	switch (op)
	{
		case RR_CO_equals:
			return js_strict_equals(left, right);
		case RR_CO_notEquals:
			return !js_strict_equals(left, right);
		case RR_CO_gt:
			return js_compare(RR_OP_GT, left, right);
		case RR_CO_lt:
			return js_compare(RR_OP_LT, left, right);
		case RR_CO_gte:
			return js_compare(RR_OP_GE, left, right);
		case RR_CO_lte:
			return js_compare(RR_OP_LE, left, right);
		default:
			break;
	}
	return false;
}

/* An array's length operations are number operations on its length */
static const struct
{
	RrCondOp	length_op;
	RrCondOp	number_op;
}			length_ops[] = {
	{RR_CO_lengthEquals, RR_CO_equals},
	{RR_CO_lengthNotEquals, RR_CO_notEquals},
	{RR_CO_lengthGt, RR_CO_gt},
	{RR_CO_lengthLt, RR_CO_lt},
	{RR_CO_lengthGte, RR_CO_gte},
	{RR_CO_lengthLte, RR_CO_lte}
};

static bool
array_op(const RrConditions *test, const RrCondRule *rule, JsValue left,
		 JsValue right)
{
	JsValue		length = js_number(js_is_nullish(left) ? 0 :
								   container_size(left));
	int			i;

	for (i = 0; i < lengthof(length_ops); i++)
		if (length_ops[i].length_op == rule->op)
			return number_op(length_ops[i].number_op, length, right);
	switch (rule->op)
	{
		case RR_CO_contains:
			return !js_is_nullish(left) &&
				array_contains(left, right, test->ignore_case);
		case RR_CO_notContains:
			return js_is_nullish(left) ||
				!array_contains(left, right, test->ignore_case);
		case RR_CO_empty:
			return length.u.num == 0;
		case RR_CO_notEmpty:
			return length.u.num != 0;
		default:
			break;
	}
	return false;
}

static bool
datetime_op(RrCondOp op, JsValue left, JsValue right)
{
	double		l;
	double		r;

	if (js_is_nullish(left) || js_is_nullish(right))
		return false;
	l = left.u.dt->ms;
	r = right.u.dt->ms;
	switch (op)
	{
		case RR_CO_equals:
			return l == r;
		case RR_CO_notEquals:
			return l != r;
		case RR_CO_after:
			return l > r;
		case RR_CO_before:
			return l < r;
		case RR_CO_afterOrEquals:
			return l >= r;
		case RR_CO_beforeOrEquals:
			return l <= r;
		default:
			break;
	}
	return false;
}

/* n8n's executeFilterCondition */
static bool
rule_holds(const RrConditions *test, const RrCondRule *rule, RrNodeRun *run,
		   Jsonb *item, int item_index)
{
	JsValue		left_in = rr_value_eval_js(rule->left, run, item, item_index);
	JsValue		right_in = rule->right != NULL ?
		rr_value_eval_js(rule->right, run, item, item_index) : js_undefined();
	JsValue		left;
	JsValue		right;
	bool		exists;
	bool		left_ok;
	bool		right_ok = true;

	left_ok = parse_value(left_in, rule->type, test->strict, run, &left);
	right = js_undefined();
	if (!operations[rule->op].single)
		right_ok = parse_value(right_in, rule->right_type, test->strict, run,
							   &right);
	if (!left_ok || !right_ok)
		type_error(test, rule, item_index, left_in, right_in, left_ok,
				   right_ok);

	exists = !js_is_nullish(left) &&
		!(left.kind == JS_NUMBER && isnan(left.u.num));
	if (rule->op == RR_CO_exists)
		return exists;
	if (rule->op == RR_CO_notExists)
		return !exists;

	switch (rule->type)
	{
		case RR_CT_string:
			return string_op(test, rule, left, right, item_index);
		case RR_CT_array:
			return array_op(test, rule, left, right);
		case RR_CT_object:
			if (rule->op == RR_CO_empty || rule->op == RR_CO_notEmpty)
			{
				/* !left || Object.keys(left).length === 0 */
				bool		empty = !js_to_boolean(left) ||
				((rr_is_object(left) || rr_is_array(left)) &&
				 container_size(left) == 0);

				return empty == (rule->op == RR_CO_empty);
			}
			return false;
		case RR_CT_number:
		case RR_CT_dateTime:
		case RR_CT_boolean:
			if (rule->op == RR_CO_empty)
				return !exists;
			if (rule->op == RR_CO_notEmpty)
				return exists;
			if (rule->type == RR_CT_number)
				return number_op(rule->op, left, right);
			if (rule->type == RR_CT_dateTime)
				return datetime_op(rule->op, left, right);
			if (rule->op == RR_CO_true)
				return js_to_boolean(left);
			if (rule->op == RR_CO_false)
				return !js_to_boolean(left);
			return js_strict_equals(left, right) ==
				(rule->op == RR_CO_equals);
		case RR_CT_any:
		case RR_CT_COUNT:
			break;
	}
	return false;
}

bool
rr_conditions_eval(const RrConditions *test, RrNodeRun *run, Jsonb *item,
				   int item_index)
{
	int			i;

	if (test->condition != NULL)
		return rr_condition_eval(test->condition, run, item, item_index);

	/* every (and) stops at the first false, some (or) at the first true */
	for (i = 0; i < test->nrules; i++)
		if (rule_holds(test, &test->rules[i], run, item, item_index) ==
			test->any)
			return test->any;
	return !test->any;
}
