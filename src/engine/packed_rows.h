/*-------------------------------------------------------------------------
 *
 * packed_rows.h
 *		A statement's changed rows kept as they are (src/engine/packed_rows.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_PACKED_ROWS_H
#define RR_PACKED_ROWS_H

#include "postgres.h"

#include "executor/spi.h"
#include "nodes/pg_list.h"

/*
 * The first nrows rows of an SPI result, packed into one bytea; NULL when
 * a column's type is not one that is packed.
 */
extern bytea *rr_rows_pack(SPITupleTable *rows, uint64 nrows);

/* Packed rows as items (Jsonb *), each as to_jsonb() of its row gives it. */
extern List *rr_rows_unpack(bytea *packed);

#endif							/* RR_PACKED_ROWS_H */
