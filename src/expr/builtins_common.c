/*-------------------------------------------------------------------------
 *
 * builtins_common.c
 *		Helpers the builtins share: reading arrays and objects whether an
 *		item holds them (jsonb) or the expression built them, building
 *		new ones, lodash's deep equality, and the caps on what a builtin
 *		may build.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "expr/builtins_int.h"
#include "expr/datetime.h"
#include "expr/regex.h"
#include "miscadmin.h"

/* Objects with more keys than this get a hash index in their builder */
#define OBJECT_INDEX_MIN	16

bool
rr_is_english_tag(JsValue locale)
{
	return locale.kind == JS_STRING &&
		((LEN(locale) == 2 && strncmp(STR(locale), "en", 2) == 0) ||
		 (LEN(locale) == 5 && strncmp(STR(locale), "en-US", 5) == 0));
}

void
rr_builtin_not_supported(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("%s is not supported yet", what)));
}

/* toJsonString of strings, arrays and objects: JSON.stringify */
JsValue
rr_method_json_string(RrExprEnv *env, JsValue self, int nargs,
					  const JsValue *args)
{
	StringInfoData out;

	initStringInfo(&out);
	js_json_stringify(&out, self, 0);
	return rr_string_from(&out);
}

/* n8n's conversions that arrays, objects and booleans have but no value */
JsValue
rr_method_undefined(RrExprEnv *env, JsValue self, int nargs,
					const JsValue *args)
{
	return js_undefined();
}

bool
rr_is_array(JsValue v)
{
	return v.kind == JS_ARRAY ||
		(v.kind == JS_JSONB && JsonContainerIsArray(v.u.jc));
}

bool
rr_is_object(JsValue v)
{
	return v.kind == JS_OBJECT ||
		(v.kind == JS_JSONB && JsonContainerIsObject(v.u.jc));
}

bool
rr_is_number(JsValue v)
{
	return v.kind == JS_NUMBER || v.kind == JS_NUMERIC;
}

JsArray *
rr_array_view(JsValue v)
{
	JsArray    *arr;
	JsonbIterator *it;
	JsonbValue	jbv;
	JsonbIteratorToken tok;

	if (v.kind == JS_ARRAY)
		return v.u.arr;
	Assert(rr_is_array(v));
	arr = palloc0(sizeof(JsArray));
	arr->len = 0;
	arr->elems = palloc(sizeof(JsValue) * Max(JsonContainerSize(v.u.jc), 1));
	it = JsonbIteratorInit(v.u.jc);
	while ((tok = JsonbIteratorNext(&it, &jbv, true)) != WJB_DONE)
	{
		if (tok == WJB_ELEM)
			arr->elems[arr->len++] = js_from_jsonb_value(&jbv);
	}
	return arr;
}

JsObject *
rr_object_view(JsValue v)
{
	JsObject   *obj;
	JsonbIterator *it;
	JsonbValue	jbv;
	JsonbIteratorToken tok;
	int			n;

	if (v.kind == JS_OBJECT)
		return v.u.obj;
	Assert(rr_is_object(v));
	n = Max(JsonContainerSize(v.u.jc), 1);
	obj = palloc(sizeof(JsObject));
	obj->len = 0;
	obj->keys = palloc(sizeof(char *) * n);
	obj->keylens = palloc(sizeof(int) * n);
	obj->vals = palloc(sizeof(JsValue) * n);
	it = JsonbIteratorInit(v.u.jc);
	while ((tok = JsonbIteratorNext(&it, &jbv, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			obj->keys[obj->len] = jbv.val.string.val;
			obj->keylens[obj->len] = jbv.val.string.len;
		}
		else if (tok == WJB_VALUE)
			obj->vals[obj->len++] = js_from_jsonb_value(&jbv);
	}
	return obj;
}

JsObject *
rr_entries_view(JsValue v)
{
	JsObject   *obj;
	JsArray    *arr;
	int			i;

	if (rr_is_object(v))
		return rr_object_view(v);
	obj = palloc0(sizeof(JsObject));
	if (!rr_is_array(v))
		return obj;
	arr = rr_array_view(v);
	obj->len = arr->len;
	obj->keys = palloc(sizeof(char *) * Max(arr->len, 1));
	obj->keylens = palloc(sizeof(int) * Max(arr->len, 1));
	obj->vals = arr->elems;
	for (i = 0; i < arr->len; i++)
	{
		obj->keys[i] = psprintf("%d", i);
		obj->keylens[i] = strlen(obj->keys[i]);
	}
	return obj;
}

void
rr_check_bytes(double bytes, const char *what)
{
	if (bytes > RR_BUILTIN_MAX_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would build a string of more than %d bytes",
						what, RR_BUILTIN_MAX_BYTES)));
}

void
rr_check_elements(double count, const char *what)
{
	if (count > RR_BUILTIN_MAX_ELEMENTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would build more than %d elements",
						what, RR_BUILTIN_MAX_ELEMENTS)));
}

void
rr_array_init(RrArrayBuilder *b, double expected)
{
	rr_check_elements(expected, "an array");
	b->cap = (int) Max(expected, 4);
	b->arr = palloc0(sizeof(JsArray));
	b->arr->len = 0;
	b->arr->elems = palloc(sizeof(JsValue) * b->cap);
}

void
rr_array_push(RrArrayBuilder *b, JsValue v)
{
	if (b->arr->len == b->cap)
	{
		rr_check_elements(b->cap + 1.0, "an array");
		b->cap = (int) Min((int64) b->cap * 2, RR_BUILTIN_MAX_ELEMENTS);
		b->arr->elems = repalloc(b->arr->elems, sizeof(JsValue) * b->cap);
	}
	b->arr->elems[b->arr->len++] = v;
}

JsValue
rr_array_result(RrArrayBuilder *b)
{
	JsValue		v;

	v.kind = JS_ARRAY;
	v.u.arr = b->arr;
	return v;
}

void
rr_object_init(RrObjectBuilder *b, double expected)
{
	rr_check_elements(expected, "an object");
	b->cap = (int) Max(expected, 4);
	b->obj = palloc(sizeof(JsObject));
	b->obj->len = 0;
	b->obj->keys = palloc(sizeof(char *) * b->cap);
	b->obj->keylens = palloc(sizeof(int) * b->cap);
	b->obj->vals = palloc(sizeof(JsValue) * b->cap);
	b->slots = NULL;
	b->nslots = 0;
}

static uint32
key_hash(const char *key, int keylen)
{
	return hash_bytes((const unsigned char *) key, keylen);
}

/* (Re)build the hash index: slots hold 1 + the index of a key, 0 if free */
static void
object_reindex(RrObjectBuilder *b)
{
	int			i;

	if (b->obj->len < OBJECT_INDEX_MIN && b->slots == NULL)
		return;
	if (b->nslots < 2 * b->cap)
	{
		if (b->slots)
			pfree(b->slots);
		b->nslots = 32;
		while (b->nslots < 2 * b->cap)
			b->nslots *= 2;
		b->slots = palloc(sizeof(int) * b->nslots);
	}
	memset(b->slots, 0, sizeof(int) * b->nslots);
	for (i = 0; i < b->obj->len; i++)
	{
		uint32		h = key_hash(b->obj->keys[i], b->obj->keylens[i]);

		while (b->slots[h & (b->nslots - 1)] != 0)
			h++;
		b->slots[h & (b->nslots - 1)] = i + 1;
	}
}

int
rr_object_find(RrObjectBuilder *b, const char *key, int keylen)
{
	JsObject   *o = b->obj;
	int			i;

	if (b->slots)
	{
		uint32		h = key_hash(key, keylen);
		int			s;

		while ((s = b->slots[h & (b->nslots - 1)]) != 0)
		{
			if (o->keylens[s - 1] == keylen &&
				memcmp(o->keys[s - 1], key, keylen) == 0)
				return s - 1;
			h++;
		}
		return -1;
	}
	for (i = 0; i < o->len; i++)
	{
		if (o->keylens[i] == keylen && memcmp(o->keys[i], key, keylen) == 0)
			return i;
	}
	return -1;
}

/* obj[key] = v: replaces the value of a key it has, else appends the key */
void
rr_object_set(RrObjectBuilder *b, const char *key, int keylen, JsValue v)
{
	JsObject   *o = b->obj;
	int			i = rr_object_find(b, key, keylen);

	if (i >= 0)
	{
		o->vals[i] = v;
		return;
	}
	if (o->len == b->cap)
	{
		rr_check_elements(b->cap + 1.0, "an object");
		b->cap = (int) Min((int64) b->cap * 2, RR_BUILTIN_MAX_ELEMENTS);
		o->keys = repalloc(o->keys, sizeof(char *) * b->cap);
		o->keylens = repalloc(o->keylens, sizeof(int) * b->cap);
		o->vals = repalloc(o->vals, sizeof(JsValue) * b->cap);
	}
	o->keys[o->len] = key;
	o->keylens[o->len] = keylen;
	o->vals[o->len] = v;
	o->len++;
	if (b->slots && b->nslots >= 2 * b->cap)
	{
		uint32		h = key_hash(key, keylen);

		while (b->slots[h & (b->nslots - 1)] != 0)
			h++;
		b->slots[h & (b->nslots - 1)] = o->len;
	}
	else
		object_reindex(b);
}

/* delete obj[key] */
void
rr_object_remove(RrObjectBuilder *b, const char *key, int keylen)
{
	JsObject   *o = b->obj;
	int			i = rr_object_find(b, key, keylen);
	int			rest;

	if (i < 0)
		return;
	rest = o->len - i - 1;
	memmove(&o->keys[i], &o->keys[i + 1], sizeof(char *) * rest);
	memmove(&o->keylens[i], &o->keylens[i + 1], sizeof(int) * rest);
	memmove(&o->vals[i], &o->vals[i + 1], sizeof(JsValue) * rest);
	o->len--;
	if (b->slots)
		object_reindex(b);
}

JsValue
rr_object_result(RrObjectBuilder *b)
{
	JsValue		v;

	v.kind = JS_OBJECT;
	v.u.obj = b->obj;
	return v;
}

static bool
objects_equal(JsObject *a, JsObject *b)
{
	RrObjectBuilder index;
	int			i;

	if (a->len != b->len)
		return false;
	/* index b's keys */
	rr_object_init(&index, b->len);
	for (i = 0; i < b->len; i++)
		rr_object_set(&index, b->keys[i], b->keylens[i], b->vals[i]);
	for (i = 0; i < a->len; i++)
	{
		int			j = rr_object_find(&index, a->keys[i], a->keylens[i]);

		CHECK_FOR_INTERRUPTS();
		if (j < 0 || !rr_deep_equal(a->vals[i], index.obj->vals[j]))
			return false;
	}
	return true;
}

bool
rr_deep_equal(JsValue a, JsValue b)
{
	check_stack_depth();
	if (rr_is_number(a) && rr_is_number(b))
	{
		double		x = js_to_number(a);
		double		y = js_to_number(b);

		return x == y || (isnan(x) && isnan(y));
	}
	if (a.kind == JS_JSONB && b.kind == JS_JSONB && a.u.jc == b.u.jc)
		return true;
	if (rr_is_array(a) || rr_is_array(b))
	{
		JsArray    *x;
		JsArray    *y;
		int			i;

		if (!rr_is_array(a) || !rr_is_array(b))
			return false;
		x = rr_array_view(a);
		y = rr_array_view(b);
		if (x->len != y->len)
			return false;
		for (i = 0; i < x->len; i++)
		{
			CHECK_FOR_INTERRUPTS();
			if (!rr_deep_equal(x->elems[i], y->elems[i]))
				return false;
		}
		return true;
	}
	if (rr_is_object(a) || rr_is_object(b))
	{
		if (!rr_is_object(a) || !rr_is_object(b))
			return false;
		return objects_equal(rr_object_view(a), rr_object_view(b));
	}
	if (a.kind != b.kind)
		return false;
	switch (a.kind)
	{
		case JS_BOOL:
			return a.u.b == b.u.b;
		case JS_STRING:
			return a.u.str.len == b.u.str.len &&
				memcmp(a.u.str.ptr, b.u.str.ptr, a.u.str.len) == 0;
		case JS_FUNCTION:
			return a.u.fn == b.u.fn;
		case JS_REGEXP:
			/* lodash: the same source and flags */
			return a.u.regex->source_len == b.u.regex->source_len &&
				memcmp(a.u.regex->source, b.u.regex->source,
					   a.u.regex->source_len) == 0 &&
				strcmp(a.u.regex->flags, b.u.regex->flags) == 0;
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
			/* lodash compares dates by their time */
			return js_to_number(a) == js_to_number(b) ||
				(isnan(js_to_number(a)) && isnan(js_to_number(b)));
		case JS_INTERVAL:
			/* and an Interval by its ends */
			return rr_interval_same(a.u.iv, b.u.iv);
		default:
			return true;		/* undefined, null */
	}
}

/* A double's hash, with 0 and -0 alike and every NaN alike */
static uint32
number_hash(double d)
{
	if (isnan(d))
		return 0x7ff80000;
	if (d == 0)
		d = 0;
	return hash_bytes((const unsigned char *) &d, sizeof(d));
}

uint32
rr_deep_hash(JsValue v)
{
	uint32		h;
	int			i;

	check_stack_depth();
	if (rr_is_number(v))
		return number_hash(js_to_number(v));
	if (rr_is_array(v))
	{
		JsArray    *a = rr_array_view(v);

		h = 0x9e3779b9;
		for (i = 0; i < a->len; i++)
			h = hash_combine(h, rr_deep_hash(a->elems[i]));
		return h;
	}
	if (rr_is_object(v))
	{
		JsObject   *o = rr_object_view(v);

		/* summed, so that the keys' order plays no part, as in equality */
		h = 0x85ebca6b;
		for (i = 0; i < o->len; i++)
			h += hash_combine(hash_bytes((const unsigned char *) o->keys[i],
										 o->keylens[i]),
							  rr_deep_hash(o->vals[i]));
		return h;
	}
	h = (uint32) v.kind;
	switch (v.kind)
	{
		case JS_BOOL:
			return hash_combine(h, v.u.b ? 1 : 0);
		case JS_STRING:
			return hash_combine(h, hash_bytes((const unsigned char *) v.u.str.ptr,
											  v.u.str.len));
		case JS_REGEXP:
			return hash_combine(h, hash_bytes((const unsigned char *) v.u.regex->source,
											  v.u.regex->source_len));
		case JS_DATETIME:
		case JS_DATE:
		case JS_DURATION:
			return hash_combine(h, number_hash(js_to_number(v)));
		default:
			/* undefined, null; functions and intervals all alike */
			return h;
	}
}

void
rr_value_set_init(RrValueSet *set, int expected)
{
	set->nslots = 16;
	while (set->nslots < 2 * expected && set->nslots < (1 << 30))
		set->nslots *= 2;
	set->slots = palloc(sizeof(int) * set->nslots);
	memset(set->slots, -1, sizeof(int) * set->nslots);
	set->values = palloc(sizeof(JsValue) * Max(expected, 1));
	set->hashes = palloc(sizeof(uint32) * Max(expected, 1));
	set->len = 0;
	set->cap = Max(expected, 1);
}

/* The slot of v (hash h) in set: where it is, or the free slot it goes in */
static int
value_set_slot(RrValueSet *set, JsValue v, uint32 h)
{
	int			slot = h & (set->nslots - 1);

	for (;;)
	{
		int			at = set->slots[slot];

		CHECK_FOR_INTERRUPTS();
		if (at < 0 || (set->hashes[at] == h &&
					   rr_deep_equal(set->values[at], v)))
			return slot;
		slot = (slot + 1) & (set->nslots - 1);
	}
}

bool
rr_value_set_add(RrValueSet *set, JsValue v)
{
	uint32		h = rr_deep_hash(v);
	int			slot = value_set_slot(set, v, h);

	if (set->slots[slot] >= 0)
		return false;
	if (set->len == set->cap)
	{
		set->cap *= 2;
		set->values = repalloc_huge(set->values, sizeof(JsValue) * set->cap);
		set->hashes = repalloc_huge(set->hashes, sizeof(uint32) * set->cap);
	}
	set->values[set->len] = v;
	set->hashes[set->len] = h;
	set->slots[slot] = set->len++;
	if (2 * set->len > set->nslots)
	{
		/* grow, and place every value again */
		int			i;

		set->nslots *= 2;
		set->slots = repalloc_huge(set->slots, sizeof(int) * set->nslots);
		memset(set->slots, -1, sizeof(int) * set->nslots);
		for (i = 0; i < set->len; i++)
		{
			int			at = set->hashes[i] & (set->nslots - 1);

			while (set->slots[at] >= 0)
				at = (at + 1) & (set->nslots - 1);
			set->slots[at] = i;
		}
	}
	return true;
}

bool
rr_value_set_contains(RrValueSet *set, JsValue v)
{
	return set->slots[value_set_slot(set, v, rr_deep_hash(v))] >= 0;
}

double
rr_to_integer(JsValue v)
{
	double		d = js_to_number(v);

	if (isnan(d))
		return 0;
	return trunc(d) + 0.0;		/* + 0.0 turns -0 into 0 */
}

double
rr_relative_index(JsValue arg, double len, double dflt)
{
	double		d = arg.kind == JS_UNDEFINED ? dflt : rr_to_integer(arg);

	if (d < 0)
		return Max(len + d, 0);
	return Min(d, len);
}

