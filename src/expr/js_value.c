/*-------------------------------------------------------------------------
 *
 * js_value.c
 *		JavaScript's rules for the values of {{ }} expressions: the
 *		conversions (ToNumber, ToString, ToBoolean, ToPrimitive), equality,
 *		relational comparison, arithmetic, property reads, JSON.stringify and
 *		the way to and from jsonb (src/expr/PLAN.md section 2, ECMA-262 as
 *		the reference).
 *
 * This file owns what a value is and how JavaScript converts and combines
 * values; it knows nothing of variables, methods or the syntax tree but the
 * operator codes (src/expr/ast.h).  Values read from an item are borrowed:
 * nothing here copies a string or a container out of a jsonb.  What is
 * built (strings, jsonb) is palloc'd in the current memory context.
 *
 * Strings are UTF-8 (jsonb's text); JavaScript counts and indexes them in
 * UTF-16 code units, so lengths, indexes and comparisons translate.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "expr/ast.h"
#include "expr/datetime.h"
#include "expr/js_value.h"
#include "expr/numeric_form.h"
#include "expr/regex.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

/* Every integer of magnitude up to 2^53 is exact in a double */
#define JS_2_53		9007199254740992.0

/* The largest array index plus one (ECMA-262: 2^32 - 1) */
#define JS_MAX_INDEX	4294967295.0

static const char function_text[] = "function () { [native code] }";

static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static void append_value_string(StringInfo out, JsValue v);
static bool stringify_value(StringInfo out, JsValue v, const char *gap, int depth);


/* ---------------------------------------------------------------------
 * Strings
 * ---------------------------------------------------------------------
 */

static void
string_too_long(Size len)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("string computed by an expression is too long"),
			 errdetail("The string would need %zu bytes; at most %zu are allowed.",
					   len, (Size) (MaxAllocSize - 1))));
}

/* appendBinaryStringInfo, with the limit on strings said plainly */
static inline void
append_bytes(StringInfo out, const char *p, int len)
{
	if ((Size) out->len + (Size) len >= MaxAllocSize)
		string_too_long((Size) out->len + (Size) len);
	appendBinaryStringInfo(out, p, len);
}

static inline void
append_cstring(StringInfo out, const char *s)
{
	append_bytes(out, s, strlen(s));
}

/*
 * The code point at p and its length in bytes.  Strings are valid UTF-8
 * (jsonb checks its text); a truncated sequence at end is taken as it is.
 */
static inline uint32
utf8_decode(const unsigned char *p, const unsigned char *end, int *width)
{
	unsigned char c = p[0];
	int			w;
	uint32		cp;

	if (c < 0x80)
	{
		*width = 1;
		return c;
	}
	if (c < 0xE0)
	{
		w = 2;
		cp = c & 0x1F;
	}
	else if (c < 0xF0)
	{
		w = 3;
		cp = c & 0x0F;
	}
	else
	{
		w = 4;
		cp = c & 0x07;
	}
	if (end - p < w)
		w = end - p;
	for (int i = 1; i < w; i++)
		cp = (cp << 6) | (p[i] & 0x3F);
	*width = w;
	return cp;
}

/* The first UTF-16 code unit of a code point */
static inline uint32
utf16_first_unit(uint32 cp)
{
	return cp < 0x10000 ? cp : 0xD800 + ((cp - 0x10000) >> 10);
}

int
js_string_length(JsValue s)
{
	const unsigned char *p = (const unsigned char *) s.u.str.ptr;
	int			units = s.u.str.len;

	Assert(s.kind == JS_STRING);

	/*
	 * One unit per byte, less one per continuation byte, plus one per
	 * 4-byte lead (a character beyond the BMP is a surrogate pair).
	 */
	for (int i = 0; i < s.u.str.len; i++)
	{
		if (p[i] >= 0x80)
		{
			if ((p[i] & 0xC0) == 0x80)
				units--;
			else if (p[i] >= 0xF0)
				units++;
		}
	}
	return units;
}

/*
 * The UTF-16 code unit idx of s, as a string.  A lone surrogate cannot be
 * UTF-8 (nor jsonb text), so for a character beyond the BMP the index of
 * its high surrogate gives the whole character and the index of its low
 * surrogate an empty string.  Borrowed from s.
 */
static JsValue
string_unit_at(JsValue s, int64 idx)
{
	const unsigned char *p = (const unsigned char *) s.u.str.ptr;
	const unsigned char *end = p + s.u.str.len;
	int64		unit = 0;

	while (p < end)
	{
		int			w;
		uint32		cp;

		if (*p < 0x80)
		{
			if (unit == idx)
				return js_string((const char *) p, 1);
			p++;
			unit++;
			continue;
		}
		cp = utf8_decode(p, end, &w);
		if (unit == idx)
			return js_string((const char *) p, w);
		if (cp >= 0x10000 && ++unit == idx)
			return js_string("", 0);
		p += w;
		unit++;
	}
	return js_undefined();
}

/*
 * Compare two strings by UTF-16 code units, as JavaScript does: UTF-8
 * bytes order code points, which is the same but for a character between
 * U+E000 and U+FFFF against one beyond the BMP (a surrogate, 0xD800..,
 * comes first in UTF-16).
 */
static int
string_compare(JsValue a, JsValue b)
{
	const unsigned char *pa = (const unsigned char *) a.u.str.ptr;
	const unsigned char *pb = (const unsigned char *) b.u.str.ptr;
	int			n = Min(a.u.str.len, b.u.str.len);
	int			i = 0;
	int			w;
	uint32		ca;
	uint32		cb;

	while (i < n && pa[i] == pb[i])
		i++;
	if (i == n)
		return (a.u.str.len > b.u.str.len) - (a.u.str.len < b.u.str.len);
	if (pa[i] < 0x80 && pb[i] < 0x80)
		return pa[i] < pb[i] ? -1 : 1;

	/* both differ within the character starting at the same offset */
	while (i > 0 && (pa[i] & 0xC0) == 0x80)
		i--;
	ca = utf8_decode(pa + i, pa + a.u.str.len, &w);
	cb = utf8_decode(pb + i, pb + b.u.str.len, &w);
	if (utf16_first_unit(ca) != utf16_first_unit(cb))
		return utf16_first_unit(ca) < utf16_first_unit(cb) ? -1 : 1;
	return ca < cb ? -1 : (ca > cb);
}

/* Narrow [*start, *end) to leave out JavaScript white space at both ends */
static void
trim_js_space(const unsigned char **start, const unsigned char **end)
{
	const unsigned char *p = *start;
	const unsigned char *e = *end;
	int			w;

	while (p < e && js_is_space(utf8_decode(p, e, &w)))
		p += w;
	while (e > p)
	{
		const unsigned char *c = e - 1;

		while (c > p && (*c & 0xC0) == 0x80)
			c--;
		if (!js_is_space(utf8_decode(c, e, &w)))
			break;
		e = c;
	}
	*start = p;
	*end = e;
}


/* ---------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------
 */

/*
 * A short numeric whose value is an integer M of at most 2^53 times a power
 * of ten within 10^+-22 converts exactly with one multiplication or division
 * (both operands exact, one rounding: Clinger's fast path).  *short_digits
 * says whether M < 10^15, so that the shortest digits of the double are the
 * numeric's own.  False when the slow path is needed.
 */
static bool
numeric_to_double_fast(Numeric num, double *result, bool *short_digits)
{
	RrNumericForm form;
	int			exp10;
	uint64		m = 0;
	double		d;

	/* short numerics, nearly every number an item holds */
	if (!rr_numeric_form(VARDATA_ANY(num), VARSIZE_ANY_EXHDR(num), &form) ||
		!form.short_form || form.ndigits > 4)
		return false;
	for (int i = 0; i < form.ndigits; i++)
		m = m * RR_NUMERIC_NBASE + rr_numeric_digit(&form, i);
	if (m > (uint64) JS_2_53)
		return false;
	exp10 = 4 * (form.weight - form.ndigits + 1);
	if (form.ndigits == 0)
		d = 0;
	else if (exp10 >= 0 && exp10 <= 22)
		d = (double) m * exact_pow10[exp10];
	else if (exp10 < 0 && exp10 >= -22)
		d = (double) m / exact_pow10[-exp10];
	else
		return false;
	*result = form.sign == RR_NUMERIC_NEG ? -d : d;
	*short_digits = m < UINT64CONST(1000000000000000);
	return true;
}

/* A jsonb number as JavaScript reads it from the JSON text */
static double
numeric_to_double(Numeric num)
{
	double		d;
	bool		short_digits;
	char	   *text;

	if (numeric_to_double_fast(num, &d, &short_digits))
		return d;
	/* numeric_out is plain decimal; strtod rounds correctly, overflows to inf */
	text = DatumGetCString(DirectFunctionCall1(numeric_out,
											   NumericGetDatum(num)));
	d = strtod(text, NULL);
	pfree(text);
	return d;
}

/* ToNumber of "0x..", "0o..", "0b.." digits: exact, rounded to even */
static double
radix_to_number(const unsigned char *p, const unsigned char *end, int bits)
{
	uint64		m = 0;
	int			shift = 0;
	bool		sticky = false;
	int			nbits;

	if (p == end)
		return get_float8_nan();
	for (; p < end; p++)
	{
		int			digit = js_hex_digit((char) *p);

		if (digit < 0 || digit >= (1 << bits))
			return get_float8_nan();
		if (m < (UINT64CONST(1) << 60))
			m = (m << bits) | digit;
		else
		{
			/* 61 bits or more kept: the rest only scales and rounds */
			if (shift < 2048)	/* beyond 2^1024 already: Infinity */
				shift += bits;
			sticky |= digit != 0;
		}
	}
	nbits = 0;
	while (nbits < 64 && (m >> nbits) != 0)
		nbits++;
	if (nbits > 53)
	{
		int			drop = nbits - 53;
		uint64		lower = m & ((UINT64CONST(1) << drop) - 1);
		uint64		half = UINT64CONST(1) << (drop - 1);

		m >>= drop;
		shift += drop;
		if (lower > half || (lower == half && (sticky || (m & 1))))
			m++;
	}
	return ldexp((double) m, shift);
}

/*
 * ToNumber of a string (ECMA-262 StringToNumber): white space trimmed,
 * "" is 0, 0x/0o/0b integers, [+-]Infinity, decimals with an exponent;
 * anything else (12px, inf, 0x1p3, 1_000) is NaN.
 */
static double
string_to_number(const char *s, int len)
{
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;
	const unsigned char *q;
	int			digits = 0;
	char		buf[64];
	char	   *text;
	double		d;

	trim_js_space(&p, &end);
	if (p == end)
		return 0;
	if (end - p > 2 && p[0] == '0')
	{
		if (p[1] == 'x' || p[1] == 'X')
			return radix_to_number(p + 2, end, 4);
		if (p[1] == 'o' || p[1] == 'O')
			return radix_to_number(p + 2, end, 3);
		if (p[1] == 'b' || p[1] == 'B')
			return radix_to_number(p + 2, end, 1);
	}

	/* StrDecimalLiteral */
	q = p;
	if (*q == '+' || *q == '-')
		q++;
	if (end - q == 8 && memcmp(q, "Infinity", 8) == 0)
		return *p == '-' ? -get_float8_infinity() : get_float8_infinity();
	for (; q < end && *q >= '0' && *q <= '9'; q++)
		digits++;
	if (q < end && *q == '.')
		for (q++; q < end && *q >= '0' && *q <= '9'; q++)
			digits++;
	if (digits == 0)
		return get_float8_nan();
	if (q < end && (*q == 'e' || *q == 'E'))
	{
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (q == end || *q < '0' || *q > '9')
			return get_float8_nan();
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q != end)
		return get_float8_nan();

	/* checked: strtod sees a plain decimal (LC_NUMERIC is C in a backend) */
	text = (end - p < (int) sizeof(buf)) ? buf : palloc(end - p + 1);
	memcpy(text, p, end - p);
	text[end - p] = '\0';
	d = strtod(text, NULL);
	if (text != buf)
		pfree(text);
	return d;
}

/*
 * The significant digits of a decimal text "[-]ddd[.ddd][e[+-]dd]" into
 * digits (room for strlen(s) bytes): *k of them, the value being
 * 0.DIGITS * 10^*n, *k = 0 for zero.  Returns whether it is negative.
 */
static bool
decimal_digits(const char *s, char *digits, int *k, int *n)
{
	bool		neg = false;
	int			lead = 0;		/* zeros before the first nonzero digit */
	int			count = 0;		/* digits from the first nonzero one */
	int			total = 0;		/* digits read */
	int			intlen = -1;	/* digits before the point */

	if (*s == '-')
	{
		neg = true;
		s++;
	}
	for (; *s; s++)
	{
		if (*s == '.')
			intlen = total;
		else if (*s >= '0' && *s <= '9')
		{
			total++;
			if (count > 0 || *s != '0')
				digits[count++] = *s;
			else
				lead++;
		}
		else
			break;
	}
	if (intlen < 0)
		intlen = total;
	while (count > 0 && digits[count - 1] == '0')
		count--;
	*k = count;
	*n = 0;
	if (count == 0)
		return neg;

	/* 0.ALLDIGITS * 10^intlen, one power less per leading zero dropped */
	*n = intlen - lead;
	if (*s == 'e' || *s == 'E')
		*n += atoi(s + 1);
	return neg;
}

/*
 * The layout of Number::toString (ECMA-262 6.1.6.1.20) for the value
 * 0.DIGITS * 10^n with k significant digits.
 */
static void
append_js_decimal(StringInfo out, bool neg, const char *digits, int k, int n)
{
	if (k == 0)
	{
		append_bytes(out, "0", 1);
		return;
	}
	if (neg)
		append_bytes(out, "-", 1);
	if (k <= n && n <= 21)
	{
		append_bytes(out, digits, k);
		for (int i = k; i < n; i++)
			append_bytes(out, "0", 1);
	}
	else if (0 < n && n <= 21)
	{
		append_bytes(out, digits, n);
		append_bytes(out, ".", 1);
		append_bytes(out, digits + n, k - n);
	}
	else if (-6 < n && n <= 0)
	{
		append_bytes(out, "0.", 2);
		for (int i = n; i < 0; i++)
			append_bytes(out, "0", 1);
		append_bytes(out, digits, k);
	}
	else
	{
		char		exp[16];

		append_bytes(out, digits, 1);
		if (k > 1)
		{
			append_bytes(out, ".", 1);
			append_bytes(out, digits + 1, k - 1);
		}
		snprintf(exp, sizeof(exp), "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
		append_cstring(out, exp);
	}
}

/*
 * The shortest decimal digits of d that read back as d (Number::toString's
 * digits), into buf (DOUBLE_SHORTEST_DECIMAL_LEN bytes) as "7e+22".
 * PostgreSQL's shortest output gives 16 or 17 digits for some doubles
 * that fewer digits name (7e22 as 7.0000000000000004e+22, 6.12602652166159e16
 * as 6.1260265216615904e+16): then 15 and 16 digits, correctly rounded,
 * are tried first.  Any representation of at most 15 digits that reads
 * back is what 15 correctly rounded digits show once their trailing zeros
 * go, since it lies within half a unit in the last place of d.
 */
static void
shortest_digits(double d, char *buf)
{
	int			digits;

	double_to_shortest_decimal_buf(d, buf);
	digits = 0;
	for (const char *c = buf; *c != '\0' && *c != 'e'; c++)
		digits += (*c >= '0' && *c <= '9');
	for (int precision = 15; precision < Min(digits, 17); precision++)
	{
		char		shorter[DOUBLE_SHORTEST_DECIMAL_LEN + 8];

		char	   *e;
		char	   *end;

		snprintf(shorter, sizeof(shorter), "%.*e", precision - 1, d);
		if (strtod(shorter, NULL) != d)
			continue;
		/* "7.00000000000000e+22" as "7e+22" */
		e = strchr(shorter, 'e');
		for (end = e; end[-1] == '0'; end--)
			;
		if (end[-1] == '.')
			end--;
		memmove(end, e, strlen(e) + 1);
		if (strlen(shorter) < DOUBLE_SHORTEST_DECIMAL_LEN)
			strcpy(buf, shorter);
		return;
	}
}

void
js_append_number(StringInfo out, double d)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			k;
	int			n;
	bool		neg;

	if (isnan(d))
		append_bytes(out, "NaN", 3);
	else if (isinf(d))
		append_cstring(out, d > 0 ? "Infinity" : "-Infinity");
	else if (fabs(d) < JS_2_53 && d == trunc(d))
	{
		/* an integer is its own shortest digits; -0 prints "0" */
		int			len = pg_lltoa((int64) d, buf);

		append_bytes(out, buf, len);
	}
	else
	{
		shortest_digits(d, buf);
		neg = decimal_digits(buf, digits, &k, &n);
		append_js_decimal(out, neg, digits, k, n);
	}
}

/*
 * ToString of a jsonb number: Number::toString's layout of the number's
 * own decimal digits.  That is JavaScript's text for every number written
 * in its shortest form (any number of up to 15 significant digits, and
 * whatever JavaScript itself wrote); a number with more digits than a
 * double holds keeps them (12345678901234567890, not JavaScript's
 * 12345678901234567000: PLAN.md 2.2).
 */
static void
append_numeric(StringInfo out, Numeric num)
{
	double		d;
	bool		short_digits;
	char	   *text;
	char	   *digits;
	int			k;
	int			n;
	bool		neg;

	if (numeric_to_double_fast(num, &d, &short_digits) && short_digits)
	{
		js_append_number(out, d);
		return;
	}
	text = DatumGetCString(DirectFunctionCall1(numeric_out,
											   NumericGetDatum(num)));
	digits = palloc(strlen(text) + 1);
	neg = decimal_digits(text, digits, &k, &n);
	append_js_decimal(out, neg, digits, k, n);
	pfree(digits);
	pfree(text);
}

/* double -> numeric: exact below 2^53, else the shortest round-trip digits */
static Numeric
double_to_numeric(double d)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	Assert(isfinite(d));
	if (fabs(d) < JS_2_53 && d == trunc(d))
		return int64_to_numeric((int64) d);
	shortest_digits(d, buf);
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(buf),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* ToInt32 (ECMA-262 7.1.6); ToUint32 is the same bits */
static int32
to_int32(double d)
{
	if (!isfinite(d))
		return 0;
	d = trunc(d);
	if (d >= PG_INT32_MIN && d <= PG_INT32_MAX)
		return (int32) d;
	d = fmod(d, 4294967296.0);
	if (d < 0)
		d += 4294967296.0;
	return (int32) (uint32) d;
}

/* Number::exponentiate: C's pow but for 1 ** NaN and (+-1) ** +-Infinity */
static double
js_pow(double x, double y)
{
	if (isnan(y))
		return get_float8_nan();
	if (isinf(y) && fabs(x) == 1)
		return get_float8_nan();
	return pow(x, y);
}


/* ---------------------------------------------------------------------
 * jsonb
 * ---------------------------------------------------------------------
 */

JsValue
js_cstring(const char *s)
{
	return js_string(s, strlen(s));
}

JsValue
js_from_jsonb_value(const JsonbValue *jbv)
{
	JsValue		v;

	switch (jbv->type)
	{
		case jbvNull:
			return js_null();
		case jbvBool:
			return js_bool(jbv->val.boolean);
		case jbvNumeric:
			v.kind = JS_NUMERIC;
			v.u.numeric = jbv->val.numeric;
			return v;
		case jbvString:
			return js_string(jbv->val.string.val, jbv->val.string.len);
		case jbvBinary:
			if (JsonContainerIsScalar(jbv->val.binary.data))
			{
				JsonbValue	scalar;

				JsonbExtractScalar(jbv->val.binary.data, &scalar);
				return js_from_jsonb_value(&scalar);
			}
			v.kind = JS_JSONB;
			v.u.jc = jbv->val.binary.data;
			return v;
		case jbvArray:
		case jbvObject:
			/* an in-memory container: serialise it once */
			return js_from_jsonb(JsonbValueToJsonb(unconstify(JsonbValue *, jbv)));
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) jbv->type);
	}
	return js_undefined();		/* keep the compiler quiet */
}

JsValue
js_from_jsonb(Jsonb *jsonb)
{
	JsValue		v;

	if (JB_ROOT_IS_SCALAR(jsonb))
	{
		JsonbValue	scalar;

		JsonbExtractScalar(&jsonb->root, &scalar);
		return js_from_jsonb_value(&scalar);
	}
	v.kind = JS_JSONB;
	v.u.jc = &jsonb->root;
	return v;
}

/* The bytes a container occupies: header, entries and children's data */
static int
container_size(JsonbContainer *jc)
{
	int			nentries = JsonContainerSize(jc);

	if (JsonContainerIsObject(jc))
		nentries *= 2;
	return offsetof(JsonbContainer, children) + nentries * sizeof(JEntry) +
		(nentries > 0 ? getJsonbOffset(jc, nentries - 1) +
		 getJsonbLength(jc, nentries - 1) : 0);
}

/* Push a built value (or any value) into a jsonb being built */
static JsonbValue *
push_value(JsonbParseState **state, JsonbIteratorToken seq, JsValue v)
{
	JsonbValue *res;

	check_stack_depth();
	if (v.kind == JS_ARRAY)
	{
		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		for (int i = 0; i < v.u.arr->len; i++)
			push_value(state, WJB_ELEM, v.u.arr->elems[i]);
		return pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}
	if (v.kind == JS_OBJECT)
	{
		JsObject   *obj = v.u.obj;

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		for (int i = 0; i < obj->len; i++)
		{
			JsonbValue	key;

			if (obj->vals[i].kind == JS_UNDEFINED ||
				obj->vals[i].kind == JS_FUNCTION)
				continue;
			key.type = jbvString;
			key.val.string.val = unconstify(char *, obj->keys[i]);
			key.val.string.len = obj->keylens[i];
			pushJsonbValue(state, WJB_KEY, &key);
			push_value(state, WJB_VALUE, obj->vals[i]);
		}
		return pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	res = js_to_jsonb_value(v);
	if (res == NULL)
	{
		/* undefined or a function as an array element: null */
		res = palloc(sizeof(JsonbValue));
		res->type = jbvNull;
	}
	return pushJsonbValue(state, seq, res);
}

JsonbValue *
js_to_jsonb_value(JsValue v)
{
	JsonbValue *res;

	if (v.kind == JS_UNDEFINED || v.kind == JS_FUNCTION)
		return NULL;
	if (v.kind == JS_REGEXP)
	{
		/* a RegExp has no enumerable members: {} */
		v.kind = JS_OBJECT;
		v.u.obj = palloc0(sizeof(JsObject));
	}
	res = palloc(sizeof(JsonbValue));
	switch (v.kind)
	{
		case JS_NULL:
			res->type = jbvNull;
			break;
		case JS_BOOL:
			res->type = jbvBool;
			res->val.boolean = v.u.b;
			break;
		case JS_NUMBER:
			if (!isfinite(v.u.num))
				res->type = jbvNull;
			else
			{
				res->type = jbvNumeric;
				res->val.numeric = double_to_numeric(v.u.num);
			}
			break;
		case JS_NUMERIC:
			res->type = jbvNumeric;
			res->val.numeric = v.u.numeric;
			break;
		case JS_STRING:
			res->type = jbvString;
			res->val.string.val = unconstify(char *, v.u.str.ptr);
			res->val.string.len = v.u.str.len;
			break;
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
		case JS_INTERVAL:
			{
				/* toJSON: toISO, toISOString, toISO; null when invalid */
				StringInfoData text;

				initStringInfo(&text);
				if (rr_date_append(&text, v, true))
				{
					res->type = jbvString;
					res->val.string.val = text.data;
					res->val.string.len = text.len;
				}
				else
					res->type = jbvNull;
				break;
			}
		case JS_JSONB:
			res->type = jbvBinary;
			res->val.binary.data = v.u.jc;
			res->val.binary.len = container_size(v.u.jc);
			break;
		case JS_ARRAY:
		case JS_OBJECT:
			{
				/* built once, handed on as a container like an item's */
				JsonbParseState *state = NULL;
				Jsonb	   *jsonb;

				jsonb = JsonbValueToJsonb(push_value(&state, WJB_VALUE, v));
				rr_jsonb_value(jsonb, res);
				break;
			}
		case JS_UNDEFINED:
		case JS_FUNCTION:
		case JS_REGEXP:
			break;				/* returned or replaced above */
	}
	return res;
}


/* ---------------------------------------------------------------------
 * Conversions
 * ---------------------------------------------------------------------
 */

static inline bool
is_number(JsValue v)
{
	return v.kind == JS_NUMBER || v.kind == JS_NUMERIC;
}

static inline bool
is_object(JsValue v)
{
	return v.kind == JS_JSONB || v.kind == JS_ARRAY || v.kind == JS_OBJECT ||
		v.kind == JS_FUNCTION || v.kind == JS_REGEXP || v.kind == JS_DATETIME ||
		v.kind == JS_DATE || v.kind == JS_DURATION || v.kind == JS_INTERVAL;
}

static inline bool
is_array(JsValue v)
{
	return v.kind == JS_ARRAY ||
		(v.kind == JS_JSONB && JsonContainerIsArray(v.u.jc));
}

/* Array.prototype.join(","): null and undefined elements are "" */
static void
append_join(StringInfo out, JsValue v)
{
	check_stack_depth();
	if (v.kind == JS_ARRAY)
	{
		for (int i = 0; i < v.u.arr->len; i++)
		{
			if (i > 0)
				append_bytes(out, ",", 1);
			if (!js_is_nullish(v.u.arr->elems[i]))
				append_value_string(out, v.u.arr->elems[i]);
		}
	}
	else
	{
		JsonbIterator *it = JsonbIteratorInit(v.u.jc);
		JsonbValue	jv;
		JsonbIteratorToken tok;
		bool		first = true;

		while ((tok = JsonbIteratorNext(&it, &jv, true)) != WJB_DONE)
		{
			if (tok != WJB_ELEM)
				continue;
			if (!first)
				append_bytes(out, ",", 1);
			first = false;
			if (jv.type != jbvNull)
				append_value_string(out, js_from_jsonb_value(&jv));
		}
	}
}

/* ToString(v) appended to out */
static void
append_value_string(StringInfo out, JsValue v)
{
	switch (v.kind)
	{
		case JS_UNDEFINED:
			append_bytes(out, "undefined", 9);
			break;
		case JS_NULL:
			append_bytes(out, "null", 4);
			break;
		case JS_BOOL:
			append_cstring(out, v.u.b ? "true" : "false");
			break;
		case JS_NUMBER:
			js_append_number(out, v.u.num);
			break;
		case JS_NUMERIC:
			append_numeric(out, v.u.numeric);
			break;
		case JS_STRING:
			append_bytes(out, v.u.str.ptr, v.u.str.len);
			break;
		case JS_JSONB:
		case JS_ARRAY:
		case JS_OBJECT:
			if (is_array(v))
				append_join(out, v);
			else
				append_bytes(out, "[object Object]", 15);
			break;
		case JS_FUNCTION:
			/* the evaluator keeps no source text: a builtin's form */
			append_cstring(out, function_text);
			break;
		case JS_REGEXP:
			rr_regex_append_string(out, v.u.regex);
			break;
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
		case JS_INTERVAL:
			/* toISO(), Date's toString(), toISO(); "Invalid DateTime" */
			rr_date_append(out, v, false);
			break;
	}
}

void
js_append_string(StringInfo out, JsValue v)
{
	append_value_string(out, v);
}

JsValue
js_to_string(JsValue v)
{
	StringInfoData buf;

	switch (v.kind)
	{
		case JS_STRING:
			return v;
		case JS_UNDEFINED:
			return js_string("undefined", 9);
		case JS_NULL:
			return js_string("null", 4);
		case JS_BOOL:
			return v.u.b ? js_string("true", 4) : js_string("false", 5);
		default:
			break;
	}
	if ((v.kind == JS_JSONB || v.kind == JS_OBJECT) && !is_array(v))
		return js_string("[object Object]", 15);

	/* mostly a number: start smaller than initStringInfo's 1 kB */
	buf.maxlen = 32;
	buf.data = palloc(buf.maxlen);
	buf.len = 0;
	buf.data[0] = '\0';
	buf.cursor = 0;
	append_value_string(&buf, v);
	return js_string(buf.data, buf.len);
}

/*
 * ToPrimitive: objects and arrays have no valueOf of their own, so every
 * hint gives their toString (arrays joined, objects "[object Object]").
 * Luxon's DateTime and Duration have one (milliseconds), which hints
 * number and default take; a Date takes it for number only.
 */
JsValue
js_to_primitive(JsValue v, char hint)
{
	if (!is_object(v))
		return v;
	if ((v.kind == JS_DATETIME || v.kind == JS_DURATION) && hint != 's')
		return js_number(js_to_number(v));
	if (v.kind == JS_DATE && hint == 'n')
		return js_number(v.u.dt->ms);
	return js_to_string(v);
}

double
js_to_number(JsValue v)
{
	switch (v.kind)
	{
		case JS_UNDEFINED:
			return get_float8_nan();
		case JS_NULL:
			return 0;
		case JS_BOOL:
			return v.u.b ? 1 : 0;
		case JS_NUMBER:
			return v.u.num;
		case JS_NUMERIC:
			return numeric_to_double(v.u.numeric);
		case JS_STRING:
			return string_to_number(v.u.str.ptr, v.u.str.len);
		case JS_JSONB:
		case JS_ARRAY:
			if (is_array(v))
			{
				JsValue		s = js_to_string(v);

				return string_to_number(s.u.str.ptr, s.u.str.len);
			}
			return get_float8_nan();
		case JS_OBJECT:
		case JS_FUNCTION:
		case JS_REGEXP:
			return get_float8_nan();
		case JS_DATETIME:
		case JS_DATE:
			return v.u.dt->ms;
		case JS_DURATION:
			return rr_duration_to_millis(v.u.dur);
		case JS_INTERVAL:
			return get_float8_nan();	/* no valueOf: its text */
	}
	return get_float8_nan();
}

bool
js_to_boolean(JsValue v)
{
	switch (v.kind)
	{
		case JS_UNDEFINED:
		case JS_NULL:
			return false;
		case JS_BOOL:
			return v.u.b;
		case JS_NUMBER:
		case JS_NUMERIC:
			{
				double		d = js_to_number(v);

				return d != 0 && !isnan(d);
			}
		case JS_STRING:
			return v.u.str.len > 0;
		case JS_JSONB:
		case JS_ARRAY:
		case JS_OBJECT:
		case JS_FUNCTION:
		case JS_REGEXP:
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
		case JS_INTERVAL:
			return true;
	}
	return true;
}

const char *
js_typeof(JsValue v)
{
	switch (v.kind)
	{
		case JS_UNDEFINED:
			return "undefined";
		case JS_BOOL:
			return "boolean";
		case JS_NUMBER:
		case JS_NUMERIC:
			return "number";
		case JS_STRING:
			return "string";
		case JS_FUNCTION:
			return "function";
		case JS_NULL:
		case JS_JSONB:
		case JS_ARRAY:
		case JS_OBJECT:
		case JS_REGEXP:
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
		case JS_INTERVAL:
			return "object";
	}
	return "object";
}


/* ---------------------------------------------------------------------
 * Operators
 * ---------------------------------------------------------------------
 */

bool
js_strict_equals(JsValue a, JsValue b)
{
	if (is_number(a) && is_number(b))
	{
		if (a.kind == JS_NUMBER && b.kind == JS_NUMBER)
			return a.u.num == b.u.num;
		return js_to_number(a) == js_to_number(b);
	}
	if (a.kind != b.kind)
		return false;
	switch (a.kind)
	{
		case JS_UNDEFINED:
		case JS_NULL:
			return true;
		case JS_BOOL:
			return a.u.b == b.u.b;
		case JS_STRING:
			return a.u.str.len == b.u.str.len &&
				memcmp(a.u.str.ptr, b.u.str.ptr, a.u.str.len) == 0;
		case JS_JSONB:
			return a.u.jc == b.u.jc;
		case JS_ARRAY:
			return a.u.arr == b.u.arr;
		case JS_OBJECT:
			return a.u.obj == b.u.obj;
		case JS_FUNCTION:
			return a.u.fn == b.u.fn;
		case JS_REGEXP:
			return a.u.regex == b.u.regex;
		case JS_DATETIME:
		case JS_DATE:
			return a.u.dt == b.u.dt;
		case JS_DURATION:
			return a.u.dur == b.u.dur;
		case JS_INTERVAL:
			return a.u.iv == b.u.iv;
		case JS_NUMBER:
		case JS_NUMERIC:
			break;				/* done above */
	}
	return false;
}

bool
js_loose_equals(JsValue a, JsValue b)
{
	for (;;)
	{
		if (a.kind == b.kind || (is_number(a) && is_number(b)))
			return js_strict_equals(a, b);
		if (js_is_nullish(a) || js_is_nullish(b))
			return js_is_nullish(a) && js_is_nullish(b);
		if (is_number(a) && b.kind == JS_STRING)
			return js_to_number(a) == js_to_number(b);
		if (a.kind == JS_STRING && is_number(b))
			return js_to_number(a) == js_to_number(b);
		if (a.kind == JS_BOOL)
			a = js_number(a.u.b ? 1 : 0);
		else if (b.kind == JS_BOOL)
			b = js_number(b.u.b ? 1 : 0);
		else if (is_object(a) && !is_object(b))
			a = js_to_primitive(a, 'd');
		else if (is_object(b) && !is_object(a))
			b = js_to_primitive(b, 'd');
		else
			return false;		/* two objects of different kinds */
	}
}

bool
js_compare(int op, JsValue a, JsValue b)
{
	int			c;

	a = js_to_primitive(a, 'n');
	b = js_to_primitive(b, 'n');
	if (a.kind == JS_STRING && b.kind == JS_STRING)
		c = string_compare(a, b);
	else
	{
		double		x = js_to_number(a);
		double		y = js_to_number(b);

		if (isnan(x) || isnan(y))
			return false;
		c = (x > y) - (x < y);
	}
	switch (op)
	{
		case RR_OP_LT:
			return c < 0;
		case RR_OP_LE:
			return c <= 0;
		case RR_OP_GT:
			return c > 0;
		case RR_OP_GE:
			return c >= 0;
	}
	elog(ERROR, "unexpected comparison operator %d", op);
	return false;				/* keep the compiler quiet */
}

/* a + b once either primitive is a string */
static JsValue
concatenate(JsValue a, JsValue b)
{
	StringInfoData buf;
	char	   *p;
	Size		len;

	if (a.kind == JS_STRING && b.kind == JS_STRING)
	{
		if (a.u.str.len == 0)
			return b;
		if (b.u.str.len == 0)
			return a;
		len = (Size) a.u.str.len + (Size) b.u.str.len;
		if (len >= MaxAllocSize)
			string_too_long(len);
		p = palloc(len);
		memcpy(p, a.u.str.ptr, a.u.str.len);
		memcpy(p + a.u.str.len, b.u.str.ptr, b.u.str.len);
		return js_string(p, (int) len);
	}
	initStringInfo(&buf);
	append_value_string(&buf, a);
	append_value_string(&buf, b);
	return js_string(buf.data, buf.len);
}

JsValue
js_arithmetic(int op, JsValue a, JsValue b)
{
	double		x;
	double		y;

	if (op == RR_OP_ADD)
	{
		if (a.kind == JS_NUMBER && b.kind == JS_NUMBER)
			return js_number(a.u.num + b.u.num);
		a = js_to_primitive(a, 'd');
		b = js_to_primitive(b, 'd');
		if (a.kind == JS_STRING || b.kind == JS_STRING)
			return concatenate(a, b);
		return js_number(js_to_number(a) + js_to_number(b));
	}
	x = js_to_number(a);
	y = js_to_number(b);
	switch (op)
	{
		case RR_OP_SUB:
			return js_number(x - y);
		case RR_OP_MUL:
			return js_number(x * y);
		case RR_OP_DIV:
			return js_number(x / y);
		case RR_OP_MOD:
			return js_number(fmod(x, y));
		case RR_OP_POW:
			return js_number(js_pow(x, y));
		case RR_OP_BITAND:
			return js_number(to_int32(x) & to_int32(y));
		case RR_OP_BITOR:
			return js_number(to_int32(x) | to_int32(y));
		case RR_OP_BITXOR:
			return js_number(to_int32(x) ^ to_int32(y));
		case RR_OP_SHL:
			return js_number((int32) ((uint32) to_int32(x) <<
									  ((uint32) to_int32(y) & 31)));
		case RR_OP_SHR:
			return js_number(to_int32(x) >> ((uint32) to_int32(y) & 31));
		case RR_OP_USHR:
			return js_number((uint32) to_int32(x) >>
							 ((uint32) to_int32(y) & 31));
	}
	elog(ERROR, "unexpected arithmetic operator %d", op);
	return js_undefined();		/* keep the compiler quiet */
}


/* ---------------------------------------------------------------------
 * Properties
 * ---------------------------------------------------------------------
 */

/* A canonical array index ("0", "17"; not "01", "1.0", "-1"), or -1 */
static int64
string_index(const char *s, int len)
{
	int64		idx = 0;

	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return -1;
	for (int i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		idx = idx * 10 + (s[i] - '0');
	}
	return idx < (int64) JS_MAX_INDEX ? idx : -1;
}

/* A number that is an array index, or -1 */
static int64
number_index(double d)
{
	if (d >= 0 && d < JS_MAX_INDEX && d == trunc(d))
		return (int64) d;
	return -1;
}

static inline bool
is_length(const char *name, int len)
{
	return len == 6 && memcmp(name, "length", 6) == 0;
}

/* Element idx of an array or unit idx of a string; undefined out of range */
static JsValue
get_index(JsValue base, int64 idx)
{
	if (base.kind == JS_STRING)
		return string_unit_at(base, idx);
	if (base.kind == JS_ARRAY)
		return idx < base.u.arr->len ? base.u.arr->elems[idx] : js_undefined();
	if (idx < JsonContainerSize(base.u.jc))
	{
		JsonbValue *jv = getIthJsonbValueFromContainer(base.u.jc, (uint32) idx);
		JsValue		res = js_from_jsonb_value(jv);

		pfree(jv);
		return res;
	}
	return js_undefined();
}

/* The value of a built object's key; the last of equal keys wins */
static bool
object_lookup(JsObject *obj, const char *name, int len, JsValue *res)
{
	for (int i = obj->len - 1; i >= 0; i--)
	{
		if (obj->keylens[i] == len && memcmp(obj->keys[i], name, len) == 0)
		{
			*res = obj->vals[i];
			return true;
		}
	}
	return false;
}

JsValue
js_get_named(JsValue base, const char *name, int len, bool *type_error)
{
	int64		idx;
	JsValue		res;

	switch (base.kind)
	{
		case JS_UNDEFINED:
		case JS_NULL:
			*type_error = true;
			return js_undefined();
		case JS_JSONB:
			if (JsonContainerIsObject(base.u.jc))
			{
				JsonbValue	jv;

				if (getKeyJsonValueFromContainer(base.u.jc, name, len, &jv))
					return js_from_jsonb_value(&jv);
				return js_undefined();
			}
			if (is_length(name, len))
				return js_number(JsonContainerSize(base.u.jc));
			break;
		case JS_ARRAY:
			if (is_length(name, len))
				return js_number(base.u.arr->len);
			if (base.u.arr->props != NULL &&
				object_lookup(base.u.arr->props, name, len, &res))
				return res;
			break;
		case JS_STRING:
			if (is_length(name, len))
				return js_number(js_string_length(base));
			break;
		case JS_OBJECT:
			if (object_lookup(base.u.obj, name, len, &res))
				return res;
			return js_undefined();
		case JS_REGEXP:
			if (rr_regex_property(base.u.regex, name, len, &res))
				return res;
			return js_undefined();
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
		case JS_INTERVAL:
			/* Luxon's getters: year, month, zoneName, days ... */
			return rr_datetime_get(base, name, len);
		default:
			/* numbers, booleans, functions: their methods are eval.c's */
			return js_undefined();
	}
	idx = string_index(name, len);
	return idx >= 0 ? get_index(base, idx) : js_undefined();
}

JsValue
js_get_member(JsValue base, JsValue key, bool *type_error)
{
	if (js_is_nullish(base))
	{
		*type_error = true;
		return js_undefined();
	}
	if (is_number(key) && (base.kind == JS_STRING || is_array(base)))
	{
		int64		idx = number_index(js_to_number(key));

		if (idx >= 0)
			return get_index(base, idx);
	}
	key = js_to_string(key);	/* ToPropertyKey */
	return js_get_named(base, key.u.str.ptr, key.u.str.len, type_error);
}

/*
 * key in base: own members of objects, indexes and "length" of arrays
 * (inherited members such as "toString" or "map" are not seen).
 */
bool
js_has_property(JsValue base, JsValue key, bool *type_error)
{
	int64		idx;
	JsValue		res;

	if (!is_object(base))
	{
		*type_error = true;
		return false;
	}
	if (base.kind == JS_FUNCTION || base.kind == JS_REGEXP ||
		base.kind == JS_DATETIME || base.kind == JS_DATE ||
		base.kind == JS_DURATION || base.kind == JS_INTERVAL)
		return false;
	if (is_array(base))
	{
		int			len = base.kind == JS_ARRAY ? base.u.arr->len :
			(int) JsonContainerSize(base.u.jc);

		if (is_number(key))
			idx = number_index(js_to_number(key));
		else
		{
			key = js_to_string(key);
			if (is_length(key.u.str.ptr, key.u.str.len))
				return true;
			idx = string_index(key.u.str.ptr, key.u.str.len);
		}
		return idx >= 0 && idx < len;
	}
	key = js_to_string(key);
	if (base.kind == JS_OBJECT)
		return object_lookup(base.u.obj, key.u.str.ptr, key.u.str.len, &res);
	else
	{
		JsonbValue	jv;

		return getKeyJsonValueFromContainer(base.u.jc, key.u.str.ptr,
											key.u.str.len, &jv) != NULL;
	}
}


/* ---------------------------------------------------------------------
 * JSON.stringify
 * ---------------------------------------------------------------------
 */

/* A JSON string: " \ and control characters escaped, as JavaScript */
static void
append_json_string(StringInfo out, const char *s, int len)
{
	static const char hex[] = "0123456789abcdef";
	int			run = 0;

	append_bytes(out, "\"", 1);
	for (int i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		char		esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
		int			esclen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		append_bytes(out, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\')
			esc[1] = c;
		else if (c >= '\b' && c <= '\r' && c != '\v')
			esc[1] = "btn?fr"[c - '\b'];	/* \b \t \n \f \r */
		else
			esclen = 6;			/* \u00xx */
		append_bytes(out, esc, esclen);
	}
	append_bytes(out, s + run, len - run);
	append_bytes(out, "\"", 1);
}

/* Before a member or element: the separator, and a new line when indenting */
static void
begin_member(StringInfo out, bool first, const char *gap, int depth)
{
	if (!first)
		append_bytes(out, ",", 1);
	if (*gap != '\0')
	{
		append_bytes(out, "\n", 1);
		for (int i = 0; i < depth; i++)
			append_cstring(out, gap);
	}
}

static void
append_json_key(StringInfo out, const char *key, int len, const char *gap)
{
	append_json_string(out, key, len);
	append_bytes(out, ": ", *gap != '\0' ? 2 : 1);
}

/* The closing bracket, on its own line when indenting and not empty */
static void
end_container(StringInfo out, bool empty, const char *gap, int depth, char close)
{
	if (!empty)
		begin_member(out, true, gap, depth);
	append_bytes(out, &close, 1);
}

static void
stringify_container(StringInfo out, JsonbContainer *jc, const char *gap, int depth)
{
	JsonbIterator *it = JsonbIteratorInit(jc);
	JsonbValue	jv;
	JsonbIteratorToken tok;
	bool		first = true;

	while ((tok = JsonbIteratorNext(&it, &jv, true)) != WJB_DONE)
	{
		switch (tok)
		{
			case WJB_BEGIN_ARRAY:
				append_bytes(out, "[", 1);
				break;
			case WJB_BEGIN_OBJECT:
				append_bytes(out, "{", 1);
				break;
			case WJB_ELEM:
				begin_member(out, first, gap, depth + 1);
				first = false;
				stringify_value(out, js_from_jsonb_value(&jv), gap, depth + 1);
				break;
			case WJB_KEY:
				begin_member(out, first, gap, depth + 1);
				first = false;
				append_json_key(out, jv.val.string.val, jv.val.string.len,
								gap);
				break;
			case WJB_VALUE:
				stringify_value(out, js_from_jsonb_value(&jv), gap, depth + 1);
				break;
			case WJB_END_ARRAY:
				end_container(out, first, gap, depth, ']');
				break;
			case WJB_END_OBJECT:
				end_container(out, first, gap, depth, '}');
				break;
			case WJB_DONE:
				break;
		}
	}
}

static bool
stringify_value(StringInfo out, JsValue v, const char *gap, int depth)
{
	check_stack_depth();
	switch (v.kind)
	{
		case JS_UNDEFINED:
		case JS_FUNCTION:
			return false;
		case JS_REGEXP:
			append_bytes(out, "{}", 2);
			break;
		case JS_NULL:
		case JS_BOOL:
			append_value_string(out, v);
			break;
		case JS_NUMBER:
			append_value_string(out, isfinite(v.u.num) ? v : js_null());
			break;
		case JS_NUMERIC:
			{
				char	   *text;

				text = DatumGetCString(DirectFunctionCall1(numeric_out,
														   NumericGetDatum(v.u.numeric)));
				append_cstring(out, text);
				pfree(text);
				break;
			}
		case JS_STRING:
			append_json_string(out, v.u.str.ptr, v.u.str.len);
			break;
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
		case JS_INTERVAL:
			{
				JsonbValue *text = js_to_jsonb_value(v);

				if (text->type == jbvString)
					append_json_string(out, text->val.string.val,
									   text->val.string.len);
				else
					append_bytes(out, "null", 4);
				break;
			}
		case JS_JSONB:
			stringify_container(out, v.u.jc, gap, depth);
			break;
		case JS_ARRAY:
			append_bytes(out, "[", 1);
			for (int i = 0; i < v.u.arr->len; i++)
			{
				begin_member(out, i == 0, gap, depth + 1);
				if (!stringify_value(out, v.u.arr->elems[i], gap, depth + 1))
					append_bytes(out, "null", 4);
			}
			end_container(out, v.u.arr->len == 0, gap, depth, ']');
			break;
		case JS_OBJECT:
			{
				JsObject   *obj = v.u.obj;
				bool		first = true;

				append_bytes(out, "{", 1);
				for (int i = 0; i < obj->len; i++)
				{
					if (obj->vals[i].kind == JS_UNDEFINED ||
						obj->vals[i].kind == JS_FUNCTION)
						continue;
					begin_member(out, first, gap, depth + 1);
					first = false;
					append_json_key(out, obj->keys[i], obj->keylens[i], gap);
					stringify_value(out, obj->vals[i], gap, depth + 1);
				}
				end_container(out, first, gap, depth, '}');
				break;
			}
	}
	return true;
}

bool
js_json_stringify(StringInfo out, JsValue v, int indent)
{
	/* JSON.stringify clamps the indent to 10 spaces */
	static const char spaces[] = "          ";

	return stringify_value(out, v, spaces + 10 - Max(0, Min(indent, 10)), 0);
}

bool
js_json_stringify_gap(StringInfo out, JsValue v, const char *gap)
{
	return stringify_value(out, v, gap, 0);
}
