/*-------------------------------------------------------------------------
 *
 * split_in_batches.c
 *		The "split_in_batches" node, n8n's Loop Over Items (SplitInBatches
 *		v3): the items of its first run, a batch at a time.
 *
 * Outputs "done" (0) and "loop" (1).  Its first run (or any run while
 * "reset" is true, computed for the first item) keeps its input items and
 * emits the first "batch_size" of them on "loop".  Every later run adds
 * its input items (what came back from the loop) to the processed ones
 * and emits the next batch on "loop"; when no item is left, it emits all
 * the processed items on "done" instead.  A run after that, without
 * reset, adds its items to the processed ones and emits them all on
 * "done" again, as n8n's does.
 *
 * What it keeps from run to run is the node's context (RrNodeRun.context,
 * held by the executor for the execution), so a durable run that resumes
 * runs it again rather than adopting its steps (keeps_context).
 *
 * Paired items: the first batch comes from the first run's input items;
 * later batches and the "done" items come from runs before, which n8n
 * marks with a source overwrite and ours cannot say: they are emitted
 * as paired with no item (docs/n8n.md).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "nodes/node_util.h"
#include "utils/numeric.h"

/* What prepare compiles. */
typedef struct BatchesState
{
	int			batch_size;
	RrParam		reset;
} BatchesState;

/* What the node keeps across its runs in one execution. */
typedef struct BatchesContext
{
	List	   *items;			/* the first run's input items */
	int			next;			/* the first of them not emitted yet */
	List	   *processed;		/* what came back, in order */
} BatchesContext;

#define OUTPUT_DONE 0
#define OUTPUT_LOOP 1

static void *
split_in_batches_prepare(RrPlanNode *node)
{
	BatchesState *state = palloc0(sizeof(BatchesState));
	JsonbValue *size = rr_node_param(node, "batch_size");
	bool		overflow = false;

	/* n8n's default is 1; the validator checked it is an integer >= 1 */
	state->batch_size = 1;
	if (size != NULL && size->type == jbvNumeric)
	{
		state->batch_size = numeric_int4_opt_error(size->val.numeric, &overflow);
		if (overflow)
			state->batch_size = INT_MAX;
	}
	rr_param_compile(node, "reset", &state->reset);
	return state;
}

/* Whether "reset" holds for this run. */
static bool
wants_reset(BatchesState *state, RrNodeRun *run)
{
	JsonbValue *value;

	if (state->reset.value == NULL)
		return false;
	value = rr_param_eval(&state->reset, run, rr_first_item(run), 0);
	if (value != NULL && value->type != jbvBool && value->type != jbvNull)
		rr_param_type_error(run->node->name, "reset", "a boolean", value);
	return value != NULL && value->type == jbvBool && value->val.boolean;
}

static void
split_in_batches_execute(RrNodeRun *run)
{
	BatchesState *state = (BatchesState *) run->node->state;
	BatchesContext *context = *run->context;
	List	   *input = run->inputs[0];
	bool		first = context == NULL || wants_reset(state, run);
	int			end;
	int			i;

	if (first)
	{
		if (context == NULL)
			context = *run->context = palloc0(sizeof(BatchesContext));
		context->items = list_copy(input);
		context->next = 0;
		context->processed = NIL;
	}
	else
		context->processed = list_concat(context->processed, input);

	end = context->next + Min(state->batch_size,
							  list_length(context->items) - context->next);
	if (end == context->next)
	{
		/* nothing left: everything that came back, on "done" */
		for (i = 0; i < list_length(context->processed); i++)
			rr_emit_from(run, OUTPUT_DONE, list_nth(context->processed, i),
						 0, NULL);
		return;
	}
	for (i = context->next; i < end; i++)
	{
		if (first)
			rr_emit_paired(run, OUTPUT_LOOP, list_nth(context->items, i), i);
		else
			rr_emit_from(run, OUTPUT_LOOP, list_nth(context->items, i), 0, NULL);
	}
	context->next = end;
}

const RrNodeHandler rr_node_split_in_batches = {
	.side_effects = false,
	.keeps_context = true,
	.prepare = split_in_batches_prepare,
	.execute = split_in_batches_execute,
};
