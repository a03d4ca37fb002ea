/*-------------------------------------------------------------------------
 *
 * noop.c
 *		The "noop" node: passes its items on unchanged.
 *
 * Useful as a junction where branches meet or as a placeholder.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/node_handler.h"

/*
 * noop_execute
 *		Append input 0's items to output 0 in one go.
 */
static void
noop_execute(RrNodeRun *run)
{
	run->outputs[0] = list_concat(run->outputs[0], run->inputs[0]);
}

const RrNodeHandler rr_node_noop = {
	.side_effects = false,
	.prepare = NULL,
	.execute = noop_execute,
};
