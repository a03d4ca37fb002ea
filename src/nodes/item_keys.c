/*-------------------------------------------------------------------------
 *
 * item_keys.c
 *		Keys of items: a map keyed by jsonb values, picking key fields.
 *
 * Shared by aggregate.c, merge.c and remove_duplicates.c, which group,
 * join or compare items by the values of some of their fields.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/item_keys.h"
#include "nodes/node_util.h"
#include "utils/fmgrprotos.h"

/*
 * A map from jsonb values to pointers.  Keys are compared as jsonb values
 * (so 1 and 1.0 are the same key, as in jsonb equality) and hashed with
 * jsonb_hash, which agrees with that equality.
 */
typedef struct KeyEntry
{
	Jsonb	   *key;
	void	   *value;
	uint32		hash;
	char		status;
} KeyEntry;

static inline uint32
key_hash(Jsonb *key)
{
	return DatumGetUInt32(DirectFunctionCall1(jsonb_hash, JsonbPGetDatum(key)));
}

#define SH_PREFIX keymap
#define SH_ELEMENT_TYPE KeyEntry
#define SH_KEY_TYPE Jsonb *
#define SH_KEY key
#define SH_HASH_KEY(tb, k) key_hash(k)
#define SH_EQUAL(tb, a, b) (compareJsonbContainers(&(a)->root, &(b)->root) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

struct RrKeyMap
{
	keymap_hash *table;
};

/*
 * rr_keymap_create
 *		A new, empty map in the current memory context.
 */
RrKeyMap *
rr_keymap_create(int size_hint)
{
	RrKeyMap   *map = palloc(sizeof(RrKeyMap));

	map->table = keymap_create(CurrentMemoryContext, Max(size_hint, 16), NULL);
	return map;
}

/*
 * rr_keymap_insert
 *		The value slot of key, added (holding NULL) when the map lacks it;
 *		*found says which.  The slot is valid until the next insertion, and
 *		the map keeps a pointer to key, not a copy.
 */
void	  **
rr_keymap_insert(RrKeyMap *map, Jsonb *key, bool *found)
{
	KeyEntry   *entry = keymap_insert(map->table, key, found);

	if (!*found)
		entry->value = NULL;
	return &entry->value;
}

/*
 * rr_keymap_lookup
 *		The value slot of key, or NULL when the map lacks it.
 */
void	  **
rr_keymap_lookup(RrKeyMap *map, Jsonb *key)
{
	KeyEntry   *entry = keymap_lookup(map->table, key);

	return entry != NULL ? &entry->value : NULL;
}

/*
 * rr_item_pick
 *		The object of the given fields of an item, leaving out the fields it
 *		does not have.  Two items with equal picks agree on those fields,
 *		missing ones included, which makes the pick a grouping or duplicate
 *		key.
 */
Jsonb *
rr_item_pick(Jsonb *item, char **fields, int nfields)
{
	JsonbParseState *state = NULL;
	JsonbValue	key;
	JsonbValue	value;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < nfields; i++)
	{
		int			len = strlen(fields[i]);

		if (!rr_item_field(item, fields[i], len, &value))
			continue;
		key.type = jbvString;
		key.val.string.val = fields[i];
		key.val.string.len = len;
		pushJsonbValue(&state, WJB_KEY, &key);
		pushJsonbValue(&state, WJB_VALUE, &value);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * rr_decode_string_array
 *		The strings of a param that is an array of strings (such as
 *		"group_by"), as a palloc'd array of copies; *count gets their number.
 *		An absent param or JSON null is the empty array, the default.  Checks
 *		what an expression may have got wrong.
 */
char	  **
rr_decode_string_array(JsonbValue *value, const char *node, const char *param,
					   int *count)
{
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	char	  **strings;
	int			n = 0;

	*count = 0;
	if (value == NULL || value->type == jbvNull)
		return NULL;
	if (!rr_value_is_array(value))
		rr_param_type_error(node, param, "an array of strings", value);

	strings = palloc(sizeof(char *) *
					 Max(1, JsonContainerSize(value->val.binary.data)));
	it = JsonbIteratorInit(value->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (v.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("node \"%s\" param \"%s[%d]\" must be a string",
							node, param, n),
					 errdetail("Its expression gave %s.",
							   rr_value_type_phrase(&v))));
		strings[n++] = pnstrdup(v.val.string.val, v.val.string.len);
	}
	*count = n;
	return strings;
}
