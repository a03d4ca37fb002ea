/*-------------------------------------------------------------------------
 *
 * durable_run.c
 *		One execution run by a background worker, durably: the hooks the
 *		executor calls between nodes, and what happens when it fails.
 *
 * The worker's queue (src/engine/queue.c) claims a batch of executions and
 * hands them here one at a time (rr_durable_run_member), in the claiming
 * transaction.  Here the executor runs the execution's plan with hooks
 * that make it durable:
 *
 *	- every node run leaves a step row; pure nodes' steps are written, in
 *	  one statement, with the next commit, so a batch of pure executions
 *	  is claimed, run and ended in one transaction;
 *	- a node with side effects (a sql step) first commits what came before
 *	  it (the rest of the batch then goes back to the queue), and then
 *	  commits together with its step row, before the next node runs (or
 *	  with the execution's end, when it was the last), so its effects
 *	  happen exactly once, and no claim is held while it waits on the
 *	  world outside;
 *	  while an http node waits for responses, no transaction is open at
 *	  all (release_transaction, resume_transaction);
 *	- a node that may defer its work (an http node, rr_node_deferrable)
 *	  does not commit first: the run stops there, parked (park), and
 *	  src/engine/rounds.c commits the batch's parked runs at once, does
 *	  their work together and carries them on (rr_durable_resume_member,
 *	  in subtransactions of one transaction, where a run stops rather than
 *	  commits);
 *	- a node whose step row is already committed (an earlier attempt of
 *	  this execution, cut short by a crash or a restart) is not run again:
 *	  its journaled outputs are adopted, so the execution resumes from its
 *	  last committed step;
 *	- the end (or the failure) of the execution, its unsaved steps, the
 *	  removal of its queue row and a pg_notify on channel
 *	  reporunner_execution (of its id only) commit together.
 *
 * Transactions: a run may commit the batch's transaction between two
 * nodes (commit_run) and leaves one open at its end.  A failure rolls
 * back the whole transaction: the failed execution's outcome (requeued,
 * retried later, or failed) is then recorded in a new one, and the
 * executions that had ended in the rolled-back one are back in the queue,
 * to run again.  Nothing raised while recording a failure stops the
 * worker.  Every row is written by src/engine/journal.c; this file only
 * reads the journal.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "catalog/owner_role.h"
#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "engine/batch.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "engine/pairing.h"
#include "engine/packed_rows.h"
#include "engine/retry_policy.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "reporunner.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "webhook/webhook.h"

/* The journaled steps of an execution's earlier attempts ($1, owner $2) */
#define SQL_LOAD_STEPS \
	"SELECT node, status, output, error, started_at, finished_at, attempt," \
	" retry_at, paired, run_index" \
	" FROM reporunner.step_journal WHERE execution_id = $1 AND owner = $2"
#define SQL_STATUS \
	"SELECT status FROM reporunner.execution WHERE id = $1 AND owner = $2"

static SPIPlanPtr load_steps_plan = NULL;
static SPIPlanPtr status_plan = NULL;

/* A journaled step of an earlier attempt, adopted instead of rerun. */
typedef struct JournaledStep
{
	char	   *node;
	int			run_index;		/* which run of the node */
	bool		retrying;		/* failed; runs again as attempt + 1 */
	bool		waiting;		/* paused; runs again when woken */
	TimestampTz wake_at;		/* when a paused step wakes; DT_NOEND: never */
	int			attempt;
	RrStepStatus status;
	Jsonb	   *outputs;
	Jsonb	   *paired;			/* NULL: item i came from input item i */
	Jsonb	   *error;
	TimestampTz started_at;
	TimestampTz finished_at;
} JournaledStep;

/* State of the execution a worker is running, for its hooks. */
typedef struct DurableRun
{
	RrExecution execution;		/* first: the hooks get this pointer */
	Batch	   *batch;
	List	   *journaled;		/* JournaledStep * */
	List	   *done;			/* RrStep * run in this process, adopted when
								 * a stopped run goes on */
	List	   *unsaved;		/* RrStep * run since the last save */
	List	   *input_items;	/* its input, for running the plan again */
	TimestampTz began;			/* when this process took it up (again) */
	bool		started;		/* its running state is committed */
	bool		stepped_aside;	/* its owner's executions held every worker
								 * they may: it went back to the queue */
	bool		canceled;		/* cancel() stopped it between two nodes */
	bool		effects_pending;	/* a node with side effects ran since the
									 * last commit */
	char	   *workflow;		/* its name, for messages and notifications */
	Oid			owner;			/* its workflow's owner, named in every
								 * statement on its rows */
} DurableRun;

static RrStepStatus
parse_step_status(const char *text)
{
	if (strcmp(text, "failed") == 0)
		return RR_STEP_FAILED;
	if (strcmp(text, "skipped") == 0)
		return RR_STEP_SKIPPED;
	return RR_STEP_SUCCEEDED;
}

/*
 * The run of the node the executor is at (its next run, or the one that
 * failed): steps are journaled by (node, run_index).
 */
static int
run_index_of(DurableRun *run, const RrPlanNode *node)
{
	return run->execution.states != NULL ?
		run->execution.states[node->index].runs : 0;
}

/* Whether a journaled step is of that run of the node. */
static bool
is_run_of(DurableRun *run, JournaledStep *journaled, const RrPlanNode *node)
{
	return journaled->run_index == run_index_of(run, node) &&
		strcmp(journaled->node, node->name) == 0;
}

/*
 * The attempt a run of the node is: 1, one more than its last retry, or
 * the attempt that paused, which goes on.
 */
static int
next_attempt(DurableRun *run, const RrPlanNode *node)
{
	ListCell   *lc;

	foreach(lc, run->journaled)
	{
		JournaledStep *journaled = lfirst(lc);

		if (!is_run_of(run, journaled, node))
			continue;
		if (journaled->retrying)
			return journaled->attempt + 1;
		if (journaled->waiting)
			return journaled->attempt;
	}
	return 1;
}

/* next_attempt hook: the same, for the executor. */
static int
attempt_hook(RrExecution *execution, const RrPlanNode *node)
{
	return next_attempt((DurableRun *) execution, node);
}

/* The owner of the run's workflow, as claimed (before its plan loads) */
static Oid
run_owner(DurableRun *run)
{
	return run->owner;
}

/* Write the steps run since the last save, in one statement. */
static void
save_steps(DurableRun *run)
{
	rr_journal_save_steps(run->execution.id, run_owner(run), run->unsaved);
	run->unsaved = NIL;
}

/*
 * Before the run is first marked running (leased, counting against its
 * owner's reporunner.max_workers_per_owner): take a worker slot of its
 * owner.  When other workers hold them all, the run steps aside instead
 * (rr_batch_hold_back, in the open transaction), with nothing of it
 * written, and false is returned: its pure steps run again when it is
 * claimed again.
 */
static bool
may_start(DurableRun *run)
{
	ClaimedExecution *member = &run->batch->members[run->batch->current];

	if (run->started || rr_batch_take_owner_slot(member))
		return true;
	rr_batch_hold_back(member);
	run->stepped_aside = true;
	return false;
}

/*
 * Commit what the run has done so far, with its unsaved steps.  The first
 * commit of a run also records it running, by this process, unless it
 * must step aside (may_start: then false, and nothing is committed).
 * Once that is committed, no other member of the batch needs this
 * transaction: the ones that ran are done, the rest go back to the queue
 * for any worker.
 */
static bool
commit_run(DurableRun *run)
{
	if (!may_start(run))
		return false;
	save_steps(run);
	if (!run->started)
		rr_journal_start_running(run->execution.id, run_owner(run),
								 run->execution.started_at);
	rr_batch_commit(run->batch, run->execution.context);
	run->started = true;
	run->effects_pending = false;
	return true;
}

/* Whether cancel() has canceled the execution; sets run->canceled. */
static void
check_canceled_quietly(DurableRun *run)
{
	Oid			argtypes[2] = {INT8OID, OIDOID};
	Datum		values[2];
	int			nestlevel;

	values[0] = Int64GetDatum(run->execution.id);
	values[1] = ObjectIdGetDatum(run_owner(run));
	nestlevel = rr_store_begin();
	rr_store_run_kept(&status_plan, SQL_STATUS, 2, argtypes, values, NULL,
					  SPI_OK_SELECT);
	run->canceled = SPI_processed == 1 &&
		strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
			   "canceled") == 0;
	rr_store_end(nestlevel);
}

/*
 * Stop between two nodes when cancel() has canceled the execution.  Until
 * the run's first commit, its queue row is locked by this transaction,
 * which cancel() waits for: there is nothing to check.
 */
static void
check_canceled(DurableRun *run)
{
	if (!run->started)
		return;
	check_canceled_quietly(run);
	if (run->canceled)
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg("execution " INT64_FORMAT " was canceled",
						run->execution.id)));
}

/* Say in pg_stat_activity what the worker runs: the execution, the node */
static void
report_activity(DurableRun *run, const RrPlanNode *node)
{
	char	   *activity;

	if (node == NULL)
		activity = psprintf("reporunner: workflow \"%s\" execution " INT64_FORMAT,
							run->workflow, run->execution.id);
	else
		activity = psprintf("reporunner: workflow \"%s\" execution " INT64_FORMAT " node \"%s\"",
							run->workflow, run->execution.id, node->name);
	pgstat_report_activity(STATE_RUNNING, activity);
	pfree(activity);
}

/*
 * adopt_step hook, called before every node: the journaled outcome of
 * the node, if any.  A node that is to run with side effects first gets a
 * transaction of its own (it may wait on the world outside, and its
 * effects commit with its step alone); so does any node after a node with
 * side effects (whose effects and step commit before it runs), and any
 * node after a long stretch of pure ones.
 */
static RrStep *
adopt_journaled_step(RrExecution *execution, const RrPlanNode *node)
{
	DurableRun *run = (DurableRun *) execution;
	Batch	   *batch = run->batch;
	int			run_index = run_index_of(run, node);
	ListCell   *lc;

	/* a node that keeps a context runs again, to rebuild it */
	foreach(lc, run->done)
	{
		RrStep	   *step = lfirst(lc);

		if (step->node == node && step->run_index == run_index &&
			!node->handler->keeps_context)
			return step;
	}
	foreach(lc, run->journaled)
	{
		JournaledStep *journaled = lfirst(lc);
		RrStep	   *step;

		if (!is_run_of(run, journaled, node) || journaled->retrying ||
			journaled->waiting || node->handler->keeps_context)
			continue;
		step = palloc0(sizeof(RrStep));
		step->node = node;
		step->status = journaled->status;
		step->attempt = journaled->attempt;
		step->outputs = rr_step_outputs_from_jsonb(node, journaled->outputs);
		step->paired = rr_pairing_from_jsonb(execution, node, journaled->paired,
											 step->outputs);
		step->error = journaled->error;
		step->started_at = journaled->started_at;
		step->finished_at = journaled->finished_at;
		return step;
	}

	/*
	 * A node that may defer its work (an http request) does so, with no
	 * commit before it: the batch commits once for all its parked
	 * executions before their work is done (src/engine/rounds.c).
	 */
	if (execution->deferred_node == node)
		;						/* it goes on with its work done */
	else if (rr_node_deferrable(execution, node))
		execution->defer_next = true;
	else if (batch->uncommitted &&
			 (rr_node_has_effects(node) || run->effects_pending ||
			  TimestampDifferenceExceeds(Max(batch->began, run->began),
										 GetCurrentTimestamp(),
										 RR_PURE_STRETCH_MS)))
	{
		/*
		 * In a subtransaction nothing commits: go on after the next commit.
		 * A run that steps aside stops here.
		 */
		if (batch->in_subtransactions || !commit_run(run))
		{
			execution->stopped = true;
			return NULL;
		}
	}
	report_activity(run, node);
	return NULL;
}

/* waiting_until hook: when the node's earlier run asked to be woken. */
static TimestampTz
journaled_wake(RrExecution *execution, const RrPlanNode *node)
{
	DurableRun *run = (DurableRun *) execution;
	ListCell   *lc;

	foreach(lc, run->journaled)
	{
		JournaledStep *journaled = lfirst(lc);

		if (journaled->waiting && is_run_of(run, journaled, node))
			return journaled->wake_at;
	}
	return 0;
}

/*
 * suspend hook: the node pauses the execution.  Its step keeps the node's
 * input, the execution leaves the queue and waits for its time (or for
 * resume()); the worker is free once this commits.
 */
static void
suspend_execution(RrExecution *execution, RrStep *step)
{
	DurableRun *run = (DurableRun *) execution;

	save_steps(run);
	rr_journal_suspend(execution->id, execution->plan->owner, step,
					   execution->started_at);
}

/*
 * step_done hook: note the node run for the journal.  Pure nodes' steps
 * are written with the next commit; a node with side effects commits with
 * its step before anything else runs (the next node, or the end of the
 * execution, which then commits with it), so a crash can never repeat or
 * lose its effects, and no node that fails after it can undo them.
 */
static void
journal_step(RrExecution *execution, RrStep *step)
{
	DurableRun *run = (DurableRun *) execution;
	MemoryContext old;
	ListCell   *lc;

	/* a node run again to rebuild its context: its step is kept already */
	if (step->node->handler->keeps_context)
	{
		foreach(lc, run->done)
		{
			RrStep	   *done = lfirst(lc);

			if (done->node == step->node && done->run_index == step->run_index)
				return;
		}
		foreach(lc, run->journaled)
		{
			JournaledStep *journaled = lfirst(lc);

			if (journaled->run_index == step->run_index &&
				strcmp(journaled->node, step->node->name) == 0 &&
				!journaled->retrying && !journaled->waiting)
				return;
		}
	}
	old = MemoryContextSwitchTo(execution->context);
	run->unsaved = lappend(run->unsaved, step);
	run->done = lappend(run->done, step);
	MemoryContextSwitchTo(old);
	run->batch->uncommitted = true;
	if (rr_node_has_effects(step->node))
		run->effects_pending = true;
	check_canceled(run);
}

/*
 * release_transaction hook: a node waits for the world outside (HTTP
 * responses) with no transaction open.  The node runs in a transaction
 * of its own (adopt_journaled_step committed what came before), so the
 * open one holds nothing unless the run wrote since.
 */
static bool
release_transaction(RrExecution *execution)
{
	DurableRun *run = (DurableRun *) execution;

	if (run->batch->uncommitted || run->unsaved != NIL)
		return false;
	rr_batch_commit_transaction();
	return true;
}

/* resume_transaction hook: the node goes on in a new transaction. */
static void
resume_transaction(RrExecution *execution)
{
	DurableRun *run = (DurableRun *) execution;

	rr_batch_begin_transaction();
	run->batch->began = GetCurrentTimestamp();
}

/*
 * Finish the execution with its unsaved steps: status, output or error,
 * queue row, notification; and, for a sub-workflow, wake the execution
 * that waits for it if it was the last one; for one a webhook started,
 * the webhook listener, which may wait to answer with its output.
 */
static void
finish_execution(DurableRun *run, const char *status, Jsonb *output,
				 Jsonb *error)
{
	bool		steps_journaled = run->started || run->journaled != NIL;
	bool		finished;

	finished = rr_journal_finish(run->execution.id, run_owner(run),
								 run->unsaved, steps_journaled, status, output,
								 error, run->execution.started_at);
	if (finished && strcmp(run->execution.mode, "subworkflow") == 0)
		(void) rr_journal_wake_parent(run->execution.id, run_owner(run));
	else if (finished && strcmp(run->execution.mode, "webhook") == 0)
		rr_webhook_wake_at_commit();
	run->unsaved = NIL;
}

/*
 * Set up the claimed execution's run: its input items, its plan, and what
 * its earlier attempts journaled.
 */
static void
load_execution(DurableRun *run, ClaimedExecution *member, List **input_items)
{
	RrExecution *execution = &run->execution;
	MemoryContext old;

	old = MemoryContextSwitchTo(execution->context);
	if (execution->started_at == 0)
		execution->started_at = member->started_at;
	execution->plan = rr_plan_get(member->workflow_id, member->version,
								  member->owner, member->workflow);
	rr_check_run_as(rr_owner_role(member->created_by),
					rr_owner_role(execution->plan->owner),
					member->workflow_id, member->workflow, true,
					RR_RUN_WORKER);
	if (member->input_rows != NULL)
	{
		/* a statement's rows, kept as they were: its items from now on */
		*input_items = rr_rows_unpack(member->input_rows);
		execution->input = rr_items_to_jsonb(*input_items);
		rr_journal_unpacked_input(member->id, member->owner, execution->input);
	}
	else
	{
		execution->input = member->input;
		*input_items = rr_items_from_jsonb(execution->input);
	}
	MemoryContextSwitchTo(old);

	/*
	 * Steps are journaled in the transactions that set started_at
	 * (commit_run, suspend, retry, requeue), or copied by retry().
	 */
	if (member->started_at != 0 || strcmp(member->mode, "retry") == 0)
	{
		Oid			argtypes[2] = {INT8OID, OIDOID};
		Datum		values[2];
		uint64		row;
		int			nestlevel;

		values[0] = Int64GetDatum(member->id);
		values[1] = ObjectIdGetDatum(member->owner);
		nestlevel = rr_store_begin();
		rr_store_run_kept(&load_steps_plan, SQL_LOAD_STEPS, 2, argtypes,
						  values, NULL, SPI_OK_SELECT);
		old = MemoryContextSwitchTo(execution->context);
		for (row = 0; row < SPI_processed; row++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[row];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			JournaledStep *step = palloc0(sizeof(JournaledStep));
			char	   *status = SPI_getvalue(tuple, desc, 2);
			bool		isnull;
			Datum		value;

			step->node = SPI_getvalue(tuple, desc, 1);
			step->run_index = DatumGetInt32(SPI_getbinval(tuple, desc, 10, &isnull));
			step->retrying = strcmp(status, "retrying") == 0;
			step->waiting = strcmp(status, "waiting") == 0;
			value = SPI_getbinval(tuple, desc, 8, &isnull);
			step->wake_at = isnull ? DT_NOEND : DatumGetTimestampTz(value);
			step->status = parse_step_status(status);
			step->attempt = DatumGetInt32(SPI_getbinval(tuple, desc, 7, &isnull));
			value = SPI_getbinval(tuple, desc, 3, &isnull);
			step->outputs = isnull ? rr_jsonb_empty_object() :
				DatumGetJsonbPCopy(value);
			value = SPI_getbinval(tuple, desc, 4, &isnull);
			step->error = isnull ? NULL : DatumGetJsonbPCopy(value);
			value = SPI_getbinval(tuple, desc, 9, &isnull);
			step->paired = isnull ? NULL : DatumGetJsonbPCopy(value);
			step->started_at = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 5, &isnull));
			step->finished_at = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 6, &isnull));
			run->journaled = lappend(run->journaled, step);
		}
		MemoryContextSwitchTo(old);
		rr_store_end(nestlevel);
	}
}

/*
 * Start the failed execution's error workflow (settings.error_workflow),
 * found among its owner's workflows, with the failure as input.
 */
static void
start_error_workflow(RrExecution *execution, const char *workflow,
					 const RrPlanNode *node, Jsonb *error)
{
	RrPlan	   *plan = execution->plan;
	StringInfoData input;

	/* an error workflow that fails starts none: no loops between two */
	if (plan == NULL || plan->error_workflow == NULL ||
		strcmp(plan->error_workflow, workflow) == 0 ||
		strcmp(execution->mode, "error") == 0)
		return;
	initStringInfo(&input);
	appendStringInfo(&input, "[{\"execution\": " INT64_FORMAT ", \"workflow\": ",
					 execution->id);
	escape_json(&input, workflow);
	appendStringInfoString(&input, ", \"node\": ");
	if (node != NULL)
		escape_json(&input, node->name);
	else
		appendStringInfoString(&input, "null");
	appendStringInfoString(&input, ", \"error\": ");
	(void) JsonbToCString(&input, &error->root, VARSIZE(error));
	appendStringInfoString(&input, "}]");

	if (!rr_journal_start_error_workflow(plan->owner, plan->error_workflow,
										 DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																			CStringGetDatum(input.data))),
										 execution->id, execution->call_level))
		ereport(LOG,
				(errmsg("error workflow \"%s\" of workflow \"%s\" does not exist or has no active version",
						plan->error_workflow, workflow)));
}

/*
 * The abort undid the effects of the steps run since the last commit.  A
 * step with side effects among them did not happen after all, so it must
 * not be journaled as done: it runs again when the execution resumes.
 * (cancel() interrupts the worker before its own commit, so the worker can
 * still see the execution running and journal what it has done.)
 */
static void
forget_undone_steps(DurableRun *run)
{
	MemoryContext old = MemoryContextSwitchTo(run->execution.context);
	List	   *kept = NIL;
	ListCell   *lc;

	foreach(lc, run->unsaved)
	{
		RrStep	   *step = lfirst(lc);

		if (!rr_node_has_effects(step->node))
			kept = lappend(kept, step);
	}
	run->unsaved = kept;
	MemoryContextSwitchTo(old);
}

/*
 * After the transaction (or subtransaction) that ran it aborted, record
 * what became of an execution that failed, in the open transaction:
 * interrupted, retried later, or failed.  A cancel (the query cancel
 * cancel() sends, or a stray one) of an execution that is not canceled
 * just interrupts it: it goes back into the queue and resumes from its
 * last committed step.  A node with tries left runs again later; else the
 * execution fails.  The steps that ran before the failure are journaled
 * in every case.
 */
static void
record_outcome(DurableRun *run, ErrorData *edata)
{
	RrExecution *execution = &run->execution;
	const RrPlanNode *node = execution->running;
	int64		delay_ms;
	bool		interrupted;
	Jsonb	   *error;

	forget_undone_steps(run);
	interrupted = edata->sqlerrcode == ERRCODE_QUERY_CANCELED &&
		!execution->timed_out;
	if (interrupted && !run->canceled)
		check_canceled_quietly(run);
	error = rr_error_jsonb(node, edata);
	if (run->canceled)
		;						/* cancel() has recorded everything */
	else if (interrupted)
	{
		save_steps(run);
		rr_journal_requeue(execution->id, run_owner(run), execution->started_at);
	}
	else if (node != NULL &&
			 rr_retry_delay(node, next_attempt(run, node), &delay_ms))
	{
		save_steps(run);
		rr_journal_retry_later(execution->id, node->name,
							   run_index_of(run, node), run_owner(run),
							   next_attempt(run, node), error, delay_ms,
							   execution->started_at);
	}
	else
	{
		if (node != NULL)
		{
			RrStep	   *step = palloc0(sizeof(RrStep));

			step->node = node;
			step->run_index = run_index_of(run, node);
			step->status = RR_STEP_FAILED;
			step->attempt = next_attempt(run, node);
			step->error = error;
			step->started_at = step->finished_at = GetCurrentTimestamp();
			run->unsaved = lappend(run->unsaved, step);
		}
		finish_execution(run, "failed", NULL, error);
		start_error_workflow(execution, run->workflow, node, error);
	}
}

/*
 * Begin, and end, the transaction a failure is recorded in: a transaction
 * of its own, or a subtransaction of the open one (in_transaction).
 */
static void
begin_recording(bool in_transaction)
{
	if (in_transaction)
		BeginInternalSubTransaction(NULL);
	else
		rr_batch_begin_transaction();
}

static void
end_recording(bool in_transaction, bool commit, ResourceOwner owner)
{
	if (!in_transaction)
	{
		if (commit)
			rr_batch_commit_transaction();
		else
			AbortCurrentTransaction();
		return;
	}
	if (commit)
		ReleaseCurrentSubTransaction();
	else
		RollbackAndReleaseCurrentSubTransaction();
	CurrentResourceOwner = owner;
}

/*
 * Record the outcome of a failed execution (record_outcome), in a
 * transaction of its own, or in the open one (in_transaction, for an
 * execution that ran in a subtransaction of it).  Nothing raised on the
 * way may stop the worker: if recording fails in turn, the execution
 * fails with an error that says so, holding only the SQLSTATE and both
 * messages (cut short), without its unsaved steps.  Only when even that
 * cannot be written does the error escape.
 */
static void
record_failure(DurableRun *run, ErrorData *edata, bool in_transaction)
{
	MemoryContext context = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	PG_TRY();
	{
		begin_recording(in_transaction);
		MemoryContextSwitchTo(context);
		record_outcome(run, edata);
		end_recording(in_transaction, true, owner);
		MemoryContextSwitchTo(context);
	}
	PG_CATCH();
	{
		ErrorData  *recording;
		ErrorData	fallback;

		MemoryContextSwitchTo(context);
		recording = CopyErrorData();
		FlushErrorState();
		end_recording(in_transaction, false, owner);
		MemoryContextSwitchTo(context);
		ereport(LOG,
				(errmsg("could not record the failure of execution " INT64_FORMAT,
						run->execution.id),
				 errdetail("%s", recording->message ? recording->message : "")));
		memset(&fallback, 0, sizeof(fallback));
		fallback.sqlerrcode = edata->sqlerrcode;
		fallback.message = edata->message;
		fallback.detail = psprintf("Recording this failure failed: %s",
								   recording->message ? recording->message : "");
		run->unsaved = NIL;
		if (!in_transaction)
			rr_batch_begin_transaction();
		finish_execution(run, "failed", NULL,
						 rr_error_jsonb(run->execution.running, &fallback));
		if (!in_transaction)
			rr_batch_commit_transaction();
	}
	PG_END_TRY();
}

/*
 * Park a run that stopped (before a node that must wait for a commit, or
 * at a node that deferred its work): what it did so far is written in the
 * open transaction, with the execution running by this process, so that
 * the next commit makes it durable; the batch keeps it claimed across
 * commits (rr_batch_commit), and src/engine/rounds.c carries it on.
 * A run that stepped aside (may_start) is not parked.
 */
static void
park(DurableRun *run)
{
	ClaimedExecution *member = &run->batch->members[run->batch->current];

	if (run->stepped_aside || !may_start(run))
		return;
	save_steps(run);
	if (!run->started)
		rr_journal_start_running(run->execution.id, run_owner(run),
								 run->execution.started_at);
	run->started = true;
	run->effects_pending = false;
	member->parked = &run->execution;
	run->batch->parked_any = true;
}

/*
 * Run the plan (again: the steps run so far are adopted) to the end, a
 * pause or a stop, and record which in the open transaction.
 */
static void
run_plan_durably(DurableRun *run)
{
	RrExecution *execution = &run->execution;
	List	   *result;

	run->began = GetCurrentTimestamp();
	execution->stopped = false;
	execution->running = NULL;
	execution->steps = NIL;
	execution->any_failed = false;
	result = rr_execution_run(execution, run->input_items);
	MemoryContextSwitchTo(execution->context);
	if (execution->stopped)
		park(run);
	else if (!execution->suspended)
		finish_execution(run, "succeeded", rr_items_to_jsonb(result), NULL);
	run->batch->uncommitted = true;
}

/*
 * Whether the members of the batch after the current one that are still
 * claimed all run the current one's workflow version: they wait for its
 * plan anyway.
 */
static bool
rest_shares_plan(Batch *batch)
{
	ClaimedExecution *member = &batch->members[batch->current];
	int			i;

	for (i = batch->current + 1; i < batch->nmembers; i++)
	{
		ClaimedExecution *other = &batch->members[i];

		if (other->locked && (other->workflow_id != member->workflow_id ||
							  other->version != member->version))
			return false;
	}
	return true;
}

/*
 * Delete a run's memory, which may be the current context: the batch goes
 * on in its transaction's, or in TopMemoryContext between transactions.
 */
static void
forget_run(MemoryContext context)
{
	MemoryContextSwitchTo(IsTransactionState() ? CurTransactionContext :
						  TopMemoryContext);
	MemoryContextDelete(context);
}

/*
 * A new run of the claimed execution, with its hooks (not inlined into
 * rr_durable_run_member, whose PG_TRY its locals would cross).
 */
static pg_noinline DurableRun *
new_run(Batch *batch, ClaimedExecution *member)
{
	MemoryContext context;
	DurableRun *run;
	RrExecution *execution;

	context = AllocSetContextCreate(TopMemoryContext, "reporunner execution",
									ALLOCSET_DEFAULT_SIZES);
	run = MemoryContextAllocZero(context, sizeof(DurableRun));
	execution = &run->execution;
	execution->context = context;
	execution->adopt_step = adopt_journaled_step;
	execution->step_done = journal_step;
	execution->waiting_until = journaled_wake;
	execution->suspend = suspend_execution;
	execution->next_attempt = attempt_hook;
	execution->release_transaction = release_transaction;
	execution->resume_transaction = resume_transaction;
	execution->id = member->id;
	execution->mode = member->mode;
	execution->call_level = member->call_level;
	run->batch = batch;
	run->workflow = member->workflow;
	run->owner = member->owner;
	return run;
}

/*
 * Run the batch's current member to its end (or its failure, its pause or
 * its stop), in the open transaction, which may commit on the way (see
 * commit_run) and is left open; a parked member goes on where it stopped.
 * Returns true when it had to be aborted: then its failure is committed,
 * and the members that ran before it in the aborted transaction are back
 * in the queue as if never claimed (parked ones are to be dropped).
 */
bool
rr_durable_run_member(Batch *batch)
{
	ClaimedExecution *member = &batch->members[batch->current];
	volatile bool aborted = false;
	DurableRun *run;
	MemoryContext context;

	if (!member->runnable)
		return false;			/* ended (canceled) since it was queued */

	run = member->parked != NULL ? (DurableRun *) member->parked :
		new_run(batch, member);
	member->parked = NULL;
	context = run->execution.context;

	PG_TRY();
	{
		RrExecution *execution = &run->execution;

		report_activity(run, NULL);
		if (execution->plan != NULL)
			run_plan_durably(run);	/* it stopped before: it goes on */
		else
		{
			/*
			 * Building a plan may take long (a costly expression): not while
			 * the rest of the batch waits in this transaction.  Commit it,
			 * with this execution running (leased, so that it counts against
			 * its owner's share of the workers) and the rest given back;
			 * unless the rest need that plan too.
			 */
			if (batch->uncommitted &&
				!rr_plan_is_cached(member->workflow_id, member->version) &&
				!rest_shares_plan(batch))
			{
				execution->started_at = member->started_at != 0 ?
					member->started_at : GetCurrentTimestamp();
				(void) commit_run(run);
			}
			if (!run->stepped_aside)
			{
				load_execution(run, member, &run->input_items);
				if (rr_batch_take_slot(member, execution->plan))
					run_plan_durably(run);
				else
					rr_batch_hold_back(member);
			}
		}
		batch->uncommitted = true;
		/* the last node had side effects: they commit with the end */
		if (run->effects_pending)
			(void) commit_run(run);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		aborted = true;
		member->parked = NULL;
		record_failure(run, edata, false);
		FreeErrorData(edata);
	}
	PG_END_TRY();

	if (member->parked == NULL)
	{
		rr_batch_free_slot(member);
		forget_run(context);
	}
	return aborted;
}

/*
 * Carry the batch's current member, parked with its deferred work done,
 * on from where it stopped, in a subtransaction of the open transaction,
 * to its end, failure, pause, or next stop: nothing commits on the way,
 * and its failure, recorded in the open transaction, undoes nothing of
 * the other members'.
 */
void
rr_durable_resume_member(Batch *batch)
{
	ClaimedExecution *member = &batch->members[batch->current];
	DurableRun *run = (DurableRun *) member->parked;
	MemoryContext context = run->execution.context;
	ResourceOwner owner = CurrentResourceOwner;

	member->parked = NULL;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(context);
	PG_TRY();
	{
		report_activity(run, NULL);
		run_plan_durably(run);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(context);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(context);
		CurrentResourceOwner = owner;
		member->parked = NULL;
		record_failure(run, edata, true);
	}
	PG_END_TRY();

	if (member->parked == NULL)
	{
		rr_batch_free_slot(member);
		forget_run(context);
	}
}

/*
 * Forget a parked member without carrying it on: it goes on from its last
 * committed step when claimed again (its lease is freed once this process
 * lets go of its claim); with interrupted, after recording in the open
 * transaction that it was interrupted (requeued), unless cancel() has
 * canceled it.
 */
void
rr_durable_drop_member(ClaimedExecution *member, bool interrupted)
{
	DurableRun *run = (DurableRun *) member->parked;

	if (run == NULL)
		return;
	member->parked = NULL;
	if (interrupted)
	{
		check_canceled_quietly(run);
		if (!run->canceled)
			rr_journal_requeue(run->execution.id, run_owner(run),
							   run->execution.started_at);
	}
	forget_run(run->execution.context);
}

void
rr_durable_forget_plans(void)
{
	if (load_steps_plan != NULL)
		SPI_freeplan(load_steps_plan);
	if (status_plan != NULL)
		SPI_freeplan(status_plan);
	load_steps_plan = NULL;
	status_plan = NULL;
}
