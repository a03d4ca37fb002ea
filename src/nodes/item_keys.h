/*-------------------------------------------------------------------------
 *
 * item_keys.h
 *		Keys of items: a map keyed by jsonb values, picking key fields.
 *
 * Used by the node types that group, join or compare items by some of
 * their fields: aggregate, merge and remove_duplicates.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ITEM_KEYS_H
#define RR_ITEM_KEYS_H

#include "postgres.h"

#include "utils/jsonb.h"

/*
 * A map from jsonb values to pointers.  Keys are compared as jsonb values
 * (so 1 and 1.0 are the same key, as in jsonb equality).
 */
typedef struct RrKeyMap RrKeyMap;

/* A new, empty map in the current memory context. */
extern RrKeyMap *rr_keymap_create(int size_hint);

/*
 * The value slot of key, added (holding NULL) when the map lacks it;
 * *found says which.  The slot is valid until the next insertion, and the
 * map keeps a pointer to key, not a copy.
 */
extern void **rr_keymap_insert(RrKeyMap *map, Jsonb *key, bool *found);

/* The value slot of key, or NULL when the map lacks it. */
extern void **rr_keymap_lookup(RrKeyMap *map, Jsonb *key);

/*
 * The object of the given fields of an item, leaving out the fields it
 * does not have: a grouping or duplicate key.
 */
extern Jsonb *rr_item_pick(Jsonb *item, char **fields, int nfields);

/*
 * The strings of a param that is an array of strings (such as "group_by"),
 * as a palloc'd array of copies; *count gets their number.  An absent param
 * or JSON null is the empty array.  Raises an ERROR naming node and param
 * for any other value.
 */
extern char **rr_decode_string_array(JsonbValue *value, const char *node,
									 const char *param, int *count);

#endif							/* RR_ITEM_KEYS_H */
