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
 * at most reporunner.max_call_depth levels, counted along parent_id.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/execute.h"
#include "catalog/pg_type.h"
#include "catalog/store.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/node_util.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

typedef struct CallState
{
	char	   *workflow;
	Oid			owner;			/* InvalidOid: any the caller may run */
	int32		version;		/* 0: the active one */
	bool		wait;
	bool		per_item;
	RrParam		input;			/* absent: the item itself */
} CallState;

/* How deep the execution $1 is nested: 1 unless it is a sub-workflow */
#define SQL_CALL_LEVEL \
	"WITH RECURSIVE up AS (SELECT parent_id, mode FROM reporunner.execution" \
	" WHERE id = $1 UNION ALL SELECT e.parent_id, e.mode" \
	" FROM reporunner.execution e JOIN up ON e.id = up.parent_id" \
	" WHERE up.mode = 'subworkflow') SELECT count(*) FROM up"

/*
 * The calls of execution $1 with the keys $2, as far as they got, with
 * their numbers (the key's position in $2, from 0)
 */
#define SQL_CALLS \
	"SELECT pg_catalog.array_position($2, idempotency_key) - 1, id, status," \
	" output, error FROM reporunner.execution WHERE parent_id = $1" \
	" AND idempotency_key = ANY ($2)"

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
		Jsonb	   *result = rr_run_in_caller(plan, "subworkflow", lfirst(lc),
											  plan->save, GetUserId(), 0,
											  run->execution->id);

		emit_call_items(state, run, result, foreach_current_index(lc));
	}
}

/* The idempotency key of call number call of this node run. */
static char *
call_key(RrNodeRun *run, int call)
{
	return psprintf("subworkflow " INT64_FORMAT " %d %d %s",
					run->execution->id, run->attempt, call, run->node->name);
}

/*
 * Read the journal as the tables' owner: this execution's own rows, which
 * its owner may not see when the sub-workflow has another owner.  Not
 * kept: a generic plan made on a small journal would scan it whole.
 */
static void
run_as_owner(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	Oid			save_userid;
	int			save_sec_context;

	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run(sql, nargs, argtypes, values, SPI_OK_SELECT);
	rr_store_restore_user(save_userid, save_sec_context);
}

/* Refuse a background call that would nest too deep. */
static void
check_call_level(CallState *state, RrNodeRun *run)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	int			nestlevel;
	bool		isnull;
	int64		level;

	values[0] = Int64GetDatum(run->execution->id);
	nestlevel = rr_store_begin();
	run_as_owner(SQL_CALL_LEVEL, 1, argtypes, values);
	level = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	rr_store_end(nestlevel);
	rr_check_call_depth(state->workflow, (int) level + 1);
}

/*
 * Queue every call for the workers: waited for (with a key) or not; in a
 * background run, as children of this execution.
 */
static void
queue_calls(RrNodeRun *run, RrPlan *plan, List *calls, bool waited)
{
	ListCell   *lc;

	rr_worker_wake_at_commit();
	foreach(lc, calls)
		(void) rr_journal_enqueue(&(RrEnqueue) {
			.workflow_id = plan->workflow_id,
				.version = plan->version,
				.owner = plan->owner,
				.input = rr_items_to_jsonb(lfirst(lc)),
				.idempotency_key = waited ?
				call_key(run, foreach_current_index(lc)) : NULL,
				.caller = GetUserId(),
				.ready_at = GetCurrentTimestamp(),
				.mode = "subworkflow",
				.parent_id = run->execution->id
		});
}

/*
 * Raise the failure of a call that failed or was canceled: its own
 * message, which names its workflow and node, as a failure inside
 * execute() would read.
 */
static pg_attribute_noreturn() void
call_failed(CallState *state, int64 id, const char *status, Jsonb *error)
{
	JsonbValue *message;
	JsonbValue *sqlstate;
	int			code = ERRCODE_EXTERNAL_ROUTINE_EXCEPTION;

	if (strcmp(status, "canceled") == 0 || error == NULL)
		ereport(ERROR,
				(errcode(code),
				 errmsg("sub-workflow \"%s\" was %s", state->workflow, status),
				 errdetail("Its execution is " INT64_FORMAT ".", id)));

	message = getKeyJsonValueFromContainer(&error->root, "message", 7, NULL);
	sqlstate = getKeyJsonValueFromContainer(&error->root, "sqlstate", 8, NULL);

	/*
	 * Its SQLSTATE, but for a cancel or timeout (class 57), which would
	 * read as an interrupt of this execution rather than a failure.
	 */
	if (sqlstate != NULL && sqlstate->type == jbvString &&
		sqlstate->val.string.len == 5 &&
		strncmp(sqlstate->val.string.val, "57", 2) != 0)
	{
		const char *c = sqlstate->val.string.val;

		code = MAKE_SQLSTATE(c[0], c[1], c[2], c[3], c[4]);
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg("%.*s",
					message != NULL && message->type == jbvString ? message->val.string.len : 0,
					message != NULL && message->type == jbvString ? message->val.string.val : ""),
			 errdetail("Sub-workflow \"%s\" failed in execution " INT64_FORMAT ".",
					   state->workflow, id)));
}

/*
 * Collect the results of the queued calls, once all of them ended: true
 * when they have (the results emitted), false when some still run.
 */
static bool
collect_calls(CallState *state, RrNodeRun *run, int ncalls)
{
	Oid			argtypes[2] = {INT8OID, TEXTARRAYOID};
	Datum		values[2];
	Datum	   *keys = palloc(sizeof(Datum) * ncalls);
	Jsonb	  **outputs = palloc0(sizeof(Jsonb *) * ncalls);
	MemoryContext caller = CurrentMemoryContext;
	int			nestlevel;
	uint64		row;
	int			call;

	for (call = 0; call < ncalls; call++)
		keys[call] = CStringGetTextDatum(call_key(run, call));
	values[0] = Int64GetDatum(run->execution->id);
	values[1] = PointerGetDatum(construct_array(keys, ncalls, TEXTOID, -1,
												false, TYPALIGN_INT));
	nestlevel = rr_store_begin();
	run_as_owner(SQL_CALLS, 2, argtypes, values);
	if (SPI_processed != (uint64) ncalls)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%d of the %d calls of sub-workflow \"%s\" are missing",
						ncalls - (int) SPI_processed, ncalls, state->workflow),
				 errdetail("Their executions were deleted before they were collected.")));
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *status = SPI_getvalue(tuple, desc, 3);
		bool		isnull;
		Datum		value;

		if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0 ||
			strcmp(status, "waiting") == 0)
		{
			rr_store_end(nestlevel);
			return false;
		}
		if (strcmp(status, "succeeded") != 0)
		{
			int64		id = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
			Jsonb	   *error;

			value = SPI_getbinval(tuple, desc, 5, &isnull);
			error = isnull ? NULL : DatumGetJsonbPCopy(value);
			status = pstrdup(status);
			call_failed(state, id, status, error);
		}
		call = DatumGetInt32(SPI_getbinval(tuple, desc, 1, &isnull));
		value = SPI_getbinval(tuple, desc, 4, &isnull);
		if (!isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(caller);

			outputs[call] = DatumGetJsonbPCopy(value);
			MemoryContextSwitchTo(old);
		}
	}
	rr_store_end(nestlevel);

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

		if (!collect_calls(state, run, ncalls))
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
	if (background)
		check_call_level(state, run);
	queue_calls(run, plan, calls, state->wait);
	if (state->wait)
	{
		/* calls made before (their keys reused) may have ended already */
		if (!collect_calls(state, run, list_length(calls)))
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
