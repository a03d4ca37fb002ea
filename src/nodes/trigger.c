/*-------------------------------------------------------------------------
 *
 * trigger.c
 *		The "trigger" node: where an execution's input items enter.
 *
 * The executor hands the execution's input to every trigger node as its
 * (only) input; the node passes it on unchanged.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/node_handler.h"

static void
trigger_execute(RrNodeRun *run)
{
	ListCell   *lc;

	foreach(lc, run->inputs[0])
		rr_emit(run, 0, (Jsonb *) lfirst(lc));
}

const RrNodeHandler rr_node_trigger = {
	.side_effects = false,
	.prepare = NULL,
	.execute = trigger_execute,
};
