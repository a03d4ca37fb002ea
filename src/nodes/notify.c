/*-------------------------------------------------------------------------
 *
 * notify.c
 *		The "notify" node: sends a PostgreSQL NOTIFY for each item and
 *		passes the items on.
 *
 * The notification is queued in the current transaction, exactly as
 * pg_notify() queues it: listeners receive it when the transaction
 * commits, never if it rolls back, and identical notifications (same
 * channel and payload) of one transaction are delivered once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/async.h"
#include "miscadmin.h"
#include "nodes/node_util.h"
#include "utils/jsonb.h"

/* The node's private state. */
typedef struct NotifyState
{
	char	   *channel;		/* used as written, like pg_notify() */
	RrParam		payload;		/* absent: the item as JSON text */
} NotifyState;

/*
 * notify_execute
 *		Queue one notification per item, in order, and pass the items on.
 */
static void
notify_execute(RrNodeRun *run)
{
	NotifyState *state = (NotifyState *) run->node->state;
	ListCell   *lc;
	int			index = 0;

	foreach(lc, run->inputs[0])
	{
		Jsonb	   *item = (Jsonb *) lfirst(lc);
		char	   *payload;

		CHECK_FOR_INTERRUPTS();
		if (state->payload.value != NULL)
			payload = rr_value_text(rr_param_eval(&state->payload, run, item,
												  index));
		else
			payload = JsonbToCString(NULL, &item->root, VARSIZE(item));

		/* a payload of 8000 bytes or more fails here, as in pg_notify() */
		Async_Notify(state->channel, payload);
		rr_emit_paired(run, 0, item, index);
		index++;
	}
}

/*
 * notify_prepare
 *		Read the channel and compile the payload.
 */
static void *
notify_prepare(RrPlanNode *node)
{
	NotifyState *state = palloc0(sizeof(NotifyState));
	JsonbValue *channel = rr_node_param(node, "channel");

	if (channel == NULL || channel->type != jbvString)
		elog(ERROR, "node \"%s\" has no channel", node->name);
	state->channel = pnstrdup(channel->val.string.val,
							  channel->val.string.len);
	rr_param_compile(node, "payload", &state->payload);
	return state;
}

const RrNodeHandler rr_node_notify = {
	.side_effects = true,
	.prepare = notify_prepare,
	.execute = notify_execute,
};
