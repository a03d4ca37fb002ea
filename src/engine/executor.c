/*-------------------------------------------------------------------------
 *
 * executor.c
 *		Run a plan: node order, items between nodes, failures and timeouts.
 *
 * Order.  Nodes run depth first, n8n's "v1" order, from a stack: when a
 * node has run, what it delivered goes on top, the first output's first
 * and, within an output, the connections in the order of their targets'
 * positions in the document.  An output that emitted nothing delivers
 * nothing.  A node with one input runs once per delivery (RrDelivery: the
 * items of one run's output along one connection), each run its own
 * run_index, as n8n's does.  A node with several inputs (merge) collects
 * its deliveries and runs once, when every connection into it has
 * resolved, if any input received items.  A connection resolves when its
 * source will run no more: every connection into the source resolved and
 * none of its deliveries is left on the stack; a node that thereby will
 * never run resolves the connections out of it in turn.  Trigger nodes
 * receive the execution's input.  settings.execution_order "v0" runs
 * n8n's legacy order instead (breadth first, from a queue; order_v0.c).
 *
 * Loops.  A cycle must pass through a split_in_batches or an if node
 * (src/document/validate.c).  The nodes of a loop (a strongly connected
 * component, RrPlanNode.component, src/catalog/plan.c) resolve together:
 * once no connection from outside can deliver into the loop and none of
 * its deliveries is left, all of its nodes are done.  A node with several
 * inputs may not be on a loop (plan.c refuses it).  settings.max_node_runs
 * bounds the node runs of one execution, so a loop that never ends fails
 * with 54000.  A node type that keeps something from run to run (its
 * context, RrNodeState.context) gets it back at each run.
 *
 * Failures.  A node raises an ERROR to fail.  With on_error = stop (the
 * default) the error ends the execution: it is raised again with the
 * workflow and node in the message and the node's SQLSTATE.  With
 * continue or error_output the node runs inside a subtransaction, so its
 * partial effects are undone, and the input items, each with an "error"
 * member added, go to the main or the error output.
 *
 * Identity.  Nodes run as the workflow's owner in a security-restricted
 * operation (no SET ROLE, no SET SESSION AUTHORIZATION) with a fixed
 * search_path, whoever calls the workflow, and can change nothing of the
 * session that outlives them (settings are undone; node_guard.c refuses
 * the rest).
 *
 * Nesting.  A node may run a workflow in turn (execute() in a sql or
 * function node).  reporunner.max_call_depth bounds how deep executions
 * nest in one process, so a workflow that calls itself fails with a clear
 * error after a few levels instead of exhausting the stack and memory.
 * Executions queued by node code (start(), retry(), an async table trigger
 * fired by a node's statement) are one level deeper than the code that
 * queued them, which execution.call_level keeps for the workers: a durable
 * run's level is where nesting in its process starts, so that a workflow
 * that queues itself stops as one that calls itself.
 * An error crossing the levels is re-thrown as it is, with only its
 * message prefixed: its context is never copied, so it stays as long as
 * the nesting is deep, not longer.
 *
 * Cancels.  on_error continue and error_output absorb the failures of the
 * node itself, including its own timeout, but never a cancel from outside
 * (statement_timeout, pg_cancel_backend(), cancel()) nor the execution's
 * timeout: those end the execution as they end any statement.
 *
 * Timeouts.  A node's timeout and what is left of the execution's are
 * enforced with a timer that cancels the running statement; the error is
 * then reported as a timeout of that node or of the execution.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "catalog/owner_role.h"
#include "catalog/pg_authid.h"
#include "engine/activity.h"
#include "engine/executor.h"
#include "engine/item_errors.h"
#include "engine/node_guard.h"
#include "engine/node_search_path.h"
#include "engine/order_v0.h"
#include "engine/pairing.h"
#include "engine/retry_policy.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "reporunner.h"
#include "storage/latch.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

/* reporunner.max_call_depth: how deep executions may nest */
static int	rr_max_call_depth = 10;

/* reporunner.max_node_items: most items one node run may emit */
static int	rr_max_node_items = 1000000;

/* reporunner.max_execution_memory: in kB, what one execution may hold */
static int	rr_max_execution_memory = 1024 * 1024;

/* Executions running in this process, one inside the other. */
static int	call_depth = 0;

/*
 * An execution-level limit (max_call_depth, settings.max_node_runs,
 * max_node_items, max_execution_memory) was passed since the outermost
 * execution began: the error that says so fails every level, which
 * on_error never absorbs (rr_error_is_absorbable).
 */
static bool limit_passed = false;

/* The outermost of them, when it is a durable run (it has its row) */
static const RrExecution *background_run = NULL;

/*
 * The level of the execution, running in another process, that this
 * process's call was made for (rr_enter_call_level: execute() and start()
 * handed by a Citus coordinator to the node that holds the owner's rows),
 * or 0
 */
static int	caller_level = 0;

/* The timer that enforces node and execution timeouts. */
static bool timer_registered = false;
static TimeoutId timer_id;
static volatile sig_atomic_t timer_fired = false;

/* What the timer armed for the running node measures. */
typedef enum TimerKind
{
	TIMER_NONE,
	TIMER_NODE,
	TIMER_EXECUTION
} TimerKind;

/* Timer handler: cancel the running statement, like statement_timeout. */
static void
timer_handler(void)
{
	timer_fired = true;
	InterruptPending = true;
	QueryCancelPending = true;
	SetLatch(MyLatch);
}

/*
 * Arm the timer for one node run: the node's own timeout or what is left
 * of the execution's, whichever ends first.  Raises the execution's
 * timeout at once when nothing is left.
 */
static TimerKind
arm_timer(RrExecution *execution, const RrPlanNode *node, int64 *ms)
{
	TimerKind	kind = TIMER_NONE;

	*ms = 0;
	if (node->timeout_ms > 0)
	{
		kind = TIMER_NODE;
		*ms = node->timeout_ms;
	}
	if (execution->deadline != 0)
	{
		long		secs;
		int			usecs;
		int64		left;

		TimestampDifference(GetCurrentTimestamp(), execution->deadline,
							&secs, &usecs);
		left = (int64) secs * 1000 + usecs / 1000;
		if (left <= 0)
		{
			execution->timed_out = true;
			ereport(ERROR,
					(errcode(ERRCODE_QUERY_CANCELED),
					 errmsg("workflow \"%s\" timed out after " INT64_FORMAT " ms before node \"%s\"",
							execution->plan->workflow_name,
							execution->plan->timeout_ms, node->name)));
		}
		if (kind == TIMER_NONE || left < *ms)
		{
			kind = TIMER_EXECUTION;
			*ms = left;
		}
	}
	if (kind == TIMER_NONE)
		return kind;

	if (!timer_registered)
	{
		timer_id = RegisterTimeout(USER_TIMEOUT, timer_handler);
		timer_registered = true;
	}
	timer_fired = false;
	enable_timeout_after(timer_id, (int) Min(*ms, PG_INT32_MAX));
	return kind;
}

static void
disarm_timer(TimerKind kind)
{
	if (kind != TIMER_NONE)
		disable_timeout(timer_id, false);
}

/*
 * Error text longer than this is cut when it is journaled: a node may
 * raise an error of any size (a message quoting a huge value), and the
 * journal must still be able to record it.
 */
#define RR_ERROR_TEXT_MAX	8192

/* text, cut to RR_ERROR_TEXT_MAX bytes on a character boundary */
static char *
clip_error_text(const char *text)
{
	int			len = strlen(text);
	int			cut;

	if (len <= RR_ERROR_TEXT_MAX)
		return (char *) text;
	cut = pg_mbcliplen(text, len, RR_ERROR_TEXT_MAX);
	return psprintf("%.*s... (%d bytes cut)", cut, text, len - cut);
}

Jsonb *
rr_error_jsonb(const RrPlanNode *node, ErrorData *edata)
{
	JsonbParseState *state = NULL;
	JsonbValue	key;
	JsonbValue	value;
	const char *names[] = {"node", "message", "sqlstate", "detail", "hint"};
	const char *texts[5];
	int			i;

	texts[0] = node ? node->name : NULL;
	texts[1] = edata->message ? edata->message : "";
	texts[2] = unpack_sql_state(edata->sqlerrcode);
	texts[3] = edata->detail;
	texts[4] = edata->hint;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < lengthof(names); i++)
	{
		const char *text;

		if (texts[i] == NULL)
			continue;
		text = clip_error_text(texts[i]);
		key.type = jbvString;
		key.val.string.val = (char *) names[i];
		key.val.string.len = strlen(names[i]);
		value.type = jbvString;
		value.val.string.val = (char *) text;
		value.val.string.len = strlen(text);
		pushJsonbValue(&state, WJB_KEY, &key);
		pushJsonbValue(&state, WJB_VALUE, &value);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * Rewrite the error of a timed-out node run: the cancel the timer caused
 * becomes a timeout naming the node or the execution.
 */
static void
describe_timeout(RrExecution *execution, const RrPlanNode *node,
				 TimerKind kind, int64 ms, ErrorData *edata)
{
	if (kind == TIMER_NONE || !timer_fired ||
		edata->sqlerrcode != ERRCODE_QUERY_CANCELED)
		return;
	execution->timed_out = true;
	if (kind == TIMER_NODE)
		edata->message = psprintf("node \"%s\" timed out after " INT64_FORMAT " ms",
								  node->name, ms);
	else
		edata->message = psprintf("workflow \"%s\" timed out after " INT64_FORMAT " ms",
								  execution->plan->workflow_name,
								  execution->plan->timeout_ms);
}

/*
 * The items a failed node passes on: each input item with an "error"
 * member, or one item holding just the error when there was no input.
 */
static List *
error_items(RrNodeRun *run, Jsonb *error)
{
	JsonbValue	value;
	Jsonb	   *wrapper;
	List	   *items = NIL;
	ListCell   *lc;

	rr_jsonb_value(error, &value);
	wrapper = rr_jsonb_wrap("error", &value);

	if (run->ninputs == 0 || run->inputs[0] == NIL)
		return list_make1(wrapper);
	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = lfirst(lc);

		items = lappend(items,
						DatumGetJsonbP(DirectFunctionCall2(jsonb_concat,
														   JsonbPGetDatum(item),
														   JsonbPGetDatum(wrapper))));
	}
	return items;
}

/*
 * Re-throw the error of a failed node run with the workflow and node
 * named in its message.  Only the message changes: detail, hint and
 * context are those of the original error, so an error that crosses
 * nested executions grows by one prefix per level and nothing more.
 */
static pg_attribute_noreturn() void
rethrow_at_node(RrExecution *execution, const RrPlanNode *node,
				ErrorData *edata)
{
	edata->message = psprintf("workflow \"%s\" failed at node \"%s\": %s",
							  execution->plan->workflow_name, node->name,
							  edata->message);
	ReThrowError(edata);
}

/*
 * Run a node whose on_error is stop: any error ends the execution,
 * re-thrown naming the workflow and node, with the node's SQLSTATE.
 */
static void
run_handler_or_fail(RrExecution *execution, RrNodeRun *run)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	int64		ms;
	TimerKind	kind = arm_timer(execution, run->node, &ms);

	/* kind and ms are set before PG_TRY and never changed in it */
	PG_TRY();
	{
		run->node->handler->execute(run);
		disarm_timer(kind);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		disarm_timer(kind);
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		describe_timeout(execution, run->node, kind, ms, edata);
		rethrow_at_node(execution, run->node, edata);
	}
	PG_END_TRY();
}

/*
 * Whether on_error may absorb an error of a node run: any failure of the
 * node itself, its own timeout and limits included (an http response
 * over reporunner.http_max_response_size, a JSON document nested too
 * deep), but not a cancel from outside (statement_timeout,
 * pg_cancel_backend(), a worker's cancel()) or the execution's timeout,
 * which must end the execution as they end any statement; nor nesting too
 * deep or passing an execution's limit (the memory stays used), which no
 * level should paper over.
 */
static bool
is_absorbable(TimerKind kind, ErrorData *edata)
{
	if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
		return kind == TIMER_NODE && timer_fired;
	return rr_error_is_absorbable(edata->sqlerrcode);
}

/*
 * Run a node whose on_error is continue or error_output, in a
 * subtransaction.  Returns the error as jsonb when the node failed (its
 * effects undone), or NULL; re-throws what may not be absorbed.
 */
static Jsonb *
run_handler_absorbing(RrExecution *execution, RrNodeRun *run)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	int64		ms;
	TimerKind	kind = arm_timer(execution, run->node, &ms);
	Jsonb	   *volatile error = NULL;

	/* kind and ms are set before PG_TRY and never changed in it */
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	run->in_subtransaction = true;
	PG_TRY();
	{
		run->node->handler->execute(run);
		disarm_timer(kind);
		ReleaseCurrentSubTransaction();
		run->in_subtransaction = false;
		MemoryContextSwitchTo(oldcontext);
		/* a transaction renewed since has owners of its own */
		if (!run->transaction_renewed)
			CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		bool		absorbable;

		disarm_timer(kind);
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		run->in_subtransaction = false;
		MemoryContextSwitchTo(oldcontext);
		if (!run->transaction_renewed)
			CurrentResourceOwner = oldowner;
		absorbable = is_absorbable(kind, edata);
		describe_timeout(execution, run->node, kind, ms, edata);
		if (!absorbable)
			rethrow_at_node(execution, run->node, edata);
		error = rr_error_jsonb(run->node, edata);
	}
	PG_END_TRY();
	return error;
}

/* Forget what a node run emitted, and where it came from. */
static void
clear_outputs(RrNodeRun *run, int noutputs)
{
	memset(run->outputs, 0, sizeof(List *) * noutputs);
	memset(run->paired, 0, sizeof(RrPairing) * noutputs);
}

/* Run one node on the items its inputs received; record its step. */
static void
run_node(RrExecution *execution, const RrPlanNode *node)
{
	RrNodeState *state = &execution->states[node->index];
	RrStep	   *step = palloc0(sizeof(RrStep));
	RrNodeRun	run;
	int			own_outputs = node->noutputs - (node->error_output >= 0 ? 1 : 0);
	int			i;

	CHECK_FOR_INTERRUPTS();
	rr_retry_forget_hint();

	memset(&run, 0, sizeof(run));
	run.execution = execution;
	run.node = node;
	run.ninputs = node->ninputs;
	run.inputs = state->inputs;
	run.noutputs = own_outputs;
	run.run_index = state->runs;
	run.context = &state->context;
	/* one allocation for both: this runs for every node */
	run.paired = palloc0((sizeof(RrPairing) + sizeof(List *)) *
						 Max(node->noutputs, 1));
	run.outputs = (List **) (run.paired + Max(node->noutputs, 1));

	/* execute_once: the node sees only the first item of each input */
	if (node->execute_once)
	{
		for (i = 0; i < run.ninputs; i++)
			if (list_length(run.inputs[i]) > 1)
				run.inputs[i] = list_make1(linitial(run.inputs[i]));
	}

	step->node = node;
	step->run_index = state->runs;
	step->delivered = state->delivered;
	step->status = RR_STEP_SUCCEEDED;
	step->attempt = execution->next_attempt != NULL ?
		execution->next_attempt(execution, node) : 1;
	run.attempt = step->attempt;
	step->started_at = GetCurrentTimestamp();
	/*
	 * After the step before it, also within a microsecond: started_at
	 * orders an execution's steps as they ran.
	 */
	if (execution->steps != NIL)
	{
		RrStep	   *previous = llast(execution->steps);

		if (step->started_at <= previous->started_at)
			step->started_at = previous->started_at + 1;
	}
	if (execution->waiting_until != NULL)
		run.waiting_until = execution->waiting_until(execution, node);
	run.may_defer = execution->defer_next;
	execution->defer_next = false;
	if (execution->deferred_node == node)
	{
		run.deferred = execution->deferred;
		execution->deferred_node = NULL;
		execution->deferred = NULL;
	}

	if (execution->pinned != NULL && execution->pinned[node->index] != NULL)
	{
		/* pinned by test_workflow(): its items, and the node never runs */
		if (own_outputs > 0)
			run.outputs[0] = rr_items_from_jsonb(execution->pinned[node->index]);
	}
	else if (node->disabled)
	{
		step->status = RR_STEP_SKIPPED;
		if (own_outputs > 0 && run.ninputs > 0)
		{
			run.outputs[0] = list_copy(run.inputs[0]);
			rr_pairing_positional(&run, 0);
		}
	}
	else if (node->on_error == RR_ON_ERROR_STOP)
		run_handler_or_fail(execution, &run);
	else
	{
		step->error = run_handler_absorbing(execution, &run);
		if (step->error != NULL)
		{
			int			target = node->on_error == RR_ON_ERROR_OUTPUT ?
			node->error_output : (own_outputs > 0 ? 0 : -1);

			step->status = RR_STEP_FAILED;
			execution->any_failed = true;
			clear_outputs(&run, node->noutputs);
			if (target >= 0)
			{
				run.outputs[target] = error_items(&run, step->error);
				if (run.ninputs > 0 && run.inputs[0] != NIL)
					rr_pairing_positional(&run, target);
				else
					rr_pairing_add(&run, target, RR_PAIRED_NONE);
			}
		}
	}

	/* a node that deferred its work stops the run: no step yet */
	if (run.deferring != NULL)
	{
		execution->deferred_node = node;
		execution->deferred = run.deferring;
		execution->stopped = true;
		return;
	}

	/* whatever the node emitted, and however (list_concat), counts */
	rr_check_limits(&run);

	/* a node that pauses keeps its input items for when it goes on */
	if (run.suspend_until != 0)
	{
		if (execution->suspend == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("workflow \"%s\" cannot pause at node \"%s\" inside execute()",
							execution->plan->workflow_name, node->name),
					 errhint("Run workflows with wait nodes with reporunner.start().")));
		clear_outputs(&run, node->noutputs);
		if (node->noutputs > 0 && run.ninputs > 0)
		{
			run.outputs[0] = list_copy(run.inputs[0]);
			rr_pairing_positional(&run, 0);
		}
		step->wake_at = run.suspend_until;
		execution->suspended = true;
	}

	/*
	 * always_output_data: one empty item rather than nothing on the first
	 * output, as n8n does, also when another output has items (an if whose
	 * items all went to false)
	 */
	if (node->always_output_data && step->status == RR_STEP_SUCCEEDED &&
		!execution->suspended && own_outputs > 0 && run.outputs[0] == NIL)
	{
		run.outputs[0] = list_make1(rr_jsonb_empty_object());
		rr_pairing_from_all(&run, 0);
	}

	step->outputs = run.outputs;
	step->paired = rr_pairing_finish(&run, node->noutputs);
	step->finished_at = GetCurrentTimestamp();
	state->step = step;
	state->runs++;
	execution->steps = lappend(execution->steps, step);
}

/* A delivery of items, or with items NIL and check set, a look at a node */
RrDelivery *
rr_delivery_new(int to, int input, RrStep *from, int output, List *items)
{
	RrDelivery *delivery = palloc0(sizeof(RrDelivery));

	delivery->to = to;
	delivery->input = input;
	delivery->from = from;
	delivery->output = output;
	delivery->items = items;
	delivery->check = from == NULL && items == NIL;
	return delivery;
}

/* Whether a node's loop (or the node) will run no more: nothing can come */
static bool
is_idle(RrNodeState *states, const RrPlanNode *node)
{
	RrNodeState *first = &states[node->component];

	return first->pending == 0 && first->queued == 0;
}

/*
 * The loop of node (or the node alone) will run no more: its nodes are
 * done, and the connections out of it resolve.  A node whose connections
 * in thereby all resolved, and which has nothing on the stack, gets a look
 * (a check entry, appended to ready): it may run (several inputs) or be
 * done in turn.
 */
static List *
resolve(const RrPlan *plan, RrNodeState *states, const RrPlanNode *node,
		List *ready)
{
	int			i;

	for (i = node->component; i < plan->nnodes; i++)
	{
		const RrPlanNode *member = &plan->nodes[i];
		int			e;

		if (member->component != node->component)
			continue;
		states[i].done = true;
		for (e = 0; e < member->nout; e++)
		{
			const RrPlanNode *to = &plan->nodes[member->out[e]->to];
			RrNodeState *first = &states[to->component];

			if (to->component == node->component)
				continue;
			if (--first->pending == 0 && first->queued == 0)
				ready = lappend(ready, rr_delivery_new(to->index, 0, NULL, 0, NIL));
		}
		if (!node->on_loop)
			break;
	}
	return ready;
}

/* Put ready on top of the stack, its first entry first. */
static List *
push_ready(List *ready, List *stack)
{
	int			i;

	for (i = list_length(ready) - 1; i >= 0; i--)
		stack = lcons(list_nth(ready, i), stack);
	list_free(ready);
	return stack;
}

/*
 * A node ran: deliver what each output emitted along its connections, in
 * the plan's order of them (RrPlanNode.out: the top-left target first when
 * the document has canvas positions, as n8n's v1 order, else the first
 * output's first and within an output in their targets' document order).
 * A node with one input runs once per delivery (an entry on the stack,
 * n8n's v1 order); one with several collects its deliveries and runs once
 * its connections in all resolved (or, when an input got nothing, once
 * nothing else is left to run, as n8n).  An empty output delivers nothing.
 * Then, when the node (or its loop) will run no more, the connections out
 * of it resolve.  The entries go on top of the stack.
 */
static List *
deliver(RrExecution *execution, const RrPlanNode *node, List *stack)
{
	RrNodeState *states = execution->states;
	RrStep	   *step = states[node->index].step;
	List	   *ready = NIL;
	int			e;

	for (e = 0; e < node->nout; e++)
	{
		const RrPlanEdge *edge = node->out[e];
		const RrPlanNode *to = &execution->plan->nodes[edge->to];
		RrNodeState *target = &states[edge->to];
		RrDelivery *delivery;

		if (step->outputs[edge->output] == NIL)
			continue;
		delivery = rr_delivery_new(edge->to, edge->input, step, edge->output,
								list_copy(step->outputs[edge->output]));
		if (to->ninputs > 1)
		{
			RrDelivery **tail = &target->delivered;

			while (*tail != NULL)
				tail = &(*tail)->next;
			*tail = delivery;
			target->inputs[edge->input] =
				list_concat(target->inputs[edge->input], delivery->items);
			continue;
		}
		states[to->component].queued++;
		ready = lappend(ready, delivery);
	}
	if (is_idle(states, node))
		ready = resolve(execution->plan, states, node, ready);
	return push_ready(ready, stack);
}

/*
 * The stack an execution starts from.  Nodes nobody connects to, other
 * than triggers, never run: they are done at once, which resolves the
 * connections out of them.  The triggers go on top, the first in the
 * document first, each with the execution's input.
 */
static List *
first_ready(const RrPlan *plan, RrNodeState *states, List *input_items)
{
	List	   *ready = NIL;
	List	   *stack = NIL;
	int			i;

	for (i = 0; i < plan->nnodes; i++)
		states[plan->nodes[i].component].pending = plan->nodes[plan->nodes[i].component].nexternal;
	for (i = 0; i < plan->nnodes; i++)
	{
		const RrPlanNode *node = &plan->nodes[i];

		if (node->is_trigger)
		{
			RrDelivery *delivery = rr_delivery_new(i, 0, NULL, 0, input_items);

			delivery->check = false;
			states[i].queued++;
			ready = lappend(ready, delivery);
		}
		else if (node->nincoming == 0)
			stack = push_ready(resolve(plan, states, node, NIL), stack);
	}
	return push_ready(ready, stack);
}

/*
 * rr_plan_order's step: the node is taken up (or, nobody connecting to
 * it, done at once); push the nodes that thereby became ready: those whose
 * connections in from outside their loop all resolved, and, along a
 * connection within a loop, its target once nothing outside holds it.  In
 * the v0 order they go to the end (a queue).
 */
static List *
take_up(const RrPlan *plan, const RrPlanNode *node, int *pending, List *stack)
{
	List	   *ready = NIL;
	int			e;
	int			i;

	for (e = 0; e < node->nout; e++)
	{
		int			to = node->out[e]->to;

		if (plan->nodes[to].component == node->component ?
			pending[to] == 0 : --pending[to] == 0)
			ready = lappend_int(ready, to);
	}
	if (plan->legacy_order)
	{
		stack = list_concat(stack, ready);
		list_free(ready);
		return stack;
	}
	for (i = list_length(ready) - 1; i >= 0; i--)
		stack = lcons_int(list_nth_int(ready, i), stack);
	list_free(ready);
	return stack;
}

int
rr_plan_order(const RrPlan *plan, int *order)
{
	int		   *pending = palloc0(sizeof(int) * Max(plan->nnodes, 1));
	bool	   *done = palloc0(sizeof(bool) * Max(plan->nnodes, 1));
	List	   *stack = NIL;
	int			n = 0;
	int			i;

	for (i = 0; i < plan->nnodes; i++)
	{
		const RrPlanNode *node = &plan->nodes[i];
		int			output;
		int			e;

		for (output = 0; output < node->noutputs; output++)
			for (e = 0; e < node->nedges[output]; e++)
				if (plan->nodes[node->edges[output][e].to].component !=
					node->component)
					pending[node->edges[output][e].to]++;
	}
	for (i = 0; i < plan->nnodes; i++)
	{
		if (!plan->nodes[i].is_trigger && plan->nodes[i].nincoming == 0)
		{
			done[i] = true;
			stack = take_up(plan, &plan->nodes[i], pending, stack);
		}
	}
	for (i = plan->nnodes - 1; i >= 0; i--)
		if (plan->nodes[i].is_trigger)
			stack = lcons_int(i, stack);
	while (stack != NIL)
	{
		int			index = linitial_int(stack);

		stack = list_delete_first(stack);
		if (done[index])
			continue;
		done[index] = true;
		order[n++] = index;
		stack = take_up(plan, &plan->nodes[index], pending, stack);
	}
	pfree(pending);
	pfree(done);
	return n;
}

/*
 * Whether a node with several inputs has what it needs to run: items on
 * any input, or on every input for a type that needs them all.
 */
static bool
has_input(RrExecution *execution, const RrPlanNode *node)
{
	RrNodeState *state = &execution->states[node->index];
	bool		all = node->handler->needs_all_inputs != NULL &&
		node->handler->needs_all_inputs(node);
	int			i;

	for (i = 0; i < node->ninputs; i++)
		if ((state->inputs[i] != NIL) != all)
			return !all;
	return all;
}

/* Whether every input of a node with several inputs got items */
static bool
every_input_has_items(RrExecution *execution, const RrPlanNode *node)
{
	RrNodeState *state = &execution->states[node->index];
	int			i;

	for (i = 0; i < node->ninputs; i++)
		if (state->inputs[i] == NIL)
			return false;
	return true;
}

/* The items of the nodes that ran and have no connections out. */
static List *
final_items(RrExecution *execution)
{
	List	   *items = NIL;
	ListCell   *lc;

	foreach(lc, execution->steps)
	{
		RrStep	   *step = lfirst(lc);
		const RrPlanNode *node = step->node;
		int			edges = 0;
		int			output;

		for (output = 0; output < node->noutputs; output++)
			edges += node->nedges[output];
		if (edges > 0)
			continue;
		for (output = 0; output < node->noutputs; output++)
			items = list_concat(items, step->outputs[output]);
	}
	return items;
}

/*
 * Check that the workflow's owner still exists before acting as it.  A
 * durable run (a background worker) acts for the owner with no session of
 * the owner's behind it, so it also needs the owner to be able to log in
 * itself, or to be a team role nobody logs in as (a direct member of
 * reporunner_team): ALTER ROLE ... NOLOGIN stops a person's background
 * executions as it stops their sessions.
 */
static void
check_owner(RrPlan *plan, bool durable)
{
	HeapTuple	tuple;
	bool		can_login;
	char	   *name;
	Oid			team;
	Oid			role = rr_owner_role(plan->owner);

	tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(role));
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the owner of workflow \"%s\" no longer exists",
						plan->workflow_name),
				 errdetail("Workflows run as their owner; role %u was dropped.",
						   plan->owner)));
	can_login = ((Form_pg_authid) GETSTRUCT(tuple))->rolcanlogin;
	name = pstrdup(NameStr(((Form_pg_authid) GETSTRUCT(tuple))->rolname));
	ReleaseSysCache(tuple);
	if (!durable || can_login)
		return;
	team = get_role_oid("reporunner_team", true);
	if (OidIsValid(team) &&
		SearchSysCacheExists2(AUTHMEMROLEMEM, ObjectIdGetDatum(team),
							  ObjectIdGetDatum(role)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("role \"%s\", the owner of workflow \"%s\", is not permitted to log in",
					name, plan->workflow_name),
			 errdetail("Background workers run a workflow as its owner only while the owner has LOGIN or is a member of reporunner_team."),
			 errhint("Give the role LOGIN, or, for a team role nobody logs in as, GRANT reporunner_team TO %s.",
					 quote_identifier(name))));
}

/* Where node code runs: as the owner, with its settings undone after. */
typedef struct OwnerScope
{
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;
} OwnerScope;

static void
enter_owner(RrPlan *plan, OwnerScope *scope)
{
	rr_node_guard_enter();
	GetUserIdAndSecContext(&scope->save_userid, &scope->save_sec_context);
	SetUserIdAndSecContext(rr_owner_role(plan->owner),
						   scope->save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	/* only nodes that run SQL look names up; pure nodes need no path */
	scope->nestlevel = NewGUCNestLevel();
	if (plan->has_side_effects)
		(void) set_config_option("search_path", rr_node_search_path(),
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
}

static void
leave_owner(OwnerScope *scope)
{
	/*
	 * Undo every setting node code changed, not only search_path: a
	 * workflow must not leave a SET behind in its caller's session.
	 */
	AtEOXact_GUC(false, scope->nestlevel);
	SetUserIdAndSecContext(scope->save_userid, scope->save_sec_context);
	rr_node_guard_leave();
}

/*
 * rr_node_release_transaction
 *		Let a node wait with no transaction open (see node_handler.h): in a
 *		durable run, whose hooks judge whether the open transaction holds
 *		anything, for a node that has written nothing (no transaction id).
 *		Node code's scope (owner, settings, the subtransaction on_error runs
 *		it in) is left first, since the transaction it lives in ends, and
 *		entered again by rr_node_resume_transaction.
 */
bool
rr_node_release_transaction(RrNodeRun *run)
{
	RrExecution *execution = run->execution;
	MemoryContext context = CurrentMemoryContext;

	if (execution->release_transaction == NULL ||
		GetCurrentTransactionNestLevel() != (run->in_subtransaction ? 2 : 1) ||
		TransactionIdIsValid(GetTopTransactionIdIfAny()))
		return false;

	leave_owner(execution->owner_scope);
	if (run->in_subtransaction)
		ReleaseCurrentSubTransaction();
	if (execution->release_transaction(execution))
	{
		MemoryContextSwitchTo(context);
		return true;
	}
	/* the run's transaction holds work of its own: wait inside it */
	if (run->in_subtransaction)
		BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(context);
	enter_owner(execution->plan, execution->owner_scope);
	return false;
}

/*
 * rr_node_resume_transaction
 *		Begin the transaction (and subtransaction) the node goes on in, and
 *		enter node code's scope again.
 */
void
rr_node_resume_transaction(RrNodeRun *run)
{
	RrExecution *execution = run->execution;
	MemoryContext context = CurrentMemoryContext;

	execution->resume_transaction(execution);
	if (run->in_subtransaction)
		BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(context);
	enter_owner(execution->plan, execution->owner_scope);
	run->transaction_renewed = true;
}

void
rr_node_defer(RrNodeRun *run, void *work)
{
	Assert(run->may_defer && work != NULL);
	run->deferring = work;
}

bool
rr_node_deferrable(RrExecution *execution, const RrPlanNode *node)
{
	return node->handler->deferrable != NULL && !node->disabled &&
		node->handler->deferrable(node) && node->timeout_ms == 0 &&
		execution->deadline == 0;
}

/* Run one node of a durable run: adopt its journaled outcome, or run it. */
static void
run_node_durably(RrExecution *execution, const RrPlanNode *node)
{
	RrStep	   *adopted = execution->adopt_step(execution, node);
	OwnerScope	scope;

	if (adopted != NULL)
	{
		RrNodeState *state = &execution->states[node->index];

		adopted->run_index = state->runs++;
		adopted->delivered = state->delivered;
		state->step = adopted;
		execution->steps = lappend(execution->steps, adopted);
		if (adopted->status == RR_STEP_FAILED)
			execution->any_failed = true;
		return;
	}
	if (execution->stopped)
		return;
	enter_owner(execution->plan, &scope);
	execution->owner_scope = &scope;
	run_node(execution, node);
	execution->owner_scope = NULL;
	leave_owner(&scope);
	if (execution->suspended)
		execution->suspend(execution, execution->states[node->index].step);
	else if (!execution->stopped)
		execution->step_done(execution, execution->states[node->index].step);
	MemoryContextSwitchTo(execution->context);
}

/*
 * Run one node, counted against settings.max_node_runs; false when the
 * execution stops there (a pause, a deferred node).
 */
static bool
run_counted(RrExecution *execution, const RrPlanNode *node)
{
	const RrPlan *plan = execution->plan;

	if (++execution->nruns > plan->max_node_runs)
	{
		limit_passed = true;
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("workflow \"%s\" ran its nodes more than %d times",
						plan->workflow_name, plan->max_node_runs),
				 errdetail("The limit was reached at node \"%s\", run_index %d.",
						   node->name, execution->states[node->index].runs),
				 errhint("A loop that never ends? settings.max_node_runs sets the limit.")));
	}
	execution->running = node;
	rr_activity_node(node->name);
	if (execution->adopt_step != NULL)
		run_node_durably(execution, node);
	else
		run_node(execution, node);
	execution->running = NULL;
	return !execution->suspended && !execution->stopped;
}

/*
 * The runs of n8n's legacy v0 order (settings.execution_order, see
 * order_v0.c): each run's items are those of its delivery, or for a node
 * with several inputs those of its chain of deliveries, input by input.
 */
static void
run_v0(RrExecution *execution, List *input_items)
{
	RrOrderV0	order;
	RrDelivery *entry;

	rr_v0_start(&order, execution->plan, input_items);
	while ((entry = rr_v0_next(execution, &order)) != NULL)
	{
		const RrPlanNode *node = &execution->plan->nodes[entry->to];
		RrNodeState *state = &execution->states[entry->to];
		RrDelivery *delivery;
		int			i;

		for (i = 0; i < Max(node->ninputs, 1); i++)
			state->inputs[i] = NIL;
		for (delivery = entry; delivery != NULL; delivery = delivery->next)
			state->inputs[delivery->input] =
				list_concat(state->inputs[delivery->input], delivery->items);
		state->delivered = entry;
		if (!run_counted(execution, node))
			break;
		rr_v0_deliver(execution, &order, node);
	}
}

/* rr_execution_run, inside the nesting bound */
static List *
run_plan(RrExecution *execution, List *input_items)
{
	RrPlan	   *plan = execution->plan;
	MemoryContext oldcontext = MemoryContextSwitchTo(execution->context);
	bool		durable = execution->adopt_step != NULL;
	List	   *stack = NIL;
	List	   *waiting = NIL;	/* nodes with an input that got nothing */
	List	   *result;
	OwnerScope	scope;
	int			i;

	check_owner(plan, durable);
	if (plan->has_side_effects)
		rr_check_node_search_path(rr_owner_role(plan->owner),
								  plan->workflow_name);
	if (execution->started_at == 0)
		execution->started_at = GetCurrentTimestamp();
	if (plan->timeout_ms > 0)
		execution->deadline = TimestampTzPlusMilliseconds(execution->started_at,
														  plan->timeout_ms);

	execution->states = palloc0(sizeof(RrNodeState) * Max(plan->nnodes, 1));
	execution->nruns = 0;
	for (i = 0; i < plan->nnodes; i++)
	{
		execution->states[i].inputs =
			palloc0(sizeof(List *) * Max(plan->nodes[i].ninputs, 1));
	}

	/* inside one transaction, one switch to the owner serves all nodes */
	if (!durable)
		enter_owner(plan, &scope);

	if (plan->legacy_order)
		run_v0(execution, input_items);
	else
		stack = first_ready(plan, execution->states, input_items);
	while (stack != NIL || waiting != NIL)
	{
		RrDelivery *entry;
		const RrPlanNode *node;
		RrNodeState *state;
		bool		waited = stack == NIL;

		/* nothing else left: the first node that waited runs now */
		if (waited)
		{
			stack = list_make1(linitial(waiting));
			waiting = list_delete_first(waiting);
		}
		entry = linitial(stack);
		node = &plan->nodes[entry->to];
		state = &execution->states[entry->to];
		stack = list_delete_first(stack);
		if (entry->check)
		{
			/* its connections in all resolved */
			if (state->done)
				continue;
			if (node->ninputs < 2 || !has_input(execution, node))
			{
				if (is_idle(execution->states, node))
					stack = push_ready(resolve(plan, execution->states, node,
											   NIL), stack);
				continue;
			}

			/*
			 * An input got nothing: as n8n, the node runs once nothing else
			 * is left to run, with [] for that input.
			 */
			if (!waited && !every_input_has_items(execution, node))
			{
				waiting = lappend(waiting, entry);
				continue;
			}
		}
		else
		{
			/* a node with one input: a run per delivery */
			execution->states[node->component].queued--;
			state->inputs[0] = entry->items;
			state->delivered = entry;
		}
		if (!run_counted(execution, node))
			break;
		stack = deliver(execution, node, stack);
	}

	if (!durable)
		leave_owner(&scope);

	result = final_items(execution);
	MemoryContextSwitchTo(oldcontext);
	return result;
}

void
rr_check_call_depth(const char *workflow, int level)
{
	if (level > rr_max_call_depth)
	{
		limit_passed = true;
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("workflow \"%s\" would nest executions deeper than %d levels",
						workflow, rr_max_call_depth),
				 errdetail("A node of a running workflow called a workflow again; this call would be level %d.",
						   level),
				 errhint("Look for a workflow that calls itself, directly or through others. reporunner.max_call_depth sets the limit.")));
	}
}

int
rr_running_level(void)
{
	return caller_level + call_depth +
		(background_run != NULL ? background_run->call_level - 1 : 0);
}

int
rr_enter_call_level(int level)
{
	int			saved = caller_level;

	/*
	 * Only what this process does not count already: Citus runs the call
	 * in the caller's own process when the owner's rows are on its node,
	 * with the caller's executions still running here.
	 */
	caller_level = Max(level - (rr_running_level() - caller_level), 0);
	return saved;
}

void
rr_leave_call_level(int saved)
{
	caller_level = saved;
}

int
rr_error_workflow_level(int failed_level)
{
	return Min(failed_level + 1, rr_max_call_depth);
}

int64
rr_check_queued_call_depth(const char *workflow, int *level)
{
	*level = rr_running_level() + 1;
	rr_check_call_depth(workflow, *level);
	return background_run != NULL ? background_run->id : 0;
}

List *
rr_execution_run(RrExecution *execution, List *input_items)
{
	int			saved_depth = call_depth;
	int			saved_guard = rr_node_guard_depth();
	List	   *volatile result = NIL;
	RrActivity	outer;

	if (call_depth == 0)
		limit_passed = false;
	/* a durable run is as deep as it was queued; others nest here */
	rr_check_call_depth(execution->plan->workflow_name,
						call_depth == 0 && execution->call_level > 0 ?
						execution->call_level : rr_running_level() + 1);
	if (call_depth == 0 && execution->adopt_step != NULL)
		background_run = execution;
	call_depth++;
	rr_activity_begin(execution, &outer);
	PG_TRY();
	{
		result = run_plan(execution, input_items);
	}
	PG_FINALLY();
	{
		/* after an error, the owner scopes left open are gone too */
		call_depth = saved_depth;
		if (call_depth == 0)
			background_run = NULL;
		rr_node_guard_reset(saved_guard);
		rr_activity_end(&outer);
	}
	PG_END_TRY();
	return result;
}

void
rr_check_limits(RrNodeRun *run)
{
	RrExecution *execution = run->execution;
	int64		items = 0;
	int			i;

	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < run->noutputs; i++)
		items += list_length(run->outputs[i]);
	if (items > rr_max_node_items)
	{
		limit_passed = true;
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("node \"%s\" of workflow \"%s\" emitted more than %d items",
						run->node->name, execution->plan->workflow_name,
						rr_max_node_items),
				 errhint("reporunner.max_node_items sets the limit.")));
	}
	rr_check_execution_memory(execution, run->node);
}

void
rr_check_execution_memory(const RrExecution *execution, const RrPlanNode *node)
{
	if (MemoryContextMemAllocated(execution->context, true) >
		(Size) rr_max_execution_memory * 1024)
	{
		limit_passed = true;
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("workflow \"%s\" used more than %d kB of memory at node \"%s\"",
						execution->plan->workflow_name,
						rr_max_execution_memory, node->name),
				 errhint("reporunner.max_execution_memory sets the limit.")));
	}
}

bool
rr_execution_limit_passed(void)
{
	return limit_passed;
}

void
rr_executor_init(void)
{
	DefineCustomIntVariable("reporunner.max_call_depth",
							"Most levels of workflows running one inside another.",
							"A node that calls execute() starts a nested execution; deeper nesting fails with SQLSTATE 54001.",
							&rr_max_call_depth,
							10,
							1,
							100,
							PGC_SUSET,
							0,
							NULL,
							NULL,
							NULL);
	DefineCustomIntVariable("reporunner.max_node_items",
							"Most items one run of a node may emit.",
							"A node that emits more fails its execution with SQLSTATE 54000.",
							&rr_max_node_items,
							1000000,
							1,
							PG_INT32_MAX,
							PGC_SUSET,
							0,
							NULL,
							NULL,
							NULL);
	DefineCustomIntVariable("reporunner.max_execution_memory",
							"Most memory one execution may hold for its items.",
							"An execution that needs more fails with SQLSTATE 54000, before the server runs out of memory.",
							&rr_max_execution_memory,
							1024 * 1024,
							1024,
							MAX_KILOBYTES,
							PGC_SUSET,
							GUC_UNIT_KB,
							NULL,
							NULL,
							NULL);
}

List *
rr_items_from_jsonb(Jsonb *input)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	List	   *items = NIL;

	if (JB_ROOT_IS_OBJECT(input))
		return list_make1(input);
	if (JB_ROOT_IS_SCALAR(input) || !JB_ROOT_IS_ARRAY(input))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("workflow input must be an array of objects or one object")));

	it = JsonbIteratorInit(&input->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token != WJB_ELEM)
			continue;
		if (list_length(items) % RR_LIMIT_CHECK_EVERY == 0)
			CHECK_FOR_INTERRUPTS();
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("workflow input item %d is not an object",
							list_length(items)),
					 errdetail("Items are JSON objects, such as {\"id\": 1}.")));
		items = lappend(items, JsonbValueToJsonb(&v));
	}
	return items;
}

Jsonb *
rr_items_to_jsonb(List *items)
{
	JsonbParseState *state = NULL;
	ListCell   *lc;

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, items)
		rr_push_jsonb(&state, WJB_ELEM, lfirst(lc));
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_ARRAY, NULL));
}

void
rr_push_jsonb(JsonbParseState **state, JsonbIteratorToken token, Jsonb *value)
{
	JsonbValue	binary;

	binary.type = jbvBinary;
	binary.val.binary.data = &value->root;
	binary.val.binary.len = VARSIZE(value) - VARHDRSZ;
	pushJsonbValue(state, token, &binary);
}

Jsonb *
rr_step_outputs_jsonb(const RrStep *step)
{
	JsonbParseState *state = NULL;
	const RrPlanNode *node = step->node;
	int			output;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (output = 0; output < node->noutputs; output++)
	{
		JsonbValue	key;
		ListCell   *lc;

		key.type = jbvString;
		key.val.string.val = node->output_names[output];
		key.val.string.len = strlen(node->output_names[output]);
		pushJsonbValue(&state, WJB_KEY, &key);
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		foreach(lc, step->outputs[output])
			rr_push_jsonb(&state, WJB_ELEM, lfirst(lc));
		pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

List **
rr_step_outputs_from_jsonb(const RrPlanNode *node, Jsonb *outputs)
{
	List	  **lists = palloc0(sizeof(List *) * Max(node->noutputs, 1));
	int			output;

	for (output = 0; output < node->noutputs; output++)
	{
		const char *name = node->output_names[output];
		JsonbValue *items = getKeyJsonValueFromContainer(&outputs->root, name,
														 strlen(name), NULL);
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken token;

		if (items == NULL || items->type != jbvBinary)
			continue;
		it = JsonbIteratorInit(items->val.binary.data);
		while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (token == WJB_ELEM)
				lists[output] = lappend(lists[output], JsonbValueToJsonb(&v));
		}
	}
	return lists;
}
