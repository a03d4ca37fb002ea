/*-------------------------------------------------------------------------
 *
 * conditions.h
 *		The test of an if or filter node or of a switch rule: its
 *		"condition" (one {{ }} expression) or its "conditions" (n8n's filter
 *		parameter: rules of left value, operator and right value, combined
 *		with and/or), compiled once and evaluated per item.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_CONDITIONS_H
#define RR_CONDITIONS_H

#include "postgres.h"

#include "engine/node_handler.h"
#include "utils/jsonb.h"

typedef struct RrConditions RrConditions;

/*
 * Compile the test of node: condition or conditions, the one that is given
 * (the validator made sure there is exactly one).  owner is where they sit,
 * for messages: "params" or "params.rules[2]".  An invalid regular
 * expression given as a constant fails here (2201B).
 */
extern RrConditions *rr_conditions_compile(JsonbValue *condition,
										   JsonbValue *conditions,
										   const char *node,
										   const char *owner);

/* The verdict for one item (item_index counts from 0, for messages). */
extern bool rr_conditions_eval(const RrConditions *test, RrNodeRun *run,
							   Jsonb *item, int item_index);

/*
 * value converted to type ("string", "number", "boolean", "array" or
 * "object") as n8n's validateFieldType converts (not strict), which the
 * set node's field types use: true with the result in *out (null stays
 * null), false when it cannot be converted.
 */
extern bool rr_value_convert(JsonbValue *value, const char *type,
							 JsonbValue **out);

#endif							/* RR_CONDITIONS_H */
