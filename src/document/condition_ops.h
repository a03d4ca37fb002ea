/*-------------------------------------------------------------------------
 *
 * condition_ops.h
 *		The types and operations of n8n's filter conditions (the
 *		"conditions" param of if, filter and switch rules), once.
 *
 * n8n's operators, per type, as its editor lists them (OPERATORS_BY_ID,
 * packages/frontend/editor-ui/src/components/FilterConditions/constants.ts).
 * The validator's lists of allowed operations (node_schema.c) and the
 * evaluator's names (src/expr/conditions.c) are built from these, so the
 * two cannot disagree.  Names are n8n's, verbatim.
 *
 * Plain C; no PostgreSQL header.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_CONDITION_OPS_H
#define RR_CONDITION_OPS_H

/*
 * The types, in n8n's order; "any" (not in n8n's editor, but in workflows
 * such as its If 2 tests) takes every value and only exists/notExists
 */
#define RR_CONDITION_TYPES(X) \
	X(string) \
	X(number) \
	X(dateTime) \
	X(boolean) \
	X(array) \
	X(object) \
	X(any)

/* The operations each type has */
#define RR_CONDITION_OPS_string(X) \
	X(exists) X(notExists) X(empty) X(notEmpty) X(equals) X(notEquals) \
	X(contains) X(notContains) X(startsWith) X(notStartsWith) \
	X(endsWith) X(notEndsWith) X(regex) X(notRegex)
#define RR_CONDITION_OPS_number(X) \
	X(exists) X(notExists) X(empty) X(notEmpty) X(equals) X(notEquals) \
	X(gt) X(lt) X(gte) X(lte)
#define RR_CONDITION_OPS_dateTime(X) \
	X(exists) X(notExists) X(empty) X(notEmpty) X(equals) X(notEquals) \
	X(after) X(before) X(afterOrEquals) X(beforeOrEquals)
#define RR_CONDITION_OPS_boolean(X) \
	X(exists) X(notExists) X(empty) X(notEmpty) X(true) X(false) \
	X(equals) X(notEquals)
#define RR_CONDITION_OPS_array(X) \
	X(exists) X(notExists) X(empty) X(notEmpty) X(contains) X(notContains) \
	X(lengthEquals) X(lengthNotEquals) X(lengthGt) X(lengthLt) \
	X(lengthGte) X(lengthLte)
#define RR_CONDITION_OPS_object(X) \
	X(exists) X(notExists) X(empty) X(notEmpty)
#define RR_CONDITION_OPS_any(X) \
	X(exists) X(notExists)

/*
 * Every operation name once.  Those marked 1 take one value (n8n's
 * singleValue): their "right" is ignored.
 */
#define RR_CONDITION_OPERATIONS(X) \
	X(exists, 1) X(notExists, 1) X(empty, 1) X(notEmpty, 1) \
	X(true, 1) X(false, 1) \
	X(equals, 0) X(notEquals, 0) X(contains, 0) X(notContains, 0) \
	X(startsWith, 0) X(notStartsWith, 0) X(endsWith, 0) X(notEndsWith, 0) \
	X(regex, 0) X(notRegex, 0) X(gt, 0) X(lt, 0) X(gte, 0) X(lte, 0) \
	X(after, 0) X(before, 0) X(afterOrEquals, 0) X(beforeOrEquals, 0) \
	X(lengthEquals, 0) X(lengthNotEquals, 0) X(lengthGt, 0) X(lengthLt, 0) \
	X(lengthGte, 0) X(lengthLte, 0)

#endif							/* RR_CONDITION_OPS_H */
