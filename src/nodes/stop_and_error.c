/*-------------------------------------------------------------------------
 *
 * stop_and_error.c
 *		The "stop_and_error" node: fails with a message and a SQLSTATE of
 *		the workflow's choosing.
 *
 * The message is computed for the first item (for {} when the node got
 * none); a message that is not a string is shown as JSON.  The error's
 * SQLSTATE is "code", P0001 (raise_exception) by default.  The node has
 * no outputs: what follows a failure is the executor's on_error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/node_util.h"

/* What prepare compiles. */
typedef struct StopState
{
	RrParam		message;
	int			sqlstate;
} StopState;

/*
 * stop_prepare
 *		Compile the message; turn the code into a SQLSTATE.
 */
static void *
stop_prepare(RrPlanNode *node)
{
	StopState  *state = palloc0(sizeof(StopState));
	JsonbValue *code = rr_node_param(node, "code");

	rr_param_compile(node, "message", &state->message);

	/* the validator checked: five characters from 0-9 and A-Z */
	state->sqlstate = ERRCODE_RAISE_EXCEPTION;
	if (code != NULL && code->type == jbvString && code->val.string.len == 5)
	{
		const char *c = code->val.string.val;

		state->sqlstate = MAKE_SQLSTATE(c[0], c[1], c[2], c[3], c[4]);
	}
	return state;
}

/*
 * stop_execute
 *		Raise the error.
 */
static void
stop_execute(RrNodeRun *run)
{
	StopState  *state = (StopState *) run->node->state;
	JsonbValue *message = rr_param_eval(&state->message, run,
										rr_first_item(run), 0);
	char	   *text;

	if (message != NULL && message->type == jbvString)
		text = pnstrdup(message->val.string.val, message->val.string.len);
	else
		text = rr_value_to_text(message);

	/* the executor names the workflow and node, here and in error items */
	ereport(ERROR,
			(errcode(state->sqlstate),
			 errmsg("%s", text)));
}

const RrNodeHandler rr_node_stop_and_error = {
	.side_effects = false,
	.prepare = stop_prepare,
	.execute = stop_execute,
};
