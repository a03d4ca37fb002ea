/*-------------------------------------------------------------------------
 *
 * builtins_callback.c
 *		The methods of arrays that take a callback: map, filter, find,
 *		findIndex, findLast, findLastIndex, some, every, reduce,
 *		reduceRight, flatMap, forEach and sort with a comparator.
 *
 * The callback is an arrow function or a function passed as a value
 * (eval.c's rr_expr_call), called as JavaScript calls it: with the
 * element, its index and the array (reduce: the accumulator first).  A
 * TypeError inside it ends the whole {{ }} (rr_expr_thrown), as in n8n.
 * Every loop runs over an array that exists already, so it ends; each
 * call is a step of the evaluation (rr_expr_step: limits, cancel, timeouts).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "expr/builtins_int.h"

/* A callback that is not callable is a TypeError, even for no element */
static bool
callable(RrExprEnv *env, JsValue fn)
{
	if (rr_expr_callable(fn))
		return true;
	rr_expr_throw(env);
	return false;
}

/* fn(element i, i, array); *thrown when the evaluation unwinds */
static JsValue
call_on(RrExprEnv *env, JsValue fn, JsValue self, JsArray *a, int i,
		bool *thrown)
{
	JsValue		args[3];
	JsValue		result;

	args[0] = a->elems[i];
	args[1] = js_number(i);
	args[2] = self;
	result = rr_expr_call(env, fn, 3, args);
	*thrown = rr_expr_thrown(env);
	return result;
}

/* What collect() makes of the callback's results */
typedef enum Collect
{
	COLLECT_MAP,				/* the results */
	COLLECT_FLAT_MAP,			/* the results, arrays flattened one level */
	COLLECT_FILTER				/* the elements whose result is truthy */
} Collect;

static JsValue
collect(RrExprEnv *env, JsValue self, int nargs, const JsValue *args,
		Collect what)
{
	JsArray    *a = rr_array_view(self);
	JsValue		fn = rr_arg(nargs, args, 0);
	RrArrayBuilder out;
	bool		thrown = false;
	int			i;

	if (!callable(env, fn))
		return js_undefined();
	rr_array_init(&out, a->len);
	for (i = 0; i < a->len; i++)
	{
		JsValue		v = call_on(env, fn, self, a, i, &thrown);

		if (thrown)
			break;
		if (what == COLLECT_FILTER)
		{
			if (js_to_boolean(v))
				rr_array_push(&out, a->elems[i]);
		}
		else if (what == COLLECT_FLAT_MAP && rr_is_array(v))
		{
			JsArray    *inner = rr_array_view(v);
			int			j;

			for (j = 0; j < inner->len; j++)
				rr_array_push(&out, inner->elems[j]);
		}
		else
			rr_array_push(&out, v);
	}
	return rr_array_result(&out);
}

JsValue
rr_array_map(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return collect(env, self, nargs, args, COLLECT_MAP);
}

JsValue
rr_array_flat_map(RrExprEnv *env, JsValue self, int nargs,
				  const JsValue *args)
{
	return collect(env, self, nargs, args, COLLECT_FLAT_MAP);
}

JsValue
rr_array_filter(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return collect(env, self, nargs, args, COLLECT_FILTER);
}

/*
 * The first index, from the start or from the end, whose callback result
 * is truthy, or -1; -2 when the callback threw.
 */
static int
search(RrExprEnv *env, JsValue self, int nargs, const JsValue *args,
	   bool from_end)
{
	JsArray    *a = rr_array_view(self);
	JsValue		fn = rr_arg(nargs, args, 0);
	bool		thrown = false;
	int			n;

	if (!callable(env, fn))
		return -2;
	for (n = 0; n < a->len; n++)
	{
		int			i = from_end ? a->len - 1 - n : n;
		bool		found = js_to_boolean(call_on(env, fn, self, a, i, &thrown));

		if (thrown)
			return -2;
		if (found)
			return i;
	}
	return -1;
}

JsValue
rr_array_find(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	int			i = search(env, self, nargs, args, false);

	return i >= 0 ? rr_array_view(self)->elems[i] : js_undefined();
}

JsValue
rr_array_find_last(RrExprEnv *env, JsValue self, int nargs,
				   const JsValue *args)
{
	int			i = search(env, self, nargs, args, true);

	return i >= 0 ? rr_array_view(self)->elems[i] : js_undefined();
}

JsValue
rr_array_find_index(RrExprEnv *env, JsValue self, int nargs,
					const JsValue *args)
{
	return js_number(Max(search(env, self, nargs, args, false), -1));
}

JsValue
rr_array_find_last_index(RrExprEnv *env, JsValue self, int nargs,
						 const JsValue *args)
{
	return js_number(Max(search(env, self, nargs, args, true), -1));
}

JsValue
rr_array_some(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(search(env, self, nargs, args, false) >= 0);
}

JsValue
rr_array_every(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsValue		fn = rr_arg(nargs, args, 0);
	bool		thrown = false;
	int			i;

	if (!callable(env, fn))
		return js_undefined();
	for (i = 0; i < a->len; i++)
	{
		bool		ok = js_to_boolean(call_on(env, fn, self, a, i, &thrown));

		if (thrown || !ok)
			return js_bool(false);
	}
	return js_bool(true);
}

JsValue
rr_array_for_each(RrExprEnv *env, JsValue self, int nargs,
				  const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsValue		fn = rr_arg(nargs, args, 0);
	bool		thrown = false;
	int			i;

	if (!callable(env, fn))
		return js_undefined();
	for (i = 0; i < a->len && !thrown; i++)
		(void) call_on(env, fn, self, a, i, &thrown);
	return js_undefined();
}

/* reduce and reduceRight: fn(accumulator, element, index, array) */
static JsValue
reduce(RrExprEnv *env, JsValue self, int nargs, const JsValue *args,
	   bool from_end)
{
	JsArray    *a = rr_array_view(self);
	JsValue		fn = rr_arg(nargs, args, 0);
	JsValue		acc;
	int			n = 0;

	if (!callable(env, fn))
		return js_undefined();
	if (nargs >= 2)
		acc = args[1];
	else if (a->len == 0)
	{
		rr_expr_throw(env);		/* TypeError: empty array, no initial value */
		return js_undefined();
	}
	else
		acc = a->elems[from_end ? a->len - 1 : 0], n = 1;
	for (; n < a->len; n++)
	{
		int			i = from_end ? a->len - 1 - n : n;
		JsValue		call_args[4];

		call_args[0] = acc;
		call_args[1] = a->elems[i];
		call_args[2] = js_number(i);
		call_args[3] = self;
		acc = rr_expr_call(env, fn, 4, call_args);
		if (rr_expr_thrown(env))
			break;
	}
	return acc;
}

JsValue
rr_array_reduce(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return reduce(env, self, nargs, args, false);
}

JsValue
rr_array_reduce_right(RrExprEnv *env, JsValue self, int nargs,
					  const JsValue *args)
{
	return reduce(env, self, nargs, args, true);
}

/* A comparator's verdict on two elements */
typedef struct Comparison
{
	RrExprEnv  *env;
	JsValue		fn;
} Comparison;

static int
compare_by_callback(void *context, JsValue a, JsValue b)
{
	Comparison *c = context;
	JsValue		args[2];
	double		verdict;

	/* once the comparator threw, the order no longer matters */
	if (rr_expr_thrown(c->env))
		return 0;
	args[0] = a;
	args[1] = b;
	verdict = js_to_number(rr_expr_call(c->env, c->fn, 2, args));
	if (isnan(verdict))
		return 0;
	return verdict < 0 ? -1 : verdict > 0 ? 1 : 0;
}

/*
 * sort(comparator), as a new array: stable, undefined elements last and
 * never given to the comparator, as in JavaScript.  A comparator that is
 * not consistent gives some order, never a crash (merge sort).
 */
JsValue
rr_array_sort_by(RrExprEnv *env, JsValue self, JsValue fn)
{
	JsArray    *a = rr_array_view(self);
	Comparison	c;
	JsValue    *elems = palloc(sizeof(JsValue) * Max(a->len, 1));
	RrArrayBuilder out;
	int			n = 0;
	int			i;

	for (i = 0; i < a->len; i++)
		if (a->elems[i].kind != JS_UNDEFINED)
			elems[n++] = a->elems[i];
	c.env = env;
	c.fn = fn;
	rr_merge_sort(elems, n, compare_by_callback, &c);
	rr_array_init(&out, a->len);
	for (i = 0; i < n; i++)
		rr_array_push(&out, elems[i]);
	for (; i < a->len; i++)
		rr_array_push(&out, js_undefined());
	return rr_array_result(&out);
}
