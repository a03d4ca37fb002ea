/*-------------------------------------------------------------------------
 *
 * node_util.h
 *		Small helpers shared by the node types: reading items' fields,
 *		reading compiled params, and turning JSON values into text.
 *
 * Used by most node types (every one but trigger and noop): params,
 * items' fields, values as text, and the errors about them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_NODE_UTIL_H
#define RR_NODE_UTIL_H

#include "postgres.h"

#include "catalog/plan.h"
#include "engine/node_handler.h"
#include "expr/template.h"
#include "utils/jsonb.h"

/* A param compiled once in prepare, with its value when it is constant. */
typedef struct RrParam
{
	RrValue    *value;			/* NULL when the node has no such param */
	JsonbValue *constant;		/* the value itself when it has no {{ }},
								 * else NULL */
} RrParam;

/* Compile param "name" of node; the field in messages is "params.name". */
extern void rr_param_compile(RrPlanNode *node, const char *name,
							 RrParam *param);

/*
 * The param's value for an item: the constant, or the evaluated
 * expression.  NULL when the node has no such param.
 */
extern JsonbValue *rr_param_eval(const RrParam *param, RrNodeRun *run,
								 Jsonb *item, int item_index);

/*
 * Whether boolean param "name" of node is true; for params the validator
 * keeps literal (no {{ }}), read once in prepare.
 */
extern bool rr_param_flag(RrPlanNode *node, const char *name);

/* The first item of input 0, or an empty object when there is none. */
extern Jsonb *rr_first_item(RrNodeRun *run);

/*
 * Field "key" (len bytes) of the top level of item into *result; false
 * when the item has no such field or is not an object.
 */
extern bool rr_item_field(Jsonb *item, const char *key, int len,
						  JsonbValue *result);

/*
 * A value with binary scalars unwrapped and in-memory arrays and objects
 * turned into binary ones, so it can be tested by type and pushed with
 * pushJsonbValue().
 */
extern JsonbValue *rr_value_normalize(JsonbValue *value);

/* "a string", "an object", "null": the JSON type of a value, for messages. */
extern const char *rr_value_type_phrase(JsonbValue *value);

/*
 * Raise the error of a param whose expression gave a value of the wrong
 * type: 'node "N" param "P" must be EXPECTED' (42804), saying what it gave.
 */
extern pg_attribute_noreturn() void rr_param_type_error(const char *node,
														const char *param,
														const char *expected,
														JsonbValue *value);

/*
 * The elements of a param that must be a non-empty array of objects (such
 * as "aggregations"), normalized; *count gets their number.  Raises the
 * error naming node and param (and the element) for any other value.
 */
extern JsonbValue *rr_param_object_list(const char *node, const char *param,
										JsonbValue *value, int *count);

/* A value as JSON text, for messages: strings quoted and escaped. */
extern char *rr_value_to_text(JsonbValue *value);

/*
 * A value as plain text: strings (and datetimes) as they are, without
 * quotes; any other value as rr_value_to_text gives it.  For values passed
 * on as text (a query argument, a NOTIFY payload), not for messages.
 */
extern char *rr_value_text(JsonbValue *value);

/* Whether a (normalized) value is a binary object or array. */
extern bool rr_value_is_object(JsonbValue *value);
extern bool rr_value_is_array(JsonbValue *value);

/*
 * A value as items, appended to items: an object is the item, an array
 * one item per element (objects as they are, others as {"body": element}),
 * anything else {"body": value}.  The http and connector nodes' output.
 */
extern List *rr_value_items(List *items, JsonbValue *value);

/*
 * Whether an item passes a node's test (src/expr/conditions.h); with
 * on_error continue or error_output an item whose test fails with an
 * error does not pass, and the node goes on with the next item.
 */
struct RrConditions;
extern bool rr_item_passes(const struct RrConditions *test, RrNodeRun *run,
						   Jsonb *item, int index);

/* Whether a value (such as a choice param) is the string word. */
extern bool rr_value_is_word(const JsonbValue *value, const char *word);

/* A literal boolean param of node, or absent when it is not given */
extern bool rr_node_flag(RrPlanNode *node, const char *name, bool absent);

#endif							/* RR_NODE_UTIL_H */
