/*-------------------------------------------------------------------------
 *
 * order_v0.h
 *		n8n's legacy "v0" execution order (settings.execution_order "v0"):
 *		which node run comes next (src/engine/order_v0.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_ORDER_V0_H
#define RR_ORDER_V0_H

#include "postgres.h"

#include "engine/executor.h"

/* The runs to come of one execution in the v0 order. */
typedef struct RrOrderV0
{
	List	   *queue;			/* RrDelivery chains, first to run first */
	List	   *waiting;		/* runs of nodes with several inputs that
								 * miss an input (V0Waiting, order_v0.c) */
} RrOrderV0;

/* The triggers, each with the execution's input, in document order. */
extern void rr_v0_start(RrOrderV0 *order, const RrPlan *plan, List *input_items);

/*
 * The next run: a delivery, or for a node with several inputs the chain
 * of its deliveries (RrDelivery.next), one per input that got one; NULL
 * when nothing is left to run.
 */
extern RrDelivery *rr_v0_next(RrExecution *execution, RrOrderV0 *order);

/* A node ran: queue what its outputs delivered. */
extern void rr_v0_deliver(RrExecution *execution, RrOrderV0 *order,
						  const RrPlanNode *node);

#endif							/* RR_ORDER_V0_H */
