/*-------------------------------------------------------------------------
 *
 * builtins_number.c
 *		The methods of numbers: JavaScript's (toFixed, toPrecision,
 *		toString(radix), toLocaleString) and n8n's extensions (W src/
 *		extensions/number-extensions.ts: round, format, isEven ...), and
 *		JavaScript's parseInt and parseFloat.
 *
 * toFixed and toPrecision round the exact binary value of the double, ties
 * away from zero, as ECMA-262 says ("if there are two such n, pick the
 * larger"); printf rounds ties to even, so the digits come from printf at a
 * precision where it prints the exact value, and are rounded here.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_collation_d.h"
#include "expr/builtins_int.h"
#include "utils/formatting.h"

/* Enough digits for printf to print any double exactly (2^-1074 has 1074) */
#define EXACT_DIGITS 1100

static double
self_number(JsValue self)
{
	return js_to_number(self);
}

/*
 * Round the digit string d (n digits, '0'..'9') to its first keep digits:
 * up when digit keep is 5 or more (the string is exact, so that is "half
 * or more").  Returns true when the carry ran out of the front (all nines:
 * the result is 1 followed by keep zeros, in d[0..keep] with d[0] = '1').
 */
static bool
round_digits(char *d, int n, int keep)
{
	int			i;

	if (keep >= n || d[keep] < '5')
		return false;
	for (i = keep - 1; i >= 0; i--)
	{
		if (d[i] < '9')
		{
			d[i]++;
			return false;
		}
		d[i] = '0';
	}
	memmove(d + 1, d, keep);
	d[0] = '1';
	return true;
}

/*
 * Number.prototype.toFixed(digits) into out; false for a RangeError
 * (digits outside 0..100).
 */
static bool
number_to_fixed(StringInfo out, double x, JsValue digitsv)
{
	double		f = rr_to_integer(digitsv);
	char	   *buf;
	char	   *point;
	int			intlen;

	if (f < 0 || f > 100)
		return false;
	if (!isfinite(x) || fabs(x) >= 1e21)
	{
		js_append_number(out, x);
		return true;
	}
	buf = psprintf("%.*f", EXACT_DIGITS, fabs(x));
	point = strchr(buf, '.');
	intlen = point - buf;
	/* digits without the point: integer part, then the fraction */
	memmove(point, point + 1, strlen(point + 1) + 1);
	if (x < 0)
		appendStringInfoChar(out, '-');
	if (round_digits(buf, strlen(buf), intlen + (int) f))
		intlen++;
	appendBinaryStringInfo(out, buf, intlen);
	if (f > 0)
	{
		appendStringInfoChar(out, '.');
		appendBinaryStringInfo(out, buf + intlen, (int) f);
	}
	return true;
}

static JsValue
num_to_fixed(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;

	initStringInfo(&out);
	if (!number_to_fixed(&out, self_number(self), rr_arg(nargs, args, 0)))
	{
		rr_expr_throw(env);		/* RangeError: toFixed() digits argument */
		return js_undefined();
	}
	return rr_string_from(&out);
}

static JsValue
num_to_precision(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		x = self_number(self);
	JsValue		pv = rr_arg(nargs, args, 0);
	double		p;
	StringInfoData out;
	char	   *buf;
	char	   *digits;
	int			e;
	int			i;

	if (pv.kind == JS_UNDEFINED || !isfinite(x))
		return js_to_string(js_number(x));
	p = rr_to_integer(pv);
	if (p < 1 || p > 100)
	{
		rr_expr_throw(env);		/* RangeError: toPrecision() argument */
		return js_undefined();
	}
	initStringInfo(&out);
	if (x < 0)
		appendStringInfoChar(&out, '-');
	if (x == 0)
	{
		digits = palloc0((int) p + 1);
		memset(digits, '0', (int) p);
		e = 0;
	}
	else
	{
		/* d.ddd...e+X: the digits without the point, and the exponent */
		buf = psprintf("%.*e", EXACT_DIGITS, fabs(x));
		e = atoi(strchr(buf, 'e') + 1);
		*strchr(buf, 'e') = '\0';
		memmove(buf + 1, buf + 2, strlen(buf + 2) + 1);
		if (round_digits(buf, strlen(buf), (int) p))
			e++;
		buf[(int) p] = '\0';
		digits = buf;
	}
	if (e < -6 || e >= p)
	{
		appendStringInfoChar(&out, digits[0]);
		if (p > 1)
			appendStringInfo(&out, ".%s", digits + 1);
		appendStringInfo(&out, "e%c%d", e < 0 ? '-' : '+', abs(e));
	}
	else if (e >= 0)
	{
		appendBinaryStringInfo(&out, digits, e + 1);
		if (p > e + 1)
			appendStringInfo(&out, ".%s", digits + e + 1);
	}
	else
	{
		appendStringInfoString(&out, "0.");
		for (i = 0; i < -e - 1; i++)
			appendStringInfoChar(&out, '0');
		appendStringInfoString(&out, digits);
	}
	return rr_string_from(&out);
}

/*
 * Number::toString(radix) for radix other than 10: V8's algorithm
 * (DoubleToRadixCString), digits up to the precision of the double.
 */
static void
append_radix(StringInfo out, double x, int radix)
{
	static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char		intbuf[1100];
	char		fracbuf[1100];
	int			intpos = sizeof(intbuf);
	int			fraclen = 0;
	bool		negative = x < 0;
	double		integer;
	double		fraction;
	double		delta;

	if (negative)
		x = -x;
	integer = floor(x);
	fraction = x - integer;
	delta = Max(0.5 * (nextafter(x, INFINITY) - x), nextafter(0.0, 1.0));
	if (fraction >= delta)
	{
		do
		{
			int			digit;

			fraction *= radix;
			delta *= radix;
			digit = (int) fraction;
			fracbuf[fraclen++] = chars[digit];
			fraction -= digit;
			if ((fraction > 0.5 || (fraction == 0.5 && (digit & 1))) &&
				fraction + delta > 1)
			{
				/* round up, carrying through the digits written */
				for (;;)
				{
					if (fraclen == 0)
					{
						integer += 1;
						break;
					}
					fraclen--;
					digit = fracbuf[fraclen] > '9' ? fracbuf[fraclen] - 'a' + 10 :
						fracbuf[fraclen] - '0';
					if (digit + 1 < radix)
					{
						fracbuf[fraclen++] = chars[digit + 1];
						break;
					}
				}
				break;
			}
		} while (fraction >= delta && fraclen < (int) sizeof(fracbuf));
	}
	/* digits of the integer part beyond the double's precision are 0 */
	while (integer / radix >= 9007199254740992.0)
	{
		integer /= radix;
		intbuf[--intpos] = '0';
	}
	do
	{
		double		remainder = fmod(integer, radix);

		intbuf[--intpos] = chars[(int) remainder];
		integer = (integer - remainder) / radix;
	} while (integer > 0 && intpos > 0);
	if (negative)
		appendStringInfoChar(out, '-');
	appendBinaryStringInfo(out, intbuf + intpos, sizeof(intbuf) - intpos);
	if (fraclen > 0)
	{
		appendStringInfoChar(out, '.');
		appendBinaryStringInfo(out, fracbuf, fraclen);
	}
}

static JsValue
num_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		x = self_number(self);
	JsValue		rv = rr_arg(nargs, args, 0);
	double		radix = rv.kind == JS_UNDEFINED ? 10 : rr_to_integer(rv);
	StringInfoData out;

	if (radix < 2 || radix > 36)
	{
		rr_expr_throw(env);		/* RangeError: toString() radix */
		return js_undefined();
	}
	initStringInfo(&out);
	if (radix == 10 || !isfinite(x))
		js_append_number(&out, x);
	else
		append_radix(&out, x, (int) radix);
	return rr_string_from(&out);
}

static JsValue
num_value_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return self;
}

/*
 * format(locale, options): Intl.NumberFormat for the en-US locale only,
 * with this subset of its options: style "decimal" (default), "percent" or
 * "currency" (with currency; USD, EUR, GBP and JPY get their symbol,
 * others their code and a no-break space), minimumFractionDigits,
 * maximumFractionDigits (defaults: 0 and 3, percent 0 and 0, currency 2
 * and 2, JPY 0 and 0) and useGrouping.  Digits are rounded half away from
 * zero from the shortest decimal form of the number, as Intl does.
 */
typedef struct FormatOptions
{
	int			min_fraction;
	int			max_fraction;
	bool		grouping;
	bool		percent;
	const char *prefix;			/* currency symbol */
} FormatOptions;

static bool
option(JsValue options, const char *name, JsValue *value)
{
	bool		type_error = false;

	if (!rr_is_object(options))
		return false;
	*value = js_get_named(options, name, strlen(name), &type_error);
	return value->kind != JS_UNDEFINED;
}

/* Read the options; false when Intl would throw a RangeError */
static bool
format_options(JsValue options, FormatOptions *fo)
{
	static const char *const symbols[][2] = {
		{"USD", "$"}, {"EUR", "\xE2\x82\xAC"}, {"GBP", "\xC2\xA3"}, {"JPY", "\xC2\xA5"}
	};
	JsValue		v;
	bool		has_min;
	bool		has_max;
	int			dflt_min = 0;
	int			dflt_max = 3;
	double		d;

	memset(fo, 0, sizeof(FormatOptions));
	fo->grouping = true;
	if (option(options, "style", &v))
	{
		JsValue		sv = js_to_string(v);
		char	   *style = pnstrdup(sv.u.str.ptr, sv.u.str.len);

		if (strcmp(style, "percent") == 0)
		{
			fo->percent = true;
			dflt_max = 0;
		}
		else if (strcmp(style, "currency") == 0)
		{
			JsValue		cur;
			char	   *code;
			int			i;

			if (!option(options, "currency", &cur))
				return false;
			cur = js_to_string(cur);
			code = str_toupper(cur.u.str.ptr, cur.u.str.len, C_COLLATION_OID);
			fo->prefix = psprintf("%s\xC2\xA0", code);
			for (i = 0; i < lengthof(symbols); i++)
			{
				if (strcmp(code, symbols[i][0]) == 0)
					fo->prefix = symbols[i][1];
			}
			dflt_min = dflt_max = strcmp(code, "JPY") == 0 ? 0 : 2;
		}
		else if (strcmp(style, "decimal") != 0)
			rr_builtin_not_supported(psprintf("format() with style \"%s\"", style));
	}
	if (option(options, "useGrouping", &v))
		fo->grouping = js_to_boolean(v);
	has_min = option(options, "minimumFractionDigits", &v);
	d = has_min ? js_to_number(v) : dflt_min;
	if (isnan(d) || d < 0 || d > 100)
		return false;
	fo->min_fraction = (int) d;
	has_max = option(options, "maximumFractionDigits", &v);
	d = has_max ? js_to_number(v) : Max(dflt_max, fo->min_fraction);
	if (isnan(d) || d < 0 || d > 100)
		return false;
	fo->max_fraction = (int) d;
	if (fo->max_fraction < fo->min_fraction)
	{
		if (has_max && has_min)
			return false;
		fo->min_fraction = fo->max_fraction;
	}
	return true;
}

/*
 * The shortest decimal digits of x > 0: digits (no leading zeros) and the
 * position of the decimal point relative to them (value = 0.digits * 10^point).
 */
static char *
shortest_digits(double x, int *point)
{
	StringInfoData s;
	char	   *mant;
	char	   *e;
	char	   *dot;
	int			exp10 = 0;
	char	   *digits;
	int			lead;

	initStringInfo(&s);
	js_append_number(&s, x);
	mant = s.data;
	if ((e = strchr(mant, 'e')) != NULL)
	{
		exp10 = atoi(e + 1);
		*e = '\0';
	}
	dot = strchr(mant, '.');
	*point = (dot ? dot - mant : (int) strlen(mant)) + exp10;
	if (dot)
		memmove(dot, dot + 1, strlen(dot + 1) + 1);
	digits = mant;
	for (lead = 0; digits[lead] == '0'; lead++)
		(*point)--;
	return digits + lead;
}

static void
format_number(StringInfo out, double x, const FormatOptions *fo)
{
	StringInfoData fixed;
	int			intlen;
	int			fraclen;
	int			i;

	if (signbit(x))
		appendStringInfoChar(out, '-');
	if (fo->prefix)
		appendStringInfoString(out, fo->prefix);
	if (isnan(x) || isinf(x))
	{
		appendStringInfoString(out, isnan(x) ? "NaN" : "\xE2\x88\x9E");
		return;
	}
	x = fabs(x) * (fo->percent ? 100 : 1);
	/* the digits of x without a point, intlen of them before it */
	initStringInfo(&fixed);
	if (x == 0)
	{
		appendStringInfoChar(&fixed, '0');
		intlen = 1;
	}
	else
	{
		int			point;
		char	   *digits = shortest_digits(x, &point);
		int			n = strlen(digits);

		if (point <= 0)
		{
			appendStringInfoChar(&fixed, '0');
			for (i = 0; i < -point; i++)
				appendStringInfoChar(&fixed, '0');
			intlen = 1;
		}
		else
			intlen = point;
		appendStringInfoString(&fixed, digits);
		for (i = n; i < point; i++)
			appendStringInfoChar(&fixed, '0');
	}
	if (round_digits(fixed.data, fixed.len, intlen + fo->max_fraction))
		intlen++;
	fraclen = Min(fixed.len - intlen, fo->max_fraction);
	while (fraclen > fo->min_fraction && fixed.data[intlen + fraclen - 1] == '0')
		fraclen--;
	for (i = 0; i < intlen; i++)
	{
		appendStringInfoChar(out, fixed.data[i]);
		if (fo->grouping && i < intlen - 1 && (intlen - i - 1) % 3 == 0)
			appendStringInfoChar(out, ',');
	}
	if (Max(fraclen, fo->min_fraction) > 0)
	{
		appendStringInfoChar(out, '.');
		appendBinaryStringInfo(out, fixed.data + intlen, fraclen);
		for (i = fraclen; i < fo->min_fraction; i++)
			appendStringInfoChar(out, '0');
	}
	if (fo->percent)
		appendStringInfoChar(out, '%');
}

static JsValue
num_format(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		locale = rr_arg(nargs, args, 0);
	FormatOptions fo;
	StringInfoData out;

	if (locale.kind != JS_UNDEFINED)
	{
		JsValue		l = js_to_string(locale);

		if (!(l.u.str.len >= 2 && pg_strncasecmp(l.u.str.ptr, "en", 2) == 0 &&
			  (l.u.str.len == 2 || l.u.str.ptr[2] == '-')))
			rr_builtin_not_supported(psprintf("format() in locale \"%.*s\"",
											  l.u.str.len, l.u.str.ptr));
	}
	if (!format_options(rr_arg(nargs, args, 1), &fo))
	{
		rr_expr_throw(env);		/* RangeError from Intl.NumberFormat */
		return js_undefined();
	}
	initStringInfo(&out);
	format_number(&out, self_number(self), &fo);
	return rr_string_from(&out);
}

/* n8n's round(decimalPlaces = 0): +value.toFixed(decimalPlaces) */
static JsValue
num_round(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;

	initStringInfo(&out);
	if (!number_to_fixed(&out, self_number(self), rr_arg(nargs, args, 0)))
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	return js_number(js_to_number(rr_string_from(&out)));
}

static JsValue
num_to_int(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return num_round(env, self, 0, NULL);
}

static JsValue
num_floor(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(floor(self_number(self)));
}

static JsValue
num_ceil(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(ceil(self_number(self)));
}

static JsValue
num_abs(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(fabs(self_number(self)));
}

static bool
is_integer(double x)
{
	return isfinite(x) && trunc(x) == x;
}

static JsValue
num_is_integer(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(is_integer(self_number(self)));
}

static JsValue
num_is_even(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		x = self_number(self);

	if (!is_integer(x))
		rr_extension_error("isEven() is only callable on integers");
	return js_bool(fmod(x, 2) == 0);
}

static JsValue
num_is_odd(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		x = self_number(self);

	if (!is_integer(x))
		rr_extension_error("isOdd() is only callable on integers");
	return js_bool(fmod(fabs(x), 2) == 1);
}

static JsValue
num_to_boolean(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(self_number(self) != 0);
}

/*
 * parseInt(string, radix): the longest prefix of digits in the radix after
 * whitespace, a sign, and for radix 16 (or none) a "0x"; NaN if none.
 */
double
rr_parse_int(JsValue str, JsValue radixv)
{
	JsValue		s = js_to_string(str);
	const char *p = s.u.str.ptr;
	const char *end = p + s.u.str.len;
	double		sign = 1;
	double		rd = js_to_number(radixv);
	int			radix;
	bool		strip_prefix = true;
	const char *digits;
	double		value = 0;

	while (p < end && js_is_space(utf8_to_unicode((const unsigned char *) p)))
		p += rr_char_len(p);
	if (p < end && (*p == '-' || *p == '+'))
		sign = *p++ == '-' ? -1 : 1;
	/* ToInt32 */
	rd = (isnan(rd) || isinf(rd)) ? 0 : fmod(trunc(rd), 4294967296.0);
	if (rd >= 2147483648.0)
		rd -= 4294967296.0;
	else if (rd < -2147483648.0)
		rd += 4294967296.0;
	radix = (int) rd;
	if (radix != 0)
	{
		if (radix < 2 || radix > 36)
			return NAN;
		strip_prefix = radix == 16;
	}
	else
		radix = 10;
	if (strip_prefix && end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
	{
		p += 2;
		radix = 16;
	}
	digits = p;
	for (; p < end; p++)
	{
		int			d = (*p >= '0' && *p <= '9') ? *p - '0' :
			(*p >= 'a' && *p <= 'z') ? *p - 'a' + 10 :
			(*p >= 'A' && *p <= 'Z') ? *p - 'A' + 10 : 99;

		if (d >= radix)
			break;
		value = value * radix + d;
	}
	if (p == digits)
		return NAN;
	if (radix == 10)
		value = strtod(pnstrdup(digits, p - digits), NULL);
	return sign * value;
}

/*
 * parseFloat(string): the longest prefix that is a decimal literal (or
 * Infinity) after whitespace; NaN if none.
 */
double
rr_parse_float(const char *s, int len)
{
	const char *p = s;
	const char *end = s + len;
	const char *start;
	int			mantissa = 0;

	while (p < end && js_is_space(utf8_to_unicode((const unsigned char *) p)))
		p += rr_char_len(p);
	start = p;
	if (p < end && (*p == '-' || *p == '+'))
		p++;
	if (end - p >= 8 && strncmp(p, "Infinity", 8) == 0)
		return *start == '-' ? -INFINITY : INFINITY;
	while (p < end && *p >= '0' && *p <= '9')
		p++, mantissa++;
	if (p < end && *p == '.')
	{
		p++;
		while (p < end && *p >= '0' && *p <= '9')
			p++, mantissa++;
	}
	if (mantissa == 0)
		return NAN;
	if (p < end && (*p == 'e' || *p == 'E'))
	{
		const char *q = p + 1;

		if (q < end && (*q == '-' || *q == '+'))
			q++;
		if (q < end && *q >= '0' && *q <= '9')
		{
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			p = q;
		}
	}
	return strtod(pnstrdup(start, p - start), NULL);
}

const RrMethodImpl rr_number_methods[] = {
	/* JavaScript's */
	{"toFixed", false, num_to_fixed},
	{"toLocaleString", false, num_format},
	{"toPrecision", false, num_to_precision},
	{"toString", false, num_to_string},
	{"valueOf", false, num_value_of},
	/* n8n's */
	{"abs", true, num_abs},
	{"ceil", true, num_ceil},
	{"floor", true, num_floor},
	{"format", true, num_format},
	{"isEven", true, num_is_even},
	{"isInteger", true, num_is_integer},
	{"isOdd", true, num_is_odd},
	{"round", true, num_round},
	{"toBoolean", true, num_to_boolean},
	{"toDateTime", true, rr_number_to_date_time},
	{"toFloat", true, num_value_of},
	{"toInt", true, num_to_int},
	{NULL}
};
