/*-------------------------------------------------------------------------
 *
 * builtins_markdown.c
 *		n8n's string extension removeMarkdown (W src/extensions/
 *		string-extensions.ts, removeMarkdown): its eighteen replacements, in
 *		its order.
 *
 * Most steps are n8n's regular expressions run on the expressions' own
 * engine (regex.c), compiled once per backend.  Three are hand-coded,
 * where PostgreSQL's engine, whose first quantifier decides whether the
 * whole match is short or long (docs/expressions.md "Regular
 * expressions"), would match otherwise: the two that pair a delimiter with
 * a back-reference around a lazy body, /([*_]{1,3})(\S.*?\S)\1/g and
 * /(`{3,})(.*?)\1/gm ("*a* and *b*" would lose only its outer stars), and
 * the footnotes, /\[\^.+?\](: .*?$)?/g (the greedy group would be left
 * out).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/builtins_int.h"
#include "expr/regex.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

/* One replacement: a pattern of n8n's, or NULL for a hand-coded step */
typedef struct MarkdownStep
{
	const char *pattern;
	const char *flags;
	const char *replacement;
	char		delimiters;		/* hand-coded: '*' for [*_]{1,3}, '`' for
								 * `{3,}, '^' for footnotes */
} MarkdownStep;

static const MarkdownStep steps[] = {
	{"^([\\s\\t]*)([*\\-+]|\\d\\.)\\s+", "gm", "$1", 0},
	{"\\n={2,}", "g", "\n", 0},	/* headers */
	{"~~", "g", "", 0},			/* strikethrough */
	{"`{3}.*\\n", "g", "", 0},		/* fenced code blocks */
	{"<[\\w|\\s|=|'|\"|:|(|)|,|;|/|0-9|.|-]+[>|\\\\>]", "g", "", 0},	/* HTML tags */
	{"^[=-]{2,}\\s*$", "g", "", 0},	/* setext headers */
	{NULL, NULL, NULL, '^'},	/* footnotes: \[\^.+?\](: .*?$)? */
	{"\\s{0,2}\\[.*?\\]: .*?$", "g", "", 0},
	{"!\\[.*?\\][[(].*?[\\])]", "g", "", 0},	/* images */
	{"\\[(.*?)\\][[(].*?[\\])]", "g", "$1", 0},	/* inline links */
	{">", "g", "", 0},				/* block quotes */
	{"^\\s{1,2}\\[(.*?)\\]: (\\S+)( \".*?\")?\\s*$", "g", "", 0},	/* references */
	{"^#{1,6}\\s*([^#]*)\\s*(#{1,6})?", "gm", "$1", 0},	/* atx headers */
	{NULL, NULL, NULL, '*'},	/* emphasis */
	{NULL, NULL, NULL, '`'},	/* inline code of three or more */
	{"^-{3,}\\s*$", "g", "", 0},
	{"`(.+?)`", "g", "$1", 0},
	{"\\n{2,}", "g", "\n\n", 0}
};

static RrRegex *compiled[lengthof(steps)];

/* Compile n8n's patterns, once per backend */
static void
compile_steps(void)
{
	MemoryContext cxt;
	MemoryContext old;
	int			i;

	if (compiled[0] != NULL)
		return;
	cxt = AllocSetContextCreate(TopMemoryContext, "removeMarkdown patterns",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	for (i = 0; i < lengthof(steps); i++)
	{
		char	   *error;
		int			pos;

		if (steps[i].pattern == NULL)
			continue;
		compiled[i] = rr_regex_compile(steps[i].pattern,
									   strlen(steps[i].pattern),
									   steps[i].flags, &error, &pos);
		if (compiled[i] == NULL)
			elog(ERROR, "removeMarkdown pattern %d does not compile: %s", i,
				 error);
	}
	MemoryContextSwitchTo(old);
}

static bool
is_line_terminator(pg_wchar c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

static bool
is_delimiter(char kind, pg_wchar c)
{
	return kind == '*' ? (c == '*' || c == '_') : c == '`';
}

/*
 * Whether the k code points at c[at..] equal those at c[open..] and lie
 * within n
 */
static bool
same_run(const pg_wchar *c, int n, int open, int at, int k)
{
	int			i;

	if (at + k > n)
		return false;
	for (i = 0; i < k; i++)
		if (c[at + i] != c[open + i])
			return false;
	return true;
}

/*
 * The lazy body after a delimiter of k code points at c[i]: where the
 * closing delimiter of the shortest body starts, or -1.  For '*' the body is
 * \S.*?\S, for '`' .*? (no line terminator inside either).
 */
static int
body_end(char kind, const pg_wchar *c, int n, int i, int k)
{
	int			j = i + k;
	int			e;

	if (kind == '*')
	{
		if (j >= n || js_is_space(c[j]) || is_line_terminator(c[j]))
			return -1;
		for (e = j + 1; e < n && !is_line_terminator(c[e]); e++)
			if (!js_is_space(c[e]) && same_run(c, n, i, e + 1, k))
				return e + 1;
		return -1;
	}
	for (e = j; e <= n; e++)
	{
		if (same_run(c, n, i, e, k))
			return e;
		if (e < n && is_line_terminator(c[e]))
			break;
	}
	return -1;
}

/*
 * A match of /([*_]{1,3})(\S.*?\S)\1/ (kind '*') or /(`{3,})(.*?)\1/
 * (kind '`') at c[i]: the longest opening run is tried first, then shorter
 * ones down to the minimum, as the greedy quantifier backtracks.  True with
 * the match's end in *end and the body, which replaces it, in
 * c[*keep_from .. *keep_to).
 */
static bool
delimited_at(char kind, const pg_wchar *c, int n, int i, int *end,
			 int *keep_from, int *keep_to)
{
	int			run = 0;
	int			min = kind == '*' ? 1 : 3;
	int			k;

	while (i + run < n && is_delimiter(kind, c[i + run]) &&
		   (kind == '`' || run < 3))
		run++;
	for (k = run; k >= min; k--)
	{
		int			close = body_end(kind, c, n, i, k);

		if (close >= 0)
		{
			*keep_from = i + k;
			*keep_to = close;
			*end = close + k;
			return true;
		}
	}
	return false;
}

/*
 * A match of /\[\^.+?\](: .*?$)?/ at c[i], removed whole: the lazy .+?
 * ends at the first "]" after at least one character of the line, and the
 * optional group, greedy, takes ": " and the rest of the string when no
 * line terminator follows ($ without m is the end of the string).
 * PostgreSQL's engine would leave the group out (its first quantifier is
 * lazy, so the whole match is as short as possible).
 */
static bool
footnote_at(const pg_wchar *c, int n, int i, int *end)
{
	int			j;
	int			k;

	if (i + 3 >= n || c[i] != '[' || c[i + 1] != '^')
		return false;
	for (j = i + 2; j < n && !is_line_terminator(c[j]); j++)
		if (j > i + 2 && c[j] == ']')
			break;
	if (j >= n || c[j] != ']')
		return false;
	*end = j + 1;
	if (j + 2 < n && c[j + 1] == ':' && c[j + 2] == ' ')
	{
		for (k = j + 3; k < n && !is_line_terminator(c[k]); k++)
			;
		if (k == n)
			*end = n;
	}
	return true;
}

static void
append_chars(StringInfo out, const pg_wchar *c, int from, int to)
{
	unsigned char *buf;

	if (to <= from)
		return;
	buf = palloc(MAX_MULTIBYTE_CHAR_LEN * (to - from) + 1);
	appendBinaryStringInfo(out, (char *) buf,
						   pg_encoding_wchar2mb_with_len(PG_UTF8, &c[from],
														 (char *) buf,
														 to - from));
	pfree(buf);
}

/* A hand-coded step (kind '*', '`' or '^'), global: every match replaced */
static JsValue
hand_coded_step(JsValue self, char kind)
{
	pg_wchar   *c = palloc(sizeof(pg_wchar) * (LEN(self) + 1));
	int			n = pg_encoding_mb2wchar_with_len(PG_UTF8, STR(self), c,
												  LEN(self));
	StringInfoData out;
	int			copied = 0;
	int			i = 0;

	initStringInfo(&out);
	while (i < n)
	{
		int			end;
		int			keep_from = 0;
		int			keep_to = 0;
		bool		found = kind == '^' ? footnote_at(c, n, i, &end) :
			delimited_at(kind, c, n, i, &end, &keep_from, &keep_to);

		if (!found)
		{
			i++;
			continue;
		}
		append_chars(&out, c, copied, i);
		append_chars(&out, c, keep_from, keep_to);
		i = copied = end;
	}
	append_chars(&out, c, copied, n);
	return rr_string_from(&out);
}

/* removeMarkdown(): n8n's steps in its order */
static JsValue
str_remove_markdown(RrExprEnv *env, JsValue self, int nargs,
					const JsValue *args)
{
	JsValue		s = self;
	int			i;

	compile_steps();
	for (i = 0; i < lengthof(steps); i++)
	{
		if (steps[i].pattern == NULL)
			s = hand_coded_step(s, steps[i].delimiters);
		else
			s = rr_regex_replace(env, s, compiled[i],
								 js_string(steps[i].replacement,
										   strlen(steps[i].replacement)),
								 false);
		rr_expr_step(env);
	}
	return s;
}

const RrMethodImpl rr_string_markdown_methods[] = {
	{"removeMarkdown", true, str_remove_markdown},
	{NULL}
};
