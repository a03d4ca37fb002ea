/*-------------------------------------------------------------------------
 *
 * item_paths.h
 *		Paths into items as n8n's nodes use them (lodash's get, set and
 *		unset), and small builders of jsonb values.
 *
 * Used by rename_keys, compare_datasets, split_out, sort and summarize.
 * Values are JsonbValues as rr_value_normalize() gives them: containers
 * are jbvBinary.  Nothing is changed in place: set and unset return new
 * values.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ITEM_PATHS_H
#define RR_ITEM_PATHS_H

#include "postgres.h"

#include "utils/jsonb.h"

/* A path: its keys (strings), n of them (0: an empty name). */
typedef struct RrPath
{
	int			n;
	JsonbValue *keys;
} RrPath;

/*
 * The keys of path name (len bytes) in root: the whole name when root is
 * an object with such a key (lodash's isKey), else its parts between "."
 * and in "[...]".
 */
extern void rr_path_parse(JsonbValue *root, const char *name, int len,
						  RrPath *path);

/* The value at a path, or NULL (JavaScript's undefined) */
extern JsonbValue *rr_path_get(JsonbValue *root, const RrPath *path);

/*
 * root with value set at path, creating the objects on the way (an array
 * before a number) in place of what is not a container; value NULL
 * (undefined) creates the way but not the last key.
 */
extern JsonbValue *rr_path_set(JsonbValue *root, const RrPath *path,
							   JsonbValue *value);

/* root without what is at path (an array element becomes null) */
extern JsonbValue *rr_path_unset(JsonbValue *root, const RrPath *path);

/* An item as a value (a binary object) */
extern JsonbValue *rr_item_value(Jsonb *item);

/*
 * The value of an item's field name (len bytes): a path of it as
 * rr_path_parse reads it with dot_notation, else its top-level key.
 * NULL when it has none.
 */
extern JsonbValue *rr_item_get(JsonbValue *item, const char *name, int len,
							   bool dot_notation);

/*
 * An item without its field name: the path unset (rr_path_unset) with
 * dot_notation, else the top-level key deleted.
 */
extern JsonbValue *rr_item_unset(JsonbValue *item, const char *name, int len,
								 bool dot_notation);

/* Member key of an object value, normalized, or NULL */
extern JsonbValue *rr_value_member(JsonbValue *object, const char *key,
								   int len);

/* A built container (pushJsonbValue's result) as a binary value */
extern JsonbValue *rr_value_binary(JsonbValue *built);

/* A JSON string value of len bytes at str */
extern JsonbValue rr_value_string(const char *str, int len);

#endif							/* RR_ITEM_PATHS_H */
