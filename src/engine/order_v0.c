/*-------------------------------------------------------------------------
 *
 * order_v0.c
 *		n8n's legacy "v0" execution order, which n8n still uses for
 *		workflows saved without settings.executionOrder.
 *
 * Runs are taken from a queue (n8n's nodeExecutionStack with push): what a
 * node delivered runs after everything queued before, so the graph runs
 * breadth first.  A node's connections are taken up output by output, each
 * output's in the document's order of connections (RrPlanNode.out, built
 * by src/catalog/plan.c), never by canvas position.  A node with one input
 * runs once per delivery.  An empty output delivers nothing, except to an
 * input other than the first, which receives an empty delivery.
 *
 * A node with several inputs (merge) waits, per run, until every input
 * got a delivery (a "waiting" run, n8n's waitingExecution); a delivery
 * fills the first waiting run still missing that input, or opens a new
 * one.  When a node first starts waiting, each source of its other inputs
 * that has not run and is not queued is forced to run, as n8n's
 * addNodeToBeExecuted does: the first of it and its ancestors that has not
 * run, which gets one empty item when nothing delivered to it.  When the
 * queue is empty, the oldest waiting run whose node no other waiting node
 * leads to runs with nothing on its missing inputs, if any input got
 * items; otherwise it is dropped.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "engine/order_v0.h"
#include "reporunner.h"

/* A run of a node with several inputs that misses some input. */
typedef struct V0Waiting
{
	int			node;
	RrDelivery **slots;			/* per input: its delivery, or NULL */
} V0Waiting;

void
rr_v0_start(RrOrderV0 *order, const RrPlan *plan, List *input_items)
{
	int			i;

	order->queue = NIL;
	order->waiting = NIL;
	for (i = 0; i < plan->nnodes; i++)
		if (plan->nodes[i].is_trigger)
			order->queue = lappend(order->queue,
								   rr_delivery_new(i, 0, NULL, 0, input_items));
}

/* Whether a connection leads from node from to node to. */
static bool
connects(const RrPlanNode *from, int to)
{
	int			e;

	for (e = 0; e < from->nout; e++)
		if (from->out[e]->to == to)
			return true;
	return false;
}

/*
 * The source of every connection into a node, input by input, each
 * input's in the plan's order of nodes (n8n's connectionsByDestination).
 */
static List *
sources_into(const RrPlan *plan, int node)
{
	List	   *sources = NIL;
	int			input;

	for (input = 0; input < plan->nodes[node].ninputs; input++)
	{
		int			i;

		for (i = 0; i < plan->nnodes; i++)
		{
			int			e;

			for (e = 0; e < plan->nodes[i].nout; e++)
				if (plan->nodes[i].out[e]->to == node &&
					plan->nodes[i].out[e]->input == input)
					sources = lappend_int(sources, i);
		}
	}
	return sources;
}

/*
 * The ancestors of a node in the order of n8n's getParentNodes: for each
 * connection in, its source, preceded by the source's own ancestors.
 */
static List *
parent_nodes(const RrPlan *plan, int node, List *checked)
{
	List	   *result = NIL;
	List	   *sources;
	ListCell   *lc;

	if (list_member_int(checked, node))
		return NIL;
	checked = lappend_int(list_copy(checked), node);
	sources = sources_into(plan, node);
	foreach(lc, sources)
	{
		int			source = lfirst_int(lc);
		List	   *above;
		int			j;

		if (list_member_int(checked, source))
			continue;
		result = lcons_int(source, result);
		above = parent_nodes(plan, source, checked);
		for (j = list_length(above) - 1; j >= 0; j--)
		{
			int			parent = list_nth_int(above, j);

			result = list_delete_int(result, parent);
			result = lcons_int(parent, result);
		}
		list_free(above);
	}
	list_free(sources);
	list_free(checked);
	return result;
}

/*
 * Whether nothing reached a node's first input from the runs numbered
 * run_index of its sources (n8n's incomingConnectionIsEmpty).
 */
static bool
incoming_empty(RrExecution *execution, int node, int run_index)
{
	ListCell   *lc;

	foreach(lc, execution->steps)
	{
		RrStep	   *step = lfirst(lc);
		int			e;

		if (step->run_index != run_index)
			continue;
		for (e = 0; e < step->node->nout; e++)
			if (step->node->out[e]->to == node && step->node->out[e]->input == 0 &&
				step->outputs[step->node->out[e]->output] != NIL)
				return false;
	}
	return true;
}

static bool
is_queued(RrOrderV0 *order, int node)
{
	ListCell   *lc;

	foreach(lc, order->queue)
		if (((RrDelivery *) lfirst(lc))->to == node)
			return true;
	return false;
}

/*
 * What forcing source, which feeds a node that waits for parent's
 * delivery, runs: source, or the first of its ancestors that has not run;
 * -1 when nothing need run (it, or an ancestor, is queued or follows
 * parent).
 */
static int
forced_node(RrExecution *execution, RrOrderV0 *order,
			const RrPlanNode *parent, int source)
{
	List	   *ancestors = parent_nodes(execution->plan, source, NIL);
	int			to_add = source;
	int			j;

	if (is_queued(order, source))
		return -1;
	/* then its ancestors in reverse */
	for (j = list_length(ancestors) - 1; j >= 0; j--)
	{
		int			candidate = list_nth_int(ancestors, j);

		if (connects(parent, candidate) || is_queued(order, candidate))
		{
			to_add = -1;
			break;
		}
		if (execution->states[candidate].runs > 0)
			break;
		to_add = candidate;
	}
	list_free(ancestors);
	return to_add;
}

/*
 * A node with several inputs started waiting for a delivery from parent
 * on output: force the sources of its other inputs that have not run.
 */
static void
force_sources(RrExecution *execution, RrOrderV0 *order,
			  const RrPlanNode *target, const RrPlanNode *parent, int output)
{
	const RrPlan *plan = execution->plan;
	RrNodeState *states = execution->states;
	int			run_index = states[parent->index].step->run_index;
	List	   *sources = sources_into(plan, target->index);
	ListCell   *lc;

	foreach(lc, sources)
	{
		int			source = lfirst_int(lc);
		int			to_add;

		if (source == parent->index || states[source].runs > 0 ||
			(connects(parent, source) &&
			 !incoming_empty(execution, source, run_index)))
			continue;
		to_add = forced_node(execution, order, parent, source);

		/* a node parent leads to that got nothing stays unrun */
		if (to_add < 0 ||
			(rr_plan_reaches(plan, parent->index, to_add) &&
			 states[parent->index].step->outputs[output] == NIL))
			continue;
		if (plan->nodes[to_add].nincoming == 0 ||
			incoming_empty(execution, to_add, run_index))
		{
			/*
			 * n8n names parent as the item's source ($prevNode), and pairs
			 * it with parent's first item on output
			 */
			RrStep	   *from = states[parent->index].step;

			order->queue = lappend(order->queue,
								   rr_delivery_new(to_add, 0,
												   from->outputs[output] != NIL ? from : NULL,
												   output,
												   list_make1(rr_jsonb_empty_object())));
		}
	}
	list_free(sources);
}

/* A waiting run's deliveries as a chain, in input order. */
static RrDelivery *
chain(const RrPlan *plan, V0Waiting *waiting)
{
	RrDelivery *first = NULL;
	RrDelivery **tail = &first;
	int			input;

	for (input = 0; input < plan->nodes[waiting->node].ninputs; input++)
	{
		if (waiting->slots[input] == NULL)
			continue;
		*tail = waiting->slots[input];
		tail = &(*tail)->next;
	}
	*tail = NULL;
	return first;
}

/* A delivery to a node with several inputs. */
static void
wait_for_inputs(RrExecution *execution, RrOrderV0 *order,
				RrDelivery *delivery, const RrPlanNode *parent)
{
	const RrPlanNode *target = &execution->plan->nodes[delivery->to];
	V0Waiting  *waiting = NULL;
	bool		was_waiting = false;
	ListCell   *lc;
	int			input;

	foreach(lc, order->waiting)
	{
		V0Waiting  *each = lfirst(lc);

		if (each->node != target->index)
			continue;
		was_waiting = true;
		if (each->slots[delivery->input] == NULL)
		{
			waiting = each;
			break;
		}
	}
	if (waiting == NULL)
	{
		waiting = palloc0(sizeof(V0Waiting));
		waiting->node = target->index;
		waiting->slots = palloc0(sizeof(RrDelivery *) * target->ninputs);
		order->waiting = lappend(order->waiting, waiting);
	}
	waiting->slots[delivery->input] = delivery;

	for (input = 0; input < target->ninputs; input++)
		if (waiting->slots[input] == NULL)
			break;
	if (input == target->ninputs)
	{
		order->waiting = list_delete_ptr(order->waiting, waiting);
		order->queue = lappend(order->queue, chain(execution->plan, waiting));
	}
	else if (!was_waiting)
		force_sources(execution, order, target, parent, delivery->output);
}

void
rr_v0_deliver(RrExecution *execution, RrOrderV0 *order,
			  const RrPlanNode *node)
{
	RrStep	   *step = execution->states[node->index].step;
	int			e;

	for (e = 0; e < node->nout; e++)
	{
		const RrPlanEdge *edge = node->out[e];
		RrDelivery *delivery;

		/* an empty output delivers only to an input other than the first */
		if (step->outputs[edge->output] == NIL && edge->input == 0)
			continue;
		delivery = rr_delivery_new(edge->to, edge->input, step, edge->output,
								list_copy(step->outputs[edge->output]));
		if (execution->plan->nodes[edge->to].ninputs > 1)
			wait_for_inputs(execution, order, delivery, node);
		else
			order->queue = lappend(order->queue, delivery);
	}
}

/*
 * The queue is empty: the oldest waiting run whose node no other waiting
 * node leads to, with nothing on its missing inputs, when an input got
 * items.  Runs without items are dropped.
 */
static RrDelivery *
drain(RrExecution *execution, RrOrderV0 *order)
{
	const RrPlan *plan = execution->plan;
	ListCell   *lc;

	foreach(lc, order->waiting)
	{
		V0Waiting  *waiting = lfirst(lc);
		RrDelivery *first;
		RrDelivery *delivery;
		ListCell   *other;
		bool		blocked = false;

		foreach(other, order->waiting)
		{
			int			node = ((V0Waiting *) lfirst(other))->node;

			if (node != waiting->node && rr_plan_reaches(plan, node, waiting->node))
			{
				blocked = true;
				break;
			}
		}
		if (blocked)
			continue;
		order->waiting = list_delete_ptr(order->waiting, waiting);
		first = chain(plan, waiting);
		for (delivery = first; delivery != NULL; delivery = delivery->next)
			if (delivery->items != NIL)
				return first;
		return drain(execution, order);
	}
	return NULL;
}

RrDelivery *
rr_v0_next(RrExecution *execution, RrOrderV0 *order)
{
	RrDelivery *next;

	if (order->queue == NIL)
		return drain(execution, order);
	next = linitial(order->queue);
	order->queue = list_delete_first(order->queue);
	return next;
}
