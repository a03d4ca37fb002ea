/*-------------------------------------------------------------------------
 *
 * regex.c
 *		JavaScript regular expressions on PostgreSQL's regex engine
 *		(src/expr/PLAN.md section 4.6): the translation of a JS pattern and
 *		its flags into an ARE, compiled once with pg_regcomp when the
 *		expression is compiled, and matching with pg_regexec.
 *
 * The translation spells out what JavaScript means rather than relying on
 * ARE's locale-dependent classes and newline modes: \d \w \s are JS's
 * fixed sets, "." excludes JS's four line terminators unless the s flag,
 * ^ and $ with the m flag are look-arounds on those terminators, \b is \y,
 * named groups become numbered ones.  No newline flag is given to the
 * engine, so [^a] matches a newline as in JavaScript.  Every literal
 * character that is not an ASCII letter or digit is written as a \u or \U
 * escape, so nothing in the pattern can mean something else to ARE.  What
 * has no faithful ARE equivalent is refused with the pattern's position:
 * quantified look-arounds, capturing groups and back-references inside
 * look-arounds, back-references to groups not closed yet or inside
 * character classes, \p{} classes other than letters, bounds above 255,
 * the d flag.  The rest of the differences (ARE's leftmost-longest choice
 * between alternatives, case folding by collation) are documented in
 * docs/expressions.md.
 *
 * The engine works on pg_wchar code points: a subject is decoded once per
 * call (rr_regex_subject) and offsets map back to bytes and UTF-16 units.
 * It polls for cancel and statement_timeout; a REG_CANCEL is turned into
 * the pending interrupt's error.  The compiled regex_t is malloc'd by the
 * engine (PostgreSQL 15): a reset callback of the memory context the
 * expression was compiled in frees it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation_d.h"
#include "expr/regex.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"

/* JavaScript's \d, \w and \s, as sorted inclusive ranges */
static const pg_wchar digit_set[] = {'0', '9'};
static const pg_wchar word_set[] = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
static const pg_wchar space_set[] = {
	0x09, 0x0D, 0x20, 0x20, 0xA0, 0xA0, 0x1680, 0x1680, 0x2000, 0x200A,
	0x2028, 0x2029, 0x202F, 0x202F, 0x205F, 0x205F, 0x3000, 0x3000,
	0xFEFF, 0xFEFF
};

/* What "." does not match without the s flag, and ^ $ see with m */
#define LINE_TERMINATORS	"\\u000a\\u000d\\u2028\\u2029"

#define MAX_CHAR			0x10FFFF
#define MAX_BOUND			255 /* ARE's DUPMAX */

/* The groups open during the translation */
typedef enum GroupKind
{
	GROUP_CAPTURE,
	GROUP_PLAIN,				/* (?: */
	GROUP_LOOKAROUND			/* (?= (?! (?<= (?<! */
} GroupKind;

typedef struct Translator
{
	const char *p;				/* the JS pattern */
	int			len;
	int			i;				/* current byte offset */
	bool		unicode;
	bool		dotall;
	bool		multiline;
	StringInfoData out;			/* the ARE */
	int			ngroups;		/* capturing groups in the whole pattern */
	const char **names;			/* their names, or NULL */
	int			opened;			/* capturing groups opened so far */
	bool	   *closed;			/* closed[n]: group n is closed */
	GroupKind  *stack;			/* the groups open */
	int			depth;
	int			lookarounds;	/* look-arounds open */
	bool		quantifiable;	/* what precedes can take a quantifier */
	char	   *error;
	int			error_pos;
} Translator;

static bool refuse(Translator *t, int pos, const char *fmt,...) pg_attribute_printf(3, 4);

static bool
refuse(Translator *t, int pos, const char *fmt,...)
{
	va_list		args;
	char		message[256];

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	t->error = pstrdup(message);
	t->error_pos = pos;
	return false;
}

static inline bool
at(Translator *t, int offset, char c)
{
	return t->i + offset < t->len && t->p[t->i + offset] == c;
}

static inline bool
is_alnum(pg_wchar c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z');
}

/* n hexadecimal digits at byte offset from, or -1 */
static int
hex_digits(Translator *t, int from, int n)
{
	int			v = 0;
	int			k;

	if (from + n > t->len)
		return -1;
	for (k = 0; k < n; k++)
	{
		int			d = js_hex_digit(t->p[from + k]);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* A character, as ARE reads it literally anywhere */
static void
emit_char(Translator *t, pg_wchar c)
{
	if (c < 128 && is_alnum(c))
		appendStringInfoChar(&t->out, (char) c);
	else if (c <= 0xFFFF)
		appendStringInfo(&t->out, "\\u%04x", (unsigned int) c);
	else
		appendStringInfo(&t->out, "\\U%08x", (unsigned int) c);
}

/* The ranges of set (or of its complement) inside a bracket expression */
static void
emit_set(Translator *t, const pg_wchar *set, int n, bool complement)
{
	pg_wchar	from = 0;
	int			k;

	for (k = 0; k < n; k += 2)
	{
		pg_wchar	lo = complement ? from : set[k];
		pg_wchar	hi = complement ? set[k] - 1 : set[k + 1];

		if (complement)
			from = set[k + 1] + 1;
		if (complement && set[k] == 0)
			continue;
		emit_char(t, lo);
		if (hi != lo)
		{
			appendStringInfoChar(&t->out, '-');
			emit_char(t, hi);
		}
	}
	if (complement)
	{
		emit_char(t, from);
		appendStringInfoChar(&t->out, '-');
		emit_char(t, MAX_CHAR);
	}
}

/* The set of a class escape letter (d w s, any case), or NULL */
static const pg_wchar *
class_set(char c, int *n)
{
	*n = 0;
	switch (c)
	{
		case 'd':
		case 'D':
			*n = lengthof(digit_set);
			return digit_set;
		case 'w':
		case 'W':
			*n = lengthof(word_set);
			return word_set;
		case 's':
		case 'S':
			*n = lengthof(space_set);
			return space_set;
	}
	return NULL;
}

/*
 * \p{...} and \P{...} (u flag): the ARE class name of the property at
 * t->i (just after the "p" or "P"), the offset is moved past the "}"
 */
static const char *
property_class(Translator *t, int start)
{
	static const struct
	{
		const char *name;
		const char *class;
	}			properties[] = {
		{"L", "alpha"}, {"Letter", "alpha"},
		{"Lu", "upper"}, {"Uppercase_Letter", "upper"},
		{"Ll", "lower"}, {"Lowercase_Letter", "lower"}
	};
	const char *close;
	int			k;

	if (!at(t, 0, '{') ||
		(close = memchr(t->p + t->i, '}', t->len - t->i)) == NULL)
	{
		refuse(t, start, "invalid property name");
		return NULL;
	}
	for (k = 0; k < lengthof(properties); k++)
	{
		int			n = strlen(properties[k].name);

		if (close - (t->p + t->i + 1) == n &&
			memcmp(t->p + t->i + 1, properties[k].name, n) == 0)
		{
			t->i = close - t->p + 1;
			return properties[k].class;
		}
	}
	refuse(t, start,
		   "the Unicode property class %.*s is not supported: only \\p{L}, \\p{Lu} and \\p{Ll} are",
		   (int) (close - (t->p + start) + 1), t->p + start);
	return NULL;
}

/*
 * \xHH or \uHHHH, the letter at t->i: the character of its n digits in
 * *c, or without them the letter itself (an error with the u flag)
 */
static bool
hex_escape(Translator *t, int start, int n, pg_wchar *c)
{
	int			v = hex_digits(t, t->i + 1, n);

	if (v < 0)
	{
		if (t->unicode)
			return refuse(t, start, "invalid escape \\%c", t->p[t->i]);
		*c = (unsigned char) t->p[t->i++];
		return true;
	}
	*c = v;
	t->i += n + 1;
	return true;
}

/*
 * A character escape at t->i (just after the backslash) that stands for
 * one character: its code point in *c, the offset moved past it.  False
 * when it is not one (class escapes, back-references, \b \B \k \p are the
 * callers'), or with t->error set when it is invalid.
 */
static bool
char_escape(Translator *t, pg_wchar *c)
{
	int			start = t->i - 1;
	char		e = t->p[t->i];
	int			v;

	switch (e)
	{
		case 'n':
			*c = '\n';
			break;
		case 'r':
			*c = '\r';
			break;
		case 't':
			*c = '\t';
			break;
		case 'v':
			*c = '\v';
			break;
		case 'f':
			*c = '\f';
			break;
		case '0':
			if (t->i + 1 < t->len && t->p[t->i + 1] >= '0' && t->p[t->i + 1] <= '9')
				return refuse(t, start, "octal escapes are not supported");
			*c = 0;
			break;
		case 'c':
			if (t->i + 1 < t->len &&
				((t->p[t->i + 1] >= 'a' && t->p[t->i + 1] <= 'z') ||
				 (t->p[t->i + 1] >= 'A' && t->p[t->i + 1] <= 'Z')))
			{
				*c = t->p[t->i + 1] % 32;
				t->i += 2;
				return true;
			}
			return refuse(t, start, "invalid escape \\c");
		case 'x':
			return hex_escape(t, start, 2, c);
		case 'u':
			if (t->unicode && at(t, 1, '{'))
			{
				int			k = t->i + 2;

				v = 0;
				while (k < t->len && js_hex_digit(t->p[k]) >= 0 && v <= MAX_CHAR)
					v = v * 16 + js_hex_digit(t->p[k++]);
				if (k == t->i + 2 || k >= t->len || t->p[k] != '}' ||
					v > MAX_CHAR)
					return refuse(t, start, "invalid Unicode escape");
				t->i = k + 1;
				*c = v;
				return true;
			}
			if (!hex_escape(t, start, 4, c))
				return false;
			v = *c;
			if (v >= 0xD800 && v <= 0xDBFF && at(t, 0, '\\') && at(t, 1, 'u'))
			{
				int			low = hex_digits(t, t->i + 2, 4);

				if (low >= 0xDC00 && low <= 0xDFFF)
				{
					t->i += 6;
					*c = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
					return true;
				}
			}
			if (v >= 0xD800 && v <= 0xDFFF)
				return refuse(t, start,
							  "a lone surrogate cannot be matched: strings hold no lone surrogates");
			*c = v;
			return true;
		default:
			if (is_alnum((unsigned char) e) || (unsigned char) e >= 0x80)
			{
				/* in Unicode mode, only syntax characters may be escaped */
				if (t->unicode)
					return refuse(t, start, "invalid escape \\%c", e);
				if ((unsigned char) e >= 0x80)
				{
					*c = utf8_to_unicode((const unsigned char *) t->p + t->i);
					t->i += pg_encoding_mblen(PG_UTF8, t->p + t->i);
					return true;
				}
			}
			else if (t->unicode && strchr("^$\\.*+?()[]{}|/-", e) == NULL)
				return refuse(t, start, "invalid escape \\%c", e);
			*c = (unsigned char) e;
			break;
	}
	t->i++;
	return true;
}

/* A literal character of the pattern at t->i, moved past */
static pg_wchar
pattern_char(Translator *t)
{
	const unsigned char *s = (const unsigned char *) t->p + t->i;

	t->i += pg_encoding_mblen(PG_UTF8, (const char *) s);
	return utf8_to_unicode(s);
}

/*
 * One member of a character class at t->i: a character in *c (and false
 * in *is_set), or a class escape (*is_set true, its set emitted).
 */
static bool
class_atom(Translator *t, pg_wchar *c, bool *is_set)
{
	int			start = t->i;
	const pg_wchar *set;
	int			n;

	*is_set = false;
	if (t->p[t->i] != '\\')
	{
		*c = pattern_char(t);
		return true;
	}
	t->i++;
	if (t->i >= t->len)
		return refuse(t, start, "\\ at end of pattern");
	set = class_set(t->p[t->i], &n);
	if (set != NULL)
	{
		/* \D \W \S: the ranges of the complement */
		emit_set(t, set, n, t->p[t->i] >= 'A' && t->p[t->i] <= 'Z');
		t->i++;
		*is_set = true;
		return true;
	}
	switch (t->p[t->i])
	{
		case 'b':
			*c = '\b';
			t->i++;
			return true;
		case '-':
			*c = '-';
			t->i++;
			return true;
		case 'p':
		case 'P':
			if (t->unicode)
			{
				bool		negated = t->p[t->i] == 'P';
				const char *class;

				t->i++;
				class = property_class(t, start);
				if (class == NULL)
					return false;
				if (negated)
					return refuse(t, start,
								  "\\P{...} inside a character class is not supported");
				appendStringInfo(&t->out, "[:%s:]", class);
				*is_set = true;
				return true;
			}
			break;
		case 'k':
			if (t->unicode || t->names != NULL)
				return refuse(t, start,
							  "back-references inside character classes are not supported");
			break;
		default:
			if (t->p[t->i] >= '1' && t->p[t->i] <= '9')
				return refuse(t, start,
							  "back-references inside character classes are not supported");
			break;
	}
	return char_escape(t, c);
}

/* A character class [...] at t->i */
static bool
translate_class(Translator *t)
{
	int			start = t->i;
	bool		negated;

	t->i++;
	negated = at(t, 0, '^');
	if (negated)
		t->i++;
	if (at(t, 0, ']'))
	{
		/* [] matches nothing, [^] anything (ARE's "." has no newline rule) */
		appendStringInfoString(&t->out, negated ? "." : "(?!)");
		t->i++;
		return true;
	}
	appendStringInfoString(&t->out, negated ? "[^" : "[");
	for (;;)
	{
		pg_wchar	lo;
		bool		lo_set;

		if (t->i >= t->len)
			return refuse(t, start, "unterminated character class");
		if (t->p[t->i] == ']')
			break;
		if (!class_atom(t, &lo, &lo_set))
			return false;
		if (at(t, 0, '-') && t->i + 1 < t->len && t->p[t->i + 1] != ']')
		{
			pg_wchar	hi;
			bool		hi_set;
			int			dash = t->i;

			t->i++;
			/* a set at either end makes "-" a literal (order is irrelevant) */
			if (lo_set)
			{
				if (t->unicode)
					return refuse(t, dash, "invalid character class range");
				emit_char(t, '-');
				continue;
			}
			if (!class_atom(t, &hi, &hi_set))
				return false;
			if (hi_set)
			{
				if (t->unicode)
					return refuse(t, dash, "invalid character class range");
				emit_char(t, lo);
				emit_char(t, '-');
				continue;
			}
			if (hi < lo)
				return refuse(t, dash, "range out of order in character class");
			emit_char(t, lo);
			appendStringInfoChar(&t->out, '-');
			emit_char(t, hi);
			continue;
		}
		if (!lo_set)
			emit_char(t, lo);
	}
	t->i++;
	appendStringInfoChar(&t->out, ']');
	return true;
}

/* A back-reference to group n at start (t->i past it) */
static bool
backreference(Translator *t, int start, int n)
{
	if (t->lookarounds > 0)
		return refuse(t, start,
					  "back-references inside lookahead or lookbehind are not supported");
	if (n > t->opened || !t->closed[n])
		return refuse(t, start,
					  "a back-reference to a group that is not closed yet is not supported (JavaScript matches it as empty)");
	/* in parentheses: a digit after it must not extend the number */
	appendStringInfo(&t->out, "(?:\\%d)", n);
	return true;
}

/* An escape outside a class at t->i (the backslash) */
static bool
translate_escape(Translator *t)
{
	int			start = t->i;
	char		e;
	pg_wchar	c;
	const pg_wchar *set;
	int			n;

	t->i++;
	if (t->i >= t->len)
		return refuse(t, start, "\\ at end of pattern");
	e = t->p[t->i];
	set = class_set(e, &n);
	if (set != NULL)
	{
		/* \D is [^0-9]: no huge ranges to fold with the i flag */
		appendStringInfoString(&t->out, e >= 'A' && e <= 'Z' ? "[^" : "[");
		emit_set(t, set, n, false);
		appendStringInfoChar(&t->out, ']');
		t->i++;
		t->quantifiable = true;
		return true;
	}
	switch (e)
	{
		case 'b':
		case 'B':
			/* in ARE \b is a backspace: \y and \Y are word boundaries */
			appendStringInfoString(&t->out, e == 'b' ? "\\y" : "\\Y");
			t->i++;
			t->quantifiable = false;
			return true;
		case 'k':
			if (t->unicode || t->names != NULL)
			{
				const char *close;
				int			n;

				if (!at(t, 1, '<') ||
					(close = memchr(t->p + t->i, '>', t->len - t->i)) == NULL)
					return refuse(t, start, "invalid named reference");
				for (n = 1; n <= t->ngroups; n++)
					if (t->names != NULL && t->names[n - 1] != NULL &&
						strlen(t->names[n - 1]) == close - (t->p + t->i + 2) &&
						memcmp(t->names[n - 1], t->p + t->i + 2,
							   close - (t->p + t->i + 2)) == 0)
						break;
				if (n > t->ngroups)
					return refuse(t, start, "invalid named capture referenced");
				t->i = close - t->p + 1;
				t->quantifiable = true;
				return backreference(t, start, n);
			}
			break;
		case 'p':
		case 'P':
			if (t->unicode)
			{
				const char *class;

				t->i++;
				class = property_class(t, start);
				if (class == NULL)
					return false;
				appendStringInfo(&t->out, "[%s[:%s:]]", e == 'P' ? "^" : "",
								 class);
				t->quantifiable = true;
				return true;
			}
			break;
		default:
			if (e >= '1' && e <= '9')
			{
				int			n = 0;
				int			k = t->i;

				while (k < t->len && t->p[k] >= '0' && t->p[k] <= '9' && n <= 99999)
					n = n * 10 + (t->p[k++] - '0');
				if (n > t->ngroups)
					return refuse(t, start,
								  "back-reference \\%d to a group that does not exist (an octal escape in JavaScript) is not supported",
								  n);
				t->i = k;
				t->quantifiable = true;
				return backreference(t, start, n);
			}
			break;
	}
	if (!char_escape(t, &c))
		return false;
	emit_char(t, c);
	t->quantifiable = true;
	return true;
}

/* A group's opening at t->i: "(", "(?:", "(?=", "(?<name>" ... */
static bool
translate_group(Translator *t)
{
	int			start = t->i;
	GroupKind	kind;

	t->i++;
	if (!at(t, 0, '?'))
	{
		kind = GROUP_CAPTURE;
		appendStringInfoChar(&t->out, '(');
	}
	else if (at(t, 1, ':'))
	{
		kind = GROUP_PLAIN;
		appendStringInfoString(&t->out, "(?:");
		t->i += 2;
	}
	else if (at(t, 1, '=') || at(t, 1, '!'))
	{
		kind = GROUP_LOOKAROUND;
		appendBinaryStringInfo(&t->out, t->p + start, 3);
		t->i += 2;
	}
	else if (at(t, 1, '<') && (at(t, 2, '=') || at(t, 2, '!')))
	{
		kind = GROUP_LOOKAROUND;
		appendBinaryStringInfo(&t->out, t->p + start, 4);
		t->i += 3;
	}
	else if (at(t, 1, '<'))
	{
		/* (?<name>: its name was collected before; skip it */
		const char *close = memchr(t->p + t->i, '>', t->len - t->i);

		Assert(close != NULL);
		kind = GROUP_CAPTURE;
		appendStringInfoChar(&t->out, '(');
		t->i = close - t->p + 1;
	}
	else
		return refuse(t, start, "invalid group");
	if (kind == GROUP_CAPTURE)
	{
		if (t->lookarounds > 0)
			return refuse(t, start,
						  "capturing groups inside lookahead or lookbehind are not supported: write (?:...)");
		t->opened++;
	}
	if (kind == GROUP_LOOKAROUND)
		t->lookarounds++;
	t->stack[t->depth++] = kind;
	t->quantifiable = false;
	return true;
}

/*
 * A quantifier at t->i: * + ? {n} {n,} {n,m}, maybe followed by ?.  False
 * without an error when "{" does not start one (a literal then).
 */
static bool
translate_quantifier(Translator *t, bool *done)
{
	int			start = t->i;
	char		q = t->p[t->i];

	*done = false;
	if (q == '{')
	{
		int			k = t->i + 1;
		long		lo = 0;
		long		hi = -1;
		bool		digits = false;

		while (k < t->len && t->p[k] >= '0' && t->p[k] <= '9')
		{
			lo = Min(lo * 10 + (t->p[k] - '0'), 100000);
			k++;
			digits = true;
		}
		if (!digits)
			return true;		/* a literal "{" */
		if (k < t->len && t->p[k] == ',')
		{
			k++;
			if (k < t->len && t->p[k] >= '0' && t->p[k] <= '9')
			{
				hi = 0;
				while (k < t->len && t->p[k] >= '0' && t->p[k] <= '9')
				{
					hi = Min(hi * 10 + (t->p[k] - '0'), 100000);
					k++;
				}
			}
		}
		else
			hi = lo;
		if (k >= t->len || t->p[k] != '}')
			return true;		/* a literal "{" */
		if (!t->quantifiable)
			return refuse(t, start, "nothing to repeat");
		if (lo > MAX_BOUND || hi > MAX_BOUND)
			return refuse(t, start,
						  "quantifier bound above %d is not supported", MAX_BOUND);
		if (hi >= 0 && hi < lo)
			return refuse(t, start, "numbers out of order in {} quantifier");
		appendBinaryStringInfo(&t->out, t->p + t->i, k + 1 - t->i);
		t->i = k + 1;
	}
	else
	{
		if (!t->quantifiable)
			return refuse(t, start, "nothing to repeat");
		appendStringInfoChar(&t->out, q);
		t->i++;
	}
	if (at(t, 0, '?'))
	{
		appendStringInfoChar(&t->out, '?');
		t->i++;
	}
	/* a quantifier cannot itself be quantified */
	t->quantifiable = false;
	*done = true;
	return true;
}

/* One character of the pattern that becomes are */
static void
emit_token(Translator *t, const char *are, bool quantifiable)
{
	appendStringInfoString(&t->out, are);
	t->quantifiable = quantifiable;
	t->i++;
}

static bool
translate(Translator *t)
{
	while (t->i < t->len)
	{
		char		c = t->p[t->i];
		bool		done;

		CHECK_FOR_INTERRUPTS();
		switch (c)
		{
			case '\\':
				if (!translate_escape(t))
					return false;
				continue;
			case '[':
				if (!translate_class(t))
					return false;
				t->quantifiable = true;
				continue;
			case '(':
				if (!translate_group(t))
					return false;
				continue;
			case ')':
				if (t->depth == 0)
					return refuse(t, t->i, "unmatched \")\"");
				t->depth--;
				if (t->stack[t->depth] == GROUP_LOOKAROUND)
					t->lookarounds--;
				if (t->stack[t->depth] == GROUP_CAPTURE)
				{
					int			n;

					/* the innermost capturing group still open */
					for (n = t->opened; n > 0 && t->closed[n]; n--)
						;
					t->closed[n] = true;
				}
				/* JavaScript allows a quantified lookahead; ARE does not */
				t->quantifiable = t->stack[t->depth] != GROUP_LOOKAROUND;
				appendStringInfoChar(&t->out, ')');
				t->i++;
				continue;
			case '|':
				emit_token(t, "|", false);
				continue;
			case '^':
				emit_token(t, t->multiline ? "(?<![^" LINE_TERMINATORS "])" : "^",
						   false);
				continue;
			case '$':
				emit_token(t, t->multiline ? "(?![^" LINE_TERMINATORS "])" : "$",
						   false);
				continue;
			case '.':
				emit_token(t, t->dotall ? "." : "[^" LINE_TERMINATORS "]", true);
				continue;
			case '*':
			case '+':
			case '?':
			case '{':
				if (!translate_quantifier(t, &done))
					return false;
				if (done)
					continue;
				break;
			default:
				break;
		}
		/* a literal character */
		emit_char(t, pattern_char(t));
		t->quantifiable = true;
	}
	if (t->depth > 0)
		return refuse(t, t->len, "unterminated group");
	return true;
}

/*
 * The capturing groups of the pattern and their names, before the
 * translation (a back-reference may name a group defined after it)
 */
static bool
collect_groups(Translator *t)
{
	List	   *names = NIL;
	bool		named = false;
	bool		in_class = false;
	int			i;

	for (i = 0; i < t->len; i++)
	{
		char		c = t->p[i];
		const char *name = NULL;

		if (c == '\\')
		{
			i++;
			continue;
		}
		if (in_class)
		{
			in_class = c != ']';
			continue;
		}
		if (c == '[')
		{
			in_class = true;
			continue;
		}
		if (c != '(')
			continue;
		if (i + 1 < t->len && t->p[i + 1] == '?')
		{
			const char *close;
			int			k;
			ListCell   *lc;

			if (i + 2 >= t->len || t->p[i + 2] != '<' ||
				(i + 3 < t->len && (t->p[i + 3] == '=' || t->p[i + 3] == '!')))
				continue;
			close = memchr(t->p + i + 3, '>', t->len - i - 3);
			if (close == NULL || close == t->p + i + 3)
				return refuse(t, i, "invalid capture group name");
			for (k = i + 3; k < close - t->p; k++)
				if (!(is_alnum((unsigned char) t->p[k]) || t->p[k] == '_' ||
					  t->p[k] == '$' || (unsigned char) t->p[k] >= 0x80) ||
					(k == i + 3 && t->p[k] >= '0' && t->p[k] <= '9'))
					return refuse(t, k, "invalid capture group name");
			name = pnstrdup(t->p + i + 3, close - (t->p + i + 3));
			foreach(lc, names)
				if (lfirst(lc) != NULL && strcmp(lfirst(lc), name) == 0)
					return refuse(t, i, "duplicate capture group name");
			named = true;
		}
		names = lappend(names, (void *) name);
	}
	t->ngroups = list_length(names);
	if (named)
	{
		ListCell   *lc;

		t->names = palloc(sizeof(char *) * t->ngroups);
		foreach(lc, names)
			t->names[foreach_current_index(lc)] = lfirst(lc);
	}
	return true;
}

/*
 * new RegExp(pattern, flags): the flags are checked here (each of
 * "dgimsuy" at most once; "y" is refused like "d"), the pattern is
 * rr_regex_compile's.
 */
RrRegex *
rr_regex_new(JsValue pattern, JsValue flags, char **error, int *error_pos)
{
	char		f[16] = "";
	int			i;

	if (pattern.kind == JS_REGEXP)
	{
		if (flags.kind == JS_UNDEFINED)
			flags = js_cstring(pattern.u.regex->flags);
		pattern = js_string(pattern.u.regex->source,
							pattern.u.regex->source_len);
	}
	else if (pattern.kind == JS_UNDEFINED)
		pattern = js_cstring("");
	else
		pattern = js_to_string(pattern);
	if (flags.kind != JS_UNDEFINED)
		flags = js_to_string(flags);
	else
		flags = js_cstring("");
	*error_pos = 0;
	for (i = 0; i < flags.u.str.len; i++)
	{
		char		c = flags.u.str.ptr[i];

		if (strchr("dgimsuy", c) == NULL || c == '\0' || strchr(f, c) != NULL)
		{
			*error = psprintf("invalid regular expression flags \"%.*s\"",
							  Min(flags.u.str.len, 16), flags.u.str.ptr);
			return NULL;
		}
		if (c == 'y')
		{
			*error = pstrdup("the regular expression flag \"y\" is not supported");
			return NULL;
		}
		f[i] = c;
	}
	return rr_regex_compile(pattern.u.str.ptr, pattern.u.str.len, f, error,
							error_pos);
}

static void
free_regex(void *arg)
{
	pg_regfree(&((RrRegex *) arg)->re);
}

RrRegex *
rr_regex_compile(const char *pattern, int len, const char *flags, char **error,
				 int *error_pos)
{
	Translator	t;
	RrRegex    *re;
	pg_wchar   *wide;
	int			wlen;
	int			rc;
	int			cflags = REG_ADVANCED;
	MemoryContextCallback *callback;
	static const char order[] = "gimsu";
	const char *f;

	if (len > RR_REGEX_MAX_PATTERN)
	{
		*error = psprintf("regular expression is too long (more than %d bytes)",
						  RR_REGEX_MAX_PATTERN);
		*error_pos = 0;
		return NULL;
	}
	memset(&t, 0, sizeof(t));
	re = palloc0(sizeof(RrRegex));
	for (f = order; *f; f++)
		if (strchr(flags, *f) != NULL)
			re->flags[strlen(re->flags)] = *f;
	if (strchr(flags, 'd') != NULL)
	{
		*error = pstrdup("the regular expression flag \"d\" is not supported");
		*error_pos = len + 1 + (strchr(flags, 'd') - flags);
		return NULL;
	}
	re->global = strchr(flags, 'g') != NULL;
	re->unicode = t.unicode = strchr(flags, 'u') != NULL;
	t.dotall = strchr(flags, 's') != NULL;
	t.multiline = strchr(flags, 'm') != NULL;
	if (strchr(flags, 'i') != NULL)
		cflags |= REG_ICASE;
	t.p = pattern;
	t.len = len;
	initStringInfo(&t.out);
	if (!collect_groups(&t))
		goto fail;
	t.closed = palloc0(sizeof(bool) * (t.ngroups + 1));
	t.stack = palloc(sizeof(GroupKind) * (len + 1));
	if (!translate(&t))
		goto fail;

	wide = palloc(sizeof(pg_wchar) * (t.out.len + 1));
	wlen = pg_encoding_mb2wchar_with_len(PG_UTF8, t.out.data, wide, t.out.len);
	rc = pg_regcomp(&re->re, wide, wlen, cflags, DEFAULT_COLLATION_OID);
	pfree(wide);
	if (rc != REG_OKAY)
	{
		char		message[100];

		/* a cancel is the interrupt's error, not a bad pattern */
		CHECK_FOR_INTERRUPTS();
		pg_regerror(rc, &re->re, message, sizeof(message));
		t.error = psprintf("invalid regular expression: %s", message);
		t.error_pos = 0;
		goto fail;
	}
	callback = palloc(sizeof(MemoryContextCallback));
	callback->func = free_regex;
	callback->arg = re;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, callback);

	Assert(re->re.re_nsub == (size_t) t.ngroups);
	re->source = pnstrdup(pattern, len);
	re->source_len = len;
	re->ngroups = t.ngroups;
	re->names = t.names;
	pfree(t.out.data);
	return re;

fail:
	*error = t.error;
	*error_pos = t.error_pos;
	return NULL;
}

void
rr_regex_append_string(StringInfo out, const RrRegex *re)
{
	appendStringInfoChar(out, '/');
	if (re->source_len == 0)
		appendStringInfoString(out, "(?:)");
	else
		appendBinaryStringInfo(out, re->source, re->source_len);
	appendStringInfoChar(out, '/');
	appendStringInfoString(out, re->flags);
}

bool
rr_regex_property(const RrRegex *re, const char *name, int len,
				  JsValue *result)
{
	static const struct
	{
		const char *name;
		char		flag;
	}			flags[] = {
		{"global", 'g'}, {"ignoreCase", 'i'}, {"multiline", 'm'},
		{"dotAll", 's'}, {"unicode", 'u'}, {"sticky", 'y'},
		{"hasIndices", 'd'}, {"unicodeSets", 'v'}
	};
	int			k;

#define NAME_IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	if (NAME_IS("source"))
		*result = re->source_len > 0 ? js_string(re->source, re->source_len) :
			js_cstring("(?:)");
	else if (NAME_IS("flags"))
		*result = js_cstring(re->flags);
	else if (NAME_IS("lastIndex"))
		*result = js_number(0);
	else
	{
		for (k = 0; k < lengthof(flags); k++)
			if (len == strlen(flags[k].name) &&
				memcmp(name, flags[k].name, len) == 0)
			{
				*result = js_bool(strchr(re->flags, flags[k].flag) != NULL);
				return true;
			}
		return false;
	}
#undef NAME_IS
	return true;
}

void
rr_regex_subject(RrRegexSubject *subject, const char *str, int len)
{
	int			b = 0;
	int			n = 0;

	subject->str = str;
	subject->len = len;
	subject->chars = palloc(sizeof(pg_wchar) * (len + 1));
	subject->bytes = palloc(sizeof(int) * (len + 1));
	while (b < len)
	{
		const unsigned char *s = (const unsigned char *) str + b;

		subject->bytes[n] = b;
		subject->chars[n++] = utf8_to_unicode(s);
		b += Min(pg_encoding_mblen(PG_UTF8, (const char *) s), len - b);
	}
	subject->bytes[n] = len;
	subject->nchars = n;
	subject->unit_char = 0;
	subject->unit_index = 0;
}

int
rr_regex_unit_index(RrRegexSubject *subject, int ch)
{
	int			c = subject->unit_char;
	int			u = subject->unit_index;

	if (ch < c)
		c = u = 0;
	for (; c < ch; c++)
		u += subject->chars[c] > 0xFFFF ? 2 : 1;
	subject->unit_char = c;
	subject->unit_index = u;
	return u;
}

bool
rr_regex_exec(const RrRegex *re, const RrRegexSubject *subject, int from,
			  regmatch_t *m, int nmatch)
{
	int			rc;

	if (from > subject->nchars)
		return false;
	rc = pg_regexec(unconstify(regex_t *, &re->re), subject->chars,
					subject->nchars, from, NULL, nmatch, m, 0);
	if (rc == REG_NOMATCH)
		return false;
	if (rc != REG_OKAY)
	{
		char		message[100];

		/* a cancel or statement_timeout: its own error */
		CHECK_FOR_INTERRUPTS();
		pg_regerror(rc, &re->re, message, sizeof(message));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("regular expression failed: %s", message)));
	}
	return true;
}
