/*-------------------------------------------------------------------------
 *
 * row_jsonb.h
 *		A table row as the item to_jsonb() of the row gives
 *		(src/engine/row_jsonb.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ROW_JSONB_H
#define RR_ROW_JSONB_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "utils/jsonb.h"

/* How the columns of one row descriptor become JSON values */
typedef struct RrRowJsonb RrRowJsonb;

/*
 * Look up how the columns of desc become JSON values, in the current
 * memory context (desc must outlive the result).
 */
extern RrRowJsonb *rr_row_jsonb_begin(TupleDesc desc);

/*
 * Push the columns of a row (values and isnull per attribute of the
 * descriptor) as the keys and values of an object being built in *state,
 * each as to_jsonb() of the row gives it.
 */
extern void rr_row_jsonb_push(RrRowJsonb *row, JsonbParseState **state,
							  Datum *values, bool *isnull);

/* The row as the object to_jsonb() of the row gives */
extern Jsonb *rr_row_jsonb(RrRowJsonb *row, Datum *values, bool *isnull);

#endif							/* RR_ROW_JSONB_H */
