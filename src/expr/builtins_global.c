/*-------------------------------------------------------------------------
 *
 * builtins_global.c
 *		The functions {{ }} expressions may call: JavaScript's globals
 *		(String, Number, parseInt, encodeURIComponent ...), the members of
 *		Math, JSON, Object, Array, Number and String, n8n's own ($ifEmpty,
 *		$min, numberList, zip ..., W src/extensions/extended-functions.ts),
 *		and the constants of the namespaces (Math.PI ...).
 *
 * isNaN and isFinite are JavaScript's global functions, which convert their
 * argument to a number first (isNaN("abc") is true): n8n's expression.ts
 * gives its sandbox Number.isNaN and Number.isFinite under those names,
 * but its parser leaves both names to JavaScript's globals (they are on
 * @n8n/tournament's list of identifiers it does not rewrite), and that is
 * what n8n's expressions get.  Number.isNaN and Number.isFinite do not
 * convert.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "common/jsonapi.h"
#include "common/pg_prng.h"
#include "expr/builtins_int.h"
#include "port/pg_bitutils.h"
#include "utils/fmgrprotos.h"

#define ARG(i)	rr_arg(nargs, args, i)

static JsValue
throw_type_error(RrExprEnv *env)
{
	rr_expr_throw(env);
	return js_undefined();
}

/* ---------- JavaScript's globals ---------- */

static JsValue
fn_string(RrExprEnv *env, int nargs, const JsValue *args)
{
	return nargs == 0 ? js_cstring("") : js_to_string(args[0]);
}

static JsValue
fn_number(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_number(nargs == 0 ? 0 : js_to_number(args[0]));
}

static JsValue
fn_boolean(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(js_to_boolean(ARG(0)));
}

static JsValue
fn_parse_int(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_number(rr_parse_int(ARG(0), ARG(1)));
}

static JsValue
fn_parse_float(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		s = js_to_string(ARG(0));

	return js_number(rr_parse_float(s.u.str.ptr, s.u.str.len));
}

static JsValue
fn_is_nan(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(rr_is_number(ARG(0)) && isnan(js_to_number(ARG(0))));
}

static JsValue
fn_is_finite(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(rr_is_number(ARG(0)) && isfinite(js_to_number(ARG(0))));
}

/* the global isNaN(x) and isFinite(x): of ToNumber(x) */
static JsValue
fn_global_is_nan(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(isnan(js_to_number(ARG(0))));
}

static JsValue
fn_global_is_finite(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(isfinite(js_to_number(ARG(0))));
}

static JsValue
fn_is_integer(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		d = js_to_number(ARG(0));

	return js_bool(rr_is_number(ARG(0)) && isfinite(d) && trunc(d) == d);
}

static JsValue
fn_is_safe_integer(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		d = js_to_number(ARG(0));

	return js_bool(rr_is_number(ARG(0)) && isfinite(d) && trunc(d) == d &&
				   fabs(d) <= 9007199254740991.0);
}

static JsValue
uri_encode(int nargs, const JsValue *args, const char *unescaped)
{
	JsValue		s = js_to_string(ARG(0));
	StringInfoData out;

	initStringInfo(&out);
	rr_uri_encode(&out, s.u.str.ptr, s.u.str.len, unescaped);
	return rr_string_from(&out);
}

static JsValue
uri_decode(RrExprEnv *env, int nargs, const JsValue *args, const char *reserved)
{
	JsValue		s = js_to_string(ARG(0));
	StringInfoData out;

	initStringInfo(&out);
	if (!rr_uri_decode(&out, s.u.str.ptr, s.u.str.len, reserved))
		return throw_type_error(env);	/* URIError: URI malformed */
	return rr_string_from(&out);
}

static JsValue
fn_encode_uri_component(RrExprEnv *env, int nargs, const JsValue *args)
{
	return uri_encode(nargs, args, "");
}

static JsValue
fn_encode_uri(RrExprEnv *env, int nargs, const JsValue *args)
{
	return uri_encode(nargs, args, ";/?:@&=+$,#");
}

static JsValue
fn_decode_uri_component(RrExprEnv *env, int nargs, const JsValue *args)
{
	return uri_decode(env, nargs, args, "");
}

static JsValue
fn_decode_uri(RrExprEnv *env, int nargs, const JsValue *args)
{
	return uri_decode(env, nargs, args, ";/?:@&=+$,#");
}

/* ---------- n8n's functions ---------- */

/* $ifEmpty(value, default): default for undefined, null, "", [] and {} */
static JsValue
fn_if_empty(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		v = args[0];

	if (js_is_nullish(v) || (v.kind == JS_STRING && v.u.str.len == 0) ||
		((rr_is_array(v) || rr_is_object(v)) && rr_entries_view(v)->len == 0))
		return args[1];
	return v;
}

static JsValue
fn_not(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(!js_to_boolean(ARG(0)));
}

static JsValue
fn_average(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsArray		arr;
	JsValue		self;

	arr.len = nargs;
	arr.elems = (JsValue *) args;
	self.kind = JS_ARRAY;
	self.u.arr = &arr;
	return rr_array_average(env, self, 0, NULL);
}

/* numberList(start, end): the integers from start to end, either way */
static JsValue
fn_number_list(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		start = js_to_number(ARG(0));
	double		end = js_to_number(ARG(1));
	double		size = fabs(start - end) + 1;
	RrArrayBuilder out;
	double		cur = start;
	int			i;

	if (isnan(size) || size != trunc(size) || size > 4294967295.0)
		return throw_type_error(env);	/* RangeError: Invalid array length */
	rr_check_elements(size, "numberList()");
	rr_array_init(&out, size);
	for (i = 0; i < (int) size; i++)
	{
		rr_array_push(&out, js_number(cur));
		cur += start < end ? 1 : -1;
	}
	return rr_array_result(&out);
}

/* zip(keys, values): {keys[i]: values[i], ...} */
static JsValue
fn_zip(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsArray    *keys;
	JsArray    *values;
	RrObjectBuilder out;
	int			i;

	if (!rr_is_array(ARG(0)) || !rr_is_array(ARG(1)))
		rr_extension_error("keys and values must be arrays");
	keys = rr_array_view(ARG(0));
	values = rr_array_view(ARG(1));
	if (keys->len != values->len)
		rr_extension_error("keys and values not of equal length");
	rr_object_init(&out, keys->len);
	for (i = 0; i < keys->len; i++)
	{
		JsValue		k = js_to_string(keys->elems[i]);

		rr_object_set(&out, k.u.str.ptr, k.u.str.len, values->elems[i]);
	}
	return rr_object_result(&out);
}

/* ---------- Math ---------- */

/* Math.min and Math.max: NaN wins, -0 is less than 0; no arguments: +-inf */
double
rr_math_minmax(int nargs, const JsValue *args, bool max)
{
	double		result = max ? -INFINITY : INFINITY;
	int			i;

	for (i = 0; i < nargs; i++)
	{
		double		d = js_to_number(args[i]);

		if (isnan(d))
			result = NAN;
		else if (isnan(result))
			continue;
		else if (max ? (d > result || (d == 0 && result == 0 && !signbit(d)))
				 : (d < result || (d == 0 && result == 0 && signbit(d))))
			result = d;
	}
	return result;
}

static JsValue
fn_min(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_number(rr_math_minmax(nargs, args, false));
}

static JsValue
fn_max(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_number(rr_math_minmax(nargs, args, true));
}

static double
num_arg(int nargs, const JsValue *args, int i)
{
	return js_to_number(ARG(i));
}

/* Math.round: half up, -0 kept for -0.5 <= x < 0 */
static JsValue
fn_math_round(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		x = num_arg(nargs, args, 0);
	double		r;

	if (!isfinite(x))
		return js_number(x);
	r = floor(x);
	if (x - r >= 0.5)
		r += 1;
	if (r == 0 && signbit(x))
		r = -0.0;
	return js_number(r);
}

static JsValue
fn_math_sign(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		x = num_arg(nargs, args, 0);

	return js_number(isnan(x) || x == 0 ? x : (x > 0 ? 1 : -1));
}

/* Math.pow and **: C's pow but for y NaN and (+-1) ** +-Infinity (NaN) */
static JsValue
fn_math_pow(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		x = num_arg(nargs, args, 0);
	double		y = num_arg(nargs, args, 1);

	if (isnan(y) || (fabs(x) == 1 && isinf(y)))
		return js_number(y == 0 ? 1 : NAN);
	return js_number(pow(x, y));
}

static JsValue
fn_math_hypot(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		result = 0;
	bool		nan = false;
	int			i;

	for (i = 0; i < nargs; i++)
	{
		double		d = js_to_number(args[i]);

		if (isinf(d))
			return js_number(INFINITY);
		nan |= isnan(d);
		result = hypot(result, d);
	}
	return js_number(nan ? NAN : result);
}

static JsValue
fn_math_atan2(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_number(atan2(num_arg(nargs, args, 0), num_arg(nargs, args, 1)));
}

static JsValue
fn_math_random(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_number(pg_prng_double(&pg_global_prng_state));
}

/* Math.cbrt: libm's cbrt is not exact for perfect cubes (27 -> 3.0000000000000004) */
static JsValue
fn_math_cbrt(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		x = num_arg(nargs, args, 0);
	double		r = cbrt(x);
	double		n = nearbyint(r);

	return js_number(n * n * n == x ? n : r);
}

/* The one-argument functions of Math: C's, same results */
#define MATH_UNARY(name, expr) \
static JsValue \
fn_math_##name(RrExprEnv *env, int nargs, const JsValue *args) \
{ \
	double		x = num_arg(nargs, args, 0); \
	return js_number(expr); \
}

MATH_UNARY(abs, fabs(x))
MATH_UNARY(ceil, ceil(x))
MATH_UNARY(floor, floor(x))
MATH_UNARY(trunc, trunc(x))
MATH_UNARY(sqrt, sqrt(x))
MATH_UNARY(exp, exp(x))
MATH_UNARY(log, log(x))
MATH_UNARY(log10, log10(x))
MATH_UNARY(log2, log2(x))
MATH_UNARY(sin, sin(x))
MATH_UNARY(cos, cos(x))
MATH_UNARY(tan, tan(x))
MATH_UNARY(asin, asin(x))
MATH_UNARY(acos, acos(x))
MATH_UNARY(atan, atan(x))
MATH_UNARY(sinh, sinh(x))
MATH_UNARY(cosh, cosh(x))
MATH_UNARY(tanh, tanh(x))
MATH_UNARY(asinh, asinh(x))
MATH_UNARY(acosh, acosh(x))
MATH_UNARY(atanh, atanh(x))
MATH_UNARY(expm1, expm1(x))
MATH_UNARY(log1p, log1p(x))
MATH_UNARY(fround, (double) (float) x)

/* Math.clz32: the leading zero bits of ToUint32(x) */
static JsValue
fn_math_clz32(RrExprEnv *env, int nargs, const JsValue *args)
{
	double		x = num_arg(nargs, args, 0);
	uint32		u;

	if (!isfinite(x))
		return js_number(32);
	x = fmod(trunc(x), 4294967296.0);
	if (x < 0)
		x += 4294967296.0;
	u = (uint32) x;
	return js_number(u == 0 ? 32 : pg_leftmost_one_pos32(u) ^ 31);
}

/* ---------- JSON ---------- */

/*
 * JSON.parse: PostgreSQL's JSON parser says whether the text is JSON
 * (without raising an error), jsonb_in then reads it.  Lone surrogates and
 * \u0000, which jsonb cannot hold, count as malformed.
 */
bool
rr_json_parse(const char *s, int len, JsValue *result)
{
	char	   *text = pnstrdup(s, len);
	JsonLexContext *lex = makeJsonLexContextCstringLen(text, len,
													   GetDatabaseEncoding(),
													   true);

	if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
		return false;
	*result = js_from_jsonb(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															   CStringGetDatum(text))));
	return true;
}

static JsValue
fn_json_parse(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		s = js_to_string(ARG(0));
	JsValue		result;

	if (!rr_json_parse(s.u.str.ptr, s.u.str.len, &result))
		return throw_type_error(env);	/* SyntaxError */
	return rr_json_revive(env, result, ARG(1));
}

/*
 * JSON.stringify(value, replacer, space): replacer a function or an array
 * of the keys to keep (builtins_json.c); space a number of spaces or a
 * string, at most 10 of either (JavaScript counts UTF-16 units, this
 * counts characters).
 */
static JsValue
fn_json_stringify(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		value = rr_json_replace(env, ARG(0), ARG(1));
	JsValue		space = ARG(2);
	char	   *gap = "";
	StringInfoData out;

	if (rr_expr_thrown(env))
		return js_undefined();
	if (rr_is_number(space))
	{
		int			n = (int) Min(Max(rr_to_integer(space), 0), 10);

		gap = psprintf("%*s", n, "");
	}
	else if (space.kind == JS_STRING)
	{
		int			n = 0;
		int			bytes = 0;

		while (n < 10 && bytes < space.u.str.len)
		{
			bytes += pg_mblen(space.u.str.ptr + bytes);
			n++;
		}
		gap = pnstrdup(space.u.str.ptr, Min(bytes, space.u.str.len));
	}
	initStringInfo(&out);
	if (!js_json_stringify_gap(&out, value, gap))
		return js_undefined();
	return rr_string_from(&out);
}

/* ---------- Object ---------- */

/*
 * The members Object.keys and friends see: an object's or array's, a
 * string's characters; nothing for other primitives; null and undefined
 * throw (false).
 */
static bool
own_entries(JsValue v, JsObject **entries)
{
	if (js_is_nullish(v))
		return false;
	if (v.kind == JS_STRING)
	{
		RrObjectBuilder b;
		int			i;
		int			n;

		rr_object_init(&b, v.u.str.len);
		for (i = 0, n = 0; i < v.u.str.len; n++)
		{
			int			len = rr_char_len(v.u.str.ptr + i);
			char	   *key = psprintf("%d", n);

			rr_object_set(&b, key, strlen(key), js_string(v.u.str.ptr + i, len));
			i += len;
		}
		*entries = b.obj;
		return true;
	}
	*entries = rr_entries_view(v);
	return true;
}

/* Object.keys (what 'k'), Object.values ('v') and Object.entries ('e') */
static JsValue
object_list(RrExprEnv *env, JsValue v, char what)
{
	JsObject   *o;
	RrArrayBuilder out;
	int			i;

	if (!own_entries(v, &o))
		return throw_type_error(env);
	rr_array_init(&out, o->len);
	for (i = 0; i < o->len; i++)
	{
		JsValue		key = js_string(o->keys[i], o->keylens[i]);
		RrArrayBuilder pair;

		if (what == 'k')
			rr_array_push(&out, key);
		else if (what == 'v')
			rr_array_push(&out, o->vals[i]);
		else
		{
			rr_array_init(&pair, 2);
			rr_array_push(&pair, key);
			rr_array_push(&pair, o->vals[i]);
			rr_array_push(&out, rr_array_result(&pair));
		}
	}
	return rr_array_result(&out);
}

static JsValue
fn_object_keys(RrExprEnv *env, int nargs, const JsValue *args)
{
	return object_list(env, ARG(0), 'k');
}

static JsValue
fn_object_values(RrExprEnv *env, int nargs, const JsValue *args)
{
	return object_list(env, ARG(0), 'v');
}

static JsValue
fn_object_entries(RrExprEnv *env, int nargs, const JsValue *args)
{
	return object_list(env, ARG(0), 'e');
}

/*
 * Object.assign(target, ...sources): a new object with the members of
 * target and then of each source; target itself does not change (values
 * never do in an expression).
 */
static JsValue
fn_object_assign(RrExprEnv *env, int nargs, const JsValue *args)
{
	RrObjectBuilder out;
	int			i;

	if (js_is_nullish(ARG(0)))
		return throw_type_error(env);
	if (!rr_is_object(ARG(0)))
		rr_builtin_not_supported("Object.assign() on a target that is not an object");
	rr_object_init(&out, 0);
	for (i = 0; i < nargs; i++)
	{
		JsObject   *o;
		int			k;

		if (!own_entries(args[i], &o))
			continue;
		for (k = 0; k < o->len; k++)
			rr_object_set(&out, o->keys[k], o->keylens[k], o->vals[k]);
	}
	return rr_object_result(&out);
}

/* Object.fromEntries([[key, value], ...]) */
static JsValue
fn_object_from_entries(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsArray    *a;
	RrObjectBuilder out;
	int			i;

	if (!rr_is_array(ARG(0)))
		return throw_type_error(env);
	a = rr_array_view(ARG(0));
	rr_object_init(&out, a->len);
	for (i = 0; i < a->len; i++)
	{
		JsValue		e = a->elems[i];
		bool		type_error = false;
		JsValue		k;

		if (!rr_is_array(e) && !rr_is_object(e))
			return throw_type_error(env);
		k = js_to_string(js_get_member(e, js_number(0), &type_error));
		rr_object_set(&out, k.u.str.ptr, k.u.str.len,
					  js_get_member(e, js_number(1), &type_error));
	}
	return rr_object_result(&out);
}

static JsValue
fn_object_has_own(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsObject   *o;
	JsValue		k = js_to_string(ARG(1));
	int			i;

	if (!own_entries(ARG(0), &o))
		return throw_type_error(env);
	for (i = 0; i < o->len; i++)
	{
		if (o->keylens[i] == k.u.str.len &&
			memcmp(o->keys[i], k.u.str.ptr, k.u.str.len) == 0)
			return js_bool(true);
	}
	return js_bool(false);
}

/* ---------- Array and String ---------- */

static JsValue
fn_array_is_array(RrExprEnv *env, int nargs, const JsValue *args)
{
	return js_bool(rr_is_array(ARG(0)));
}

/*
 * Array.from(items, fn): the elements of an array, the characters of a
 * string, or an array-like's members 0 .. length - 1 ({length: 3} gives
 * three undefined), each passed through fn(element, index) when fn is
 * given.  Anything else gives [].
 */
static JsValue
fn_array_from(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		items = ARG(0);
	JsValue		fn = ARG(1);
	JsObject   *o;
	RrArrayBuilder out;
	double		len;
	int			i;

	if (fn.kind != JS_UNDEFINED && !rr_expr_callable(fn))
		return throw_type_error(env);
	if (!own_entries(items, &o))
		return throw_type_error(env);
	if (rr_is_array(items) || items.kind == JS_STRING)
		len = o->len;
	else
	{
		bool		type_error;
		double		n = js_to_number(js_get_named(items, "length", 6,
												  &type_error));

		len = isnan(n) || n <= 0 ? 0 : floor(Min(n, 9007199254740991.0));
	}
	rr_check_elements(len, "Array.from()");
	rr_array_init(&out, len);
	for (i = 0; i < (int) len; i++)
	{
		JsValue		v;

		rr_expr_step(env);
		if (rr_is_array(items) || items.kind == JS_STRING)
			v = o->vals[i];
		else
		{
			bool		type_error;
			char		key[16];

			snprintf(key, sizeof(key), "%d", i);
			v = js_get_named(items, key, strlen(key), &type_error);
		}
		if (fn.kind != JS_UNDEFINED)
		{
			JsValue		call_args[2];

			call_args[0] = v;
			call_args[1] = js_number(i);
			v = rr_expr_call(env, fn, 2, call_args);
			if (rr_expr_thrown(env))
				return js_undefined();
		}
		rr_array_push(&out, v);
	}
	return rr_array_result(&out);
}

static JsValue
fn_array_of(RrExprEnv *env, int nargs, const JsValue *args)
{
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, nargs);
	for (i = 0; i < nargs; i++)
		rr_array_push(&out, args[i]);
	return rr_array_result(&out);
}

/* String.fromCharCode(...units): UTF-16 units, a lone surrogate as U+FFFD */
static JsValue
fn_string_from_char_code(RrExprEnv *env, int nargs, const JsValue *args)
{
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	for (i = 0; i < nargs; i++)
	{
		double		d = js_to_number(args[i]);
		pg_wchar	u = isfinite(d) ? (pg_wchar) ((int64) trunc(d) & 0xFFFF) : 0;
		unsigned char buf[8];

		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < nargs)
		{
			double		d2 = js_to_number(args[i + 1]);
			pg_wchar	lo = isfinite(d2) ? (pg_wchar) ((int64) trunc(d2) & 0xFFFF) : 0;

			if (lo >= 0xDC00 && lo <= 0xDFFF)
			{
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF)
			u = 0xFFFD;
		unicode_to_utf8(u, buf);
		appendBinaryStringInfo(&out, (char *) buf, rr_char_len((char *) buf));
	}
	return rr_string_from(&out);
}

const RrFunctionImpl rr_functions[] = {
	/* JavaScript's globals */
	{NULL, "Boolean", 0, 1, fn_boolean},
	{NULL, "Number", 0, 1, fn_number},
	{NULL, "String", 0, 1, fn_string},
	{NULL, "decodeURI", 0, 1, fn_decode_uri},
	{NULL, "decodeURIComponent", 0, 1, fn_decode_uri_component},
	{NULL, "encodeURI", 0, 1, fn_encode_uri},
	{NULL, "encodeURIComponent", 0, 1, fn_encode_uri_component},
	{NULL, "isFinite", 0, 1, fn_global_is_finite},
	{NULL, "isNaN", 0, 1, fn_global_is_nan},
	{NULL, "parseFloat", 0, 1, fn_parse_float},
	{NULL, "parseInt", 0, 2, fn_parse_int},
	/* n8n's */
	{NULL, "$average", 0, -1, fn_average},
	{NULL, "$ifEmpty", 2, 2, fn_if_empty},
	{NULL, "$jsonpath", 2, 3, rr_jsonpath_query},
	{NULL, "$max", 0, -1, fn_max},
	{NULL, "$min", 0, -1, fn_min},
	{NULL, "$not", 0, 1, fn_not},
	{NULL, "average", 0, -1, fn_average},
	{NULL, "max", 0, -1, fn_max},
	{NULL, "min", 0, -1, fn_min},
	{NULL, "not", 0, 1, fn_not},
	{NULL, "numberList", 2, 2, fn_number_list},
	{NULL, "zip", 2, 2, fn_zip},
	/* Math */
	{"Math", "abs", 0, 1, fn_math_abs},
	{"Math", "acos", 0, 1, fn_math_acos},
	{"Math", "acosh", 0, 1, fn_math_acosh},
	{"Math", "asin", 0, 1, fn_math_asin},
	{"Math", "asinh", 0, 1, fn_math_asinh},
	{"Math", "atan", 0, 1, fn_math_atan},
	{"Math", "atan2", 0, 2, fn_math_atan2},
	{"Math", "atanh", 0, 1, fn_math_atanh},
	{"Math", "cbrt", 0, 1, fn_math_cbrt},
	{"Math", "ceil", 0, 1, fn_math_ceil},
	{"Math", "clz32", 0, 1, fn_math_clz32},
	{"Math", "cos", 0, 1, fn_math_cos},
	{"Math", "cosh", 0, 1, fn_math_cosh},
	{"Math", "exp", 0, 1, fn_math_exp},
	{"Math", "expm1", 0, 1, fn_math_expm1},
	{"Math", "floor", 0, 1, fn_math_floor},
	{"Math", "fround", 0, 1, fn_math_fround},
	{"Math", "hypot", 0, -1, fn_math_hypot},
	{"Math", "log", 0, 1, fn_math_log},
	{"Math", "log10", 0, 1, fn_math_log10},
	{"Math", "log1p", 0, 1, fn_math_log1p},
	{"Math", "log2", 0, 1, fn_math_log2},
	{"Math", "max", 0, -1, fn_max},
	{"Math", "min", 0, -1, fn_min},
	{"Math", "pow", 0, 2, fn_math_pow},
	{"Math", "random", 0, 0, fn_math_random},
	{"Math", "round", 0, 1, fn_math_round},
	{"Math", "sign", 0, 1, fn_math_sign},
	{"Math", "sin", 0, 1, fn_math_sin},
	{"Math", "sinh", 0, 1, fn_math_sinh},
	{"Math", "sqrt", 0, 1, fn_math_sqrt},
	{"Math", "tan", 0, 1, fn_math_tan},
	{"Math", "tanh", 0, 1, fn_math_tanh},
	{"Math", "trunc", 0, 1, fn_math_trunc},
	/* JSON */
	{"JSON", "parse", 0, 2, fn_json_parse},
	{"JSON", "stringify", 0, 3, fn_json_stringify},
	/* Object */
	{"Object", "assign", 1, -1, fn_object_assign},
	{"Object", "entries", 0, 1, fn_object_entries},
	{"Object", "fromEntries", 0, 1, fn_object_from_entries},
	{"Object", "hasOwn", 0, 2, fn_object_has_own},
	{"Object", "keys", 0, 1, fn_object_keys},
	{"Object", "values", 0, 1, fn_object_values},
	/* Array */
	{"Array", "from", 0, 2, fn_array_from},
	{"Array", "isArray", 0, 1, fn_array_is_array},
	{"Array", "of", 0, -1, fn_array_of},
	/* Number */
	{"Number", "isFinite", 0, 1, fn_is_finite},
	{"Number", "isInteger", 0, 1, fn_is_integer},
	{"Number", "isNaN", 0, 1, fn_is_nan},
	{"Number", "isSafeInteger", 0, 1, fn_is_safe_integer},
	{"Number", "parseFloat", 0, 1, fn_parse_float},
	{"Number", "parseInt", 0, 2, fn_parse_int},
	/* String */
	{"String", "fromCharCode", 0, -1, fn_string_from_char_code},
	{NULL, NULL, 0, 0, NULL}
};

static const struct
{
	const char *namespace;
	const char *name;
	double		value;
}			constants[] = {
	{"Math", "E", M_E},
	{"Math", "LN10", M_LN10},
	{"Math", "LN2", M_LN2},
	{"Math", "LOG10E", M_LOG10E},
	{"Math", "LOG2E", M_LOG2E},
	{"Math", "PI", M_PI},
	{"Math", "SQRT1_2", M_SQRT1_2},
	{"Math", "SQRT2", M_SQRT2},
	{"Number", "EPSILON", DBL_EPSILON},
	{"Number", "MAX_SAFE_INTEGER", 9007199254740991.0},
	{"Number", "MAX_VALUE", DBL_MAX},
	{"Number", "MIN_SAFE_INTEGER", -9007199254740991.0},
	{"Number", "MIN_VALUE", 4.9406564584124654e-324},
	{"Number", "NaN", NAN},
	{"Number", "NEGATIVE_INFINITY", -INFINITY},
	{"Number", "POSITIVE_INFINITY", INFINITY},
};

bool
rr_namespace_constant(const char *namespace, const char *name, JsValue *value)
{
	int			i;

	if (rr_date_constant(namespace, name, value))
		return true;
	for (i = 0; i < lengthof(constants); i++)
	{
		if (strcmp(constants[i].namespace, namespace) == 0 &&
			strcmp(constants[i].name, name) == 0)
		{
			*value = js_number(constants[i].value);
			return true;
		}
	}
	return false;
}

bool
rr_is_namespace(const char *name)
{
	static const char *const namespaces[] = {
		"Array", "Date", "DateTime", "Duration", "Interval", "JSON", "Math",
		"Number", "Object", "String"
	};
	int			i;

	for (i = 0; i < lengthof(namespaces); i++)
	{
		if (strcmp(namespaces[i], name) == 0)
			return true;
	}
	return false;
}
