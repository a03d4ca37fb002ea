/*-------------------------------------------------------------------------
 *
 * builtins_array.c
 *		The methods of arrays: JavaScript's (Array.prototype, those that
 *		take no callback) and n8n's extensions (W src/extensions/
 *		array-extensions.ts: sum, pluck, unique, chunk, merge ...).
 *
 * Values never change in an expression, so the methods that mutate in
 * JavaScript (reverse, sort) return a new array here and the mutators
 * proper (push, splice ...) do not exist.  Methods taking a callback (map,
 * filter, reduce, sort(cmp) ...) are in builtins_callback.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/pg_prng.h"
#include "expr/ast.h"
#include "expr/builtins_int.h"
#include "miscadmin.h"

static JsValue
array_of(JsArray *arr)
{
	JsValue		v;

	v.kind = JS_ARRAY;
	v.u.arr = arr;
	return v;
}

/* A copy of elems[from, to) as a new array */
static JsValue
sub_array(JsArray *a, double from, double to)
{
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, Max(to - from, 0));
	for (i = (int) from; i < (int) to; i++)
		rr_array_push(&out, a->elems[i]);
	return rr_array_result(&out);
}

/* ---------- JavaScript's methods ---------- */

static JsValue
arr_at(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	double		i = rr_to_integer(rr_arg(nargs, args, 0));

	if (i < 0)
		i += a->len;
	if (i < 0 || i >= a->len)
		return js_undefined();
	return a->elems[(int) i];
}

static JsValue
arr_concat(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	RrArrayBuilder out;
	int			i;
	int			k;

	rr_array_init(&out, rr_array_view(self)->len + nargs);
	for (i = -1; i < nargs; i++)
	{
		JsValue		v = i < 0 ? self : args[i];
		JsArray    *a;

		if (!rr_is_array(v))
		{
			rr_array_push(&out, v);
			continue;
		}
		a = rr_array_view(v);
		for (k = 0; k < a->len; k++)
			rr_array_push(&out, a->elems[k]);
	}
	return rr_array_result(&out);
}

/* SameValueZero (includes) or === (indexOf, lastIndexOf) */
static bool
same_value(JsValue a, JsValue b, bool zero)
{
	if (zero && rr_is_number(a) && rr_is_number(b) &&
		isnan(js_to_number(a)) && isnan(js_to_number(b)))
		return true;
	return js_strict_equals(a, b);
}

/* Index of the first element from args[1] on that is args[0], or -1 */
static int
search(JsValue self, int nargs, const JsValue *args, bool zero)
{
	JsArray    *a = rr_array_view(self);
	int			i;

	for (i = (int) rr_relative_index(rr_arg(nargs, args, 1), a->len, 0); i < a->len; i++)
	{
		if (same_value(a->elems[i], rr_arg(nargs, args, 0), zero))
			return i;
	}
	return -1;
}

static JsValue
arr_includes(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(search(self, nargs, args, true) >= 0);
}

static JsValue
arr_index_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(search(self, nargs, args, false));
}

static JsValue
arr_last_index_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	double		from = nargs > 1 ? rr_to_integer(args[1]) : a->len - 1;
	int			i;

	from = from < 0 ? a->len + from : Min(from, a->len - 1);
	for (i = (int) from; i >= 0; i--)
	{
		if (same_value(a->elems[i], rr_arg(nargs, args, 0), false))
			return js_number(i);
	}
	return js_number(-1);
}

/* Array.prototype.join: null and undefined elements as "" */
static JsValue
arr_join(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsValue		sepv = rr_arg(nargs, args, 0);
	JsValue		sep = sepv.kind == JS_UNDEFINED ? js_cstring(",") : js_to_string(sepv);
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	for (i = 0; i < a->len; i++)
	{
		rr_expr_step(env);
		if (i > 0)
			appendBinaryStringInfo(&out, sep.u.str.ptr, sep.u.str.len);
		if (!js_is_nullish(a->elems[i]))
			js_append_string(&out, a->elems[i]);
		rr_check_bytes(out.len, "join()");
	}
	return rr_string_from(&out);
}

static JsValue
arr_slice(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);

	return sub_array(a, rr_relative_index(rr_arg(nargs, args, 0), a->len, 0),
					 rr_relative_index(rr_arg(nargs, args, 1), a->len, a->len));
}

static JsValue
arr_reverse(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, a->len);
	for (i = a->len - 1; i >= 0; i--)
		rr_array_push(&out, a->elems[i]);
	return rr_array_result(&out);
}

static void
flatten(RrArrayBuilder *out, JsArray *a, double depth)
{
	int			i;

	check_stack_depth();
	for (i = 0; i < a->len; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (depth >= 1 && rr_is_array(a->elems[i]))
			flatten(out, rr_array_view(a->elems[i]), depth - 1);
		else
			rr_array_push(out, a->elems[i]);
	}
}

static JsValue
arr_flat(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		depthv = rr_arg(nargs, args, 0);
	RrArrayBuilder out;

	rr_array_init(&out, rr_array_view(self)->len);
	flatten(&out, rr_array_view(self),
			depthv.kind == JS_UNDEFINED ? 1 : rr_to_integer(depthv));
	return rr_array_result(&out);
}

void
rr_merge_sort(JsValue *elems, int n, RrCompareFn cmp, void *context)
{
	JsValue    *tmp;
	int			width;

	if (n < 2)
		return;
	tmp = palloc(sizeof(JsValue) * n);
	/* bottom-up: merge runs of width into runs of 2 * width */
	for (width = 1; width < n; width *= 2)
	{
		int			lo;

		for (lo = 0; lo < n - width; lo += 2 * width)
		{
			int			mid = lo + width;
			int			hi = Min(lo + 2 * width, n);
			int			i = lo;
			int			j = mid;
			int			k = 0;

			CHECK_FOR_INTERRUPTS();
			while (i < mid && j < hi)
				tmp[k++] = cmp(context, elems[j], elems[i]) < 0 ? elems[j++] : elems[i++];
			while (i < mid)
				tmp[k++] = elems[i++];
			while (j < hi)
				tmp[k++] = elems[j++];
			memcpy(elems + lo, tmp, sizeof(JsValue) * k);
		}
	}
	pfree(tmp);
}

/* The default order: String(a) and String(b) by UTF-16 code units */
static int
string_order(void *context, JsValue a, JsValue b)
{
	if (js_compare(RR_OP_LT, a, b))
		return -1;
	return js_compare(RR_OP_LT, b, a) ? 1 : 0;
}

/* Order of two indices (numbers) by their strings in keys (context) */
static int
key_order(void *context, JsValue a, JsValue b)
{
	JsValue    *keys = context;

	return string_order(NULL, keys[(int) a.u.num], keys[(int) b.u.num]);
}

/*
 * sort() without a comparator, as a new array: undefined elements last,
 * the others by their strings, stable.
 */
static JsValue
arr_sort(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsValue		cmp = rr_arg(nargs, args, 0);
	JsValue    *keys;
	JsValue    *order;
	RrArrayBuilder out;
	int			n = 0;
	int			i;

	if (cmp.kind == JS_FUNCTION)
		return rr_array_sort_by(env, self, cmp);
	if (cmp.kind != JS_UNDEFINED)
	{
		rr_expr_throw(env);		/* TypeError: the comparison function */
		return js_undefined();
	}
	keys = palloc(sizeof(JsValue) * Max(a->len, 1));
	order = palloc(sizeof(JsValue) * Max(a->len, 1));
	for (i = 0; i < a->len; i++)
	{
		if (a->elems[i].kind == JS_UNDEFINED)
			continue;
		keys[i] = js_to_string(a->elems[i]);
		order[n++] = js_number(i);
	}
	rr_merge_sort(order, n, key_order, keys);
	rr_array_init(&out, a->len);
	for (i = 0; i < n; i++)
		rr_array_push(&out, a->elems[(int) order[i].u.num]);
	for (i = n; i < a->len; i++)
		rr_array_push(&out, js_undefined());
	return rr_array_result(&out);
}

static JsValue
arr_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return arr_join(env, self, 0, NULL);
}

static JsValue
arr_keys(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, a->len);
	for (i = 0; i < a->len; i++)
		rr_array_push(&out, js_number(i));
	return rr_array_result(&out);
}

static JsValue
arr_values(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return array_of(rr_array_view(self));
}

static JsValue
arr_entries(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, a->len);
	for (i = 0; i < a->len; i++)
	{
		RrArrayBuilder pair;

		rr_array_init(&pair, 2);
		rr_array_push(&pair, js_number(i));
		rr_array_push(&pair, a->elems[i]);
		rr_array_push(&out, rr_array_result(&pair));
	}
	return rr_array_result(&out);
}

/* ---------- n8n's extensions ---------- */

static JsValue
arr_first(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);

	return a->len > 0 ? a->elems[0] : js_undefined();
}

static JsValue
arr_last(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);

	return a->len > 0 ? a->elems[a->len - 1] : js_undefined();
}

static JsValue
arr_is_empty(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(rr_array_view(self)->len == 0);
}

static JsValue
arr_is_not_empty(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(rr_array_view(self)->len > 0);
}

/* n8n's ensureNumberArray: "sum(): all array elements must be numbers" */
static JsArray *
number_array(JsValue self, const char *fn)
{
	JsArray    *a = rr_array_view(self);
	int			i;

	for (i = 0; i < a->len; i++)
	{
		if (!rr_is_number(a->elems[i]))
			rr_extension_error("%s(): all array elements must be numbers", fn);
	}
	return a;
}

static double
sum_of(JsArray *a)
{
	double		sum = 0;
	int			i;

	for (i = 0; i < a->len; i++)
		sum += js_to_number(a->elems[i]);
	return sum;
}

static JsValue
arr_sum(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(sum_of(number_array(self, "sum")));
}

static JsValue
arr_min(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = number_array(self, "min");

	return js_number(rr_math_minmax(a->len, a->elems, false));
}

static JsValue
arr_max(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = number_array(self, "max");

	return js_number(rr_math_minmax(a->len, a->elems, true));
}

/* average of [] is 0 ("I don't think users will expect NaN") */
JsValue
rr_array_average(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = number_array(self, "average");

	return js_number(a->len == 0 ? 0 : sum_of(a) / a->len);
}

/*
 * pluck(...fields): for each element that is an object, its values of
 * those fields in the object's key order, alone when there is one; no
 * fields: the array itself.
 */
static JsValue
arr_pluck(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	RrArrayBuilder out;
	int			i;

	if (nargs == 0)
		return self;
	rr_array_init(&out, a->len);
	for (i = 0; i < a->len; i++)
	{
		JsObject   *o;
		RrArrayBuilder p;
		int			k;
		int			f;

		if (!rr_is_object(a->elems[i]) && !rr_is_array(a->elems[i]))
			continue;
		o = rr_entries_view(a->elems[i]);
		rr_array_init(&p, 0);
		for (k = 0; k < o->len; k++)
		{
			for (f = 0; f < nargs; f++)
			{
				if (args[f].kind == JS_STRING && args[f].u.str.len == o->keylens[k] &&
					memcmp(args[f].u.str.ptr, o->keys[k], o->keylens[k]) == 0)
					rr_array_push(&p, o->vals[k]);
			}
		}
		if (p.arr->len == 1)
			rr_array_push(&out, p.arr->elems[0]);
		else if (p.arr->len > 1)
			rr_array_push(&out, rr_array_result(&p));
	}
	return rr_array_result(&out);
}

static JsValue
arr_random_item(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);

	if (a->len == 0)
		return js_undefined();
	return a->elems[pg_prng_uint64_range(&pg_global_prng_state, 0, a->len - 1)];
}

/*
 * lodash uniqWith(isEqual) over the elements, or with fields over
 * {field: element[field], ...} of the elements that are objects: the first
 * of each group of equal elements, in order.
 */
static JsValue
unique_of(JsArray *a, int nfields, const JsValue *fields)
{
	JsValue    *keys = palloc(sizeof(JsValue) * Max(a->len, 1));
	RrArrayBuilder out;
	RrValueSet	seen;
	int			i;

	for (i = 0; i < a->len; i++)
	{
		JsValue		e = a->elems[i];
		RrObjectBuilder key;
		int			f;
		bool		type_error = false;

		keys[i] = e;
		if (nfields == 0 || !(rr_is_object(e) || rr_is_array(e)))
			continue;
		rr_object_init(&key, nfields);
		for (f = 0; f < nfields; f++)
		{
			JsValue		name = js_to_string(fields[f]);

			rr_object_set(&key, name.u.str.ptr, name.u.str.len,
						  js_get_member(e, name, &type_error));
		}
		keys[i] = rr_object_result(&key);
	}
	rr_array_init(&out, 0);
	rr_value_set_init(&seen, a->len);
	for (i = 0; i < a->len; i++)
	{
		if (rr_value_set_add(&seen, keys[i]))
			rr_array_push(&out, a->elems[i]);
	}
	return rr_array_result(&out);
}

static JsValue
arr_unique(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return unique_of(rr_array_view(self), nargs, args);
}

/* compact: null, undefined, "nil", "" and empty objects and arrays go */
static JsValue
arr_compact(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, a->len);
	for (i = 0; i < a->len; i++)
	{
		JsValue		e = a->elems[i];

		if (rr_compact_keeps(&e))
			rr_array_push(&out, e);
	}
	return rr_array_result(&out);
}

/* smartJoin(keyField, valueField): {[e[keyField]]: e[valueField], ...} */
static JsValue
arr_smart_join(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsValue		keyf = rr_arg(nargs, args, 0);
	JsValue		valf = rr_arg(nargs, args, 1);
	RrObjectBuilder out;
	int			i;

	if (keyf.kind != JS_STRING || valf.kind != JS_STRING ||
		keyf.u.str.len == 0 || valf.u.str.len == 0)
		rr_extension_error("smartJoin(): expected two string args, e.g. .smartJoin(\"name\", \"value\")");
	rr_object_init(&out, a->len);
	for (i = 0; i < a->len; i++)
	{
		JsValue		e = a->elems[i];
		bool		type_error = false;
		JsValue		k;

		if (!(rr_is_object(e) || rr_is_array(e)) ||
			!js_has_property(e, keyf, &type_error) ||
			!js_has_property(e, valf, &type_error))
			continue;
		k = js_to_string(js_get_member(e, keyf, &type_error));
		rr_object_set(&out, k.u.str.ptr, k.u.str.len,
					  js_get_member(e, valf, &type_error));
	}
	return rr_object_result(&out);
}

/* chunk(size): slices of size elements (size may be fractional, as there) */
static JsValue
arr_chunk(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsValue		sizev = rr_arg(nargs, args, 0);
	double		size = rr_is_number(sizev) ? js_to_number(sizev) : 0;
	RrArrayBuilder out;
	double		i;

	if (!(size > 0))
		rr_extension_error("chunk(): expected non-zero numeric arg, e.g. .chunk(5)");
	rr_check_elements(ceil(a->len / size), "chunk()");
	rr_array_init(&out, ceil(a->len / size));
	for (i = 0; i < a->len; i += size)
		rr_array_push(&out, sub_array(a, trunc(i), Min(trunc(i + size), a->len)));
	return rr_array_result(&out);
}

/* {...e} of an object or array, as a builder */
static void
spread_into(RrObjectBuilder *b, JsValue e)
{
	JsObject   *o = rr_entries_view(e);
	int			k;

	for (k = 0; k < o->len; k++)
		rr_object_set(b, o->keys[k], o->keylens[k], o->vals[k]);
}

/* renameKeys(from1, to1, ...): on each element that is an object */
static JsValue
arr_rename_keys(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	RrArrayBuilder out;
	int			i;

	if (nargs == 0 || nargs % 2 != 0)
		rr_extension_error("renameKeys(): expected an even amount of args: from1, to1 [, from2, to2, ...]. e.g. .renameKeys(\"name\", \"title\")");
	rr_array_init(&out, a->len);
	for (i = 0; i < a->len; i++)
	{
		RrObjectBuilder o;
		int			k;

		if (!rr_is_object(a->elems[i]) && !rr_is_array(a->elems[i]))
		{
			rr_array_push(&out, a->elems[i]);
			continue;
		}
		rr_object_init(&o, 0);
		spread_into(&o, a->elems[i]);
		for (k = 0; k < nargs; k += 2)
		{
			JsValue		from = js_to_string(args[k]);
			JsValue		to = js_to_string(args[k + 1]);
			int			at = rr_object_find(&o, from.u.str.ptr, from.u.str.len);

			if (at < 0)
				continue;
			rr_object_set(&o, to.u.str.ptr, to.u.str.len, o.obj->vals[at]);
			rr_object_remove(&o, from.u.str.ptr, from.u.str.len);
		}
		rr_array_push(&out, rr_object_result(&o));
	}
	return rr_array_result(&out);
}

static bool
is_object_like(JsValue v)
{
	return rr_is_object(v) || rr_is_array(v) || v.kind == JS_NULL;
}

/*
 * n8n's mergeObjects(value, [other]) into b (which holds {...value}): the
 * keys of other that value lacks.
 */
static void
merge_missing(RrObjectBuilder *b, JsValue other)
{
	JsObject   *o;
	int			k;

	if (!js_to_boolean(other))
		return;
	if (!is_object_like(other))
		rr_extension_error("merge(): expected object arg");
	o = rr_entries_view(other);
	for (k = 0; k < o->len; k++)
	{
		if (rr_object_find(b, o->keys[k], o->keylens[k]) < 0)
			rr_object_set(b, o->keys[k], o->keylens[k], o->vals[k]);
	}
}

/*
 * merge(): the objects of the array merged, the first value of a key
 * winning; merge(others): element i merged with others[i] (its keys win
 * within the pair), all pairs assigned into one object in turn.
 */
static JsValue
arr_merge(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsValue		othersv = rr_arg(nargs, args, 0);
	JsArray    *others;
	RrObjectBuilder merged;
	int			i;

	rr_object_init(&merged, 0);
	if (othersv.kind == JS_UNDEFINED)
	{
		for (i = 0; i < a->len; i++)
		{
			if (rr_is_object(a->elems[i]))
				merge_missing(&merged, a->elems[i]);
		}
		return rr_object_result(&merged);
	}
	if (!rr_is_array(othersv))
		rr_extension_error("merge(): expected array arg, e.g. .merge([{ id: 1, otherValue: 3 }])");
	others = rr_array_view(othersv);
	for (i = 0; i < Max(a->len, others->len); i++)
	{
		RrObjectBuilder pair;
		JsObject   *p;
		JsValue		other = i < others->len ? others->elems[i] : js_undefined();
		int			k;

		if (i >= a->len || a->elems[i].kind == JS_UNDEFINED ||
			!is_object_like(a->elems[i]) || !is_object_like(other))
			continue;
		if (a->elems[i].kind == JS_NULL && !js_to_boolean(other))
			continue;			/* mergeObjects(null, [null]) is null */
		rr_object_init(&pair, 0);
		spread_into(&pair, a->elems[i]);
		merge_missing(&pair, other);
		p = pair.obj;
		for (k = 0; k < p->len; k++)
			rr_object_set(&merged, p->keys[k], p->keylens[k], p->vals[k]);
	}
	return rr_object_result(&merged);
}

static JsArray *
array_arg(int nargs, const JsValue *args, const char *fn)
{
	JsValue		v = rr_arg(nargs, args, 0);

	if (!rr_is_array(v))
		rr_extension_error("%s(): expected array arg, e.g. .%s([1, 2, 3, 4])", fn, fn);
	return rr_array_view(v);
}

/* Append the elements of a that are (present) or are not in b */
static void
filter_in(RrArrayBuilder *out, JsArray *a, JsArray *b, bool present)
{
	RrValueSet	index;
	int			i;

	rr_value_set_init(&index, b->len);
	for (i = 0; i < b->len; i++)
		rr_value_set_add(&index, b->elems[i]);
	for (i = 0; i < a->len; i++)
	{
		if (rr_value_set_contains(&index, a->elems[i]) == present)
			rr_array_push(out, a->elems[i]);
	}
}

/* union: the elements of both, without duplicates */
static JsValue
arr_union(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsArray    *b = array_arg(nargs, args, "union");
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, (double) a->len + b->len);
	for (i = 0; i < a->len + b->len; i++)
		rr_array_push(&out, i < a->len ? a->elems[i] : b->elems[i - a->len]);
	return unique_of(out.arr, 0, NULL);
}

static JsValue
arr_difference(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *b = array_arg(nargs, args, "difference");
	RrArrayBuilder out;

	rr_array_init(&out, 0);
	filter_in(&out, rr_array_view(self), b, false);
	return unique_of(out.arr, 0, NULL);
}

static JsValue
arr_intersection(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	JsArray    *b = array_arg(nargs, args, "intersection");
	RrArrayBuilder out;

	rr_array_init(&out, 0);
	filter_in(&out, a, b, true);
	filter_in(&out, b, a, true);
	return unique_of(out.arr, 0, NULL);
}

/* append(...values): the array with the arguments added, as they are */
static JsValue
arr_append(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsArray    *a = rr_array_view(self);
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, (double) a->len + nargs);
	for (i = 0; i < a->len; i++)
		rr_array_push(&out, a->elems[i]);
	for (i = 0; i < nargs; i++)
		rr_array_push(&out, args[i]);
	return rr_array_result(&out);
}

const RrMethodImpl rr_array_methods[] = {
	/* JavaScript's */
	{"at", false, arr_at},
	{"concat", false, arr_concat},
	{"entries", false, arr_entries},
	{"every", false, rr_array_every},
	{"filter", false, rr_array_filter},
	{"find", false, rr_array_find},
	{"findIndex", false, rr_array_find_index},
	{"findLast", false, rr_array_find_last},
	{"findLastIndex", false, rr_array_find_last_index},
	{"flat", false, arr_flat},
	{"flatMap", false, rr_array_flat_map},
	{"forEach", false, rr_array_for_each},
	{"includes", false, arr_includes},
	{"indexOf", false, arr_index_of},
	{"join", false, arr_join},
	{"keys", false, arr_keys},
	{"lastIndexOf", false, arr_last_index_of},
	{"map", false, rr_array_map},
	{"reduce", false, rr_array_reduce},
	{"reduceRight", false, rr_array_reduce_right},
	{"reverse", false, arr_reverse},
	{"slice", false, arr_slice},
	{"some", false, rr_array_some},
	{"sort", false, arr_sort},
	{"toReversed", false, arr_reverse},
	{"toSorted", false, arr_sort},
	{"toString", false, arr_to_string},
	{"values", false, arr_values},
	/* n8n's */
	{"append", true, arr_append},
	{"average", true, rr_array_average},
	{"chunk", true, arr_chunk},
	{"compact", true, arr_compact},
	{"difference", true, arr_difference},
	{"first", true, arr_first},
	{"intersection", true, arr_intersection},
	{"isEmpty", true, arr_is_empty},
	{"isNotEmpty", true, arr_is_not_empty},
	{"last", true, arr_last},
	{"max", true, arr_max},
	{"merge", true, arr_merge},
	{"min", true, arr_min},
	{"pluck", true, arr_pluck},
	{"randomItem", true, arr_random_item},
	{"removeDuplicates", true, arr_unique},
	{"renameKeys", true, arr_rename_keys},
	{"smartJoin", true, arr_smart_join},
	{"sum", true, arr_sum},
	{"toBoolean", true, rr_method_undefined},
	{"toDateTime", true, rr_method_undefined},
	{"toFloat", true, rr_method_undefined},
	{"toInt", true, rr_method_undefined},
	{"toJsonString", true, rr_method_json_string},
	{"union", true, arr_union},
	{"unique", true, arr_unique},
	{NULL}
};
