/*-------------------------------------------------------------------------
 *
 * item_errors.h
 *		on_error per item, for node types that keep the results of the
 *		items that did not fail (src/engine/item_errors.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ITEM_ERRORS_H
#define RR_ITEM_ERRORS_H

#include "postgres.h"

#include "engine/node_handler.h"
#include "utils/jsonb.h"

/* The work of one item: what may fail for that item alone. */
typedef void (*RrItemWork) (void *arg);

/*
 * Do work(arg) for one item.  With on_error = stop a failure ends the run
 * as usual; otherwise the item's work is undone and its error returned
 * (the journal's error object), NULL when it succeeded.  Cancels,
 * timeouts and limits are always re-thrown.
 */
extern Jsonb *rr_item_attempt(RrNodeRun *run, RrItemWork work, void *arg);

/*
 * Emit n8n's error item {"error": error} for input item source_item: to
 * the error output with on_error = error_output, else to output 0.
 */
extern void rr_emit_item_error(RrNodeRun *run, Jsonb *error, int source_item);

/*
 * Whether on_error may absorb an error of this SQLSTATE at all: not a
 * cancel or a timeout (57014), nor the error of an execution that passed
 * one of its limits (rr_execution_limit_passed: 54001 nesting too deep,
 * 54000 too many node runs, items or too much memory).  A node's own
 * limits (an http response too large, 54000) are its failures.
 */
extern bool rr_error_is_absorbable(int sqlerrcode);

#endif							/* RR_ITEM_ERRORS_H */
