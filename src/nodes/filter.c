/*-------------------------------------------------------------------------
 *
 * filter.c
 *		The "filter" node: keeps the items whose condition holds.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/node_util.h"

/*
 * filter_prepare
 *		Compile the condition (the validator made sure there is one).
 */
static void *
filter_prepare(RrPlanNode *node)
{
	return rr_value_compile(rr_node_param(node, "condition"), node->name,
							"params.condition");
}

/*
 * filter_execute
 *		Emit the items for which the condition is true, in input order.
 */
static void
filter_execute(RrNodeRun *run)
{
	const RrValue *condition = (const RrValue *) run->node->state;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);

		if (rr_condition_eval(condition, run, item, index))
			rr_emit_paired(run, 0, item, index);
		index++;
	}
}

const RrNodeHandler rr_node_filter = {
	.side_effects = false,
	.prepare = filter_prepare,
	.execute = filter_execute,
};
