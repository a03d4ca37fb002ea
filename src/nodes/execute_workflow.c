/*-------------------------------------------------------------------------
 *
 * execute_workflow.c
 *		The "execute_workflow" node: call another workflow (a sub-workflow).
 *
 * Params:
 *	workflow	the name of the workflow to call;
 *	owner		the role that owns it, to call a workflow shared with this
 *				workflow's owner (found only with its owner named);
 *	version		the version to run (default: the one active at the call);
 *	mode		"wait" (default): the node's output is the sub-workflow's
 *				result; "fire_and_forget": the sub-workflow is queued for
 *				the background workers and the node passes its input on;
 *	per_item	false (default): one call with all the items; true: one
 *				call per item, the results in item order;
 *	input		per item, what it passes: an object or an array of objects
 *				(default: the item itself).
 *
 * The sub-workflow is found and checked as this workflow's owner finds it
 * (src/catalog/run_as.c), and runs as its own owner.
 *
 * Inside one transaction (execute(), a sync table trigger) a waiting call
 * runs the sub-workflow there and then, nested in this execution like a
 * call of execute() in a sql node.  In a background run every call is an
 * execution of its own (mode "subworkflow", parent_id this execution),
 * queued in the transaction the node commits in, with an idempotency key
 * naming this execution, the node's attempt, the call and the node.  The
 * node then pauses, so no worker waits for the sub-workflows; when the
 * last of them ends, src/engine/journal.c queues this execution again, and
 * this node, run again, collects their results, or fails with the first
 * failure, so that its retry and on_error apply.  Background calls nest
 * at most reporunner.max_call_depth levels: src/engine/journal.c checks
 * each call's level (execution.call_level) as it queues it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/execute.h"
#include "catalog/owner_role.h"
#include "engine/executor.h"
#include "miscadmin.h"
#include "nodes/node_util.h"
#include "nodes/subworkflow_call.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

typedef struct CallState
{
	char	   *workflow;
	Oid			owner;			/* InvalidOid: any the caller may run */
	int32		version;		/* 0: the active one */
	bool		wait;
	bool		per_item;
	RrParam		input;			/* absent: the item itself */
} CallState;

static void *
execute_workflow_prepare(RrPlanNode *node)
{
	CallState  *state = palloc0(sizeof(CallState));
	JsonbValue *value;

	value = rr_node_param(node, "workflow");
	if (value == NULL || value->type != jbvString)
		elog(ERROR, "node \"%s\" has no workflow", node->name);
	state->workflow = pnstrdup(value->val.string.val, value->val.string.len);

	value = rr_node_param(node, "owner");
	if (value != NULL && value->type == jbvString)
		state->owner = get_role_oid(pnstrdup(value->val.string.val,
											 value->val.string.len), false);

	value = rr_node_param(node, "version");
	if (value != NULL && value->type == jbvNumeric)
		state->version = DatumGetInt32(DirectFunctionCall1(numeric_int4,
														   NumericGetDatum(value->val.numeric)));

	value = rr_node_param(node, "mode");
	state->wait = !rr_value_is_word(value, "fire_and_forget");

	value = rr_node_param(node, "per_item");
	state->per_item = value != NULL && value->type == jbvBool &&
		value->val.boolean;

	rr_param_compile(node, "input", &state->input);
	return state;
}

/* Append what the input param gives for item to *items. */
static List *
call_items(CallState *state, RrNodeRun *run, Jsonb *item, int index,
		   List *items)
{
	JsonbValue *value;
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken token;

	if (state->input.value == NULL)
		return lappend(items, item);
	value = rr_param_eval(&state->input, run, item, index);
	if (rr_value_is_object(value))
		return lappend(items, JsonbValueToJsonb(value));
	if (!rr_value_is_array(value))
		rr_param_type_error(run->node->name, "input",
							"an object or an array of objects", value);
	it = JsonbIteratorInit(value->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		if (elem.type != jbvBinary || !JsonContainerIsObject(elem.val.binary.data))
			rr_param_type_error(run->node->name, "input",
								"an object or an array of objects",
								rr_value_normalize(&elem));
		items = lappend(items, JsonbValueToJsonb(&elem));
		rr_item_done(run);
	}
	return items;
}

/* The items of every call: one list per call. */
static List *
plan_calls(CallState *state, RrNodeRun *run)
{
	List	   *calls = NIL;
	List	   *items = NIL;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		items = call_items(state, run, (Jsonb *) lfirst(lc), index++, items);
		if (state->per_item)
		{
			calls = lappend(calls, items);
			items = NIL;
		}
	}
	if (!state->per_item)
		calls = list_make1(items);
	return calls;
}

/*
 * Emit the items call number call gave back: one call per input item
 * (per_item) pairs them with that item; one call for all follows n8n's
 * rules.
 */
static void
emit_call_items(CallState *state, RrNodeRun *run, Jsonb *result, int call)
{
	ListCell   *lc;

	foreach(lc, rr_items_from_jsonb(result))
	{
		if (state->per_item)
			rr_emit_paired(run, 0, (Jsonb *) lfirst(lc), call);
		else
			rr_emit(run, 0, (Jsonb *) lfirst(lc));
	}
}

/* Run every call now, in this transaction, and emit their results. */
static void
call_inline(CallState *state, RrNodeRun *run, RrPlan *plan, List *calls)
{
	ListCell   *lc;

	foreach(lc, calls)
	{
		Jsonb	   *result = rr_run_in_caller(plan, "subworkflow", lfirst(lc), NULL,
											  plan->save,
											  rr_role_owner(GetUserId()), 0,
											  run->execution->id);

		emit_call_items(state, run, result, foreach_current_index(lc));
	}
}

/* The idempotency key of call number call of this node run. */
static char *
call_key(RrNodeRun *run, int call)
{
	return rr_subworkflow_run_key(psprintf("subworkflow " INT64_FORMAT " %d %d %s",
										   run->execution->id, run->attempt,
										   call, run->node->name),
								  run);
}

/*
 * Queue every call for the workers: waited for (with a key) or not; in a
 * background run, as children of this execution.
 */
static void
queue_calls(RrNodeRun *run, RrPlan *plan, List *calls, bool waited)
{
	ListCell   *lc;

	foreach(lc, calls)
		rr_subworkflow_queue(run, plan, lfirst(lc),
							 waited ? call_key(run, foreach_current_index(lc)) : NULL);
}

/*
 * Collect the results of the queued calls (of the called workflow's owner,
 * InvalidOid when not known), once all of them ended: true when they have
 * (the results emitted), false when some still run.
 */
static bool
collect_calls(CallState *state, RrNodeRun *run, Oid owner, int ncalls)
{
	char	  **keys = palloc(sizeof(char *) * ncalls);
	Jsonb	  **outputs = palloc0(sizeof(Jsonb *) * ncalls);
	int			call;

	for (call = 0; call < ncalls; call++)
		keys[call] = call_key(run, call);
	if (!rr_subworkflow_results(run, state->workflow, owner, ncalls, keys,
								 outputs))
		return false;
	for (call = 0; call < ncalls; call++)
	{
		if (outputs[call] != NULL)
			emit_call_items(state, run, outputs[call], call);
	}
	return true;
}

static void
execute_workflow_execute(RrNodeRun *run)
{
	CallState  *state = (CallState *) run->node->state;
	bool		background = run->execution->suspend != NULL;
	List	   *calls;
	RrPlan	   *plan;
	ListCell   *lc;

	/* a background call woken: its sub-workflows have ended, or some not */
	if (background && state->wait && run->waiting_until != 0)
	{
		int			ncalls = state->per_item ? list_length(run->inputs[0]) : 1;

		/* the called workflow's owner is known when it was named */
		if (!collect_calls(state, run, state->owner, ncalls))
			run->suspend_until = DT_NOEND;
		return;
	}

	calls = plan_calls(state, run);
	if (state->wait && !background)
	{
		plan = rr_runnable_plan(state->workflow, state->owner, state->version,
								RR_RUN_CALL);
		call_inline(state, run, plan, calls);
		return;
	}

	plan = rr_runnable_plan(state->workflow, state->owner, state->version,
							RR_RUN_QUEUE);
	queue_calls(run, plan, calls, state->wait);
	if (state->wait)
	{
		/* calls made before (their keys reused) may have ended already */
		if (!collect_calls(state, run, plan->owner, list_length(calls)))
			run->suspend_until = DT_NOEND;
		return;
	}
	foreach(lc, run->inputs[0])
		rr_emit_paired(run, 0, (Jsonb *) lfirst(lc), foreach_current_index(lc));
}

const RrNodeHandler rr_node_execute_workflow = {
	.side_effects = true,
	.prepare = execute_workflow_prepare,
	.execute = execute_workflow_execute,
};
