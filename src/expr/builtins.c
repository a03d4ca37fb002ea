/*-------------------------------------------------------------------------
 *
 * builtins.c
 *		Method and function dispatch for {{ }} expressions: names to ids
 *		when an expression is compiled, ids to implementations when it
 *		runs, and n8n's errors when a method does not fit its receiver.
 *
 * A call x.name(args) goes, as in n8n (W src/extensions/
 * expression-extension.ts, findExtendedFunction and extend), to
 *
 *	1. n8n's extension of that name for the kind of x (array, string,
 *	   number, object, boolean, date; a string holding an ISO date such as
 *	   2024-01-01T00:00:00.000Z is a date for the date extensions but
 *	   toDate and toDateTime), else
 *	2. JavaScript's own method of that name for the kind of x (a RegExp
 *	   is a kind of its own here: n8n extends none of its methods), else
 *	3. the generic isEmpty / isNotEmpty, else
 *	4. an error: for a name n8n extends, its ExpressionExtensionError
 *	   ("sum can't be used on undefined value", "sum() is only callable on
 *	   type \"Array\""), which fails the node; for a name only JavaScript
 *	   has, a TypeError, which n8n swallows (rr_expr_throw).
 *
 * The implementations live in one file per receiver kind; this file joins
 * their tables into one table of names, built once per backend.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/builtins_int.h"
#include "utils/memutils.h"

/* One method name and what each receiver kind does with it */
typedef struct RrMethodEntry
{
	const char *name;
	uint16		extension_on;	/* receiver kinds n8n extends with it */
	bool		generic;		/* isEmpty, isNotEmpty */
	RrMethodFn	fn[RR_RECV_COUNT];
} RrMethodEntry;

static const char *const receiver_names[RR_RECV_COUNT] = {
	"Array", "Date", "Number", "Object", "String", "Boolean", "RegExp",
	"Duration", "Interval"
};

static RrMethodEntry *methods;
static int	nmethods;

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const RrMethodEntry *) a)->name,
				  ((const RrMethodEntry *) b)->name);
}

static RrMethodEntry *
find_entry(const char *name)
{
	RrMethodEntry key;

	key.name = name;
	return bsearch(&key, methods, nmethods, sizeof(RrMethodEntry), entry_cmp);
}

/* Add a name to the table under construction (kept sorted) */
static RrMethodEntry *
add_entry(const char *name)
{
	RrMethodEntry *e = find_entry(name);

	if (e == NULL)
	{
		e = &methods[nmethods++];
		memset(e, 0, sizeof(RrMethodEntry));
		e->name = name;
		qsort(methods, nmethods, sizeof(RrMethodEntry), entry_cmp);
		e = find_entry(name);
	}
	return e;
}

static void
add_table(RrReceiver kind, const RrMethodImpl *impls)
{
	for (; impls->name; impls++)
	{
		RrMethodEntry *e = add_entry(impls->name);

		Assert(e->fn[kind] == NULL);
		e->fn[kind] = impls->fn;
		if (impls->extension)
			e->extension_on |= 1 << kind;
	}
}

/* Join the tables of each receiver kind, once per backend */
static void
build_methods(void)
{
	static const struct
	{
		RrReceiver	kind;
		const RrMethodImpl *table;
	}			tables[] = {
		{RR_RECV_ARRAY, rr_array_methods},
		{RR_RECV_NUMBER, rr_number_methods},
		{RR_RECV_OBJECT, rr_object_methods},
		{RR_RECV_STRING, rr_string_methods},
		{RR_RECV_STRING, rr_string_pattern_methods},
		{RR_RECV_STRING, rr_string_markdown_methods},
		{RR_RECV_STRING, rr_string_regex_methods},
		{RR_RECV_BOOLEAN, rr_boolean_methods},
		{RR_RECV_REGEXP, rr_regexp_methods},
		{RR_RECV_DATE, rr_date_methods},
		{RR_RECV_DATE, rr_date_relative_methods},
		{RR_RECV_DURATION, rr_duration_methods},
		{RR_RECV_DURATION, rr_duration_human_methods},
		{RR_RECV_DATE, rr_datetime_until_methods},
		{RR_RECV_INTERVAL, rr_interval_methods}
	};
	int			capacity = 2;
	int			k;

	if (methods)
		return;
	for (k = 0; k < lengthof(tables); k++)
	{
		const RrMethodImpl *m;

		for (m = tables[k].table; m->name; m++)
			capacity++;
	}
	methods = MemoryContextAllocZero(TopMemoryContext,
									 sizeof(RrMethodEntry) * capacity);
	for (k = 0; k < lengthof(tables); k++)
		add_table(tables[k].kind, tables[k].table);
	add_entry("isEmpty")->generic = true;
	add_entry("isNotEmpty")->generic = true;
}

int
rr_method_lookup(const char *name)
{
	RrMethodEntry *e;

	build_methods();
	e = find_entry(name);
	return e ? (int) (e - methods) : -1;
}

/* The kind n8n's dispatch sees x as, or -1 (null, undefined, a function) */
static int
receiver_of(JsValue x)
{
	switch (x.kind)
	{
		case JS_BOOL:
			return RR_RECV_BOOLEAN;
		case JS_NUMBER:
		case JS_NUMERIC:
			return RR_RECV_NUMBER;
		case JS_STRING:
			return RR_RECV_STRING;
		case JS_ARRAY:
			return RR_RECV_ARRAY;
		case JS_OBJECT:
			return RR_RECV_OBJECT;
		case JS_JSONB:
			return JsonContainerIsArray(x.u.jc) ? RR_RECV_ARRAY : RR_RECV_OBJECT;
		case JS_REGEXP:
			return RR_RECV_REGEXP;
		case JS_DATETIME:
		case JS_DATE:
			return RR_RECV_DATE;
		case JS_DURATION:
			return RR_RECV_DURATION;
		case JS_INTERVAL:
			return RR_RECV_INTERVAL;
		default:
			return -1;
	}
}

/* n8n's "NAME() is only callable on type(s) ..." */
static void
not_callable_error(const RrMethodEntry *e)
{
	StringInfoData types;
	int			k;
	int			count = 0;
	int			done = 0;

	for (k = 0; k < RR_RECV_COUNT; k++)
		count += (e->extension_on >> k) & 1;
	initStringInfo(&types);
	for (k = 0; k < RR_RECV_COUNT; k++)
	{
		if (!((e->extension_on >> k) & 1))
			continue;
		if (done > 0)
			appendStringInfoString(&types, done == count - 1 ? ", and " : ", ");
		appendStringInfo(&types, "\"%s\"", receiver_names[k]);
		done++;
	}
	rr_extension_error("%s() is only callable on %s %s", e->name,
					   count > 1 ? "types" : "type", types.data);
}

JsValue
rr_method_call(RrExprEnv *env, int method, JsValue self, int nargs,
			   const JsValue *args)
{
	const RrMethodEntry *e;
	int			kind = receiver_of(self);

	Assert(method >= 0 && method < nmethods);
	e = &methods[method];
	if (kind == RR_RECV_STRING && (e->extension_on & (1 << RR_RECV_DATE)) &&
		strcmp(e->name, "toDate") != 0 && strcmp(e->name, "toDateTime") != 0 &&
		rr_date_receiver(env, &self))
		kind = RR_RECV_DATE;
	if (kind >= 0 && e->fn[kind])
		return e->fn[kind] (env, self, nargs, args);
	if (e->generic)
	{
		/* W expression-extension.ts isEmpty: null, undefined or falsy */
		bool		empty = js_is_nullish(self) || !js_to_boolean(self);

		return js_bool(strcmp(e->name, "isEmpty") == 0 ? empty : !empty);
	}
	if (e->extension_on == 0)
	{
		/* JavaScript's TypeError: x.name is not a function */
		rr_expr_throw(env);
		return js_undefined();
	}
	if (js_is_nullish(self))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s can't be used on %s value", e->name,
						self.kind == JS_NULL ? "null" : "undefined"),
				 errdetail("To ignore this error, add a ? to the variable before this function, e.g. my_var?.%s",
						   e->name)));
	not_callable_error(e);
	return js_undefined();
}

/*
 * Function ids run over rr_functions, then on over rr_date_functions
 * (builtins_date.c) and rr_interval_functions (builtins_interval.c)
 */
static const RrFunctionImpl *
function_of(int function)
{
	static int	nglobal = -1;
	static int	ndate = -1;

	if (nglobal < 0)
	{
		for (nglobal = 0; rr_functions[nglobal].name; nglobal++)
			;
		for (ndate = 0; rr_date_functions[ndate].name; ndate++)
			;
	}
	if (function < nglobal)
		return &rr_functions[function];
	if (function < nglobal + ndate)
		return &rr_date_functions[function - nglobal];
	return &rr_interval_functions[function - nglobal - ndate];
}

int
rr_function_lookup(const char *namespace, const char *name)
{
	int			i;

	for (i = 0; function_of(i)->name != NULL; i++)
	{
		const RrFunctionImpl *f = function_of(i);

		if (strcmp(f->name, name) == 0 &&
			(namespace == NULL ? f->namespace == NULL :
			 f->namespace != NULL && strcmp(f->namespace, namespace) == 0))
			return i;
	}
	return -1;
}

void
rr_function_arity(int function, int *min_args, int *max_args)
{
	*min_args = function_of(function)->min_args;
	*max_args = function_of(function)->max_args;
}

JsValue
rr_function_call(RrExprEnv *env, int function, int nargs, const JsValue *args)
{
	return function_of(function)->fn(env, nargs, args);
}
