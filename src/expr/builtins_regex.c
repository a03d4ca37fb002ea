/*-------------------------------------------------------------------------
 *
 * builtins_regex.c
 *		The methods that match regular expressions: String.prototype's
 *		match, matchAll, search, and replace, replaceAll and split with a
 *		RegExp (builtins_string.c hands those over), RegExp.prototype's
 *		test, exec and toString, and JavaScript's substitution patterns ($1
 *		$& $` $' $$ $<name>) that replace uses with strings too.
 *
 * Each call decodes its string once (rr_regex_subject) and runs the
 * expression compiled when the workflow's plan was built (regex.c).
 * lastIndex is not kept: a regular expression literal is a new object at
 * every evaluation in JavaScript, so test() and exec() always start at 0.
 * A match's array carries index, input and groups as members besides its
 * elements (JsArray.props); like JSON.stringify, its JSON holds only the
 * elements.  matchAll gives an array of those (JavaScript: an iterator).
 * A string given to match, matchAll or search is compiled as a pattern
 * when the call runs, as new RegExp(string) would.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/builtins_int.h"
#include "expr/regex.h"
#include "miscadmin.h"

/* A match: group i spans bytes [start[i], end[i]) or took no part (-1) */
typedef struct Match
{
	int			ngroups;
	int		   *start;
	int		   *end;
	int			first;			/* the match's first code point */
	int			last;			/* the code point after it */
	regmatch_t *pm;				/* the engine's offsets */
} Match;

/* The leftmost match at or after code point from */
static bool
next_match(const RrRegex *re, const RrRegexSubject *s, int from, Match *m,
		   bool groups)
{
	int			nmatch = groups ? re->ngroups + 1 : 1;
	regmatch_t *pm;
	int			i;

	CHECK_FOR_INTERRUPTS();
	if (m->pm == NULL)
	{
		m->pm = palloc(sizeof(regmatch_t) * (re->ngroups + 1));
		m->start = palloc(sizeof(int) * (re->ngroups + 1));
		m->end = palloc(sizeof(int) * (re->ngroups + 1));
	}
	pm = m->pm;
	if (!rr_regex_exec(re, s, from, pm, nmatch))
		return false;
	m->ngroups = nmatch - 1;
	for (i = 0; i < nmatch; i++)
	{
		m->start[i] = pm[i].rm_so < 0 ? -1 : s->bytes[pm[i].rm_so];
		m->end[i] = pm[i].rm_so < 0 ? -1 : s->bytes[pm[i].rm_eo];
	}
	m->first = pm[0].rm_so;
	m->last = pm[0].rm_eo;
	return true;
}

/* Where a global search goes on after m: past it, or one character on */
static inline int
after(const Match *m)
{
	return m->last > m->first ? m->last : m->last + 1;
}

static JsValue
group_value(const RrRegexSubject *s, const Match *m, int i)
{
	if (m->start[i] < 0)
		return js_undefined();
	return js_string(s->str + m->start[i], m->end[i] - m->start[i]);
}

/* RegExpBuiltinExec's result: [match, groups...] with index, input, groups */
static JsValue
match_array(const RrRegex *re, RrRegexSubject *s, const Match *m)
{
	RrArrayBuilder arr;
	RrObjectBuilder props;
	JsValue		result;
	int			i;

	rr_array_init(&arr, m->ngroups + 1);
	for (i = 0; i <= m->ngroups; i++)
		rr_array_push(&arr, group_value(s, m, i));
	rr_object_init(&props, 3);
	rr_object_set(&props, "index", 5,
				  js_number(rr_regex_unit_index(s, m->first)));
	rr_object_set(&props, "input", 5, js_string(s->str, s->len));
	if (re->names == NULL)
		rr_object_set(&props, "groups", 6, js_undefined());
	else
	{
		RrObjectBuilder groups;

		rr_object_init(&groups, re->ngroups);
		for (i = 0; i < re->ngroups; i++)
			if (re->names[i] != NULL)
				rr_object_set(&groups, re->names[i], strlen(re->names[i]),
							  group_value(s, m, i + 1));
		rr_object_set(&props, "groups", 6, rr_object_result(&groups));
	}
	result = rr_array_result(&arr);
	result.u.arr->props = rr_object_result(&props).u.obj;
	return result;
}

/* ---------- substitution patterns ---------- */

/*
 * A replacement function's result for the match: fn(match, p1, ..., pn,
 * offset, string), offset in UTF-16 units (a group that did not take part
 * is undefined).
 */
static void
append_replacement_call(RrExprEnv *env, StringInfo out, const char *str,
						int len, const int *start, const int *end,
						int ngroups, JsValue fn)
{
	JsValue    *args = palloc(sizeof(JsValue) * (ngroups + 3));
	JsValue		result;
	int			g;

	for (g = 0; g <= ngroups; g++)
		args[g] = start[g] < 0 ? js_undefined() :
			js_string(str + start[g], end[g] - start[g]);
	args[ngroups + 1] = js_number(js_string_length(js_string(str, start[0])));
	args[ngroups + 2] = js_string(str, len);
	result = rr_expr_call(env, fn, ngroups + 3, args);
	if (!rr_expr_thrown(env))
		js_append_string(out, result);
}

/*
 * Append repl for the match m of str (GetSubstitution, ECMA-262 22.1.3.19.1):
 * $$ $& $` $' always, $n and $nn for groups 1 to 99 that exist, $<name>
 * when the expression has named groups; anything else stays as written.
 * A function repl is called instead (then rr_expr_thrown says whether the
 * call unwound).
 */
void
rr_append_substitution(RrExprEnv *env, StringInfo out, const char *str,
					   int len, const int *start, const int *end, int ngroups,
					   const char *const *names, JsValue repl)
{
	const char *r;
	int			rlen;
	int			i;

	if (rr_expr_callable(repl))
	{
		append_replacement_call(env, out, str, len, start, end, ngroups, repl);
		return;
	}
	r = STR(repl);
	rlen = LEN(repl);

	for (i = 0; i < rlen; i++)
	{
		char		next = i + 1 < rlen ? r[i + 1] : '\0';
		int			group = -1;
		int			skip = 0;

		if (r[i] != '$' || next == '\0')
		{
			appendStringInfoChar(out, r[i]);
			continue;
		}
		if (next == '$')
		{
			appendStringInfoChar(out, '$');
			i++;
			continue;
		}
		if (next == '&' || next == '`' || next == '\'')
		{
			if (next == '&')
				appendBinaryStringInfo(out, str + start[0], end[0] - start[0]);
			else if (next == '`')
				appendBinaryStringInfo(out, str, start[0]);
			else
				appendBinaryStringInfo(out, str + end[0], len - end[0]);
			i++;
			continue;
		}
		if (next >= '0' && next <= '9')
		{
			int			one = next - '0';
			char		second = i + 2 < rlen ? r[i + 2] : '\0';

			if (second >= '0' && second <= '9' &&
				one * 10 + (second - '0') >= 1 &&
				one * 10 + (second - '0') <= ngroups)
			{
				group = one * 10 + (second - '0');
				skip = 2;
			}
			else if (one >= 1 && one <= ngroups)
			{
				group = one;
				skip = 1;
			}
		}
		else if (next == '<' && names != NULL)
		{
			const char *close = memchr(r + i + 2, '>', rlen - i - 2);

			if (close != NULL)
			{
				int			n = close - (r + i + 2);
				int			g;

				for (g = 0; g < ngroups; g++)
					if (names[g] != NULL && strlen(names[g]) == n &&
						memcmp(names[g], r + i + 2, n) == 0)
						break;
				/* an unknown name gives "" */
				group = g < ngroups ? g + 1 : 0;
				skip = n + 2;
				if (group == 0)
				{
					i += skip;
					continue;
				}
			}
		}
		if (group < 0)
		{
			appendStringInfoChar(out, '$');
			continue;
		}
		if (start[group] >= 0)
			appendBinaryStringInfo(out, str + start[group],
								   end[group] - start[group]);
		i += skip;
	}
}

/* ---------- String.prototype with a RegExp ---------- */

JsValue
rr_regex_replace(RrExprEnv *env, JsValue self, const RrRegex *re,
				 JsValue repl, bool all)
{
	RrRegexSubject s;
	StringInfoData out;
	Match		m = {0};
	int			from = 0;
	int			copied = 0;

	/* replaceAll with a non-global RegExp is a TypeError */
	if (all && !re->global)
	{
		rr_expr_throw(env);
		return js_undefined();
	}
	if (!rr_expr_callable(repl))
		repl = js_to_string(repl);
	rr_regex_subject(&s, STR(self), LEN(self));
	initStringInfo(&out);
	while (next_match(re, &s, from, &m, true))
	{
		appendBinaryStringInfo(&out, s.str + copied, m.start[0] - copied);
		rr_append_substitution(env, &out, s.str, s.len, m.start, m.end,
							   re->ngroups, re->names, repl);
		if (rr_expr_thrown(env))
			return js_undefined();
		rr_check_bytes(out.len, all ? "replaceAll()" : "replace()");
		copied = m.end[0];
		if (!re->global)
			break;
		from = after(&m);
	}
	appendBinaryStringInfo(&out, s.str + copied, s.len - copied);
	rr_check_bytes(out.len, all ? "replaceAll()" : "replace()");
	return rr_string_from(&out);
}

/* split(re, limit): RegExp.prototype[@@split], captures included */
JsValue
rr_regex_split(RrExprEnv *env, JsValue self, const RrRegex *re, double limit)
{
	RrRegexSubject s;
	RrArrayBuilder out;
	Match		m = {0};
	int			p = 0;			/* code point where the next piece starts */
	int			q = 0;
	int			i;

	rr_regex_subject(&s, STR(self), LEN(self));
	rr_array_init(&out, 0);
	if (s.nchars == 0)
	{
		/* an empty string: [] if the expression matches it, else [""] */
		if (!next_match(re, &s, 0, &m, false))
			rr_array_push(&out, self);
		return rr_array_result(&out);
	}
	while (q < s.nchars)
	{
		if (!next_match(re, &s, q, &m, true) || m.first >= s.nchars)
			break;
		if (m.last == p)
		{
			/* an empty match where the piece starts: look one further */
			q = m.first + 1;
			continue;
		}
		rr_array_push(&out, js_string(s.str + s.bytes[p],
									  m.start[0] - s.bytes[p]));
		if (out.arr->len >= limit)
			return rr_array_result(&out);
		for (i = 1; i <= m.ngroups; i++)
		{
			rr_array_push(&out, group_value(&s, &m, i));
			if (out.arr->len >= limit)
				return rr_array_result(&out);
		}
		p = q = m.last;
	}
	rr_array_push(&out, js_string(s.str + s.bytes[p], s.len - s.bytes[p]));
	return rr_array_result(&out);
}

/*
 * The RegExp argument of match, matchAll and search; a string (or anything
 * else) is compiled as new RegExp(string, flags) would.  NULL when that
 * throws.
 */
static const RrRegex *
regex_arg(RrExprEnv *env, int nargs, const JsValue *args, const char *flags)
{
	JsValue		arg = rr_arg(nargs, args, 0);
	JsValue		pattern;
	char	   *error;
	int			error_pos;
	const RrRegex *re;

	if (arg.kind == JS_REGEXP)
		return arg.u.regex;
	pattern = arg.kind == JS_UNDEFINED ? js_cstring("") : js_to_string(arg);
	re = rr_regex_compile(STR(pattern), LEN(pattern), flags, &error,
						  &error_pos);
	if (re == NULL)
		rr_expr_throw(env);		/* a SyntaxError */
	return re;
}

/* Every match of a global re: the matched strings, or exec's arrays */
static JsValue
all_matches(const RrRegex *re, RrRegexSubject *s, bool arrays)
{
	RrArrayBuilder out;
	Match		m = {0};
	int			from = 0;

	rr_array_init(&out, 0);
	while (next_match(re, s, from, &m, arrays))
	{
		rr_array_push(&out, arrays ? match_array(re, s, &m) :
					  group_value(s, &m, 0));
		from = after(&m);
	}
	return rr_array_result(&out);
}

static JsValue
str_match(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const RrRegex *re = regex_arg(env, nargs, args, "");
	RrRegexSubject s;
	Match		m = {0};
	JsValue		all;

	if (re == NULL)
		return js_undefined();
	rr_regex_subject(&s, STR(self), LEN(self));
	if (!re->global)
		return next_match(re, &s, 0, &m, true) ? match_array(re, &s, &m) :
			js_null();
	all = all_matches(re, &s, false);
	return all.u.arr->len > 0 ? all : js_null();
}

static JsValue
str_match_all(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const RrRegex *re = regex_arg(env, nargs, args, "g");
	RrRegexSubject s;

	if (re == NULL)
		return js_undefined();
	if (!re->global)
	{
		/* TypeError: matchAll must be called with a global RegExp */
		rr_expr_throw(env);
		return js_undefined();
	}
	rr_regex_subject(&s, STR(self), LEN(self));
	return all_matches(re, &s, true);
}

static JsValue
str_search(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const RrRegex *re = regex_arg(env, nargs, args, "");
	RrRegexSubject s;
	Match		m = {0};

	if (re == NULL)
		return js_undefined();
	rr_regex_subject(&s, STR(self), LEN(self));
	if (!next_match(re, &s, 0, &m, false))
		return js_number(-1);
	return js_number(rr_regex_unit_index(&s, m.first));
}

const RrMethodImpl rr_string_regex_methods[] = {
	{"match", false, str_match},
	{"matchAll", false, str_match_all},
	{"search", false, str_search},
	{NULL, false, NULL}
};

/* ---------- RegExp.prototype ---------- */

static JsValue
re_test(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		str = js_to_string(rr_arg(nargs, args, 0));
	RrRegexSubject s;

	rr_regex_subject(&s, STR(str), LEN(str));
	rr_expr_step(env);
	return js_bool(rr_regex_exec(self.u.regex, &s, 0, NULL, 0));
}

static JsValue
re_exec(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		str = js_to_string(rr_arg(nargs, args, 0));
	RrRegexSubject s;
	Match		m = {0};

	rr_regex_subject(&s, STR(str), LEN(str));
	if (!next_match(self.u.regex, &s, 0, &m, true))
		return js_null();
	return match_array(self.u.regex, &s, &m);
}

static JsValue
re_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_to_string(self);
}

const RrMethodImpl rr_regexp_methods[] = {
	{"exec", false, re_exec},
	{"test", false, re_test},
	{"toString", false, re_to_string},
	{NULL, false, NULL}
};
