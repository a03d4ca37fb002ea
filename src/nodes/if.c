/*-------------------------------------------------------------------------
 *
 * if.c
 *		The "if" node: sends each item to output "true" (0) or "false" (1)
 *		by its test: "condition" (one expression) or "conditions" (n8n's
 *		filter rules, src/expr/conditions.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "expr/conditions.h"
#include "nodes/node_util.h"

#define IF_TRUE		0
#define IF_FALSE	1

/*
 * if_prepare
 *		Compile the condition or conditions (the validator made sure there
 *		is exactly one).
 */
static void *
if_prepare(RrPlanNode *node)
{
	return rr_conditions_compile(rr_node_param(node, "condition"),
								 rr_node_param(node, "conditions"),
								 node->name, "params");
}

/*
 * if_execute
 *		Route every item; an item keeps its place among its output's items.
 */
static void
if_execute(RrNodeRun *run)
{
	const RrConditions *test = (const RrConditions *) run->node->state;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);

		rr_emit_paired(run,
					   rr_item_passes(test, run, item, index) ?
					   IF_TRUE : IF_FALSE,
					   item, index);
		index++;
	}
}

const RrNodeHandler rr_node_if = {
	.side_effects = false,
	.prepare = if_prepare,
	.execute = if_execute,
};
