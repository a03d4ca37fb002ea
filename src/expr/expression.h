/*-------------------------------------------------------------------------
 *
 * expression.h
 *		{{ }} expressions: n8n-style sugar translated to PostgreSQL jsonpath.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_EXPRESSION_H
#define RR_EXPRESSION_H

#include "postgres.h"

#include "utils/jsonpath.h"

/* Which context variables an expression uses (besides the item). */
#define RR_EXPR_USES_INPUT		0x01
#define RR_EXPR_USES_NODES		0x02
#define RR_EXPR_USES_EXECUTION	0x04
#define RR_EXPR_USES_WORKFLOW	0x08
#define RR_EXPR_USES_VARS		0x10
#define RR_EXPR_USES_NOW		0x20

/*
 * Translate the inside of one {{ }} into jsonpath text whose root "$" is
 * the current item and whose variables are $input, $nodes, $execution,
 * $workflow, $vars and $now.  Sets *uses to the RR_EXPR_USES_* flags of
 * the variables it refers to.  Returns a palloc'd string, or NULL with a
 * palloc'd reason in *error.
 */
extern char *rr_expr_to_jsonpath(const char *expr, size_t len, int *uses,
								 char **error);

/*
 * Translate and parse one expression.  Returns the parsed jsonpath, or NULL
 * with a palloc'd reason in *error.  After a NULL return the caller must
 * raise an ERROR itself before doing anything else (see expression.c).
 */
extern JsonPath *rr_expr_parse(const char *expr, size_t len, int *uses,
							   char **error);

/* RrExprCheckFn for the document validator: does the expression parse? */
extern bool rr_expr_check(const char *expr, size_t len,
						  char *errbuf, size_t errlen, void *arg);

#endif							/* RR_EXPRESSION_H */
