/*-------------------------------------------------------------------------
 *
 * spi_node.h
 *		Helpers for the node types that run SQL through SPI: "sql" and
 *		"function".
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_SPI_NODE_H
#define RR_SPI_NODE_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "catalog/plan.h"
#include "utils/jsonb.h"

/*
 * One result row as an item: an object of column name to value, with the
 * values converted as to_jsonb() converts them.  tupdesc must be blessed.
 * The item is allocated in target.
 */
extern Jsonb *rr_row_to_item(HeapTuple tuple, TupleDesc tupdesc,
							 MemoryContext target);

/* Whether param "mode" of the node is "once" (else "per_item"). */
extern bool rr_node_runs_once(const RrPlanNode *node);

/*
 * Raise an ERROR for a failure code of SPI_execute_plan and friends;
 * returns the code when it is a success.
 */
extern int	rr_spi_check(const RrPlanNode *node, int result);

#endif							/* RR_SPI_NODE_H */
