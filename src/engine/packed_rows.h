/*-------------------------------------------------------------------------
 *
 * packed_rows.h
 *		A statement's changed rows, kept as they are or made items
 *		(src/engine/packed_rows.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_PACKED_ROWS_H
#define RR_PACKED_ROWS_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

/*
 * Whether rows of this descriptor (its columns that are not dropped) can
 * be packed: only base types, enums, arrays of them, and domains over
 * them are.
 */
extern bool rr_rows_packable(TupleDesc desc);

/*
 * The rows of a statement's transition table, of descriptor desc (which
 * rr_rows_packable() accepts), packed into one bytea; NULL when it holds
 * none.  Read through a read pointer of its own.
 */
extern bytea *rr_rows_pack(Tuplestorestate *rows, TupleDesc desc);

/* Packed rows as items (Jsonb *), each as to_jsonb() of its row gives it. */
extern List *rr_rows_unpack(bytea *packed);

/*
 * The rows of a statement's transition table, of descriptor desc, as
 * items (Jsonb *), each as to_jsonb() of its row gives it; whatever the
 * types of the columns.  Read through a read pointer of its own.
 */
extern List *rr_rows_items(Tuplestorestate *rows, TupleDesc desc);

#endif							/* RR_PACKED_ROWS_H */
