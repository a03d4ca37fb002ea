/*-------------------------------------------------------------------------
 *
 * item_merge.h
 *		Merging items as n8n's nodes do with lodash: merge (deep),
 *		assign (shallow), either keeping a field's value when the later
 *		one is empty, and keys renamed with a suffix.
 *
 * Used by merge.  Values are JsonbValues as rr_value_normalize() gives
 * them (containers are jbvBinary); nothing is changed in place.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ITEM_MERGE_H
#define RR_ITEM_MERGE_H

#include "postgres.h"

#include "utils/jsonb.h"

/* How values are merged. */
typedef struct RrMergeHow
{
	bool		deep;			/* lodash merge, else assign */
	bool		override_empty; /* null and "" do not replace a value */
} RrMergeHow;

/*
 * source merged into target (either may be NULL: undefined): with deep,
 * objects merge member by member and arrays element by element, as
 * lodash's merge; else source's members replace target's.
 */
extern JsonbValue *rr_value_merge(JsonbValue *target, JsonbValue *source,
								  const RrMergeHow *how);

/* An object with every key given "_" and suffix after it */
extern JsonbValue *rr_value_suffix_keys(JsonbValue *object,
										const char *suffix);

#endif							/* RR_ITEM_MERGE_H */
