/*-------------------------------------------------------------------------
 *
 * expression.h
 *		The document validator's check of one {{ }} expression, and the
 *		wording of compile errors.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_EXPRESSION_H
#define RR_EXPRESSION_H

#include "postgres.h"

/*
 * RrExprCheckFn for the document validator: does the expression parse and
 * name only what exists?  The reason says where it went wrong.
 */
extern bool rr_expr_check(const char *expr, size_t len,
						  char *errbuf, size_t errlen, void *arg);

/*
 * The detail of an error rr_expr_compile() reported (error is changed:
 * its first letter becomes upper case): "Unknown variable "$x", at
 * character 3 of the expression."
 */
extern char *rr_expr_error_detail(char *error, int error_pos,
								  const char *expr, int len);

#endif							/* RR_EXPRESSION_H */
