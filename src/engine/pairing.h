/*-------------------------------------------------------------------------
 *
 * pairing.h
 *		Paired items (n8n's pairedItem): the executor's records of where
 *		output items came from, their journal form, and the walk of
 *		$('Node').item (src/engine/pairing.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_PAIRING_H
#define RR_PAIRING_H

#include "postgres.h"

#include "engine/executor.h"
#include "lib/stringinfo.h"

/* An output's items each came from the input 0 item of its position. */
extern void rr_pairing_positional(RrNodeRun *run, int output);

/* The next item of an output came from every item of every input. */
extern void rr_pairing_from_all(RrNodeRun *run, int output);

/*
 * After a node run: n8n's rules for outputs emitted without pairing.
 * Returns run->paired, or NULL when every output is positional.
 */
extern RrPairing *rr_pairing_finish(RrNodeRun *run, int noutputs);

/* A step's pairing (not NULL) in its journal form, as json text or jsonb. */
extern void rr_pairing_append_json(StringInfo buf, const RrPlanNode *node,
								   const RrPairing *paired);
extern Jsonb *rr_pairing_jsonb(const RrPlanNode *node, const RrPairing *paired);

/* The inverse, for an adopted step (NULL: every output positional). */
extern RrPairing *rr_pairing_from_jsonb(RrExecution *execution,
										const RrPlanNode *node, Jsonb *paired,
										List **outputs);

/*
 * $('target').item for item index of the current node's input 0: the item
 * of target it descends from (its index in its output in *found_index), or
 * NULL (undefined: every path failed).  Raises n8n's errors where the
 * lineage is ambiguous or broken.
 */
extern Jsonb *rr_paired_item(RrExecution *execution, const RrPlanNode *current,
							 int index, const RrPlanNode *target,
							 int *found_index);

#endif							/* RR_PAIRING_H */
