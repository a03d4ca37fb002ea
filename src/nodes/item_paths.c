/*-------------------------------------------------------------------------
 *
 * item_paths.c
 *		Paths into items as n8n's nodes use them: lodash's get, set and
 *		unset over jsonb values.
 *
 * A path is keys joined by "." with "[n]" for an array element; a key of
 * the object equal to the whole path is taken as it is (lodash's isKey).
 * Setting a path creates the objects (before a number, the arrays) it
 * goes through, replacing what is not a container; unsetting an array
 * element leaves null (JavaScript's delete leaves a hole, which JSON
 * writes as null).  A key that is not a number, on an array, is a
 * property JSON does not keep: set leaves the array as it is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/item_paths.h"
#include "nodes/node_util.h"
#include "reporunner.h"

/*
 * rr_value_string
 *		A JSON string of len bytes at str.
 */
JsonbValue
rr_value_string(const char *str, int len)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) str;
	v.val.string.len = len;
	return v;
}

/*
 * rr_path_parse
 *		The keys of a path: the whole name when root has such a key, else
 *		its parts between "." and in "[...]".
 */
void
rr_path_parse(JsonbValue *root, const char *name, int len, RrPath *path)
{
	int			start = 0;
	int			i;

	path->n = 0;
	path->keys = palloc(sizeof(JsonbValue) * (len + 1));
	if (rr_value_member(root, name, len) != NULL)
	{
		path->keys[path->n++] = rr_value_string(name, len);
		return;
	}
	for (i = 0; i <= len; i++)
	{
		if (i < len && name[i] != '.' && name[i] != '[' && name[i] != ']')
			continue;
		if (i > start)
			path->keys[path->n++] = rr_value_string(name + start, i - start);
		start = i + 1;
	}
}

/*
 * rr_value_member
 *		Member key of an object value, or NULL.
 */
JsonbValue *
rr_value_member(JsonbValue *object, const char *key, int len)
{
	JsonbValue *v;

	if (object == NULL || !rr_value_is_object(object))
		return NULL;
	v = getKeyJsonValueFromContainer(object->val.binary.data, key, len, NULL);
	return v == NULL ? NULL : rr_value_normalize(v);
}

/*
 * array_index
 *		The array index a key names, or -1.
 */
static int
array_index(const JsonbValue *key)
{
	int			n = 0;
	int			i;

	if (key->val.string.len == 0 || key->val.string.len > 9 ||
		(key->val.string.len > 1 && key->val.string.val[0] == '0'))
		return -1;
	for (i = 0; i < key->val.string.len; i++)
	{
		char		c = key->val.string.val[i];

		if (c < '0' || c > '9')
			return -1;
		n = n * 10 + (c - '0');
	}
	return n;
}

/*
 * child
 *		The member or element of a container a key names, or NULL.
 */
static JsonbValue *
child(JsonbValue *cur, const JsonbValue *key)
{
	JsonbValue *v = NULL;

	if (cur == NULL)
		return NULL;
	if (rr_value_is_object(cur))
		v = getKeyJsonValueFromContainer(cur->val.binary.data,
										 key->val.string.val,
										 key->val.string.len, NULL);
	else if (rr_value_is_array(cur) && array_index(key) >= 0)
		v = getIthJsonbValueFromContainer(cur->val.binary.data,
										  array_index(key));
	return v == NULL ? NULL : rr_value_normalize(v);
}

/*
 * rr_path_get
 *		The value at a path, or NULL.
 */
JsonbValue *
rr_path_get(JsonbValue *root, const RrPath *path)
{
	JsonbValue *cur = root;
	int			i;

	if (path->n == 0)
		return NULL;
	for (i = 0; i < path->n && cur != NULL; i++)
		cur = child(cur, &path->keys[i]);
	return cur;
}

/*
 * rr_value_binary
 *		A built container as a value.
 */
JsonbValue *
rr_value_binary(JsonbValue *built)
{
	Jsonb	   *jb = JsonbValueToJsonb(built);
	JsonbValue *v = palloc(sizeof(JsonbValue));

	rr_jsonb_value(jb, v);
	return v;
}

/*
 * replace_member
 *		An object with member key replaced by value (added when absent), or
 *		removed when value is NULL.
 */
static JsonbValue *
replace_member(JsonbValue *object, const JsonbValue *key, JsonbValue *value)
{
	JsonbParseState *ps = NULL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	k;
	JsonbValue	v;

	pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	if (object != NULL)
	{
		it = JsonbIteratorInit(object->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			if (tok != WJB_KEY)
				continue;
			(void) JsonbIteratorNext(&it, &v, true);
			if (k.val.string.len == key->val.string.len &&
				memcmp(k.val.string.val, key->val.string.val,
					   k.val.string.len) == 0)
				continue;
			pushJsonbValue(&ps, WJB_KEY, &k);
			pushJsonbValue(&ps, WJB_VALUE, &v);
		}
	}
	if (value != NULL)
	{
		pushJsonbValue(&ps, WJB_KEY, (JsonbValue *) key);
		pushJsonbValue(&ps, WJB_VALUE, value);
	}
	return rr_value_binary(pushJsonbValue(&ps, WJB_END_OBJECT, NULL));
}

/*
 * replace_element
 *		An array (NULL: an empty one) with element index replaced by value,
 *		padded with nulls up to it; with value NULL, the element becomes
 *		null (JavaScript's delete leaves a hole, null in JSON).
 */
static JsonbValue *
replace_element(JsonbValue *array, int index, JsonbValue *value)
{
	JsonbParseState *ps = NULL;
	int			size = array == NULL ? 0 :
		JsonContainerSize(array->val.binary.data);
	JsonbValue	null_value = {.type = jbvNull};
	int			i;

	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < Max(size, index + 1); i++)
	{
		JsonbValue *v = &null_value;

		if (i == index)
			v = value != NULL ? value : &null_value;
		else if (i < size)
			v = getIthJsonbValueFromContainer(array->val.binary.data, i);
		pushJsonbValue(&ps, WJB_ELEM, v);
	}
	return rr_value_binary(pushJsonbValue(&ps, WJB_END_ARRAY, NULL));
}

static JsonbValue *set_path(JsonbValue *cur, const RrPath *path, int at,
							JsonbValue *value);

/*
 * set_path
 *		cur with value set at path from key at on; what is not an object
 *		(or an array, before an index) on the way becomes one.
 */
static JsonbValue *
set_path(JsonbValue *cur, const RrPath *path, int at, JsonbValue *value)
{
	const JsonbValue *key = &path->keys[at];
	int			index = array_index(key);

	if (rr_value_is_array(cur) && index < 0)
		return cur;				/* a property JSON does not keep */
	if (!rr_value_is_object(cur) && !rr_value_is_array(cur))
		cur = NULL;
	if (at + 1 < path->n)
		value = set_path(cur == NULL ? NULL : child(cur, key), path, at + 1,
						 value);
	if (cur == NULL && index >= 0)
		return replace_element(NULL, index, value);
	if (cur != NULL && rr_value_is_array(cur))
		return replace_element(cur, index, value);
	return replace_member(cur, key, value);
}

/*
 * unset_path
 *		cur without what is at path from key at on (cur when nothing is).
 */
static JsonbValue *
unset_path(JsonbValue *cur, const RrPath *path, int at)
{
	const JsonbValue *key = &path->keys[at];
	JsonbValue *next = child(cur, key);

	if (next == NULL)
		return cur;
	if (at + 1 < path->n)
		next = unset_path(next, path, at + 1);
	else
		next = NULL;
	if (rr_value_is_array(cur))
		return replace_element(cur, array_index(key), next);
	return replace_member(cur, key, next);
}


/*
 * rr_path_set
 *		root with value (NULL: undefined) set at path.
 */
JsonbValue *
rr_path_set(JsonbValue *root, const RrPath *path, JsonbValue *value)
{
	if (path->n == 0)
		return root;
	return set_path(root, path, 0, value);
}

/*
 * rr_path_unset
 *		root without what is at path.
 */
JsonbValue *
rr_path_unset(JsonbValue *root, const RrPath *path)
{
	if (path->n == 0)
		return root;
	return unset_path(root, path, 0);
}

/*
 * rr_item_value
 *		An item as a binary object value.
 */
JsonbValue *
rr_item_value(Jsonb *item)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	rr_jsonb_value(item, v);
	return v;
}

/*
 * rr_item_get
 *		A field of an item: a path, or a top-level key.
 */
JsonbValue *
rr_item_get(JsonbValue *item, const char *name, int len, bool dot_notation)
{
	RrPath		path;

	if (!dot_notation)
		return rr_value_member(item, name, len);
	rr_path_parse(item, name, len, &path);
	return rr_path_get(item, &path);
}

/*
 * rr_item_unset
 *		An item without a field: a path, or a top-level key.
 */
JsonbValue *
rr_item_unset(JsonbValue *item, const char *name, int len, bool dot_notation)
{
	RrPath		path;

	if (dot_notation)
		rr_path_parse(item, name, len, &path);
	else
	{
		path.n = 1;
		path.keys = palloc(sizeof(JsonbValue));
		path.keys[0] = rr_value_string(name, len);
	}
	return rr_path_unset(item, &path);
}
