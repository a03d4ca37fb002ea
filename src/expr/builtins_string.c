/*-------------------------------------------------------------------------
 *
 * builtins_string.c
 *		The methods of strings: JavaScript's (String.prototype) and n8n's
 *		extensions (W src/extensions/string-extensions.ts), plus the URI
 *		encoders other builtins share.
 *
 * Strings are UTF-8; JavaScript counts and indexes them in UTF-16 code
 * units (PLAN.md 2.4), so indices are translated: a character outside the
 * BMP counts 2.  An index that falls between the two halves of such a
 * character rounds up to the end of the character, and a lone half
 * (charAt, at, split('')) becomes U+FFFD: jsonb cannot store a lone
 * surrogate.
 *
 * n8n's regular expressions (isEmail, isUrl, isDomain, extractEmail,
 * extractDomain, extractUrl, removeTags, the currency symbols of toNumber)
 * are hand-coded here with the same results, with no backtracking.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <wctype.h>

#include "catalog/namespace.h"
#include "catalog/pg_collation_d.h"
#include "common/base64.h"
#include "common/cryptohash.h"
#include "common/md5.h"
#include "common/sha1.h"
#include "common/sha2.h"
#include "common/unicode_norm.h"
#include "expr/builtins_int.h"
#include "expr/sha3.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "nodes/value.h"
#include "utils/formatting.h"
#include "utils/varlena.h"

/* ---------- UTF-8 and UTF-16 ---------- */

/* UTF-16 code units of the character starting at p */
static inline int
char_units(const char *p)
{
	return (unsigned char) *p >= 0xF0 ? 2 : 1;
}

/* Byte offset of UTF-16 index unit (0 <= unit), at most len */
static int
byte_of_unit(const char *p, int len, double unit)
{
	int			b = 0;
	double		u = 0;

	while (b < len && u < unit)
	{
		u += char_units(p + b);
		b += rr_char_len(p + b);
	}
	return Min(b, len);
}

/* UTF-16 index of byte offset b */
static int
unit_of_byte(const char *p, int b)
{
	int			u = 0;
	int			i = 0;

	while (i < b)
	{
		u += char_units(p + i);
		i += rr_char_len(p + i);
	}
	return u;
}

/*
 * The code unit at UTF-16 index idx (0 <= idx < length): returns the byte
 * offset of the character holding it, its code point in *cp, and in *half
 * 0 for a BMP character, 1 or 2 for the high or low surrogate of another.
 */
static int
char_at_unit(const char *p, int len, int idx, pg_wchar *cp, int *half)
{
	int			b = 0;
	int			u = 0;

	while (b < len)
	{
		int			n = char_units(p + b);

		if (u + n > idx)
		{
			*cp = rr_char_code(p + b);
			*half = n == 1 ? 0 : idx - u + 1;
			return b;
		}
		u += n;
		b += rr_char_len(p + b);
	}
	elog(ERROR, "string index %d out of range", idx);
	return -1;
}

static pg_wchar
code_unit(pg_wchar cp, int half)
{
	if (half == 0)
		return cp;
	if (half == 1)
		return 0xD800 + ((cp - 0x10000) >> 10);
	return 0xDC00 + ((cp - 0x10000) & 0x3FF);
}

/* The one-unit string at UTF-16 index idx (U+FFFD for a lone half) */
static JsValue
unit_string(JsValue s, int idx)
{
	pg_wchar	cp;
	int			half;
	int			b = char_at_unit(STR(s), LEN(s), idx, &cp, &half);

	if (half != 0)
		return js_cstring("\xEF\xBF\xBD");
	return js_string(STR(s) + b, rr_char_len(STR(s) + b));
}

/* First byte offset >= from where needle occurs in hay, or -1 */
static int
find_bytes(const char *hay, int hlen, int from, const char *needle, int nlen)
{
	int			i;

	for (i = from; i + nlen <= hlen; i++)
	{
		if (memcmp(hay + i, needle, nlen) == 0)
			return i;
	}
	return -1;
}

static double
clamp(double d, double lo, double hi)
{
	return d < lo ? lo : (d > hi ? hi : d);
}

/* The UTF-16 range [from, to) of s as a string */
static JsValue
unit_range(JsValue s, double from, double to)
{
	int			b1;
	int			b2;

	if (from >= to)
		return js_cstring("");
	b1 = byte_of_unit(STR(s), LEN(s), from);
	b2 = b1 + byte_of_unit(STR(s) + b1, LEN(s) - b1, to - from);
	return js_string(STR(s) + b1, b2 - b1);
}

static JsValue
string_arg(int nargs, const JsValue *args, int i)
{
	return js_to_string(rr_arg(nargs, args, i));
}

/* ---------- JavaScript's methods ---------- */

static JsValue
str_to_upper_case(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_cstring(str_toupper(STR(self), LEN(self), DEFAULT_COLLATION_OID));
}

static JsValue
str_to_lower_case(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_cstring(str_tolower(STR(self), LEN(self), DEFAULT_COLLATION_OID));
}

/* Bytes of JavaScript whitespace at the start (end false) or end of s */
static int
space_bytes(JsValue s, bool end)
{
	const char *p = STR(s);
	int			len = LEN(s);
	int			n = 0;

	if (!end)
	{
		while (n < len && js_is_space(rr_char_code(p + n)))
			n += rr_char_len(p + n);
		return n;
	}
	while (n < len)
	{
		int			b = len - n - 1;

		while (b > 0 && (p[b] & 0xC0) == 0x80)
			b--;
		if (!js_is_space(rr_char_code(p + b)))
			break;
		n = len - b;
	}
	return n;
}

static JsValue
str_trim(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			lead = space_bytes(self, false);

	if (lead == LEN(self))
		return js_cstring("");
	return js_string(STR(self) + lead, LEN(self) - lead - space_bytes(self, true));
}

static JsValue
str_trim_start(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			lead = space_bytes(self, false);

	return js_string(STR(self) + lead, LEN(self) - lead);
}

static JsValue
str_trim_end(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_string(STR(self), LEN(self) - space_bytes(self, true));
}

/*
 * split(separator, limit).  A RegExp separator is builtins_regex.c's; an
 * object, array or function throws.  split('') splits by character
 * (JavaScript: by UTF-16 unit).
 */
static JsValue
str_split(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		sepv = rr_arg(nargs, args, 0);
	JsValue		limv = rr_arg(nargs, args, 1);
	double		lim = 4294967295.0;
	RrArrayBuilder out;
	JsValue		sep;
	int			pos = 0;

	if (limv.kind != JS_UNDEFINED)
	{
		double		d = js_to_number(limv);

		/* ToUint32 */
		lim = (isnan(d) || isinf(d)) ? 0 : fmod(trunc(d), 4294967296.0);
		if (lim < 0)
			lim += 4294967296.0;
	}
	rr_array_init(&out, 0);
	if (lim == 0)
		return rr_array_result(&out);
	if (sepv.kind == JS_REGEXP)
		return rr_regex_split(env, self, sepv.u.regex, lim);
	if (sepv.kind == JS_UNDEFINED)
	{
		rr_array_push(&out, self);
		return rr_array_result(&out);
	}
	if (sepv.kind == JS_ARRAY || sepv.kind == JS_OBJECT ||
		sepv.kind == JS_JSONB || sepv.kind == JS_FUNCTION)
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	sep = js_to_string(sepv);
	if (LEN(sep) == 0)
	{
		while (pos < LEN(self) && out.arr->len < lim)
		{
			int			n = rr_char_len(STR(self) + pos);

			rr_expr_step(env);
			rr_array_push(&out, js_string(STR(self) + pos, n));
			pos += n;
		}
		return rr_array_result(&out);
	}
	for (;;)
	{
		int			at = find_bytes(STR(self), LEN(self), pos, STR(sep), LEN(sep));

		rr_expr_step(env);
		if (at < 0)
		{
			rr_array_push(&out, js_string(STR(self) + pos, LEN(self) - pos));
			break;
		}
		rr_array_push(&out, js_string(STR(self) + pos, at - pos));
		if (out.arr->len >= lim)
			break;
		pos = at + LEN(sep);
	}
	return rr_array_result(&out);
}

static JsValue
str_includes(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		search = string_arg(nargs, args, 0);
	double		len = js_string_length(self);
	int			from = byte_of_unit(STR(self), LEN(self),
									clamp(rr_to_integer(rr_arg(nargs, args, 1)), 0, len));

	return js_bool(find_bytes(STR(self), LEN(self), from,
							  STR(search), LEN(search)) >= 0);
}

static JsValue
str_starts_with(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		search = string_arg(nargs, args, 0);
	double		len = js_string_length(self);
	int			from = byte_of_unit(STR(self), LEN(self),
									clamp(rr_to_integer(rr_arg(nargs, args, 1)), 0, len));

	return js_bool(from + LEN(search) <= LEN(self) &&
				   memcmp(STR(self) + from, STR(search), LEN(search)) == 0);
}

static JsValue
str_ends_with(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		search = string_arg(nargs, args, 0);
	JsValue		endv = rr_arg(nargs, args, 1);
	double		len = js_string_length(self);
	int			end = byte_of_unit(STR(self), LEN(self),
								   endv.kind == JS_UNDEFINED ? len :
								   clamp(rr_to_integer(endv), 0, len));

	return js_bool(end - LEN(search) >= 0 &&
				   memcmp(STR(self) + end - LEN(search), STR(search),
						  LEN(search)) == 0);
}

static JsValue
str_index_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		search = string_arg(nargs, args, 0);
	double		len = js_string_length(self);
	int			from = byte_of_unit(STR(self), LEN(self),
									clamp(rr_to_integer(rr_arg(nargs, args, 1)), 0, len));
	int			at = find_bytes(STR(self), LEN(self), from, STR(search), LEN(search));

	return js_number(at < 0 ? -1 : unit_of_byte(STR(self), at));
}

static JsValue
str_last_index_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		search = string_arg(nargs, args, 0);
	double		pos = js_to_number(rr_arg(nargs, args, 1));
	double		len = js_string_length(self);
	int			start;
	int			i;

	pos = isnan(pos) ? len : clamp(trunc(pos), 0, len);
	start = Min(byte_of_unit(STR(self), LEN(self), pos), LEN(self) - LEN(search));
	for (i = start; i >= 0; i--)
	{
		if (memcmp(STR(self) + i, STR(search), LEN(search)) == 0)
			return js_number(unit_of_byte(STR(self), i));
	}
	return js_number(-1);
}

static JsValue
str_slice(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		len = js_string_length(self);

	return unit_range(self, rr_relative_index(rr_arg(nargs, args, 0), len, 0),
					  rr_relative_index(rr_arg(nargs, args, 1), len, len));
}

static JsValue
str_substring(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		len = js_string_length(self);
	JsValue		endv = rr_arg(nargs, args, 1);
	double		a = clamp(rr_to_integer(rr_arg(nargs, args, 0)), 0, len);
	double		b = endv.kind == JS_UNDEFINED ? len : clamp(rr_to_integer(endv), 0, len);

	return unit_range(self, Min(a, b), Max(a, b));
}

static JsValue
str_substr(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		len = js_string_length(self);
	double		start = rr_relative_index(rr_arg(nargs, args, 0), len, 0);
	JsValue		lenv = rr_arg(nargs, args, 1);
	double		count = lenv.kind == JS_UNDEFINED ? len - start :
		clamp(rr_to_integer(lenv), 0, len - start);

	return unit_range(self, start, start + count);
}

static JsValue
str_char_at(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		pos = rr_to_integer(rr_arg(nargs, args, 0));

	if (pos < 0 || pos >= js_string_length(self))
		return js_cstring("");
	return unit_string(self, (int) pos);
}

static JsValue
str_char_code_at(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		pos = rr_to_integer(rr_arg(nargs, args, 0));
	pg_wchar	cp;
	int			half;

	if (pos < 0 || pos >= js_string_length(self))
		return js_number(NAN);
	char_at_unit(STR(self), LEN(self), (int) pos, &cp, &half);
	return js_number(code_unit(cp, half));
}

static JsValue
str_code_point_at(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		pos = rr_to_integer(rr_arg(nargs, args, 0));
	pg_wchar	cp;
	int			half;

	if (pos < 0 || pos >= js_string_length(self))
		return js_undefined();
	char_at_unit(STR(self), LEN(self), (int) pos, &cp, &half);
	return js_number(half == 2 ? code_unit(cp, 2) : cp);
}

static JsValue
str_at(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		len = js_string_length(self);
	double		pos = rr_to_integer(rr_arg(nargs, args, 0));

	if (pos < 0)
		pos += len;
	if (pos < 0 || pos >= len)
		return js_undefined();
	return unit_string(self, (int) pos);
}

static JsValue
str_concat(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	appendBinaryStringInfo(&out, STR(self), LEN(self));
	for (i = 0; i < nargs; i++)
	{
		JsValue		s = js_to_string(args[i]);

		rr_check_bytes((double) out.len + LEN(s), "concat()");
		appendBinaryStringInfo(&out, STR(s), LEN(s));
	}
	return rr_string_from(&out);
}

static JsValue
str_repeat(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		count = rr_to_integer(rr_arg(nargs, args, 0));
	StringInfoData out;
	int			i;

	if (count < 0 || isinf(count))
	{
		rr_expr_throw(env);		/* RangeError: Invalid count value */
		return js_undefined();
	}
	if (LEN(self) == 0 || count == 0)
		return js_cstring("");
	rr_check_bytes(count * LEN(self), "repeat()");
	initStringInfo(&out);
	enlargeStringInfo(&out, (int) count * LEN(self));
	for (i = 0; i < (int) count; i++)
		appendBinaryStringInfo(&out, STR(self), LEN(self));
	return rr_string_from(&out);
}

/* padStart (at_start) and padEnd */
static JsValue
pad(JsValue self, int nargs, const JsValue *args, bool at_start)
{
	double		target = rr_to_integer(rr_arg(nargs, args, 0));
	JsValue		fillv = rr_arg(nargs, args, 1);
	JsValue		fill = fillv.kind == JS_UNDEFINED ? js_cstring(" ") : js_to_string(fillv);
	double		len = js_string_length(self);
	double		fill_units;
	double		whole;
	int			rest_bytes;
	StringInfoData out;
	int			i;

	if (target <= len || LEN(fill) == 0)
		return self;
	fill_units = target - len;
	whole = floor(fill_units / js_string_length(fill));
	rest_bytes = byte_of_unit(STR(fill), LEN(fill),
							  fill_units - whole * js_string_length(fill));
	rr_check_bytes(whole * LEN(fill) + rest_bytes + LEN(self),
				   at_start ? "padStart()" : "padEnd()");
	initStringInfo(&out);
	if (!at_start)
		appendBinaryStringInfo(&out, STR(self), LEN(self));
	for (i = 0; i < (int) whole; i++)
		appendBinaryStringInfo(&out, STR(fill), LEN(fill));
	appendBinaryStringInfo(&out, STR(fill), rest_bytes);
	if (at_start)
		appendBinaryStringInfo(&out, STR(self), LEN(self));
	return rr_string_from(&out);
}

static JsValue
str_pad_start(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return pad(self, nargs, args, true);
}

static JsValue
str_pad_end(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return pad(self, nargs, args, false);
}

/* replace (all false) and replaceAll; a RegExp pattern is builtins_regex.c's */
static JsValue
replace(RrExprEnv *env, JsValue self, int nargs, const JsValue *args, bool all)
{
	JsValue		pattern = rr_arg(nargs, args, 0);
	JsValue		repl = rr_arg(nargs, args, 1);
	StringInfoData out;
	int			pos = 0;

	if (pattern.kind == JS_REGEXP)
		return rr_regex_replace(env, self, pattern.u.regex, repl, all);
	if (pattern.kind == JS_FUNCTION)
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	pattern = js_to_string(pattern);
	if (!rr_expr_callable(repl))
		repl = js_to_string(repl);
	initStringInfo(&out);
	for (;;)
	{
		int			at = find_bytes(STR(self), LEN(self), pos,
									STR(pattern), LEN(pattern));
		int			end = at + LEN(pattern);

		rr_expr_step(env);
		if (at < 0)
			break;
		appendBinaryStringInfo(&out, STR(self) + pos, at - pos);
		rr_append_substitution(env, &out, STR(self), LEN(self), &at, &end, 0,
							   NULL, repl);
		if (rr_expr_thrown(env))
			return js_undefined();
		rr_check_bytes(out.len, all ? "replaceAll()" : "replace()");
		pos = at + LEN(pattern);
		if (!all)
			break;
		if (LEN(pattern) == 0)
		{
			/* an empty pattern matches between every two characters */
			if (at >= LEN(self))
			{
				pos = LEN(self) + 1;
				break;
			}
			appendBinaryStringInfo(&out, STR(self) + at, rr_char_len(STR(self) + at));
			pos = at + rr_char_len(STR(self) + at);
		}
	}
	if (pos <= LEN(self))
		appendBinaryStringInfo(&out, STR(self) + pos, LEN(self) - pos);
	rr_check_bytes(out.len, all ? "replaceAll()" : "replace()");
	return rr_string_from(&out);
}

static JsValue
str_replace(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return replace(env, self, nargs, args, false);
}

static JsValue
str_replace_all(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return replace(env, self, nargs, args, true);
}

static JsValue
str_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return self;
}

/* ---------- URI encoding (encodeURIComponent, urlEncode ...) ---------- */

static const char hexdigits[] = "0123456789ABCDEF";

/*
 * Percent-encode the UTF-8 bytes of s except ASCII letters, digits,
 * "-_.!~*'()" and the characters in unescaped (encodeURI's reserved set).
 */
void
rr_uri_encode(StringInfo out, const char *s, int len, const char *unescaped)
{
	int			i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || (c != '\0' && strchr("-_.!~*'()", c)) ||
			(c != '\0' && strchr(unescaped, c)))
			appendStringInfoChar(out, (char) c);
		else
		{
			appendStringInfoChar(out, '%');
			appendStringInfoChar(out, hexdigits[c >> 4]);
			appendStringInfoChar(out, hexdigits[c & 15]);
		}
	}
	rr_check_bytes(out->len, "a URI encoding");
}

/* The byte of "%XX" at s[i], or -1 */
static int
percent_byte(const char *s, int len, int i)
{
	if (i + 2 >= len)
		return -1;
	if (s[i] != '%' || js_hex_digit(s[i + 1]) < 0 || js_hex_digit(s[i + 2]) < 0)
		return -1;
	return js_hex_digit(s[i + 1]) * 16 + js_hex_digit(s[i + 2]);
}

/*
 * decodeURIComponent (reserved "") and decodeURI (reserved: the characters
 * whose escapes stay as they are).  False on a malformed sequence, where
 * JavaScript throws a URIError.
 */
bool
rr_uri_decode(StringInfo out, const char *s, int len, const char *reserved)
{
	int			i = 0;

	while (i < len)
	{
		int			b;
		int			n;
		int			k;
		unsigned char utf8[4];

		if (s[i] != '%')
		{
			appendStringInfoChar(out, s[i++]);
			continue;
		}
		if ((b = percent_byte(s, len, i)) < 0)
			return false;
		if (b < 0x80)
		{
			if (b != 0 && strchr(reserved, b))
				appendBinaryStringInfo(out, s + i, 3);
			else
				appendStringInfoChar(out, (char) b);
			i += 3;
			continue;
		}
		n = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
		if (n == 0)
			return false;
		utf8[0] = (unsigned char) b;
		for (k = 1; k < n; k++)
		{
			int			c = percent_byte(s, len, i + 3 * k);

			if (c < 0 || (c & 0xC0) != 0x80)
				return false;
			utf8[k] = (unsigned char) c;
		}
		if (!pg_utf8_islegal(utf8, n))
			return false;
		appendBinaryStringInfo(out, (char *) utf8, n);
		i += 3 * n;
	}
	return true;
}

/* application/x-www-form-urlencoded (URLSearchParams): space as + */
void
rr_form_urlencode(StringInfo out, const char *s, int len)
{
	int			i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == ' ')
			appendStringInfoChar(out, '+');
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '*' || c == '-' || c == '.' ||
				 c == '_')
			appendStringInfoChar(out, (char) c);
		else
		{
			appendStringInfoChar(out, '%');
			appendStringInfoChar(out, hexdigits[c >> 4]);
			appendStringInfoChar(out, hexdigits[c & 15]);
		}
	}
	rr_check_bytes(out->len, "urlEncode()");
}

/* ---------- n8n: conversions ---------- */

/*
 * The currency symbols toNumber, toInt and toFloat remove first: n8n's
 * CURRENCY_REGEXP ("all symbols from https://www.xe.com/symbols/"), tried in
 * its order at each position, as its alternation is.
 */
static const char *const currency_symbols[] = {
	"Lek", "\xD8\x8B", "$", "\xC6\x92", "\xE2\x82\xBC", "Br", "BZ$", "$b",
	"KM", "P", "\xD0\xBB\xD0\xB2", "R$", "\xE1\x9F\x9B", "\xC2\xA5",
	"\xE2\x82\xA1", "kn", "\xE2\x82\xB1", "K\xC4\x8D", "kr", "RD$",
	"\xC2\xA3", "\xE2\x82\xAC", "\xC2\xA2", "Q", "L", "Ft", "\xE2\x82\xB9",
	"Rp", "\xEF\xB7\xBC", "\xE2\x82\xAA", "J$", "\xE2\x82\xA9",
	"\xE2\x82\xAD", "\xD0\xB4\xD0\xB5\xD0\xBD", "RM", "\xE2\x82\xA8",
	"\xE2\x82\xAE", "MT", "C$", "\xE2\x82\xA6", "B/.", "Gs", "S/.",
	"z\xC5\x82", "lei", "\xE2\x82\xBD", "\xD0\x94\xD0\xB8\xD0\xBD.", "S", "R",
	"CHF", "NT$", "\xE0\xB8\xBF", "TT$", "\xE2\x82\xBA", "\xE2\x82\xB4", "$U",
	"Bs", "\xE2\x82\xAB", "Z$", NULL
};

static JsValue
strip_currency(JsValue s)
{
	StringInfoData out;
	int			i = 0;

	initStringInfo(&out);
	while (i < LEN(s))
	{
		const char *const *c;
		int			skip = 0;

		for (c = currency_symbols; *c; c++)
		{
			int			n = strlen(*c);

			if (i + n <= LEN(s) && memcmp(STR(s) + i, *c, n) == 0)
			{
				skip = n;
				break;
			}
		}
		if (skip == 0)
		{
			skip = rr_char_len(STR(s) + i);
			appendBinaryStringInfo(&out, STR(s) + i, skip);
		}
		i += skip;
	}
	return rr_string_from(&out);
}

static JsValue
str_to_number(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		d = js_to_number(strip_currency(self));

	if (isnan(d))
		rr_extension_error("cannot convert to number");
	return js_number(d);
}

static JsValue
str_to_float(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		s;
	double		d;

	if (memchr(STR(self), ',', LEN(self)))
		rr_extension_error("cannot convert to float, expected . as decimal separator");
	s = strip_currency(self);
	d = rr_parse_float(STR(s), LEN(s));
	if (isnan(d))
		rr_extension_error("cannot convert to float");
	return js_number(d);
}

static JsValue
str_to_int(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	double		d = rr_parse_int(strip_currency(self), rr_arg(nargs, args, 0));

	if (isnan(d))
		rr_extension_error("cannot convert to integer");
	return js_number(d);
}

static JsValue
str_to_boolean(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(LEN(self) > 0 &&
				   !rr_ascii_ieq(STR(self), LEN(self), "false") &&
				   !rr_ascii_ieq(STR(self), LEN(self), "no") &&
				   !rr_ascii_ieq(STR(self), LEN(self), "0"));
}

static JsValue
str_is_numeric(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	if (memchr(STR(self), ' ', LEN(self)))
		return js_bool(false);
	return js_bool(!isnan(js_to_number(self)) &&
				   !isnan(rr_parse_float(STR(self), LEN(self))));
}

static JsValue
str_length(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(js_string_length(self));
}

static JsValue
str_is_empty(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(LEN(self) == 0);
}

static JsValue
str_is_not_empty(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(LEN(self) > 0);
}

static JsValue
str_is_blank(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(space_bytes(self, false) == LEN(self));
}

static JsValue
str_is_not_blank(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(space_bytes(self, false) < LEN(self));
}

/* ---------- n8n: case ---------- */

static JsValue
upper_of(const char *s, int len)
{
	return js_cstring(str_toupper(s, len, DEFAULT_COLLATION_OID));
}

/*
 * A letter (\p{L}): ASCII letters, and beyond ASCII what the database's
 * LC_CTYPE calls alphabetic.
 */
static bool
is_letter(const char *s)
{
	pg_wchar	c = rr_char_code(s);

	if (c < 0x80)
		return rr_is_ascii_alpha((char) c);
	return sizeof(wchar_t) >= 4 && iswalpha((wint_t) c);
}

/*
 * toSentenceCase: the first letter of the string and the first letter after
 * each "!", "?" or "." upper case, every other letter from the first one on
 * lower case (n8n's loop, done in one pass).
 */
static JsValue
str_to_sentence_case(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;
	const char *rest;
	int			i = 0;
	bool		upper_next = false;

	while (i < LEN(self) && !is_letter(STR(self) + i))
		i += rr_char_len(STR(self) + i);
	if (i == LEN(self))
		return self;
	initStringInfo(&out);
	appendBinaryStringInfo(&out, STR(self), i);
	appendStringInfoString(&out, STR(upper_of(STR(self) + i, rr_char_len(STR(self) + i))));
	i += rr_char_len(STR(self) + i);
	rest = str_tolower(STR(self) + i, LEN(self) - i, DEFAULT_COLLATION_OID);
	for (i = 0; rest[i]; i += rr_char_len(rest + i))
	{
		int			n = rr_char_len(rest + i);

		if (upper_next && is_letter(rest + i))
		{
			appendStringInfoString(&out, STR(upper_of(rest + i, n)));
			upper_next = false;
			continue;
		}
		if (rest[i] == '!' || rest[i] == '?' || rest[i] == '.')
			upper_next = true;
		appendBinaryStringInfo(&out, rest + i, n);
	}
	return rr_string_from(&out);
}

/* toSnakeCase: lower case, " " and "-" to "_", punctuation dropped */
static JsValue
str_to_snake_case(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const char *lower = str_tolower(STR(self), LEN(self), DEFAULT_COLLATION_OID);
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	for (i = 0; lower[i]; i += rr_char_len(lower + i))
	{
		pg_wchar	c = rr_char_code(lower + i);

		if (c == ' ' || c == '-')
			appendStringInfoChar(&out, '_');
		else if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x2E00 && c <= 0x2E7F) ||
				 (c < 0x80 && strchr("\\'!\"#$%&()*+,./:;<=>?@[]^`{|}~", (int) c)))
			continue;
		else
			appendBinaryStringInfo(&out, lower + i, rr_char_len(lower + i));
	}
	return rr_string_from(&out);
}

/* The small words of npm title-case 3 (its SMALL_WORDS pattern, expanded) */
static const char *const small_words[] = {
	"a", "ad", "an", "and", "as", "at", "because", "but", "by", "en", "for",
	"if", "in", "neither", "nor", "of", "on", "or", "only", "over", "per",
	"so", "some", "than", "that", "the", "to", "up", "upon", "v", "v.", "vs",
	"vs.", "versus", "via", "when", "with", "without", "yet", NULL
};

/* Whether a small word occurs in the token between word boundaries */
static bool
has_small_word(const char *t, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		const char *const *w;

		if (!rr_is_ascii_word(t[i]) || (i > 0 && rr_is_ascii_word(t[i - 1])))
			continue;
		for (w = small_words; *w; w++)
		{
			int			wl = strlen(*w);
			bool		before = rr_is_ascii_word((*w)[wl - 1]);
			bool		after = i + wl < n && rr_is_ascii_word(t[i + wl]);

			if (i + wl <= n && pg_strncasecmp(t + i, *w, wl) == 0 &&
				before != after)
				return true;
		}
	}
	return false;
}

/* A character followed by an upper case letter, or by "." and another */
static bool
is_manual_case(const char *t, int n)
{
	int			i;

	for (i = 1; i < n; i++)
	{
		if ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] == '.' && i + 1 < n))
			return true;
	}
	return false;
}

static bool
title_separator(const char *s)
{
	pg_wchar	c = rr_char_code(s);

	return js_is_space(c) || c == ':' || c == '-' || c == 0x2013 || c == 0x2014;
}

/*
 * toTitleCase: npm title-case 3, which n8n uses.  Tokens are runs of
 * characters other than whitespace, ":", "-", en and em dash, or one such
 * character (line terminators belong to no token and are dropped, as
 * there).  A token gets its first [A-Za-z0-9\u00C0-\u00FF] upper cased
 * unless it has capitals or dots inside, is a small word not first or
 * last, or is followed by ":" and no whitespace (a URL scheme).
 */
static JsValue
str_to_title_case(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const char *s = STR(self);
	int			len = LEN(self);
	StringInfoData out;
	int			i = 0;

	initStringInfo(&out);
	while (i < len)
	{
		int			start = i;
		int			j;

		rr_expr_step(env);
		if (rr_is_line_terminator(s + i))
		{
			i += rr_char_len(s + i);
			continue;
		}
		if (title_separator(s + i))
			i += rr_char_len(s + i);
		else
			while (i < len && !title_separator(s + i) && !rr_is_line_terminator(s + i))
				i += rr_char_len(s + i);
		if (is_manual_case(s + start, i - start) ||
			(has_small_word(s + start, i - start) && start > 0 && i < len) ||
			(i < len && s[i] == ':' &&
			 !(i + 1 < len && js_is_space(rr_char_code(s + i + 1)))))
		{
			appendBinaryStringInfo(&out, s + start, i - start);
			continue;
		}
		for (j = start; j < i; j += rr_char_len(s + j))
		{
			pg_wchar	c = rr_char_code(s + j);

			if ((c < 0x80 && (rr_is_ascii_alpha((char) c) || rr_is_ascii_digit((char) c))) ||
				(c >= 0xC0 && c <= 0xFF))
				break;
		}
		appendBinaryStringInfo(&out, s + start, j - start);
		if (j < i)
		{
			appendStringInfoString(&out, STR(upper_of(s + j, rr_char_len(s + j))));
			j += rr_char_len(s + j);
			appendBinaryStringInfo(&out, s + j, i - j);
		}
	}
	return rr_string_from(&out);
}

/* ---------- n8n: encodings ---------- */

static JsValue
str_url_encode(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;

	initStringInfo(&out);
	rr_uri_encode(&out, STR(self), LEN(self),
				  js_to_boolean(rr_arg(nargs, args, 0)) ? ";/?:@&=+$,#" : "");
	return rr_string_from(&out);
}

static JsValue
str_url_decode(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;

	initStringInfo(&out);
	if (!rr_uri_decode(&out, STR(self), LEN(self),
					   js_to_boolean(rr_arg(nargs, args, 0)) ? ";/?:@&=+$,#" : ""))
		rr_extension_error("urlDecode(): URI malformed");
	return rr_string_from(&out);
}

static JsValue
base64_encode(const char *s, int len)
{
	int			n;
	char	   *buf;

	rr_check_bytes(len / 3 * 4.0 + 4, "base64Encode()");
	buf = palloc(pg_b64_enc_len(len) + 1);
	n = pg_b64_encode(s, len, buf, pg_b64_enc_len(len));
	if (n < 0)
		elog(ERROR, "could not encode base64");
	return js_string(buf, n);
}

static JsValue
str_base64_encode(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return base64_encode(STR(self), LEN(self));
}

/*
 * base64Decode as npm js-base64's fromBase64: "-" and "_" read as "+" and
 * "/", every other character outside the alphabet ignored, padding
 * optional; the bytes read as UTF-8 with U+FFFD for invalid sequences.
 */
static JsValue
str_base64_decode(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData bytes;
	StringInfoData out;
	uint32		acc = 0;
	int			bits = 0;
	int			i;

	initStringInfo(&bytes);
	for (i = 0; i < LEN(self); i++)
	{
		char		c = STR(self)[i];
		int			v;

		if (rr_is_ascii_alpha(c))
			v = c >= 'a' ? c - 'a' + 26 : c - 'A';
		else if (rr_is_ascii_digit(c))
			v = c - '0' + 52;
		else if (c == '+' || c == '-')
			v = 62;
		else if (c == '/' || c == '_')
			v = 63;
		else
			continue;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			appendStringInfoChar(&bytes, (char) ((acc >> bits) & 0xFF));
		}
	}
	initStringInfo(&out);
	for (i = 0; i < bytes.len;)
	{
		int			n = rr_char_len(bytes.data + i);

		if (i + n <= bytes.len && pg_utf8_islegal((unsigned char *) bytes.data + i, n))
		{
			appendBinaryStringInfo(&out, bytes.data + i, n);
			i += n;
		}
		else
		{
			appendStringInfoString(&out, "\xEF\xBF\xBD");
			i++;
		}
	}
	return rr_string_from(&out);
}

/* quote(mark = '"'): backslashes doubled, marks escaped, then wrapped */
static JsValue
str_quote(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		markv = rr_arg(nargs, args, 0);
	JsValue		mark = markv.kind == JS_UNDEFINED ? js_cstring("\"") : js_to_string(markv);
	StringInfoData doubled;
	StringInfoData out;
	int			i;

	initStringInfo(&doubled);
	for (i = 0; i < LEN(self); i++)
	{
		if (STR(self)[i] == '\\')
			appendStringInfoChar(&doubled, '\\');
		appendStringInfoChar(&doubled, STR(self)[i]);
	}
	initStringInfo(&out);
	appendBinaryStringInfo(&out, STR(mark), LEN(mark));
	for (i = 0; i < doubled.len;)
	{
		if (LEN(mark) > 0 && i + LEN(mark) <= doubled.len &&
			memcmp(doubled.data + i, STR(mark), LEN(mark)) == 0)
		{
			appendStringInfoChar(&out, '\\');
			appendBinaryStringInfo(&out, STR(mark), LEN(mark));
			i += LEN(mark);
		}
		else
			appendStringInfoChar(&out, doubled.data[i++]);
	}
	appendBinaryStringInfo(&out, STR(mark), LEN(mark));
	rr_check_bytes(out.len, "quote()");
	return rr_string_from(&out);
}

static JsValue
str_parse_json(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		result;

	if (!rr_json_parse(STR(self), LEN(self), &result))
	{
		if (memchr(STR(self), '\'', LEN(self)))
			rr_extension_error("Parsing failed. Check you're using double quotes");
		rr_extension_error("Parsing failed");
	}
	return result;
}

/* A digest as lower-case hex */
static JsValue
hex_string(const uint8 *digest, int length)
{
	StringInfoData out;
	int			k;

	initStringInfo(&out);
	for (k = 0; k < length; k++)
		appendStringInfo(&out, "%02x", digest[k]);
	return rr_string_from(&out);
}

/*
 * hash(algorithm = "md5"): hex digest of the UTF-8 bytes; "base64" as
 * base64Encode.  n8n's "sha3" (SHA3-512) has no PostgreSQL implementation.
 */
static JsValue
str_hash(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	static const struct
	{
		const char *name;
		pg_cryptohash_type type;
		int			length;
	}			algorithms[] = {
		{"md5", PG_MD5, MD5_DIGEST_LENGTH},
		{"sha1", PG_SHA1, SHA1_DIGEST_LENGTH},
		{"sha224", PG_SHA224, PG_SHA224_DIGEST_LENGTH},
		{"sha256", PG_SHA256, PG_SHA256_DIGEST_LENGTH},
		{"sha384", PG_SHA384, PG_SHA384_DIGEST_LENGTH},
		{"sha512", PG_SHA512, PG_SHA512_DIGEST_LENGTH},
	};
	JsValue		algv = rr_arg(nargs, args, 0);
	char	   *alg;
	int			i;

	if (algv.kind != JS_UNDEFINED && algv.kind != JS_NULL && algv.kind != JS_STRING)
	{
		rr_expr_throw(env);		/* TypeError: toLowerCase is not a function */
		return js_undefined();
	}
	alg = algv.kind == JS_STRING ?
		str_tolower(STR(algv), LEN(algv), DEFAULT_COLLATION_OID) : pstrdup("md5");
	if (strcmp(alg, "base64") == 0)
		return base64_encode(STR(self), LEN(self));
	if (strcmp(alg, "sha3") == 0)
	{
		uint8		digest[SHA3_512_DIGEST_LENGTH];

		rr_sha3_512((const uint8 *) STR(self), LEN(self), digest);
		return hex_string(digest, SHA3_512_DIGEST_LENGTH);
	}
	for (i = 0; i < lengthof(algorithms); i++)
	{
		pg_cryptohash_ctx *ctx;
		uint8		digest[PG_SHA512_DIGEST_LENGTH];

		if (strcmp(alg, algorithms[i].name) != 0)
			continue;
		ctx = pg_cryptohash_create(algorithms[i].type);
		if (pg_cryptohash_init(ctx) < 0 ||
			pg_cryptohash_update(ctx, (const uint8 *) STR(self), LEN(self)) < 0 ||
			pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
			elog(ERROR, "could not compute %s hash: %s", alg,
				 pg_cryptohash_error(ctx));
		pg_cryptohash_free(ctx);
		return hex_string(digest, algorithms[i].length);
	}
	rr_extension_error("Unknown algorithm %s. Available algorithms are: md5,sha1,sha224,sha256,sha384,sha512,sha3, and Base64.",
					   alg);
	return js_undefined();
}

/*
 * replaceSpecialChars: n8n's npm transliterate(value, {unknown: "?"}),
 * for Latin scripts: each character decomposed (NFD) without its
 * combining marks ("é" is "e"), the letters without a decomposition that
 * transliterate spells out ("ß" "ss", "æ" "ae", "ø" "o" ...), and "?" for
 * every other character beyond ASCII (transliterate knows Greek, Cyrillic
 * and CJK too: docs/expressions.md).
 */
static JsValue
str_replace_special_chars(RrExprEnv *env, JsValue self, int nargs,
						  const JsValue *args)
{
	static const struct
	{
		pg_wchar	c;
		const char *ascii;
	}			letters[] = {
		{0xC6, "AE"}, {0xD0, "D"}, {0xD7, "x"}, {0xD8, "O"}, {0xDE, "Th"},
		{0xDF, "ss"}, {0xE6, "ae"}, {0xF0, "d"}, {0xF8, "o"}, {0xFE, "th"},
		{0x110, "D"}, {0x111, "d"}, {0x126, "H"}, {0x127, "h"}, {0x131, "i"},
		{0x141, "L"}, {0x142, "l"}, {0x152, "OE"}, {0x153, "oe"}, {0x166, "T"},
		{0x167, "t"}
	};
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	for (i = 0; i < LEN(self); i += rr_char_len(STR(self) + i))
	{
		pg_wchar	c[2] = {rr_char_code(STR(self) + i), 0};
		pg_wchar   *d;
		int			k;

		rr_expr_step(env);
		if (c[0] < 0x80)
		{
			appendStringInfoChar(&out, (char) c[0]);
			continue;
		}
		for (k = 0; k < lengthof(letters) && letters[k].c != c[0]; k++)
			;
		if (k < lengthof(letters))
		{
			appendStringInfoString(&out, letters[k].ascii);
			continue;
		}
		d = unicode_normalize(UNICODE_NFD, c);
		if (d[0] < 0x80 && d[0] != 0)
		{
			/* a Latin letter with marks: the marks are dropped */
			for (k = 0; d[k] != 0; k++)
				if (d[k] < 0x80)
					appendStringInfoChar(&out, (char) d[k]);
		}
		else
			appendStringInfoChar(&out, '?');
		pfree(d);
	}
	return rr_string_from(&out);
}

/*
 * String#localeCompare(that): -1, 0 or 1 as ICU's root collation orders
 * the two ("a" before "B", "a" before "A"), which is en-US's and what
 * JavaScript's Intl.Collator gives by default; through PostgreSQL's
 * collation "und-x-icu".  Another locale, or options, are refused
 * (0A000), as is a server without ICU.
 */
static JsValue
str_locale_compare(RrExprEnv *env, JsValue self, int nargs,
				   const JsValue *args)
{
	static Oid	collation = InvalidOid;
	JsValue		that = js_to_string(rr_arg(nargs, args, 0));
	JsValue		locales = rr_arg(nargs, args, 1);
	int			order;

	if (locales.kind != JS_UNDEFINED && !rr_is_english_tag(locales))
		rr_builtin_not_supported("localeCompare() in other locales than en-US");
	if (rr_arg(nargs, args, 2).kind != JS_UNDEFINED)
		rr_builtin_not_supported("localeCompare() with options");
	if (!OidIsValid(collation))
	{
		collation = get_collation_oid(list_make2(makeString("pg_catalog"),
												 makeString("und-x-icu")),
									  true);
		if (!OidIsValid(collation))
			rr_builtin_not_supported("localeCompare() on a server without ICU");
	}
	order = varstr_cmp(STR(self), LEN(self), STR(that), LEN(that), collation);
	return js_number(order < 0 ? -1 : order > 0 ? 1 : 0);
}

/*
 * Whether a string may be cut before c for normalizing the pieces apart:
 * c is a starter that never composes with what precedes it (ASCII, Latin
 * letters, kana, CJK ideographs, Hangul syllables).
 */
static bool
normalize_boundary(pg_wchar c)
{
	return c < 0x80 || (c >= 0xC0 && c <= 0x24F) ||
		(c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) ||
		(c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3);
}

/* Longest piece between boundaries normalize() takes, in characters */
#define RR_NORMALIZE_PIECE 4096

/*
 * String#normalize(form): Unicode's normalization form "NFC" (the
 * default), "NFD", "NFKC" or "NFKD"; another form is JavaScript's
 * RangeError.  PostgreSQL's unicode_normalize() sorts combining marks in
 * time quadratic in their number and cannot be interrupted, so the string
 * goes to it in pieces, cut before U+0000 (which would end its input)
 * and, once a piece holds a quarter of RR_NORMALIZE_PIECE characters,
 * before the next character that starts afresh (normalize_boundary): a
 * piece that reaches RR_NORMALIZE_PIECE with no such character (a wall of
 * combining marks) fails with 54000, as does a result over the size
 * strings may have.
 */
static JsValue
str_normalize(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	static const char *const names[] = {"NFC", "NFD", "NFKC", "NFKD"};
	static const UnicodeNormalizationForm forms[] = {
		UNICODE_NFC, UNICODE_NFD, UNICODE_NFKC, UNICODE_NFKD
	};
	JsValue		form = rr_arg(nargs, args, 0);
	pg_wchar	chars[RR_NORMALIZE_PIECE + 1];
	StringInfoData out;
	int			f = 0;
	int			n = 0;

	if (form.kind != JS_UNDEFINED)
	{
		if (form.kind != JS_STRING)
			f = lengthof(names);
		else
			for (f = 0; f < lengthof(names); f++)
				if (LEN(form) == strlen(names[f]) &&
					strncmp(STR(form), names[f], LEN(form)) == 0)
					break;
		if (f == lengthof(names))
		{
			rr_expr_throw(env);
			return js_undefined();
		}
	}
	initStringInfo(&out);
	for (int i = 0; i <= LEN(self); i += i < LEN(self) ? rr_char_len(STR(self) + i) : 1)
	{
		pg_wchar	c = i < LEN(self) ? rr_char_code(STR(self) + i) : 0;
		pg_wchar   *normalized;

		if (c != 0 && (n < RR_NORMALIZE_PIECE / 4 || !normalize_boundary(c)))
		{
			if (n == RR_NORMALIZE_PIECE)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("normalize() takes at most %d characters in a row that are neither ASCII, Latin, kana, CJK nor Hangul",
								RR_NORMALIZE_PIECE)));
			chars[n++] = c;
			continue;
		}
		/* the piece so far, then c starts the next (U+0000 stands alone) */
		chars[n] = 0;
		rr_expr_step(env);
		normalized = unicode_normalize(forms[f], chars);
		if (normalized == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		for (int k = 0; normalized[k] != 0; k++)
		{
			unsigned char buf[4];
			pg_wchar	u = normalized[k];

			unicode_to_utf8(u, buf);
			appendBinaryStringInfo(&out, (char *) buf,
								   u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : 4);
		}
		pfree(normalized);
		rr_check_bytes(out.len, "normalize()");
		n = 0;
		if (c == 0 && i < LEN(self))
			appendStringInfoChar(&out, '\0');
		else if (c != 0)
			chars[n++] = c;
	}
	return rr_string_from(&out);
}

const RrMethodImpl rr_string_methods[] = {
	/* JavaScript's */
	{"at", false, str_at},
	{"charAt", false, str_char_at},
	{"charCodeAt", false, str_char_code_at},
	{"codePointAt", false, str_code_point_at},
	{"concat", false, str_concat},
	{"endsWith", false, str_ends_with},
	{"includes", false, str_includes},
	{"indexOf", false, str_index_of},
	{"lastIndexOf", false, str_last_index_of},
	{"localeCompare", false, str_locale_compare},
	{"normalize", false, str_normalize},
	{"padEnd", false, str_pad_end},
	{"padStart", false, str_pad_start},
	{"repeat", false, str_repeat},
	{"replace", false, str_replace},
	{"replaceAll", false, str_replace_all},
	{"slice", false, str_slice},
	{"split", false, str_split},
	{"startsWith", false, str_starts_with},
	{"substr", false, str_substr},
	{"substring", false, str_substring},
	{"toLocaleLowerCase", false, str_to_lower_case},
	{"toLocaleUpperCase", false, str_to_upper_case},
	{"toLowerCase", false, str_to_lower_case},
	{"toString", false, str_to_string},
	{"toUpperCase", false, str_to_upper_case},
	{"trim", false, str_trim},
	{"trimEnd", false, str_trim_end},
	{"trimLeft", false, str_trim_start},
	{"trimRight", false, str_trim_end},
	{"trimStart", false, str_trim_start},
	{"valueOf", false, str_to_string},
	/* n8n's */
	{"base64Decode", true, str_base64_decode},
	{"base64Encode", true, str_base64_encode},
	{"hash", true, str_hash},
	{"isBlank", true, str_is_blank},
	{"isEmpty", true, str_is_empty},
	{"isNotBlank", true, str_is_not_blank},
	{"isNotEmpty", true, str_is_not_empty},
	{"isNumeric", true, str_is_numeric},
	{"length", true, str_length},
	{"parseJson", true, str_parse_json},
	{"quote", true, str_quote},
	{"replaceSpecialChars", true, str_replace_special_chars},
	{"toBoolean", true, str_to_boolean},
	{"toDate", true, rr_string_to_date},
	{"toDateTime", true, rr_string_to_date_time},
	{"toDecimalNumber", true, str_to_float},
	{"toFloat", true, str_to_float},
	{"toInt", true, str_to_int},
	{"toJsonString", true, rr_method_json_string},
	{"toNumber", true, str_to_number},
	{"toSentenceCase", true, str_to_sentence_case},
	{"toSnakeCase", true, str_to_snake_case},
	{"toTitleCase", true, str_to_title_case},
	{"toWholeNumber", true, str_to_int},
	{"urlDecode", true, str_url_decode},
	{"urlEncode", true, str_url_encode},
	{NULL}
};
