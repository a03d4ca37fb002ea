/*-------------------------------------------------------------------------
 *
 * queue.c
 *		Running queued executions in a background worker, durably.
 *
 * A worker claims a runnable execution from reporunner.queue (FOR UPDATE
 * SKIP LOCKED, then a session-level lock on the execution that outlives
 * the claiming transaction and vanishes with the process), and runs it
 * with the executor in durable mode:
 *
 *	- every node run leaves a step row; a node with side effects (a sql
 *	  step) commits together with its step row, so its effects happen
 *	  exactly once; runs of pure nodes share the next commit;
 *	- a node whose step row is already committed (an earlier attempt of
 *	  this execution, cut short by a crash or a restart) is not run again:
 *	  its journaled outputs are adopted, so the execution resumes from its
 *	  last committed step;
 *	- the end (or the failure) of the execution, the removal of its queue
 *	  row and a pg_notify on channel reporunner_execution commit together.
 *
 * No transaction stays open between claiming and the first node, or
 * while waiting for more work.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "catalog/store.h"
#include "common/pg_prng.h"
#include "document/document.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "reporunner.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "worker/worker.h"

/* field4 of our advisory lock tags; SQL's advisory locks use 1 and 2 */
#define RR_LOCKTAG_EXECUTION	3
#define RR_LOCKTAG_WORKFLOW_SLOT 4

/* A batch of runnable executions, skipping those being claimed */
#define SQL_CLAIM \
	"SELECT q.execution_id, e.workflow_id, e.version, w.name" \
	" FROM reporunner.queue q" \
	" JOIN reporunner.execution e ON e.id = q.execution_id" \
	" JOIN reporunner.workflow w ON w.id = e.workflow_id" \
	" WHERE q.ready_at <= now() ORDER BY q.priority DESC, q.ready_at" \
	" LIMIT 4 FOR UPDATE OF q SKIP LOCKED"
#define SQL_LEASE \
	"UPDATE reporunner.queue SET lease_owner = $2," \
	" lease_expires_at = now() + interval '1 minute' WHERE execution_id = $1"
#define SQL_NEXT_WAKE \
	"SELECT least((SELECT min(ready_at) FROM reporunner.queue)," \
	" (SELECT min(wake_at) FROM reporunner.execution WHERE status = 'waiting'))"
/* waiting executions whose time has come go back into the queue */
#define SQL_WAKE_DUE \
	"WITH due AS (UPDATE reporunner.execution SET status = 'queued'" \
	" WHERE status = 'waiting' AND wake_at <= now() RETURNING id, owner)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, owner, now() FROM due ON CONFLICT DO NOTHING"
/*
 * A node pauses the execution: $1 execution, $2 node, $3 owner, $4 its
 * kept input as outputs, $5 started, $6 wake time (NULL: until resume()).
 */
#define SQL_SUSPEND \
	"WITH s AS (INSERT INTO reporunner.step AS s (execution_id, node," \
	" run_index, owner, attempt, status, output, started_at, retry_at)" \
	" VALUES ($1, $2, 0, $3, 1, 'waiting', $4, $5, $6)" \
	" ON CONFLICT (execution_id, node, run_index) DO UPDATE SET" \
	" status = 'waiting', output = EXCLUDED.output, retry_at = EXCLUDED.retry_at)," \
	" q AS (DELETE FROM reporunner.queue WHERE execution_id = $1)" \
	" UPDATE reporunner.execution SET status = 'waiting', wake_at = $6" \
	" WHERE id = $1 AND status <> 'canceled'"
#define SQL_LOAD_EXECUTION \
	"SELECT e.workflow_id, e.version, e.status, e.input, e.started_at," \
	" e.mode, w.name FROM reporunner.execution e" \
	" JOIN reporunner.workflow w ON w.id = e.workflow_id WHERE e.id = $1"
#define SQL_LOAD_STEPS \
	"SELECT node, status, output, error, started_at, finished_at, attempt," \
	" retry_at" \
	" FROM reporunner.step WHERE execution_id = $1 AND run_index = 0"
#define SQL_MARK_RUNNING \
	"UPDATE reporunner.execution SET status = 'running'," \
	" started_at = coalesce(started_at, now()) WHERE id = $1"
/* a step row; a retried node's row was written before, by its last attempt */
#define SQL_INSERT_STEP \
	"INSERT INTO reporunner.step AS s (execution_id, node, run_index, owner," \
	" attempt, status, output, error, started_at, finished_at)" \
	" VALUES ($1, $2, 0, $3, $9, $4, $5, $6, $7, $8)" \
	" ON CONFLICT (execution_id, node, run_index) DO UPDATE SET" \
	" attempt = EXCLUDED.attempt, status = EXCLUDED.status," \
	" output = EXCLUDED.output, error = EXCLUDED.error," \
	" started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at," \
	" retry_at = NULL"
/*
 * A failed attempt that will be retried: $1 execution, $2 node, $3 owner,
 * $4 attempt, $5 error, $6 started, $7 retry at.  The attempt is added to
 * the step's history.
 */
#define SQL_RETRY_LATER \
	"WITH s AS (INSERT INTO reporunner.step AS s (execution_id, node," \
	" run_index, owner, attempt, status, error, started_at, finished_at," \
	" retry_at, attempts)" \
	" VALUES ($1, $2, 0, $3, $4, 'retrying', $5, $6, now(), $7," \
	" pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('attempt', $4," \
	" 'error', $5, 'failed_at', pg_catalog.now(), 'retry_at', $7)))" \
	" ON CONFLICT (execution_id, node, run_index) DO UPDATE SET" \
	" attempt = EXCLUDED.attempt, status = 'retrying', error = EXCLUDED.error," \
	" started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at," \
	" retry_at = EXCLUDED.retry_at," \
	" attempts = coalesce(s.attempts, '[]') || EXCLUDED.attempts)," \
	" q AS (UPDATE reporunner.queue SET ready_at = $7, lease_owner = NULL," \
	" lease_expires_at = NULL WHERE execution_id = $1)" \
	" UPDATE reporunner.execution SET status = 'queued', wake_at = $7" \
	" WHERE id = $1"
/* a canceled execution stays canceled */
#define SQL_FINISH \
	"WITH done AS (DELETE FROM reporunner.queue WHERE execution_id = $1)" \
	" UPDATE reporunner.execution SET status = $2, output = $3, error = $4," \
	" finished_at = now() WHERE id = $1 AND status <> 'canceled'"
/*
 * The error workflow of a failed execution, if its owner has one by that
 * name: $1 owner, $2 name, $3 input, $4 the failed execution.
 */
#define SQL_START_ERROR_WORKFLOW \
	"WITH w AS (SELECT id, active_version, owner FROM reporunner.workflow" \
	" WHERE owner = $1 AND name = $2 AND active_version IS NOT NULL)," \
	" e AS (INSERT INTO reporunner.execution (workflow_id, version, owner," \
	" status, mode, input, parent_id, created_by)" \
	" SELECT id, active_version, owner, 'queued', 'start', $3, $4, owner" \
	" FROM w RETURNING id, owner)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, owner, now() FROM e"
/* retention: a batch of executions finished more than $1 seconds ago */
#define SQL_PRUNE \
	"DELETE FROM reporunner.execution WHERE id IN (SELECT id" \
	" FROM reporunner.execution WHERE finished_at < now() - $1 * interval '1 second'" \
	" AND status IN ('succeeded', 'failed', 'canceled') LIMIT $2)"
#define SQL_REQUEUE \
	"UPDATE reporunner.queue SET lease_owner = NULL, lease_expires_at = NULL," \
	" ready_at = now() WHERE execution_id = $1"
#define SQL_STATUS \
	"SELECT status FROM reporunner.execution WHERE id = $1"

static SPIPlanPtr claim_plan = NULL;
static SPIPlanPtr lease_plan = NULL;
static SPIPlanPtr next_wake_plan = NULL;
static SPIPlanPtr load_execution_plan = NULL;
static SPIPlanPtr load_steps_plan = NULL;
static SPIPlanPtr mark_running_plan = NULL;
static SPIPlanPtr insert_step_plan = NULL;
static SPIPlanPtr finish_plan = NULL;
static SPIPlanPtr retry_later_plan = NULL;
static SPIPlanPtr status_plan = NULL;
static SPIPlanPtr requeue_plan = NULL;
static SPIPlanPtr wake_due_plan = NULL;
static SPIPlanPtr suspend_plan = NULL;
static SPIPlanPtr error_workflow_plan = NULL;
static SPIPlanPtr prune_plan = NULL;

static const char *const step_status_names[] = {
	"succeeded", "failed", "skipped"
};

/* A journaled step of an earlier attempt, adopted instead of rerun. */
typedef struct JournaledStep
{
	char	   *node;
	bool		retrying;		/* failed; runs again as attempt + 1 */
	bool		waiting;		/* paused; runs again when woken */
	TimestampTz wake_at;		/* when a paused step wakes; DT_NOEND: never */
	int			attempt;
	RrStepStatus status;
	Jsonb	   *outputs;
	Jsonb	   *error;
	TimestampTz started_at;
	TimestampTz finished_at;
} JournaledStep;

/* State of the execution a worker is running, for its hooks. */
typedef struct DurableRun
{
	RrExecution execution;		/* first: the hooks get this pointer */
	List	   *journaled;		/* JournaledStep * */
	bool		canceled;		/* cancel() stopped it between two nodes */
	char	   *workflow;		/* its name, for messages and notifications */
} DurableRun;

static void
begin_transaction(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
}

static void
commit_transaction(void)
{
	PopActiveSnapshot();
	CommitTransactionCommand();
}

static void
execution_locktag(LOCKTAG *tag, int64 id)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) (id >> 32),
						 (uint32) id, RR_LOCKTAG_EXECUTION);
}

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
 * Claim one runnable execution: lock a batch of ready queue rows, keep the
 * first whose execution no other worker holds, and take a session lock on
 * it that lasts until we release it or the process ends.  A workflow with
 * settings.concurrency has that many slots, also session locks; an
 * execution that finds them all taken stays queued, in its place.
 * Returns 0 when nothing is runnable (and commits); sets *next_wake to
 * the earliest later ready time.  A claimed execution is returned with the
 * claiming transaction still open: run_claimed goes on in it.
 */
static int64
claim_execution(TimestampTz *next_wake, int64 *workflow_id, int *slot)
{
	int64		claimed = 0;
	uint64		row;
	uint64		ncandidates;
	int64	   *ids;
	int64	   *workflows;
	int32	   *versions;
	char	  **names;
	bool		held_back = false;
	int			nestlevel;

	begin_transaction();
	nestlevel = rr_store_begin();
	rr_store_run_kept(&wake_due_plan, SQL_WAKE_DUE, 0, NULL, NULL, NULL,
					  SPI_OK_INSERT);
	rr_store_run_kept(&claim_plan, SQL_CLAIM, 0, NULL, NULL, NULL,
					  SPI_OK_SELECT);

	/* copy the candidates: looking up plans below runs SPI again */
	ncandidates = SPI_processed;
	ids = palloc(sizeof(int64) * Max(ncandidates, 1));
	workflows = palloc(sizeof(int64) * Max(ncandidates, 1));
	versions = palloc(sizeof(int32) * Max(ncandidates, 1));
	names = palloc(sizeof(char *) * Max(ncandidates, 1));
	for (row = 0; row < ncandidates; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		ids[row] = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		workflows[row] = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
		versions[row] = DatumGetInt32(SPI_getbinval(tuple, desc, 3, &isnull));
		names[row] = SPI_getvalue(tuple, desc, 4);
	}

	for (row = 0; row < ncandidates && claimed == 0; row++)
	{
		LOCKTAG		tag;
		RrPlan	   *plan;

		execution_locktag(&tag, ids[row]);
		if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
			continue;

		/* settings.concurrency: one of the workflow's slots, or wait */
		*slot = -1;
		plan = rr_plan_get(workflows[row], versions[row], names[row]);
		if (plan->concurrency > 0)
		{
			int			i;

			for (i = 0; i < plan->concurrency && *slot < 0; i++)
			{
				LOCKTAG		slot_tag;

				SET_LOCKTAG_ADVISORY(slot_tag, MyDatabaseId,
									 (uint32) workflows[row], (uint32) i,
									 RR_LOCKTAG_WORKFLOW_SLOT);
				if (LockAcquire(&slot_tag, ExclusiveLock, true, true) !=
					LOCKACQUIRE_NOT_AVAIL)
					*slot = i;
			}
			if (*slot < 0)
			{
				LockRelease(&tag, ExclusiveLock, true);
				held_back = true;
				continue;
			}
		}
		claimed = ids[row];
		*workflow_id = workflows[row];
	}

	if (claimed != 0)
	{
		Oid			argtypes[2] = {INT8OID, INT4OID};
		Datum		values[2];

		values[0] = Int64GetDatum(claimed);
		values[1] = Int32GetDatum(MyProcPid);
		rr_store_run_kept(&lease_plan, SQL_LEASE, 2, argtypes, values, NULL,
						  SPI_OK_UPDATE);
	}
	else if (held_back)
	{
		/* the running executions free their slots soon */
		*next_wake = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), 250);
	}
	else
	{
		bool		isnull;
		Datum		wake;

		rr_store_run_kept(&next_wake_plan, SQL_NEXT_WAKE, 0, NULL, NULL,
						  NULL, SPI_OK_SELECT);
		wake = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
							 &isnull);
		*next_wake = isnull ? 0 : DatumGetTimestampTz(wake);
	}
	rr_store_end(nestlevel);

	/* a claimed execution is loaded in the same transaction (run_claimed) */
	if (claimed == 0)
		commit_transaction();
	return claimed;
}

/* Give back the concurrency slot of a workflow, if one was taken. */
static void
release_slot(int64 workflow_id, int slot)
{
	LOCKTAG		slot_tag;

	if (slot < 0)
		return;
	SET_LOCKTAG_ADVISORY(slot_tag, MyDatabaseId, (uint32) workflow_id,
						 (uint32) slot, RR_LOCKTAG_WORKFLOW_SLOT);
	LockRelease(&slot_tag, ExclusiveLock, true);
}

/* adopt_step hook: the journaled outcome of the node, if any. */
static RrStep *
adopt_journaled_step(RrExecution *execution, const RrPlanNode *node)
{
	DurableRun *run = (DurableRun *) execution;
	ListCell   *lc;

	foreach(lc, run->journaled)
	{
		JournaledStep *journaled = lfirst(lc);
		RrStep	   *step;

		if (strcmp(journaled->node, node->name) != 0 || journaled->retrying ||
			journaled->waiting)
			continue;
		step = palloc0(sizeof(RrStep));
		step->node = node;
		step->status = journaled->status;
		step->attempt = journaled->attempt;
		step->outputs = rr_step_outputs_from_jsonb(node, journaled->outputs);
		step->error = journaled->error;
		step->started_at = journaled->started_at;
		step->finished_at = journaled->finished_at;
		return step;
	}
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

		if (journaled->waiting && strcmp(journaled->node, node->name) == 0)
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
	Oid			argtypes[6] = {INT8OID, TEXTOID, OIDOID, JSONBOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	int			nestlevel;

	values[0] = Int64GetDatum(execution->id);
	values[1] = CStringGetTextDatum(step->node->name);
	values[2] = ObjectIdGetDatum(execution->plan->owner);
	values[3] = JsonbPGetDatum(rr_step_outputs_jsonb(step));
	values[4] = TimestampTzGetDatum(step->started_at);
	values[5] = TimestampTzGetDatum(step->wake_at);
	if (TIMESTAMP_IS_NOEND(step->wake_at))
		nulls[5] = 'n';
	nestlevel = rr_store_begin();
	rr_store_run_kept(&suspend_plan, SQL_SUSPEND, 6, argtypes, values, nulls,
					  SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

/* The attempt a run of the node is: 1, or one more than its last retry. */
static int
next_attempt(DurableRun *run, const RrPlanNode *node)
{
	ListCell   *lc;

	foreach(lc, run->journaled)
	{
		JournaledStep *journaled = lfirst(lc);

		if (journaled->retrying && strcmp(journaled->node, node->name) == 0)
			return journaled->attempt + 1;
	}
	return 1;
}

/* Write the step row of a node run. */
static void
insert_step(RrExecution *execution, RrStep *step)
{
	Oid			argtypes[9] = {INT8OID, TEXTOID, OIDOID, TEXTOID, JSONBOID,
	JSONBOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID};
	Datum		values[9];
	char		nulls[9];
	int			nestlevel;

	memset(nulls, ' ', sizeof(nulls));
	step->attempt = Max(step->attempt, next_attempt((DurableRun *) execution,
													 step->node));
	values[0] = Int64GetDatum(execution->id);
	values[1] = CStringGetTextDatum(step->node->name);
	values[2] = ObjectIdGetDatum(execution->plan->owner);
	values[3] = CStringGetTextDatum(step_status_names[step->status]);
	values[4] = step->outputs ? JsonbPGetDatum(rr_step_outputs_jsonb(step)) : (Datum) 0;
	nulls[4] = step->outputs ? ' ' : 'n';
	values[5] = step->error ? JsonbPGetDatum(step->error) : (Datum) 0;
	nulls[5] = step->error ? ' ' : 'n';
	values[6] = TimestampTzGetDatum(step->started_at);
	values[7] = TimestampTzGetDatum(step->finished_at);
	values[8] = Int32GetDatum(step->attempt);

	nestlevel = rr_store_begin();
	rr_store_run_kept(&insert_step_plan, SQL_INSERT_STEP, 9, argtypes, values,
					  nulls, SPI_OK_INSERT);
	rr_store_end(nestlevel);
}

/* Whether cancel() has canceled the execution; sets run->canceled. */
static void
check_canceled_quietly(DurableRun *run)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	int			nestlevel;

	values[0] = Int64GetDatum(run->execution.id);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&status_plan, SQL_STATUS, 1, argtypes, values, NULL,
					  SPI_OK_SELECT);
	run->canceled = SPI_processed == 1 &&
		strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
			   "canceled") == 0;
	rr_store_end(nestlevel);
}

/* An interrupted execution goes back into the queue, to resume. */
static void
requeue(int64 id)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	int			nestlevel;

	values[0] = Int64GetDatum(id);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&requeue_plan, SQL_REQUEUE, 1, argtypes, values, NULL,
					  SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

/* Stop between two nodes when cancel() has canceled the execution. */
static void
check_canceled(RrExecution *execution)
{
	DurableRun *run = (DurableRun *) execution;

	check_canceled_quietly(run);
	if (run->canceled)
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg("execution " INT64_FORMAT " was canceled",
						execution->id)));
}

/*
 * step_done hook: journal the node run; a node with side effects commits
 * with its step row, so a crash can never repeat or lose its effects.
 */
static void
journal_step(RrExecution *execution, RrStep *step)
{
	insert_step(execution, step);
	if (step->node->handler->side_effects)
	{
		commit_transaction();
		begin_transaction();
	}
	check_canceled(execution);
}

/* Finish the execution: status, output or error, queue row, notification. */
static void
finish_execution(int64 id, const char *workflow, const char *status,
				 Jsonb *output, Jsonb *error)
{
	Oid			argtypes[4] = {INT8OID, TEXTOID, JSONBOID, JSONBOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', 'n', 'n'};
	int			nestlevel;
	bool		finished;

	values[0] = Int64GetDatum(id);
	values[1] = CStringGetTextDatum(status);
	if (output != NULL)
	{
		values[2] = JsonbPGetDatum(output);
		nulls[2] = ' ';
	}
	if (error != NULL)
	{
		values[3] = JsonbPGetDatum(error);
		nulls[3] = ' ';
	}
	nestlevel = rr_store_begin();
	rr_store_run_kept(&finish_plan, SQL_FINISH, 4, argtypes, values, nulls,
					  SPI_OK_UPDATE);
	finished = SPI_processed == 1;
	rr_store_end(nestlevel);
	if (!finished)
		return;					/* canceled meanwhile: cancel() notified */

	rr_notify_execution(id, workflow, status);
}

/*
 * Load the claimed execution and what its earlier attempts journaled, and
 * mark it running.  Returns false when it is already finished.
 */
static bool
load_execution(DurableRun *run, int64 id, List **input_items,
			   char **workflow)
{
	RrExecution *execution = &run->execution;
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	bool		isnull;
	HeapTuple	tuple;
	TupleDesc	desc;
	int64		workflow_id;
	int32		version;
	char	   *status;
	Datum		started;
	uint64		row;
	int			nestlevel;
	MemoryContext old;

	values[0] = Int64GetDatum(id);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&load_execution_plan, SQL_LOAD_EXECUTION, 1, argtypes,
					  values, NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
	{
		rr_store_end(nestlevel);
		return false;
	}
	tuple = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	status = SPI_getvalue(tuple, desc, 3);
	if (strcmp(status, "queued") != 0 && strcmp(status, "running") != 0)
	{
		rr_store_end(nestlevel);
		return false;
	}

	old = MemoryContextSwitchTo(execution->context);
	workflow_id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
	version = DatumGetInt32(SPI_getbinval(tuple, desc, 2, &isnull));
	execution->input = DatumGetJsonbPCopy(SPI_getbinval(tuple, desc, 4, &isnull));
	started = SPI_getbinval(tuple, desc, 5, &isnull);
	execution->started_at = isnull ? 0 : DatumGetTimestampTz(started);
	execution->mode = SPI_getvalue(tuple, desc, 6);
	*workflow = SPI_getvalue(tuple, desc, 7);
	MemoryContextSwitchTo(old);

	rr_store_run_kept(&load_steps_plan, SQL_LOAD_STEPS, 1, argtypes, values,
					  NULL, SPI_OK_SELECT);
	old = MemoryContextSwitchTo(execution->context);
	for (row = 0; row < SPI_processed; row++)
	{
		JournaledStep *step = palloc0(sizeof(JournaledStep));
		Datum		value;

		tuple = SPI_tuptable->vals[row];
		desc = SPI_tuptable->tupdesc;
		step->node = SPI_getvalue(tuple, desc, 1);
		step->retrying = strcmp(SPI_getvalue(tuple, desc, 2), "retrying") == 0;
		step->waiting = strcmp(SPI_getvalue(tuple, desc, 2), "waiting") == 0;
		value = SPI_getbinval(tuple, desc, 8, &isnull);
		step->wake_at = isnull ? DT_NOEND : DatumGetTimestampTz(value);
		step->status = parse_step_status(SPI_getvalue(tuple, desc, 2));
		step->attempt = DatumGetInt32(SPI_getbinval(tuple, desc, 7, &isnull));
		value = SPI_getbinval(tuple, desc, 3, &isnull);
		step->outputs = isnull ? DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"))) :
			DatumGetJsonbPCopy(value);
		value = SPI_getbinval(tuple, desc, 4, &isnull);
		step->error = isnull ? NULL : DatumGetJsonbPCopy(value);
		step->started_at = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 5, &isnull));
		step->finished_at = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 6, &isnull));
		run->journaled = lappend(run->journaled, step);
	}
	MemoryContextSwitchTo(old);

	rr_store_run_kept(&mark_running_plan, SQL_MARK_RUNNING, 1, argtypes,
					  values, NULL, SPI_OK_UPDATE);
	rr_store_end(nestlevel);

	old = MemoryContextSwitchTo(execution->context);
	execution->id = id;
	execution->plan = rr_plan_get(workflow_id, version, *workflow);
	*input_items = NIL;
	{
		JsonbIterator *it = JsonbIteratorInit(&execution->input->root);
		JsonbValue	v;
		JsonbIteratorToken token;

		while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			if (token == WJB_ELEM)
				*input_items = lappend(*input_items, JsonbValueToJsonb(&v));
	}
	MemoryContextSwitchTo(old);
	return true;
}

/* The error of a failed execution as jsonb: node, message, sqlstate, ... */
static Jsonb *
execution_error(const RrPlanNode *node, ErrorData *edata)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"message\": ");
	escape_json(&buf, edata->message ? edata->message : "");
	appendStringInfo(&buf, ", \"sqlstate\": \"%s\"",
					 unpack_sql_state(edata->sqlerrcode));
	if (node != NULL)
	{
		appendStringInfoString(&buf, ", \"node\": ");
		escape_json(&buf, node->name);
	}
	if (edata->detail)
	{
		appendStringInfoString(&buf, ", \"detail\": ");
		escape_json(&buf, edata->detail);
	}
	appendStringInfoChar(&buf, '}');
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
											  CStringGetDatum(buf.data)));
}

/* A number or duration of a node's retry policy; false when absent. */
static bool
retry_number(const RrPlanNode *node, const char *name, double *number)
{
	JsonbValue *value = getKeyJsonValueFromContainer(&node->retry->root, name,
													 strlen(name), NULL);

	if (value == NULL || value->type != jbvNumeric)
		return false;
	*number = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
												 NumericGetDatum(value->val.numeric)));
	return true;
}

static bool
retry_duration(const RrPlanNode *node, const char *name, int64_t *ms)
{
	JsonbValue *value = getKeyJsonValueFromContainer(&node->retry->root, name,
													 strlen(name), NULL);

	return value != NULL && value->type == jbvString &&
		rr_duration_parse(pnstrdup(value->val.string.val,
								   value->val.string.len), ms);
}

/*
 * Whether a node that failed on this attempt runs again, and after how
 * long: "tries" attempts in all; "delay" before the second, multiplied by
 * "backoff" for each further one, at most "max_delay", spread by "jitter"
 * (0.1 = plus or minus 10 %).
 */
static bool
retry_delay(const RrPlanNode *node, int attempt, int64 *delay_ms)
{
	double		tries = 1;
	double		backoff = 1;
	double		jitter = 0;
	int64_t		delay = 0;
	int64_t		max_delay = 0;
	double		ms;

	if (node->retry == NULL || !retry_number(node, "tries", &tries) ||
		attempt >= tries)
		return false;
	(void) retry_duration(node, "delay", &delay);
	(void) retry_duration(node, "max_delay", &max_delay);
	(void) retry_number(node, "backoff", &backoff);
	(void) retry_number(node, "jitter", &jitter);

	ms = (double) delay * pow(backoff, attempt - 1);
	if (max_delay > 0 && ms > (double) max_delay)
		ms = (double) max_delay;
	if (jitter > 0)
		ms *= 1.0 - jitter + 2.0 * jitter * pg_prng_double(&pg_global_prng_state);
	*delay_ms = (int64) Min(ms, (double) PG_INT64_MAX / 2);
	return true;
}

/* Record a failed attempt and when the node runs again. */
static void
retry_later(RrExecution *execution, const RrPlanNode *node, int attempt,
			Jsonb *error, int64 delay_ms)
{
	Oid			argtypes[7] = {INT8OID, TEXTOID, OIDOID, INT4OID, JSONBOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[7];
	TimestampTz now = GetCurrentTimestamp();
	int			nestlevel;

	values[0] = Int64GetDatum(execution->id);
	values[1] = CStringGetTextDatum(node->name);
	values[2] = ObjectIdGetDatum(execution->plan->owner);
	values[3] = Int32GetDatum(attempt);
	values[4] = JsonbPGetDatum(error);
	values[5] = TimestampTzGetDatum(now);
	values[6] = TimestampTzGetDatum(TimestampTzPlusMilliseconds(now, delay_ms));
	nestlevel = rr_store_begin();
	rr_store_run_kept(&retry_later_plan, SQL_RETRY_LATER, 7, argtypes, values,
					  NULL, SPI_OK_UPDATE);
	rr_store_end(nestlevel);
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
	Oid			argtypes[4] = {OIDOID, TEXTOID, JSONBOID, INT8OID};
	Datum		values[4];
	StringInfoData input;
	int			nestlevel;
	bool		started;

	if (plan == NULL || plan->error_workflow == NULL ||
		strcmp(plan->error_workflow, workflow) == 0)
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

	values[0] = ObjectIdGetDatum(plan->owner);
	values[1] = CStringGetTextDatum(plan->error_workflow);
	values[2] = DirectFunctionCall1(jsonb_in, CStringGetDatum(input.data));
	values[3] = Int64GetDatum(execution->id);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&error_workflow_plan, SQL_START_ERROR_WORKFLOW, 4,
					  argtypes, values, NULL, SPI_OK_INSERT);
	started = SPI_processed == 1;
	rr_store_end(nestlevel);
	if (!started)
		ereport(LOG,
				(errmsg("error workflow \"%s\" of workflow \"%s\" does not exist or has no active version",
						plan->error_workflow, workflow)));
}

int64
rr_prune_executions(int64 older_than_seconds, int limit)
{
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		values[2];
	Oid			save_userid;
	int			save_sec_context;
	int			nestlevel;
	int64		pruned;

	values[0] = Int64GetDatum(older_than_seconds);
	values[1] = Int32GetDatum(limit);
	nestlevel = rr_store_begin();
	rr_store_become_owner(&save_userid, &save_sec_context);
	rr_store_run_kept(&prune_plan, SQL_PRUNE, 2, argtypes, values, NULL,
					  SPI_OK_DELETE);
	pruned = (int64) SPI_processed;
	rr_store_restore_user(save_userid, save_sec_context);
	rr_store_end(nestlevel);
	return pruned;
}

/*
 * Run one claimed execution to its end (or its failure).  Returns true
 * when a transaction had to be aborted on the way.
 */
static bool
run_claimed(int64 id, int64 workflow_id, int slot)
{
	volatile bool aborted = false;
	MemoryContext context;
	DurableRun *run;
	RrExecution *execution;
	List	   *input_items = NIL;
	LOCKTAG		tag;

	context = AllocSetContextCreate(TopMemoryContext, "reporunner execution",
									ALLOCSET_DEFAULT_SIZES);
	run = MemoryContextAllocZero(context, sizeof(DurableRun));
	execution = &run->execution;
	execution->context = context;
	execution->adopt_step = adopt_journaled_step;
	execution->step_done = journal_step;
	execution->waiting_until = journaled_wake;
	execution->suspend = suspend_execution;

	PG_TRY();
	{
		/*
		 * Still in the claiming transaction: load the execution and mark it
		 * running, and commit that (with the claim) before the first node,
		 * so the execution's row is not locked while nodes run (cancel()
		 * updates it).
		 */
		if (load_execution(run, id, &input_items, &run->workflow))
		{
			List	   *result;

			commit_transaction();
			begin_transaction();

			pgstat_report_activity(STATE_RUNNING, "reporunner: running an execution");
			result = rr_execution_run(execution, input_items);
			MemoryContextSwitchTo(context);
			if (!execution->suspended)
				finish_execution(id, run->workflow, "succeeded",
								 rr_items_to_jsonb(result), NULL);
		}
		commit_transaction();
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		const RrPlanNode *node = execution->running;
		int64		delay_ms;
		bool		interrupted;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		aborted = true;

		/*
		 * A cancel (the query cancel cancel() sends, or a stray one) of an
		 * execution that is not canceled just interrupts it: it goes back
		 * into the queue and resumes from its last committed step.  A node
		 * with tries left runs again later; else the execution fails.
		 */
		begin_transaction();
		interrupted = edata->sqlerrcode == ERRCODE_QUERY_CANCELED &&
			!execution->timed_out;
		if (interrupted && !run->canceled)
			check_canceled_quietly(run);
		if (run->canceled)
			;					/* cancel() has recorded everything */
		else if (interrupted)
			requeue(id);
		else if (node != NULL &&
			retry_delay(node, next_attempt(run, node), &delay_ms))
			retry_later(execution, node, next_attempt(run, node),
						execution_error(node, edata), delay_ms);
		else
		{
			if (node != NULL)
			{
				RrStep		step;

				memset(&step, 0, sizeof(step));
				step.node = node;
				step.status = RR_STEP_FAILED;
				step.error = execution_error(node, edata);
				step.started_at = step.finished_at = GetCurrentTimestamp();
				insert_step(execution, &step);
			}
			finish_execution(id, run->workflow ? run->workflow : "", "failed", NULL,
							 execution_error(node, edata));
			start_error_workflow(execution, run->workflow ? run->workflow : "", node,
								 execution_error(node, edata));
		}
		commit_transaction();
		FreeErrorData(edata);
	}
	PG_END_TRY();

	release_slot(workflow_id, slot);
	execution_locktag(&tag, id);
	LockRelease(&tag, ExclusiveLock, true);
	MemoryContextDelete(context);
	return aborted;
}

/*
 * Retention: when idle, at most once a minute, delete a batch of
 * executions (their steps go with them) finished longer ago than
 * reporunner.retention.
 */
static void
prune_now_and_then(void)
{
	static TimestampTz last_prune = 0;
	TimestampTz now = GetCurrentTimestamp();

	if (rr_retention <= 0 ||
		(last_prune != 0 && !TimestampDifferenceExceeds(last_prune, now, 60 * 1000)))
		return;
	last_prune = now;
	begin_transaction();
	(void) rr_prune_executions(rr_retention, 1000);
	commit_transaction();
}

bool
rr_queue_work(int max_ms, TimestampTz *next_wake)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   max_ms);

	*next_wake = 0;
	for (;;)
	{
		int64		id;
		int64		workflow_id = 0;
		int			slot = -1;

		CHECK_FOR_INTERRUPTS();
		id = claim_execution(next_wake, &workflow_id, &slot);
		if (id == 0)
		{
			prune_now_and_then();
			return false;
		}
		/*
		 * An aborted transaction released the worker's session lock on the
		 * extension (src/worker): end the batch, so the worker takes it
		 * again before going on.
		 */
		if (run_claimed(id, workflow_id, slot) ||
			GetCurrentTimestamp() >= deadline)
			return true;
	}
}
