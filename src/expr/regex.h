/*-------------------------------------------------------------------------
 *
 * regex.h
 *		JavaScript regular expressions on PostgreSQL's regex engine: a JS
 *		pattern and flags translated to an ARE and compiled once, and
 *		matching over a string decoded once per call (src/expr/PLAN.md
 *		section 4.6).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_REGEX_H
#define RR_REGEX_H

#include "expr/js_value.h"
#include "lib/stringinfo.h"
#include "regex/regex.h"

/* Longest pattern accepted, in bytes (PLAN.md 6.4) */
#define RR_REGEX_MAX_PATTERN	10240

/* A compiled regular expression; read-only once compiled */
typedef struct RrRegex
{
	regex_t		re;				/* PostgreSQL's, malloc'd by the engine */
	const char *source;			/* the pattern as written */
	int			source_len;
	char		flags[8];		/* in JavaScript's order: "gimsu" */
	bool		global;
	bool		unicode;
	int			ngroups;		/* capturing groups */
	const char **names;			/* names[i]: the name of group i + 1, or
								 * NULL; NULL when no group has a name */
} RrRegex;

/*
 * A string to match, decoded once: its code points and the byte offset of
 * each (bytes[nchars] is len).  Offsets of matches are code point indexes.
 */
typedef struct RrRegexSubject
{
	const char *str;
	int			len;
	pg_wchar   *chars;
	int			nchars;
	int		   *bytes;
	int			unit_char;		/* a cache of rr_regex_unit_index */
	int			unit_index;
} RrRegexSubject;

/*
 * Translate and compile pattern (len bytes of UTF-8) with flags (a
 * NUL-terminated subset of "dgimsu").  NULL when it cannot be: a palloc'd
 * message in *error ("lookbehind ... is not supported") and the byte
 * offset in the pattern in *error_pos.  The engine's memory is freed when
 * the current memory context is reset or deleted.
 */
extern RrRegex *rr_regex_compile(const char *pattern, int len,
								 const char *flags, char **error,
								 int *error_pos);

/*
 * new RegExp(pattern, flags): pattern a RegExp (its source, and its flags
 * unless flags are given), undefined (the empty pattern) or anything else
 * as a string; flags a string of "dgimsuy", each at most once.  NULL with
 * *error as rr_regex_compile (JavaScript's SyntaxError).
 */
extern RrRegex *rr_regex_new(JsValue pattern, JsValue flags, char **error,
							 int *error_pos);

/* A RegExp value */
static inline JsValue
js_regexp(const RrRegex *re)
{
	JsValue		v;

	v.kind = JS_REGEXP;
	v.u.regex = re;
	return v;
}

/* RegExp.prototype.toString: "/source/flags" */
extern void rr_regex_append_string(StringInfo out, const RrRegex *re);

/*
 * A RegExp's own and inherited data properties (source, flags, global,
 * ignoreCase, multiline, dotAll, unicode, sticky, hasIndices, lastIndex):
 * true with the value in *result
 */
extern bool rr_regex_property(const RrRegex *re, const char *name, int len,
							  JsValue *result);

extern void rr_regex_subject(RrRegexSubject *subject, const char *str,
							 int len);

/*
 * The leftmost match at or after code point from: true with the match in
 * m[0] and group i in m[i] (code point offsets; rm_so -1 for a group that
 * took no part) for i < nmatch <= ngroups + 1.  ERROR when the engine
 * fails; a cancel or timeout interrupts it.
 */
extern bool rr_regex_exec(const RrRegex *re, const RrRegexSubject *subject,
						  int from, regmatch_t *m, int nmatch);

/* The UTF-16 index of code point index ch of subject */
extern int	rr_regex_unit_index(RrRegexSubject *subject, int ch);

#endif							/* RR_REGEX_H */
