/*-------------------------------------------------------------------------
 *
 * expression.h
 *		The document validator's check of one {{ }} expression.
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

#endif							/* RR_EXPRESSION_H */
