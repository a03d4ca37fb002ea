/*-------------------------------------------------------------------------
 *
 * builtins_pattern.c
 *		n8n's string extensions that are regular expressions there
 *		(W src/extensions/string-extensions.ts: EMAIL_REGEXP, URL_REGEXP,
 *		DOMAIN_REGEXP ...): isEmail, isUrl, isDomain, extractEmail,
 *		extractDomain, extractUrl, removeTags, and extractUrlPath (WHATWG's
 *		URL there).
 *
 * Each pattern is hand-coded to give the same matches as the regular
 * expression, scanning the string once, with no backtracking: the result
 * of a leftmost match is found by reasoning about where the pattern's
 * parts can end (comments say how).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/builtins_int.h"
#include "miscadmin.h"

/* ---------- n8n: URLs, domains and e-mail addresses ---------- */

/* Length of the run of host characters [-\w.] at s[i] */
static int
host_run(const char *s, int len, int i)
{
	int			j = i;

	while (j < len && (rr_is_ascii_word(s[j]) || s[j] == '-' || s[j] == '.'))
		j++;
	return j - i;
}

/*
 * [a-zA-Z]{2,}|xn--[a-zA-Z0-9]+ at h[0..n): the longest length either
 * alternative matches, or 0
 */
static int
tld_match(const char *h, int n)
{
	int			letters = 0;
	int			xn = 0;

	while (letters < n && rr_is_ascii_alpha(h[letters]))
		letters++;
	if (n >= 5 && pg_strncasecmp(h, "xn--", 4) == 0)
	{
		xn = 4;
		while (xn < n && (rr_is_ascii_alpha(h[xn]) || rr_is_ascii_digit(h[xn])))
			xn++;
		if (xn == 4)
			xn = 0;
	}
	return Max(letters >= 2 ? letters : 0, xn);
}

/* \d{1,3}(\.\d{1,3}){3} at h: its length (0 if none), the last group greedy */
static int
ipv4_match(const char *h, int n)
{
	int			i = 0;
	int			group;

	for (group = 0; group < 4; group++)
	{
		int			start = i;

		while (i < n && i - start < 3 && rr_is_ascii_digit(h[i]))
			i++;
		if (i == start)
			return 0;
		if (group < 3)
		{
			if (i >= n || h[i] != '.')
				return 0;
			i++;
		}
	}
	return i;
}

/*
 * The host of n8n's URL and domain patterns,
 *		(?:www\.)?(?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|
 *				   \d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})
 * matched at the start of the host run h[0..n).  Exact: whether all of it
 * matches.  Otherwise: whether some prefix of it does.
 */
static bool
host_match(const char *h, int n, bool exact)
{
	int			i;
	const char *bare = h;
	int			barelen = n;

	/* labels and a top-level domain: try each dot after non-empty labels */
	for (i = 1; i < n && h[0] != '.'; i++)
	{
		int			tld;

		if (h[i] != '.')
			continue;
		if (h[i - 1] == '.')
			break;
		tld = tld_match(h + i + 1, n - i - 1);
		if (tld > 0 && (!exact || tld == n - i - 1))
			return true;
	}
	if (n >= 4 && pg_strncasecmp(h, "www.", 4) == 0)
	{
		bare += 4;
		barelen -= 4;
	}
	if (barelen >= 9 && pg_strncasecmp(bare, "localhost", 9) == 0 &&
		(!exact || barelen == 9))
		return true;
	i = ipv4_match(bare, barelen);
	return exact ? (i > 0 && i == barelen) : i > 0;
}

static bool
has_js_space(const char *s, int len)
{
	int			i;

	for (i = 0; i < len; i += rr_char_len(s + i))
	{
		if (js_is_space(rr_char_code(s + i)))
			return true;
	}
	return false;
}

/*
 * What follows the host in n8n's domain patterns, to the end:
 *		(?::\d+)?(?:\/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$
 */
static bool
host_tail_match(const char *s, int len)
{
	int			i = 0;

	if (i < len && s[i] == ':' && i + 1 < len && rr_is_ascii_digit(s[i + 1]))
	{
		i++;
		while (i < len && rr_is_ascii_digit(s[i]))
			i++;
	}
	if (i == len)
		return true;
	if (s[i] != '/' && s[i] != '?' && s[i] != '#')
		return false;
	return !has_js_space(s + i, len - i);
}

/* Skip a prefix, case-insensitively, if s starts with it */
static bool
skip_prefix(const char **s, int *len, const char *prefix)
{
	int			n = strlen(prefix);

	if (*len >= n && pg_strncasecmp(*s, prefix, n) == 0)
	{
		*s += n;
		*len -= n;
		return true;
	}
	return false;
}

static bool
skip_scheme(const char **s, int *len)
{
	return skip_prefix(s, len, "http://") || skip_prefix(s, len, "https://") ||
		skip_prefix(s, len, "ftp://");
}

/*
 * DOMAIN_REGEXP (with_prefixes false) and DOMAIN_EXTRACT_REGEXP (true, which
 * first allows a scheme, "mailto:" and "//"): the host, or len -1.
 */
static int
domain_match(const char *s, int len, bool with_prefixes, const char **host)
{
	int			n;

	if (with_prefixes)
	{
		skip_scheme(&s, &len);
		skip_prefix(&s, &len, "mailto:");
		skip_prefix(&s, &len, "//");
	}
	n = host_run(s, len, 0);
	if (n == 0 || !host_match(s, n, true) || !host_tail_match(s + n, len - n))
		return -1;
	*host = s;
	return n;
}

/*
 * URL_REGEXP: the first http, https or ftp URL in s (start and length), or
 * length -1.  After a scheme and a host, the pattern takes every character
 * to the next whitespace.  URL_REGEXP_EXACT is a match at 0 that ends at
 * the end.
 */
static int
url_match(const char *s, int len, int *start)
{
	int			i;

	for (i = 0; i < len; i++)
	{
		const char *p = s + i;
		int			rest = len - i;
		int			end;

		if (!skip_scheme(&p, &rest))
			continue;
		if (!host_match(p, host_run(p, rest, 0), false))
			continue;
		for (end = 0; end < rest && !js_is_space(rr_char_code(p + end));)
			end += rr_char_len(p + end);
		*start = i;
		return (int) (p - s) - i + end;
	}
	return -1;
}

/* An atom character of EMAIL_REGEXP's local part: [^<>()\[\]\\.,;:\s@"] */
static bool
email_atom(const char *s)
{
	if ((unsigned char) *s < 0x80)
		return strchr("<>()[]\\.,;:@\" \t\n\v\f\r", *s) == NULL;
	return !js_is_space(rr_char_code(s));
}

/*
 * EMAIL_REGEXP's domain at s[0..len):
 *		\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}]|([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}
 * its greedy length, or 0.
 */
static int
email_domain_match(const char *s, int len)
{
	int			run = 0;
	int			k;
	int			n;

	if (len > 0 && s[0] == '[')
	{
		n = ipv4_match(s + 1, len - 1);
		if (n > 0 && 1 + n < len && s[1 + n] == ']')
			return n + 2;
	}
	while (run < len && (rr_is_ascii_alpha(s[run]) || rr_is_ascii_digit(s[run]) ||
						 s[run] == '-' || s[run] == '.'))
		run++;
	if (run == 0 || s[0] == '.')
		return 0;
	/* the labels end at the last dot (before any empty label) that works */
	for (k = 1; k < run && !(s[k] == '.' && s[k - 1] == '.'); k++)
		;
	for (k = k - 1; k > 0; k--)
	{
		int			letters = 0;

		if (s[k] != '.')
			continue;
		while (k + 1 + letters < len && rr_is_ascii_alpha(s[k + 1 + letters]))
			letters++;
		if (letters >= 2)
			return k + 1 + letters;
	}
	return 0;
}

/*
 * EMAIL_REGEXP: the first e-mail address in s: its start and length, and
 * where its domain is; false if there is none.  The local part is either
 * atoms joined by single dots, or a quoted string (".+") on one line.
 */
static bool
email_match(const char *s, int len, int *start, int *mlen, int *dstart, int *dlen)
{
	int			i = 0;
	int			line_end = -1;	/* end of the line of the last quote seen */
	int			closer = -1;	/* the last '"' + '@' + domain on that line */
	int			closer_dlen = 0;

	while (i < len)
	{
		CHECK_FOR_INTERRUPTS();
		if (s[i] == '"')
		{
			if (i >= line_end)
			{
				int			j;

				for (line_end = i; line_end < len && !rr_is_line_terminator(s + line_end);)
					line_end += rr_char_len(s + line_end);
				closer = -1;
				for (j = line_end - 1; j > i; j--)
				{
					if (s[j] == '"' && j + 1 < len && s[j + 1] == '@' &&
						(closer_dlen = email_domain_match(s + j + 2, len - j - 2)) > 0)
					{
						closer = j;
						break;
					}
				}
			}
			if (closer >= i + 2)
			{
				*start = i;
				*dstart = closer + 2;
				*dlen = closer_dlen;
				*mlen = closer + 2 + closer_dlen - i;
				return true;
			}
			i++;
			continue;
		}
		if (email_atom(s + i))
		{
			int			r = i;
			int			st = i;
			int			d;

			while (r < len && (email_atom(s + r) || s[r] == '.'))
			{
				if (s[r] == '.' && r + 1 < len && s[r + 1] == '.')
					st = r + 2;
				r += rr_char_len(s + r);
			}
			if (r < len && s[r] == '@' && s[r - 1] != '.' && st < r &&
				(d = email_domain_match(s + r + 1, len - r - 1)) > 0)
			{
				*start = st;
				*dstart = r + 1;
				*dlen = d;
				*mlen = r + 1 + d - st;
				return true;
			}
			i = r;
			continue;
		}
		i += rr_char_len(s + i);
	}
	return false;
}

static bool
is_email(JsValue s)
{
	int			a,
				b,
				c,
				d;

	return email_match(STR(s), LEN(s), &a, &b, &c, &d) &&
		memchr(STR(s), ' ', LEN(s)) == NULL;
}

static JsValue
str_is_email(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(is_email(self));
}

static JsValue
str_is_domain(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const char *host;

	return js_bool(domain_match(STR(self), LEN(self), false, &host) >= 0);
}

static JsValue
str_is_url(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	const char *p = STR(self);
	int			len = LEN(self);

	return js_bool(skip_scheme(&p, &len) &&
				   host_match(p, host_run(p, len, 0), false) &&
				   !has_js_space(p, len));
}

static JsValue
str_extract_email(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			start,
				len,
				dstart,
				dlen;

	if (!email_match(STR(self), LEN(self), &start, &len, &dstart, &dlen))
		return js_undefined();
	return js_string(STR(self) + start, len);
}

static JsValue
str_extract_domain(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			start,
				len,
				dstart,
				dlen;
	const char *host;

	if (is_email(self))
	{
		email_match(STR(self), LEN(self), &start, &len, &dstart, &dlen);
		return js_string(STR(self) + dstart, dlen);
	}
	len = domain_match(STR(self), LEN(self), true, &host);
	return len < 0 ? js_undefined() : js_string(host, len);
}

static JsValue
str_extract_url(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			start;
	int			len = url_match(STR(self), LEN(self), &start);

	return len < 0 ? js_undefined() : js_string(STR(self) + start, len);
}

/*
 * extractUrlPath: the pathname of WHATWG's URL parser, for the URLs people
 * write: a scheme, then for http(s), ftp, ws(s) and file an authority
 * (slashes and backslashes before it skipped as the parser does) and the
 * path up to "?" or "#", "/" when empty; for other schemes the opaque path.
 * The path is percent-encoded with the path percent-encode set.  Dot
 * segments are kept as written (WHATWG removes them); undefined when there
 * is no scheme or the host is empty or holds spaces.
 */
static JsValue
str_extract_url_path(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	static const char *const special[] = {"http", "https", "ftp", "ws", "wss", "file", NULL};
	const char *s = STR(self);
	int			len = LEN(self);
	int			i = 0;
	int			end;
	const char *const *sp;
	bool		is_special = false;
	bool		is_file;
	StringInfoData out;

	if (len == 0 || !rr_is_ascii_alpha(s[0]))
		return js_undefined();
	while (i < len && (rr_is_ascii_alpha(s[i]) || rr_is_ascii_digit(s[i]) || s[i] == '+' ||
					   s[i] == '-' || s[i] == '.'))
		i++;
	if (i >= len || s[i] != ':')
		return js_undefined();
	for (sp = special; *sp; sp++)
		is_special |= rr_ascii_ieq(s, i, *sp);
	is_file = rr_ascii_ieq(s, i, "file");
	i++;
	if (is_special || (i + 1 < len && s[i] == '/' && s[i + 1] == '/'))
	{
		int			host;

		while (i < len && (s[i] == '/' || (is_special && s[i] == '\\')))
			i++;
		host = i;
		while (i < len && !strchr("/?#", s[i]) && !(is_special && s[i] == '\\'))
			i++;
		if ((i == host && !is_file) || has_js_space(s + host, i - host))
			return js_undefined();
	}
	for (end = i; end < len && s[end] != '?' && s[end] != '#'; end++)
		;
	initStringInfo(&out);
	if (end == i && is_special)
		appendStringInfoChar(&out, '/');
	for (; i < end; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (is_special && c == '\\')
			appendStringInfoChar(&out, '/');
		else if (c <= 0x20 || c >= 0x7F || strchr("\"<>`{}", c))
			appendStringInfo(&out, "%%%02X", c);
		else
			appendStringInfoChar(&out, (char) c);
	}
	return rr_string_from(&out);
}

/* removeTags: n8n's /<[^>]*>?/gm: from each "<" to the next ">" or the end */
static JsValue
str_remove_tags(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	StringInfoData out;
	int			i = 0;

	initStringInfo(&out);
	while (i < LEN(self))
	{
		if (STR(self)[i] != '<')
		{
			appendStringInfoChar(&out, STR(self)[i++]);
			continue;
		}
		while (i < LEN(self) && STR(self)[i] != '>')
			i++;
		i++;
	}
	return rr_string_from(&out);
}

const RrMethodImpl rr_string_pattern_methods[] = {
	{"extractDomain", true, str_extract_domain},
	{"extractEmail", true, str_extract_email},
	{"extractUrl", true, str_extract_url},
	{"extractUrlPath", true, str_extract_url_path},
	{"isDomain", true, str_is_domain},
	{"isEmail", true, str_is_email},
	{"isUrl", true, str_is_url},
	{"removeTags", true, str_remove_tags},
	{NULL}
};
