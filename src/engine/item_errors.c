/*-------------------------------------------------------------------------
 *
 * item_errors.c
 *		on_error per item: a node whose on_error is continue or
 *		error_output handles a failure of one item and keeps the others'
 *		results, as n8n's If, Filter, Switch and Edit Fields do.
 *
 * A node type that supports it does the work of each item through
 * rr_item_attempt().  With on_error = stop that is a plain call.
 * Otherwise the item's work runs in a subtransaction of its own, so that
 * whatever it did is undone when it fails; the failure is returned as the
 * journal's error object and the node decides where the item goes (If:
 * to "false", Filter: dropped, Switch and Edit Fields: an error item,
 * rr_emit_item_error).  A failure that no on_error may absorb (a cancel,
 * a timeout, a limit, nesting too deep) is re-thrown and ends the node
 * run as before, where the executor applies on_error to the whole run.
 *
 * Runs in the transaction of the node run (the executor's subtransaction
 * when on_error is not stop).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "engine/executor.h"
#include "engine/item_errors.h"
#include "reporunner.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

bool
rr_error_is_absorbable(int sqlerrcode)
{
	/* a limit's own error: the flag stays up while a caught one unwinds */
	return sqlerrcode != ERRCODE_QUERY_CANCELED &&
		!((sqlerrcode == ERRCODE_PROGRAM_LIMIT_EXCEEDED ||
		   sqlerrcode == ERRCODE_STATEMENT_TOO_COMPLEX) &&
		  rr_execution_limit_passed());
}

Jsonb *
rr_item_attempt(RrNodeRun *run, RrItemWork work, void *arg)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	Jsonb	   *volatile error = NULL;

	if (run->node->on_error == RR_ON_ERROR_STOP)
	{
		work(arg);
		return NULL;
	}

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		work(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		if (!rr_error_is_absorbable(edata->sqlerrcode))
			ReThrowError(edata);
		error = rr_error_jsonb(run->node, edata);
		FreeErrorData(edata);
	}
	PG_END_TRY();
	return error;
}

void
rr_emit_item_error(RrNodeRun *run, Jsonb *error, int source_item)
{
	const RrPlanNode *node = run->node;
	int			output;
	JsonbValue	value;

	if (node->on_error == RR_ON_ERROR_OUTPUT)
		output = node->error_output;
	else if (run->noutputs > 0)
		output = 0;
	else
		return;

	rr_jsonb_value(error, &value);
	run->outputs[output] = lappend(run->outputs[output],
								   rr_jsonb_wrap("error", &value));
	rr_pairing_add(run, output, source_item);
	rr_item_done(run);
}
