/*-------------------------------------------------------------------------
 *
 * builtins_object.c
 *		The methods of objects and booleans: n8n's extensions (W src/
 *		extensions/object-extensions.ts, boolean-extensions.ts) and the
 *		few JavaScript methods they have (toString, hasOwnProperty ...).
 *
 * The keys of an object read from an item come in jsonb's order (shorter
 * first, then bytewise), not in the order they were written (PLAN.md 2.6).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/builtins_int.h"
#include "miscadmin.h"

/* ---------- objects ---------- */

static JsValue
obj_is_empty(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(rr_object_view(self)->len == 0);
}

static JsValue
obj_is_not_empty(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_bool(rr_object_view(self)->len > 0);
}

static JsValue
obj_keys(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsObject   *o = rr_object_view(self);
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, o->len);
	for (i = 0; i < o->len; i++)
		rr_array_push(&out, js_string(o->keys[i], o->keylens[i]));
	return rr_array_result(&out);
}

static JsValue
obj_values(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsObject   *o = rr_object_view(self);
	RrArrayBuilder out;
	int			i;

	rr_array_init(&out, o->len);
	for (i = 0; i < o->len; i++)
		rr_array_push(&out, o->vals[i]);
	return rr_array_result(&out);
}

/* hasField(name): name in object */
static JsValue
obj_has_field(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	bool		type_error = false;

	return js_bool(js_has_property(self, rr_arg(nargs, args, 0), &type_error));
}

/* The members of self whose key is not skip (keylen -1: none) */
static RrObjectBuilder
copy_without(JsValue self, const char *skip, int skiplen)
{
	JsObject   *o = rr_object_view(self);
	RrObjectBuilder out;
	int			i;

	rr_object_init(&out, o->len);
	for (i = 0; i < o->len; i++)
	{
		if (o->keylens[i] == skiplen && memcmp(o->keys[i], skip, skiplen) == 0)
			continue;
		rr_object_set(&out, o->keys[i], o->keylens[i], o->vals[i]);
	}
	return out;
}

static JsValue
obj_remove_field(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsValue		name = js_to_string(rr_arg(nargs, args, 0));
	RrObjectBuilder out = copy_without(self, name.u.str.ptr, name.u.str.len);

	return rr_object_result(&out);
}

static bool
string_contains(JsValue v, JsValue part)
{
	int			i;

	if (v.kind != JS_STRING)
		return false;
	for (i = 0; i + part.u.str.len <= v.u.str.len; i++)
	{
		if (memcmp(v.u.str.ptr + i, part.u.str.ptr, part.u.str.len) == 0)
			return true;
	}
	return false;
}

/*
 * removeFieldsContaining (keep false) and keepFieldsContaining: by whether
 * a member's value is a string holding the argument
 */
static JsValue
fields_containing(JsValue self, JsValue part, bool keep)
{
	JsObject   *o = rr_object_view(self);
	RrObjectBuilder out;
	int			i;

	rr_object_init(&out, o->len);
	for (i = 0; i < o->len; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (string_contains(o->vals[i], part) == keep)
			rr_object_set(&out, o->keys[i], o->keylens[i], o->vals[i]);
	}
	return rr_object_result(&out);
}

static JsValue
obj_remove_fields_containing(RrExprEnv *env, JsValue self, int nargs,
							 const JsValue *args)
{
	JsValue		part = rr_arg(nargs, args, 0);

	if (part.kind != JS_STRING || part.u.str.len == 0)
		rr_extension_error("removeFieldsContaining(): expected non-empty string arg");
	return fields_containing(self, part, false);
}

static JsValue
obj_keep_fields_containing(RrExprEnv *env, JsValue self, int nargs,
						   const JsValue *args)
{
	JsValue		part = rr_arg(nargs, args, 0);

	if (part.kind != JS_STRING || part.u.str.len == 0)
		rr_extension_error("argument of keepFieldsContaining must be a non-empty string");
	return fields_containing(self, part, true);
}

/*
 * n8n's compact, of arrays and objects: whether value stays (it is not
 * null, undefined, "nil", "", or an empty object or array), compacted in
 * turn if it is an object or array (an array becomes an object keyed by
 * its indices, as Object.entries makes it there).
 */
bool
rr_compact_keeps(JsValue *value)
{
	JsValue		e = *value;

	if (js_is_nullish(e) ||
		(e.kind == JS_STRING && (e.u.str.len == 0 ||
								 (e.u.str.len == 3 && memcmp(e.u.str.ptr, "nil", 3) == 0))))
		return false;
	if (rr_is_object(e) || rr_is_array(e))
	{
		if (rr_entries_view(e)->len == 0)
			return false;
		*value = rr_object_compact(e);
	}
	return true;
}

/* compact of an object (or an array, into an object) */
JsValue
rr_object_compact(JsValue v)
{
	JsObject   *o = rr_entries_view(v);
	RrObjectBuilder out;
	int			i;

	check_stack_depth();
	rr_object_init(&out, o->len);
	for (i = 0; i < o->len; i++)
	{
		JsValue		e = o->vals[i];

		if (rr_compact_keeps(&e))
			rr_object_set(&out, o->keys[i], o->keylens[i], e);
	}
	return rr_object_result(&out);
}

static JsValue
obj_compact(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return rr_object_compact(self);
}

/* urlEncode: new URLSearchParams(object).toString() */
static JsValue
obj_url_encode(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	JsObject   *o = rr_object_view(self);
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	for (i = 0; i < o->len; i++)
	{
		JsValue		v = js_to_string(o->vals[i]);

		if (i > 0)
			appendStringInfoChar(&out, '&');
		rr_form_urlencode(&out, o->keys[i], o->keylens[i]);
		appendStringInfoChar(&out, '=');
		rr_form_urlencode(&out, v.u.str.ptr, v.u.str.len);
	}
	return rr_string_from(&out);
}

static JsValue
obj_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_cstring("[object Object]");
}

static JsValue
obj_has_own_property(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return obj_has_field(env, self, nargs, args);
}

static JsValue
obj_value_of(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return self;
}

const RrMethodImpl rr_object_methods[] = {
	/* JavaScript's */
	{"hasOwnProperty", false, obj_has_own_property},
	{"toString", false, obj_to_string},
	{"valueOf", false, obj_value_of},
	/* n8n's */
	{"compact", true, obj_compact},
	{"hasField", true, obj_has_field},
	{"isEmpty", true, obj_is_empty},
	{"isNotEmpty", true, obj_is_not_empty},
	{"keepFieldsContaining", true, obj_keep_fields_containing},
	{"keys", true, obj_keys},
	{"removeField", true, obj_remove_field},
	{"removeFieldsContaining", true, obj_remove_fields_containing},
	{"toBoolean", true, rr_method_undefined},
	{"toDateTime", true, rr_method_undefined},
	{"toFloat", true, rr_method_undefined},
	{"toInt", true, rr_method_undefined},
	{"toJsonString", true, rr_method_json_string},
	{"urlEncode", true, obj_url_encode},
	{"values", true, obj_values},
	{NULL}
};

/* ---------- booleans ---------- */

static JsValue
bool_to_boolean(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return self;
}

static JsValue
bool_to_number(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_number(self.u.b ? 1 : 0);
}

static JsValue
bool_to_string(RrExprEnv *env, JsValue self, int nargs, const JsValue *args)
{
	return js_cstring(self.u.b ? "true" : "false");
}

const RrMethodImpl rr_boolean_methods[] = {
	/* JavaScript's */
	{"toString", false, bool_to_string},
	{"valueOf", false, bool_to_boolean},
	/* n8n's */
	{"toBoolean", true, bool_to_boolean},
	{"toDateTime", true, rr_method_undefined},
	{"toFloat", true, bool_to_number},
	{"toInt", true, bool_to_number},
	{"toNumber", true, bool_to_number},
	{NULL}
};
