/*-------------------------------------------------------------------------
 *
 * builtins_int.h
 *		What the files of the builtins share: the method tables of each
 *		receiver kind, the function table, and helpers over JsValues
 *		(array and object views, builders, deep equality, size caps).
 *
 * builtins.c dispatches; builtins_string.c, builtins_array.c,
 * builtins_number.c and builtins_object.c hold the methods of one receiver
 * kind each (builtins_pattern.c and builtins_regex.c more of strings', the
 * latter RegExp's too); builtins_global.c the functions and namespace
 * constants; builtins_common.c the helpers below.  Besides these files,
 * only eval.c includes this header, for the builders and views it shares
 * (array and object literals, spread, arguments, $input.all()).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_BUILTINS_INT_H
#define RR_BUILTINS_INT_H

#include "expr/builtins.h"
#include "mb/pg_wchar.h"

/*
 * Caps on what a builtin builds, checked before allocating (54000): a
 * string of at most 64 MB (repeat, padStart, join ...), an array or object
 * of at most 1,000,000 elements (numberList, chunk, flat ...).
 */
#define RR_BUILTIN_MAX_BYTES	(64 * 1024 * 1024)
#define RR_BUILTIN_MAX_ELEMENTS 1000000

/*
 * The kinds of receiver n8n's extension dispatch knows, in the order of its
 * EXTENSION_OBJECTS (W src/extensions/expression-extension.ts), which is
 * the order "is only callable on types ..." lists them in.
 */
typedef enum RrReceiver
{
	RR_RECV_ARRAY,
	RR_RECV_DATE,
	RR_RECV_NUMBER,
	RR_RECV_OBJECT,
	RR_RECV_STRING,
	RR_RECV_BOOLEAN,
	RR_RECV_REGEXP,				/* not n8n's: RegExp.prototype's methods */
	RR_RECV_DURATION,			/* Luxon's, which n8n does not extend */
	RR_RECV_INTERVAL,			/* Luxon's too */
	RR_RECV_COUNT
} RrReceiver;

/* A method of one receiver kind: n8n's extension or JavaScript's own */
typedef JsValue (*RrMethodFn) (RrExprEnv *env, JsValue self, int nargs,
							   const JsValue *args);

typedef struct RrMethodImpl
{
	const char *name;
	bool		extension;		/* n8n's, not JavaScript's */
	RrMethodFn	fn;
} RrMethodImpl;

/* The tables, each ended by an entry with a NULL name */
extern const RrMethodImpl rr_string_methods[];
extern const RrMethodImpl rr_string_pattern_methods[];
extern const RrMethodImpl rr_string_markdown_methods[];
extern const RrMethodImpl rr_date_relative_methods[];
extern const RrMethodImpl rr_duration_human_methods[];
extern const RrMethodImpl rr_string_regex_methods[];
extern const RrMethodImpl rr_regexp_methods[];
extern const RrMethodImpl rr_array_methods[];
extern const RrMethodImpl rr_number_methods[];
extern const RrMethodImpl rr_object_methods[];
extern const RrMethodImpl rr_boolean_methods[];
extern const RrMethodImpl rr_date_methods[];	/* DateTime and Date */
extern const RrMethodImpl rr_duration_methods[];

/* Functions and namespace members (builtins_global.c) */
typedef JsValue (*RrFunctionFn) (RrExprEnv *env, int nargs,
								 const JsValue *args);

typedef struct RrFunctionImpl
{
	const char *namespace;		/* NULL for a global function */
	const char *name;
	int			min_args;
	int			max_args;		/* -1: any number */
	RrFunctionFn fn;
} RrFunctionImpl;

extern const RrFunctionImpl rr_functions[];
extern const RrFunctionImpl rr_date_functions[];	/* builtins_date.c */
extern const RrFunctionImpl rr_interval_functions[];	/* builtins_interval.c */
extern const RrMethodImpl rr_interval_methods[];
extern const RrMethodImpl rr_datetime_until_methods[];
extern JsDuration *rr_duration_arg(RrExprEnv *env, JsValue v);

/* Dates (builtins_date.c) */
extern bool rr_date_receiver(RrExprEnv *env, JsValue *self);
extern bool rr_date_constant(const char *namespace, const char *name,
							 JsValue *value);
extern JsValue rr_string_to_date_time(RrExprEnv *env, JsValue self, int nargs,
									  const JsValue *args);
extern JsValue rr_string_to_date(RrExprEnv *env, JsValue self, int nargs,
								 const JsValue *args);
extern JsValue rr_number_to_date_time(RrExprEnv *env, JsValue self, int nargs,
									  const JsValue *args);

/*
 * n8n's ExpressionExtensionError: fails the node (not swallowed), with
 * n8n's own text.
 */
#define rr_extension_error(...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg(__VA_ARGS__)))

/* A method or function not supported (hash("sha3"), toRelative ...) */
extern void rr_builtin_not_supported(const char *what) pg_attribute_noreturn();

/*
 * Whether locale is the language tag "en" or "en-US", the only locale
 * Intl's wordings and formats are built for here
 */
extern bool rr_is_english_tag(JsValue locale);

/*
 * JSON.stringify's replacer (a function, or an array of keys; anything
 * else changes nothing) and JSON.parse's reviver (builtins_json.c): the
 * value they make of v.  After a call, rr_expr_thrown() says whether a
 * callback threw.
 */
extern JsValue rr_json_replace(RrExprEnv *env, JsValue v, JsValue replacer);
extern JsValue rr_json_revive(RrExprEnv *env, JsValue v, JsValue reviver);

/* $jsonpath(value, 'path', vars) (builtins_json.c) */
extern JsValue rr_jsonpath_query(RrExprEnv *env, int nargs,
								 const JsValue *args);

/* Methods several receiver kinds share */
extern JsValue rr_method_json_string(RrExprEnv *env, JsValue self, int nargs,
									 const JsValue *args);
extern JsValue rr_method_undefined(RrExprEnv *env, JsValue self, int nargs,
								   const JsValue *args);

/* Argument i, or undefined when it was not given */
static inline JsValue
rr_arg(int nargs, const JsValue *args, int i)
{
	return i < nargs ? args[i] : js_undefined();
}

/* Kinds */
extern bool rr_is_array(JsValue v);
extern bool rr_is_object(JsValue v);	/* an object, not an array */
extern bool rr_is_number(JsValue v);	/* JS_NUMBER or JS_NUMERIC */

/*
 * The elements of an array, and the members of an object, as JsValues.  A
 * built array or object is returned as it is; a jsonb one is read into a
 * new JsArray / JsObject whose strings still point into the jsonb.  Treat
 * the result as read-only.
 */
extern JsArray *rr_array_view(JsValue v);
extern JsObject *rr_object_view(JsValue v);

/*
 * The own enumerable members of an object or array (an array's keys are
 * its indices: Object.entries, spread), none for anything else.
 */
extern JsObject *rr_entries_view(JsValue v);

/* Builders */
typedef struct RrArrayBuilder
{
	JsArray    *arr;
	int			cap;
} RrArrayBuilder;

extern void rr_array_init(RrArrayBuilder *b, double expected);
extern void rr_array_push(RrArrayBuilder *b, JsValue v);
extern JsValue rr_array_result(RrArrayBuilder *b);

typedef struct RrObjectBuilder
{
	JsObject   *obj;
	int			cap;
	int		   *slots;			/* hash index of keys, or NULL while small */
	int			nslots;
} RrObjectBuilder;

extern void rr_object_init(RrObjectBuilder *b, double expected);
extern int	rr_object_find(RrObjectBuilder *b, const char *key, int keylen);
extern void rr_object_set(RrObjectBuilder *b, const char *key, int keylen,
						  JsValue v);
extern void rr_object_remove(RrObjectBuilder *b, const char *key, int keylen);
extern JsValue rr_object_result(RrObjectBuilder *b);

/* lodash isEqual: structural, NaN equals NaN, key order ignored */
extern bool rr_deep_equal(JsValue a, JsValue b);

/* A hash of a value that equal values (rr_deep_equal) share */
extern uint32 rr_deep_hash(JsValue v);

/*
 * A set of values by rr_deep_equal, hashed: what unique(), union(),
 * difference() and intersection() need in linear time.
 */
typedef struct RrValueSet
{
	JsValue    *values;			/* in the order they were added */
	uint32	   *hashes;
	int			len;
	int			cap;
	int		   *slots;			/* open addressing: index into values, or -1 */
	int			nslots;			/* a power of two, at least twice len */
} RrValueSet;

extern void rr_value_set_init(RrValueSet *set, int expected);
/* Add v; false when an equal value was there already (v is not added) */
extern bool rr_value_set_add(RrValueSet *set, JsValue v);
extern bool rr_value_set_contains(RrValueSet *set, JsValue v);

/* ToIntegerOrInfinity (NaN -> 0) */
extern double rr_to_integer(JsValue v);

/*
 * A relative index (slice, at, includes ...) of a sequence of len: from
 * the end when negative, clamped to 0..len; dflt when undefined
 */
extern double rr_relative_index(JsValue arg, double len, double dflt);

/* 54000 unless a result of that many bytes / elements may be built */
extern void rr_check_bytes(double bytes, const char *what);
extern void rr_check_elements(double count, const char *what);

/* A string value holding out's bytes */
static inline JsValue
rr_string_from(StringInfo out)
{
	return js_string(out->data, out->len);
}

/* Shared between files */
extern void rr_uri_encode(StringInfo out, const char *s, int len,
						  const char *unescaped);
extern bool rr_uri_decode(StringInfo out, const char *s, int len,
						  const char *reserved);
extern void rr_form_urlencode(StringInfo out, const char *s, int len);
extern double rr_parse_int(JsValue s, JsValue radix);
extern double rr_parse_float(const char *s, int len);
extern bool rr_json_parse(const char *s, int len, JsValue *result);
extern JsValue rr_array_average(RrExprEnv *env, JsValue self, int nargs,
								const JsValue *args);
extern double rr_math_minmax(int nargs, const JsValue *args, bool max);
extern JsValue rr_object_compact(JsValue v);
extern bool rr_compact_keeps(JsValue *value);

/*
 * Regular expressions (builtins_regex.c): replace, replaceAll and split of
 * a string with a RegExp (limit: split's, ToUint32'd and above 0), and
 * JavaScript's substitution patterns (or the replacement function) for the
 * match of group 0 at [start[0], end[0]) of str and its ngroups groups
 * (start -1: no part), names NULL when none has a name
 */
struct RrRegex;
extern JsValue rr_regex_replace(RrExprEnv *env, JsValue self,
								const struct RrRegex *re, JsValue repl,
								bool all);
extern JsValue rr_regex_split(RrExprEnv *env, JsValue self,
							  const struct RrRegex *re, double limit);
extern void rr_append_substitution(RrExprEnv *env, StringInfo out,
								   const char *str, int len,
								   const int *start, const int *end,
								   int ngroups, const char *const *names,
								   JsValue repl);

/*
 * Stable merge sort of n values by cmp (< 0, 0, > 0); cmp may be
 * inconsistent without harm.
 */
typedef int (*RrCompareFn) (void *context, JsValue a, JsValue b);
extern void rr_merge_sort(JsValue *elems, int n, RrCompareFn cmp,
						  void *context);

/* builtins_callback.c: the array methods that take a callback */
extern JsValue rr_array_map(RrExprEnv *env, JsValue self, int nargs,
							const JsValue *args);
extern JsValue rr_array_flat_map(RrExprEnv *env, JsValue self, int nargs,
								 const JsValue *args);
extern JsValue rr_array_filter(RrExprEnv *env, JsValue self, int nargs,
							   const JsValue *args);
extern JsValue rr_array_find(RrExprEnv *env, JsValue self, int nargs,
							 const JsValue *args);
extern JsValue rr_array_find_last(RrExprEnv *env, JsValue self, int nargs,
								  const JsValue *args);
extern JsValue rr_array_find_index(RrExprEnv *env, JsValue self, int nargs,
								   const JsValue *args);
extern JsValue rr_array_find_last_index(RrExprEnv *env, JsValue self,
										int nargs, const JsValue *args);
extern JsValue rr_array_some(RrExprEnv *env, JsValue self, int nargs,
							 const JsValue *args);
extern JsValue rr_array_every(RrExprEnv *env, JsValue self, int nargs,
							  const JsValue *args);
extern JsValue rr_array_for_each(RrExprEnv *env, JsValue self, int nargs,
								 const JsValue *args);
extern JsValue rr_array_reduce(RrExprEnv *env, JsValue self, int nargs,
							   const JsValue *args);
extern JsValue rr_array_reduce_right(RrExprEnv *env, JsValue self, int nargs,
									 const JsValue *args);
extern JsValue rr_array_sort_by(RrExprEnv *env, JsValue self, JsValue fn);


/* The bytes and byte length of a JS_STRING */
#define STR(v)		((v).u.str.ptr)
#define LEN(v)		((v).u.str.len)

/*
 * UTF-8 characters.  The length comes from the lead byte here: libpq
 * exports a pg_utf_mblen of its own, which test/link_check.sh refuses.
 */
static inline int
rr_char_len(const char *p)
{
	unsigned char c = (unsigned char) *p;

	return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 :
		(c & 0xF8) == 0xF0 ? 4 : 1;
}

static inline pg_wchar
rr_char_code(const char *p)
{
	return utf8_to_unicode((const unsigned char *) p);
}

/* What "." does not match: \n \r U+2028 U+2029 */
static inline bool
rr_is_line_terminator(const char *p)
{
	pg_wchar	c = rr_char_code(p);

	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

/* ASCII classes, as regular expressions without the u flag have them */
static inline bool
rr_is_ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
rr_is_ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
rr_is_ascii_word(char c)
{
	return rr_is_ascii_alpha(c) || rr_is_ascii_digit(c) || c == '_';
}

/* Whether the len bytes at a are b, ASCII case-insensitively */
static inline bool
rr_ascii_ieq(const char *a, int alen, const char *b)
{
	return alen == (int) strlen(b) && pg_strncasecmp(a, b, alen) == 0;
}

#endif							/* RR_BUILTINS_INT_H */
