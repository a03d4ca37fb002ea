/*-------------------------------------------------------------------------
 *
 * builtins_json.c
 *		The callbacks of JSON.stringify and JSON.parse: stringify's replacer
 *		(a function, or an array of the keys to keep) and parse's reviver,
 *		applied to a value before it is written or after it is read
 *		(ECMA-262 SerializeJSONProperty and InternalizeJSONProperty); and
 *		$jsonpath(), PostgreSQL's jsonpath over a value.
 *
 * Values are immutable here, so the walk builds a new value; the callback
 * gets (key, value) as in JavaScript, without "this" (an expression has
 * no way to name it).  A replacer sees a date as its toJSON text, as
 * JavaScript's does.  Every member is a step of the evaluation.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/builtins_int.h"
#include "miscadmin.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

typedef struct JsonWalk
{
	RrExprEnv  *env;
	JsValue		fn;				/* the replacer or reviver, or undefined */
	JsArray    *keys;			/* a replacer array's keys, or NULL */
	bool		revive;			/* JSON.parse: members before their holder */
} JsonWalk;

static JsValue walk(JsonWalk *w, JsValue key, JsValue v);

/* toJSON of dates and durations: their ISO text, or null when invalid */
static JsValue
date_to_json(JsValue v)
{
	JsonbValue *text;

	if (v.kind != JS_DATETIME && v.kind != JS_DATE && v.kind != JS_DURATION &&
		v.kind != JS_INTERVAL)
		return v;
	text = js_to_jsonb_value(v);
	if (text->type != jbvString)
		return js_null();
	return js_string(text->val.string.val, text->val.string.len);
}

/* An object's member walked; dropped when it becomes undefined */
static bool
walk_member(JsonWalk *w, RrObjectBuilder *out, const char *key, int len,
			JsValue v)
{
	JsValue		member = walk(w, js_string(key, len), v);

	if (rr_expr_thrown(w->env))
		return false;
	if (member.kind != JS_UNDEFINED)
		rr_object_set(out, key, len, member);
	return true;
}

/* The members of an array or object, each walked */
static JsValue
walk_members(JsonWalk *w, JsValue v)
{
	RrObjectBuilder out;
	JsObject   *o;
	int			i;

	if (rr_is_array(v))
	{
		JsArray    *a = rr_array_view(v);
		RrArrayBuilder elems;

		rr_array_init(&elems, a->len);
		for (i = 0; i < a->len; i++)
		{
			JsValue		e = walk(w, js_cstring(psprintf("%d", i)), a->elems[i]);

			if (rr_expr_thrown(w->env))
				return js_undefined();
			rr_array_push(&elems, e);	/* undefined is written as null */
		}
		return rr_array_result(&elems);
	}
	if (!rr_is_object(v))
		return v;
	o = rr_object_view(v);
	if (w->keys == NULL)
	{
		rr_object_init(&out, o->len);
		for (i = 0; i < o->len; i++)
			if (!walk_member(w, &out, o->keys[i], o->keylens[i], o->vals[i]))
				return js_undefined();
		return rr_object_result(&out);
	}
	/* a replacer array: its keys, in its order */
	rr_object_init(&out, w->keys->len);
	for (i = 0; i < w->keys->len; i++)
	{
		JsValue		key = w->keys->elems[i];
		bool		type_error;
		JsValue		member = js_get_named(v, key.u.str.ptr, key.u.str.len,
										  &type_error);

		if (!walk_member(w, &out, key.u.str.ptr, key.u.str.len, member))
			return js_undefined();
	}
	return rr_object_result(&out);
}

static JsValue
walk(JsonWalk *w, JsValue key, JsValue v)
{
	JsValue		args[2];

	check_stack_depth();
	rr_expr_step(w->env);
	if (w->revive)
	{
		v = walk_members(w, v);
		if (rr_expr_thrown(w->env))
			return js_undefined();
	}
	else
		v = date_to_json(v);
	if (w->fn.kind != JS_UNDEFINED)
	{
		args[0] = key;
		args[1] = v;
		v = rr_expr_call(w->env, w->fn, 2, args);
		if (rr_expr_thrown(w->env))
			return js_undefined();
	}
	return w->revive ? v : walk_members(w, v);
}

/*
 * A replacer array's keys: its strings and numbers as strings, each once,
 * in its order
 */
static JsArray *
replacer_keys(RrExprEnv *env, JsValue replacer)
{
	JsArray    *list = rr_array_view(replacer);
	RrArrayBuilder keys;
	int			i;
	int			j;

	rr_array_init(&keys, list->len);
	for (i = 0; i < list->len; i++)
	{
		JsValue		e = list->elems[i];
		bool		seen = false;

		rr_expr_step(env);
		if (e.kind != JS_STRING && !rr_is_number(e))
			continue;
		e = js_to_string(e);
		for (j = 0; j < keys.arr->len && !seen; j++)
			seen = js_strict_equals(keys.arr->elems[j], e);
		if (!seen)
			rr_array_push(&keys, e);
	}
	return rr_array_result(&keys).u.arr;
}

JsValue
rr_json_replace(RrExprEnv *env, JsValue v, JsValue replacer)
{
	JsonWalk	w = {env, js_undefined(), NULL, false};

	if (rr_expr_callable(replacer))
		w.fn = replacer;
	else if (rr_is_array(replacer))
		w.keys = replacer_keys(env, replacer);
	else
		return v;
	return walk(&w, js_cstring(""), v);
}

JsValue
rr_json_revive(RrExprEnv *env, JsValue v, JsValue reviver)
{
	JsonWalk	w = {env, reviver, NULL, true};

	if (!rr_expr_callable(reviver))
		return v;
	return walk(&w, js_cstring(""), v);
}

/*
 * $jsonpath(value, 'path', vars): PostgreSQL's jsonb_path_query_first on
 * value as jsonb, silent (a structural error in a strict path gives no
 * match), with vars (an object) for the path's $name variables.  The
 * first match, or undefined.  A path that does not parse is 42601.
 */
JsValue
rr_jsonpath_query(RrExprEnv *env, int nargs, const JsValue *args)
{
	JsValue		value = rr_arg(nargs, args, 0);
	JsValue		path = js_to_string(rr_arg(nargs, args, 1));
	JsValue		vars = rr_arg(nargs, args, 2);
	LOCAL_FCINFO(fcinfo, 4);
	Datum		result;

	if (value.kind == JS_UNDEFINED)
		value = js_null();
	if (vars.kind == JS_UNDEFINED || vars.kind == JS_NULL)
	{
		RrObjectBuilder none;

		rr_object_init(&none, 0);
		vars = rr_object_result(&none);
	}
	InitFunctionCallInfoData(*fcinfo, NULL, 4, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = JsonbPGetDatum(JsonbValueToJsonb(js_to_jsonb_value(value)));
	fcinfo->args[1].value = DirectFunctionCall1(jsonpath_in,
												CStringGetDatum(pnstrdup(path.u.str.ptr,
																		 path.u.str.len)));
	fcinfo->args[2].value = JsonbPGetDatum(JsonbValueToJsonb(js_to_jsonb_value(vars)));
	fcinfo->args[3].value = BoolGetDatum(true);
	for (int i = 0; i < 4; i++)
		fcinfo->args[i].isnull = false;
	result = jsonb_path_query_first(fcinfo);
	if (fcinfo->isnull)
		return js_undefined();
	return js_from_jsonb(DatumGetJsonbP(result));
}

/* Whether path (len bytes) parses as a jsonpath; else the error in *error */
bool
rr_jsonpath_check(const char *path, int len, char **error)
{
	MemoryContext context = CurrentMemoryContext;
	volatile bool ok = true;

	PG_TRY();
	{
		DirectFunctionCall1(jsonpath_in, CStringGetDatum(pnstrdup(path, len)));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_SYNTAX_ERROR)
			PG_RE_THROW();
		FlushErrorState();
		*error = edata->message;
		ok = false;
	}
	PG_END_TRY();
	return ok;
}
