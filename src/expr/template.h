/*-------------------------------------------------------------------------
 *
 * template.h
 *		Param values with {{ }} expressions, compiled once and evaluated
 *		per item.
 *
 * A param value is any JSON value; every string inside it may hold
 * {{ }} expressions.  rr_value_compile() turns it into an RrValue once,
 * when the plan is built; rr_value_eval() produces the value for one item:
 *
 *	- a string that is exactly one expression yields the expression's typed
 *	  result (a number stays a number; no result yields JSON null);
 *	- a string with text around expressions yields a string, each result
 *	  inserted as text (strings without quotes, other values as JSON);
 *	- objects and arrays are evaluated member by member;
 *	- a value without expressions is returned as it is, at no cost.
 *
 * A condition (if, filter, switch rules) is one expression evaluated as a
 * predicate: true, false, or no result (false); any other result is an
 * error.
 *
 * Evaluation errors fail the node: the message names the node, the field,
 * the expression and the item's index.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_TEMPLATE_H
#define RR_TEMPLATE_H

#include "postgres.h"

#include "engine/node_handler.h"
#include "expr/js_value.h"
#include "utils/jsonb.h"

typedef struct RrValue RrValue;

/*
 * Compile a param value (NULL gives NULL).  node and field name it in
 * error messages; both are copied.
 */
extern RrValue *rr_value_compile(JsonbValue *value, const char *node,
								 const char *field);

/* True when the value holds no expression (it evaluates to itself). */
extern bool rr_value_is_constant(const RrValue *value);

/* The value for one item (item_index counts from 0, for messages). */
extern JsonbValue *rr_value_eval(const RrValue *value, RrNodeRun *run,
								 Jsonb *item, int item_index);

/*
 * The value for one item as JavaScript sees it: a lone expression's result
 * as it is (undefined, NaN, a DateTime stay what they are), anything else
 * its JSON value.
 */
extern JsValue rr_value_eval_js(const RrValue *value, RrNodeRun *run,
								Jsonb *item, int item_index);

/* A condition's verdict for one item. */
extern bool rr_condition_eval(const RrValue *condition, RrNodeRun *run,
							  Jsonb *item, int item_index);

#endif							/* RR_TEMPLATE_H */
