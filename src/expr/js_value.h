/*-------------------------------------------------------------------------
 *
 * js_value.h
 *		The values {{ }} expressions compute with, and JavaScript's rules
 *		for them: conversions, equality, comparison, arithmetic, property
 *		reads, and the way back to jsonb (src/expr/PLAN.md section 2).
 *
 * A JsValue is small and passed by value.  Strings, objects and arrays
 * read from an item are borrowed from it (no copy): JS_STRING points into
 * the item, JS_JSONB is a container inside it.  What an expression builds
 * is palloc'd in the current memory context.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_JS_VALUE_H
#define RR_JS_VALUE_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

typedef enum JsKind
{
	JS_UNDEFINED,
	JS_NULL,
	JS_BOOL,
	JS_NUMBER,					/* u.num: an IEEE double */
	JS_NUMERIC,					/* u.numeric: a jsonb number not converted
								 * yet; it becomes a double when computed
								 * with, and goes back to jsonb exact */
	JS_STRING,					/* u.str: UTF-8, not NUL-terminated */
	JS_JSONB,					/* u.jc: an object or array inside a jsonb */
	JS_ARRAY,					/* u.arr: an array the expression built */
	JS_OBJECT,					/* u.obj: an object the expression built,
								 * keys in insertion order */
	JS_FUNCTION,				/* u.fn: a callable (arrow, or a builtin
								 * method bound to its receiver); opaque
								 * here, owned by eval.c */
	JS_REGEXP,					/* u.regex: a RegExp (src/expr/regex.h) */
	JS_DATETIME,				/* u.dt: a Luxon DateTime (datetime.h) */
	JS_DATE,					/* u.dt: a JavaScript Date */
	JS_DURATION,				/* u.dur: a Luxon Duration */
	JS_INTERVAL					/* u.iv: a Luxon Interval */
} JsKind;

typedef struct JsValue JsValue;
typedef struct JsDateTime JsDateTime;
typedef struct JsDuration JsDuration;
typedef struct JsInterval JsInterval;

typedef struct JsObject JsObject;

typedef struct JsArray
{
	int			len;
	JsValue    *elems;
	JsObject   *props;			/* named members besides the elements (a
								 * match's index, input and groups), or
								 * NULL */
} JsArray;

struct JsObject
{
	int			len;
	const char **keys;			/* UTF-8, not NUL-terminated */
	int		   *keylens;
	JsValue    *vals;
};

struct JsValue
{
	JsKind		kind;
	union
	{
		bool		b;
		double		num;
		Numeric		numeric;
		struct
		{
			const char *ptr;
			int			len;
		}			str;
		JsonbContainer *jc;
		JsArray    *arr;
		JsObject   *obj;
		void	   *fn;
		const struct RrRegex *regex;
		JsDateTime *dt;
		JsDuration *dur;
		JsInterval *iv;
	}			u;
};

/* Constructors */
static inline JsValue
js_undefined(void)
{
	JsValue		v;

	v.kind = JS_UNDEFINED;
	return v;
}

static inline JsValue
js_null(void)
{
	JsValue		v;

	v.kind = JS_NULL;
	return v;
}

static inline JsValue
js_bool(bool b)
{
	JsValue		v;

	v.kind = JS_BOOL;
	v.u.b = b;
	return v;
}

static inline JsValue
js_number(double d)
{
	JsValue		v;

	v.kind = JS_NUMBER;
	v.u.num = d;
	return v;
}

static inline JsValue
js_string(const char *ptr, int len)
{
	JsValue		v;

	v.kind = JS_STRING;
	v.u.str.ptr = ptr;
	v.u.str.len = len;
	return v;
}

static inline bool
js_is_nullish(JsValue v)
{
	return v.kind == JS_UNDEFINED || v.kind == JS_NULL;
}

/* A string from a NUL-terminated C string (not copied). */
extern JsValue js_cstring(const char *s);

/*
 * From jsonb: a scalar becomes its JsValue (a number as JS_NUMERIC, a
 * string borrowed), an object or array a JS_JSONB over the container
 * (jbvBinary).  js_from_jsonb() does the same for a whole Jsonb datum.
 */
extern JsValue js_from_jsonb_value(const JsonbValue *jbv);
extern JsValue js_from_jsonb(Jsonb *jsonb);

/*
 * To jsonb, as JSON.stringify would see it: undefined and functions give
 * NULL (the caller decides: "no result" for a lone expression; dropped
 * from objects; null in arrays, which js_to_jsonb_value does itself),
 * NaN and +-Infinity give JSON null, -0 gives 0, an integral double below
 * 2^53 an exact integer, other doubles their shortest round-trip digits,
 * JS_NUMERIC its own numeric unchanged, JS_JSONB its container unchanged
 * (jbvBinary, no copy).  The result can be given to pushJsonbValue as a
 * value or element, or to JsonbValueToJsonb.
 */
extern JsonbValue *js_to_jsonb_value(JsValue v);

/* ECMA-262 abstract operations (hint: 'n' number, 's' string, 'd' default) */
extern double js_to_number(JsValue v);
extern bool js_to_boolean(JsValue v);
extern JsValue js_to_primitive(JsValue v, char hint);

/* Append ToString(v) to out (arrays joined with ",", objects "[object
 * Object]", numbers by Number::toString). */
extern void js_append_string(StringInfo out, JsValue v);

/* ToString(v) as a JS_STRING (v itself when it is one already) */
extern JsValue js_to_string(JsValue v);

/* Number::toString (ECMA-262 6.1.6.1.20): 0.1 + 0.2 -> 0.30000000000000004 */
extern void js_append_number(StringInfo out, double d);

/* "undefined", "object", "boolean", "number", "string", "function" */
extern const char *js_typeof(JsValue v);

/* === and == (IsStrictlyEqual, IsLooselyEqual) */
extern bool js_strict_equals(JsValue a, JsValue b);
extern bool js_loose_equals(JsValue a, JsValue b);

/*
 * < <= > >= (IsLessThan): op is one of RR_OP_LT, RR_OP_LE, RR_OP_GT,
 * RR_OP_GE (src/expr/ast.h).  Strings compare by UTF-16 code units; a NaN
 * makes every comparison false.
 */
extern bool js_compare(int op, JsValue a, JsValue b);

/*
 * The other binary operators of RR_AST_BINARY but equality, comparison and
 * "in": + (concatenation or addition), - * / % **, & | ^ << >> >>>.
 */
extern JsValue js_arithmetic(int op, JsValue a, JsValue b);

/*
 * Read property key of base: an object's member (jsonb or built), an
 * array's element by index (a number or a string of digits) or "length",
 * a string's UTF-16 code unit by index or "length"; anything else is
 * undefined.  On null or undefined sets *type_error (the caller unwinds:
 * n8n swallows it, PLAN.md 2.4) and returns undefined.  Never copies what
 * it reads.
 */
extern JsValue js_get_member(JsValue base, JsValue key, bool *type_error);
extern JsValue js_get_named(JsValue base, const char *name, int len,
							bool *type_error);

/* key in base; *type_error when base is not an object or array */
extern bool js_has_property(JsValue base, JsValue key, bool *type_error);

/*
 * Whether cp is JavaScript white space or a line terminator: what trim()
 * and ToNumber() strip
 */
extern bool js_is_space(uint32 cp);

/* The value of a hexadecimal digit, or -1 */
extern int	js_hex_digit(char c);

/* The length of a string in UTF-16 code units */
extern int	js_string_length(JsValue s);

/*
 * JSON.stringify(v) with indent spaces (0: compact) into out; false when
 * the value has no JSON form (undefined, a function).
 */
extern bool js_json_stringify(StringInfo out, JsValue v, int indent);

/* The same with gap, a NUL-terminated string, written once per level */
extern bool js_json_stringify_gap(StringInfo out, JsValue v, const char *gap);

#endif							/* RR_JS_VALUE_H */
