/*-------------------------------------------------------------------------
 *
 * wait.c
 *		The "wait" node: pause a background execution.
 *
 * Params (one of the first three):
 *	for		a duration: go on that long after the node was reached;
 *	until	a time (text a timestamptz accepts, or an expression giving
 *			one, computed for the first item): go on then;
 *	resume	true: go on when reporunner.resume() is called, with its
 *			payload as the node's output;
 *	timeout	with resume: go on anyway after this long, with the input.
 *
 * The node does not sleep.  On its first run it asks the executor to
 * pause (run->suspend_until); the worker records the wake time and frees
 * itself, and the execution leaves the queue.  When the time comes (or
 * resume() is called) the execution is queued again, replays its journal,
 * and this node runs again: now past its time, it passes its input items
 * on.  A resume() writes the node's output itself, so the node is not run
 * again at all then.  Inside execute() a wait node is an error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/plan.h"
#include "document/document.h"
#include "engine/node_handler.h"
#include "expr/template.h"
#include "nodes/node_util.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

typedef struct WaitState
{
	int64_t		for_ms;			/* 0 when not given */
	RrParam		until;
	bool		resume;
	int64_t		timeout_ms;		/* 0 when not given */
} WaitState;

/* A duration param, or 0 when absent (the validator checked its form). */
static int64_t
duration_param(RrPlanNode *node, const char *name)
{
	int64_t		ms = 0;

	(void) rr_jsonb_duration(rr_node_param(node, name), &ms);
	return ms;
}

static void *
wait_prepare(RrPlanNode *node)
{
	WaitState  *state = palloc0(sizeof(WaitState));
	JsonbValue *resume = rr_node_param(node, "resume");
	int			given;

	state->for_ms = duration_param(node, "for");
	state->timeout_ms = duration_param(node, "timeout");
	rr_param_compile(node, "until", &state->until);
	state->resume = resume != NULL && resume->type == jbvBool &&
		resume->val.boolean;

	given = (state->for_ms > 0) + (state->until.value != NULL) +
		(state->resume ? 1 : 0);
	if (given != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" must have exactly one of the params \"for\", \"until\", \"resume\"",
						node->name),
				 errdetail("It has %d of them.", given)));
	if (state->timeout_ms > 0 && !state->resume)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("node \"%s\" param \"timeout\" needs \"resume\"",
						node->name),
				 errdetail("Only a wait for resume() can time out.")));
	return state;
}

/* When the pause that starts now ends. */
static TimestampTz
wake_time(WaitState *state, RrNodeRun *run)
{
	TimestampTz now = GetCurrentTimestamp();
	JsonbValue *until;
	char	   *text;

	if (state->for_ms > 0)
		return TimestampTzPlusMilliseconds(now, state->for_ms);
	if (state->resume)
		return state->timeout_ms > 0 ?
			TimestampTzPlusMilliseconds(now, state->timeout_ms) : DT_NOEND;

	until = rr_param_eval(&state->until, run, rr_first_item(run), 0);
	if (until == NULL || until->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("node \"%s\" param \"until\" must be a timestamp",
						run->node->name),
				 errdetail("It gave %s.", rr_value_type_phrase(until))));
	text = pnstrdup(until->val.string.val, until->val.string.len);
	return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
												   CStringGetDatum(text),
												   ObjectIdGetDatum(InvalidOid),
												   Int32GetDatum(-1)));
}

static void
wait_execute(RrNodeRun *run)
{
	WaitState  *state = (WaitState *) run->node->state;
	ListCell   *lc;

	/* first run: pause; woken too early: pause again */
	if (run->waiting_until == 0)
	{
		run->suspend_until = wake_time(state, run);
		return;
	}
	if (run->waiting_until > GetCurrentTimestamp())
	{
		run->suspend_until = run->waiting_until;
		return;
	}

	foreach(lc, run->inputs[0])
		rr_emit_paired(run, 0, (Jsonb *) lfirst(lc), foreach_current_index(lc));
}

const RrNodeHandler rr_node_wait = {
	.side_effects = false,
	.prepare = wait_prepare,
	.execute = wait_execute,
};
