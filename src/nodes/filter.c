/*-------------------------------------------------------------------------
 *
 * filter.c
 *		The "filter" node: keeps the items that pass its test, "condition"
 *		(one expression) or "conditions" (n8n's filter rules,
 *		src/expr/conditions.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/conditions.h"
#include "nodes/node_util.h"

/*
 * filter_prepare
 *		Compile the condition or conditions (the validator made sure there
 *		is exactly one).
 */
static void *
filter_prepare(RrPlanNode *node)
{
	return rr_conditions_compile(rr_node_param(node, "condition"),
								 rr_node_param(node, "conditions"),
								 node->name, "params");
}

/*
 * filter_execute
 *		Emit the items for which the condition is true, in input order.
 */
static void
filter_execute(RrNodeRun *run)
{
	const RrConditions *test = (const RrConditions *) run->node->state;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);

		if (rr_item_passes(test, run, item, index))
			rr_emit_paired(run, 0, item, index);
		index++;
	}
}

const RrNodeHandler rr_node_filter = {
	.side_effects = false,
	.prepare = filter_prepare,
	.execute = filter_execute,
};
