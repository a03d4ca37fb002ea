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

/*
 * Translate the inside of one {{ }} into jsonpath text whose root "$" is
 * the context object (json, input, nodes, execution, workflow, vars, now).
 * Returns a palloc'd string, or NULL with a palloc'd reason in *error.
 */
extern char *rr_expr_to_jsonpath(const char *expr, size_t len, char **error);

/*
 * Translate and parse one expression.  Returns the parsed jsonpath, or NULL
 * with a palloc'd reason in *error; never raises an error for bad input.
 */
extern JsonPath *rr_expr_parse(const char *expr, size_t len, char **error);

/* RrExprCheckFn for the document validator: does the expression parse? */
extern bool rr_expr_check(const char *expr, size_t len,
						  char *errbuf, size_t errlen, void *arg);

#endif							/* RR_EXPRESSION_H */
