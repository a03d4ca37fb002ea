/*-------------------------------------------------------------------------
 *
 * queue.c
 *		Running queued executions in a background worker, durably.
 *
 * A worker claims a batch of runnable executions from reporunner.queue
 * (FOR UPDATE SKIP LOCKED, then a session-level lock on each execution
 * that outlives the claiming transaction and vanishes with the process),
 * and runs them one after the other with the executor in durable mode:
 *
 *	- every node run leaves a step row; pure nodes' steps are written, in
 *	  one statement, with the next commit, so a batch of pure executions
 *	  is claimed, run and ended in one transaction;
 *	- a node with side effects (a sql step) first commits what came before
 *	  it (the rest of the batch then goes back to the queue), and then
 *	  commits together with its step row, so its effects happen exactly
 *	  once, and no claim is held while it waits on the world outside;
 *	- a node whose step row is already committed (an earlier attempt of
 *	  this execution, cut short by a crash or a restart) is not run again:
 *	  its journaled outputs are adopted, so the execution resumes from its
 *	  last committed step;
 *	- the end (or the failure) of the execution, its unsaved steps, the
 *	  removal of its queue row and a pg_notify on channel
 *	  reporunner_execution (of its id only) commit together.
 *
 * A failure rolls back the whole transaction: the failed execution's
 * outcome is then recorded in a new one, and the executions that had
 * ended in the rolled-back one are back in the queue, to run again.  No
 * transaction stays open while waiting for more work.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "catalog/plan.h"
#include "catalog/run_as.h"
#include "catalog/store.h"
#include "document/document.h"
#include "engine/executor.h"
#include "engine/journal.h"
#include "engine/retry_policy.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "reporunner.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "worker/slots.h"
#include "worker/worker.h"

/* field4 of our advisory lock tags; SQL's advisory locks use 1 and 2 */
#define RR_LOCKTAG_EXECUTION	3
#define RR_LOCKTAG_WORKFLOW_SLOT 4

/* Queue rows claimed at once, and run in one transaction when pure */
#define RR_CLAIM_BATCH			8

/*
 * A transaction that has run pure nodes for this long commits at the next
 * node, so a long execution shows as running and frees the rest of its
 * batch for other workers.
 */
#define RR_PURE_STRETCH_MS		50

/* Candidates a claim considers, from the head of the queue */
#define RR_CLAIM_CANDIDATES		64

/* Owners a claim visits at most, taking the head of each one's queue */
#define RR_CLAIM_OWNER_WALK		32

/*
 * The candidates of a claim: runnable executions (ready_at passed; those
 * a worker runs have ready_at infinity), owners served in turn, so that
 * no tenant's backlog or priorities hold up another's.  First the head
 * (highest priority, then oldest) of each owner's ready executions,
 * visiting the owners upward from $1, then the queue's own head in that
 * order, to fill the batch; k says which (below 1000: a head, in the
 * order of the owners).  There are more candidates than a batch takes:
 * workers claiming at the same time skip each other's.  An owner running $2 executions already (its
 * leased rows) gets none.  Every part reads an index in its order with a
 * LIMIT (queue_owner_idx, queue_ready_idx, queue_leased_idx): the plan is
 * made once, often on a near-empty queue, and must still do so when the
 * queue is long.
 */
#define SQL_CLAIM_CANDIDATES \
	"WITH RECURSIVE owners (owner, n) AS (" \
	" SELECT min(owner), 1 FROM reporunner.queue WHERE owner > $1" \
	" UNION ALL SELECT (SELECT min(q.owner) FROM reporunner.queue q" \
	" WHERE q.owner > o.owner), o.n + 1 FROM owners o" \
	" WHERE o.owner IS NOT NULL AND o.n < " CppAsString2(RR_CLAIM_OWNER_WALK) ")," \
	" busy AS (SELECT owner FROM (SELECT owner FROM reporunner.queue" \
	" WHERE lease_owner IS NOT NULL ORDER BY owner LIMIT 10000) l" \
	" GROUP BY owner HAVING count(*) >= $2)," \
	" heads AS (SELECT h.execution_id, o.owner, o.n AS k FROM owners o," \
	" LATERAL (SELECT q.execution_id FROM reporunner.queue q" \
	" WHERE q.owner = o.owner AND q.ready_at <= now()" \
	" ORDER BY q.priority DESC, q.ready_at LIMIT 1) h" \
	" WHERE o.owner NOT IN (SELECT owner FROM busy)" \
	" LIMIT " CppAsString2(RR_CLAIM_BATCH) ")," \
	" rest AS (SELECT execution_id, owner, 1000 + row_number() OVER () AS k" \
	" FROM (SELECT execution_id, owner FROM reporunner.queue" \
	" WHERE ready_at <= now() AND owner NOT IN (SELECT owner FROM busy)" \
	" ORDER BY priority DESC, ready_at LIMIT " CppAsString2(RR_CLAIM_CANDIDATES) ") q)" \
	" SELECT execution_id, min(owner), min(k) FROM (TABLE heads UNION ALL TABLE rest) c" \
	" GROUP BY execution_id ORDER BY 3"
/*
 * The claim itself: the candidates ($1, in their order) still runnable,
 * as many as a batch takes, each locked (skipping those another worker is
 * claiming) and read with its execution.  One candidate at a time, by
 * primary key, whatever the sizes of the tables.
 */
#define SQL_CLAIM \
	"SELECT x.* FROM unnest($1::pg_catalog.int8[]) AS c(id)," \
	" LATERAL (SELECT q.execution_id, e.workflow_id, e.version, w.name," \
	" e.status, e.input, e.started_at, e.mode, e.created_by" \
	" FROM reporunner.queue q" \
	" JOIN reporunner.execution e ON e.id = q.execution_id" \
	" JOIN reporunner.workflow w ON w.id = e.workflow_id" \
	" WHERE q.execution_id = c.id AND q.ready_at <= now()" \
	" FOR UPDATE OF q SKIP LOCKED) x" \
	" LIMIT " CppAsString2(RR_CLAIM_BATCH)
/*
 * When a worker with nothing to claim looks again: at the next delayed
 * execution or wait.  What is ready now but was skipped is another
 * worker's, who runs it or gives it back with a wake-up.
 */
#define SQL_NEXT_WAKE \
	"SELECT least((SELECT min(ready_at) FROM reporunner.queue" \
	" WHERE ready_at > now() AND ready_at < 'infinity')," \
	" (SELECT min(wake_at) FROM reporunner.execution WHERE status = 'waiting'))"
/* waiting executions whose time has come go back into the queue */
#define SQL_WAKE_DUE \
	"WITH due AS (UPDATE reporunner.execution SET status = 'queued'" \
	" WHERE status = 'waiting' AND wake_at <= now() RETURNING id, owner)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, owner, now() FROM due ON CONFLICT DO NOTHING"
#define SQL_LOAD_STEPS \
	"SELECT node, status, output, error, started_at, finished_at, attempt," \
	" retry_at" \
	" FROM reporunner.step WHERE execution_id = $1 AND run_index = 0"

/*
 * Steps of the execution $1 (owner $2), from one array per column
 * ($3..$9); a retried node's row was written before, by its last attempt.
 */
#define SQL_SAVE_STEPS \
	"INSERT INTO reporunner.step AS t (execution_id, node, run_index, owner," \
	" attempt, status, output, error, started_at, finished_at)" \
	" SELECT $1, s.node, 0, $2, s.attempt, s.status, s.output, s.error," \
	" s.started_at, s.finished_at" \
	" FROM " RR_STEP_ROWS("$3", "$4", "$5", "$6", "$7", "$8", "$9") \
	" ON CONFLICT (execution_id, node, run_index) DO UPDATE SET" \
	" attempt = EXCLUDED.attempt, status = EXCLUDED.status," \
	" output = EXCLUDED.output, error = EXCLUDED.error," \
	" started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at," \
	" retry_at = NULL"
#define SAVE_STEPS_ARGS			(2 + RR_STEP_ARRAYS)

/*
 * The first commit of a run: the execution is running ($3: when it
 * started), leased by this process ($2, for cancel()), and out of the
 * claims' way (ready_at infinity) until it waits, ends or is requeued.
 */
#define SQL_START_RUNNING \
	"WITH q AS (UPDATE reporunner.queue SET lease_owner = $2," \
	" ready_at = 'infinity'" \
	" WHERE execution_id = $1 RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = 'running'," \
	" started_at = coalesce(started_at, $3) WHERE id = $1" \
	RR_SQL_AFTER_QUEUE_ROW("q")

/*
 * The end of a run: its unsaved steps ($1..$9 as SQL_SAVE_STEPS), out of
 * the queue, $10 status, $11 output, $12 error, $13 started, $14 finished.
 * A canceled execution stays canceled.
 */
#define SQL_FINISH \
	"WITH s AS (" SQL_SAVE_STEPS ")," \
	" done AS (DELETE FROM reporunner.queue WHERE execution_id = $1" \
	" RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = $10, output = $11, error = $12," \
	" started_at = coalesce(started_at, $13), finished_at = $14" \
	" WHERE id = $1 AND status <> 'canceled'" RR_SQL_AFTER_QUEUE_ROW("done")

/*
 * A node pauses the execution: $1 execution, $2 node, $3 owner, $4 its
 * kept input as outputs, $5 started, $6 wake time (NULL: until resume()),
 * $7 when the execution started.
 */
#define SQL_SUSPEND \
	"WITH s AS (INSERT INTO reporunner.step AS s (execution_id, node," \
	" run_index, owner, attempt, status, output, started_at, retry_at)" \
	" VALUES ($1, $2, 0, $3, 1, 'waiting', $4, $5, $6)" \
	" ON CONFLICT (execution_id, node, run_index) DO UPDATE SET" \
	" status = 'waiting', output = EXCLUDED.output, retry_at = EXCLUDED.retry_at)," \
	" q AS (DELETE FROM reporunner.queue WHERE execution_id = $1" \
	" RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = 'waiting', wake_at = $6," \
	" started_at = coalesce(started_at, $7)" \
	" WHERE id = $1 AND status <> 'canceled'" RR_SQL_AFTER_QUEUE_ROW("q")

/*
 * A failed attempt that will be retried: $1 execution, $2 node, $3 owner,
 * $4 attempt, $5 error, $6 started, $7 retry at, $8 when the execution
 * started.  The attempt is added to the step's history.
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
	" q AS (UPDATE reporunner.queue SET ready_at = $7, lease_owner = NULL" \
	" WHERE execution_id = $1 RETURNING execution_id)" \
	" UPDATE reporunner.execution SET status = 'queued', wake_at = $7," \
	" started_at = coalesce(started_at, $8) WHERE id = $1" \
	RR_SQL_AFTER_QUEUE_ROW("q")
/*
 * The error workflow of a failed execution, if its owner has one by that
 * name: $1 owner, $2 name, $3 input, $4 the failed execution.
 */
#define SQL_START_ERROR_WORKFLOW \
	"WITH w AS (SELECT id, active_version, owner FROM reporunner.workflow" \
	" WHERE owner = $1 AND name = $2 AND active_version IS NOT NULL)," \
	" e AS (INSERT INTO reporunner.execution (workflow_id, version, owner," \
	" status, mode, input, parent_id, created_by)" \
	" SELECT id, active_version, owner, 'queued', 'error', $3, $4, owner" \
	" FROM w RETURNING id, owner)" \
	" INSERT INTO reporunner.queue (execution_id, owner, ready_at)" \
	" SELECT id, owner, now() FROM e"
/* retention: a batch of executions finished more than $1 seconds ago */
#define SQL_PRUNE \
	"DELETE FROM reporunner.execution WHERE id IN (SELECT id" \
	" FROM reporunner.execution WHERE finished_at < now() - $1 * interval '1 second'" \
	" AND status IN ('succeeded', 'failed', 'canceled') LIMIT $2)"
#define SQL_REQUEUE \
	"WITH q AS (UPDATE reporunner.queue SET lease_owner = NULL," \
	" ready_at = now() WHERE execution_id = $1 RETURNING execution_id)" \
	" UPDATE reporunner.execution SET started_at = coalesce(started_at, $2)" \
	" WHERE id = $1" RR_SQL_AFTER_QUEUE_ROW("q")
/*
 * An execution whose workflow has all its settings.concurrency slots
 * taken steps out of the way of the claims for a while ($2: until when),
 * so that it does not hold up the executions behind it.
 */
#define SQL_HOLD_BACK \
	"UPDATE reporunner.queue SET ready_at = $2 WHERE execution_id = $1"
/* leases, to find those of workers that died */
#define SQL_LEASES \
	"SELECT execution_id, lease_owner FROM reporunner.queue" \
	" WHERE lease_owner IS NOT NULL"
#define SQL_FREE_LEASE \
	"UPDATE reporunner.queue SET lease_owner = NULL, ready_at = now()" \
	" WHERE execution_id = $1 AND lease_owner = $2"
#define SQL_STATUS \
	"SELECT status FROM reporunner.execution WHERE id = $1"

static SPIPlanPtr candidates_plan = NULL;
static SPIPlanPtr claim_plan = NULL;
static SPIPlanPtr next_wake_plan = NULL;
static SPIPlanPtr load_steps_plan = NULL;
static SPIPlanPtr save_steps_plan = NULL;
static SPIPlanPtr start_running_plan = NULL;
static SPIPlanPtr finish_plan = NULL;
static SPIPlanPtr retry_later_plan = NULL;
static SPIPlanPtr status_plan = NULL;
static SPIPlanPtr requeue_plan = NULL;
static SPIPlanPtr wake_due_plan = NULL;
static SPIPlanPtr suspend_plan = NULL;
static SPIPlanPtr error_workflow_plan = NULL;
static SPIPlanPtr prune_plan = NULL;
static SPIPlanPtr leases_plan = NULL;
static SPIPlanPtr free_lease_plan = NULL;
static SPIPlanPtr hold_back_plan = NULL;

/*
 * A worker prepares its statements once and keeps their plans.  A plan
 * made on a near-empty table (a new database, after a TRUNCATE) can be
 * wrong for a large one, and a kept plan is made again only when its
 * tables change shape or are analyzed; so a worker drops them every
 * RR_REPLAN_MS, to be planned afresh.
 */
#define RR_REPLAN_MS			60000
static SPIPlanPtr *const kept_plans[] = {
	&candidates_plan, &claim_plan, &next_wake_plan, &load_steps_plan, &save_steps_plan,
	&start_running_plan, &finish_plan, &retry_later_plan, &status_plan,
	&requeue_plan, &wake_due_plan, &suspend_plan, &error_workflow_plan,
	&prune_plan, &leases_plan, &free_lease_plan, &hold_back_plan
};

/* How often a worker looks for leases of workers that died, at most */
#define RR_LEASE_CHECK_MS		1000

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

/* An execution this worker claimed, as the claim read it. */
typedef struct ClaimedExecution
{
	int64		id;
	int64		workflow_id;
	int32		version;
	char	   *workflow;		/* its name */
	bool		runnable;		/* queued or running, not already ended */
	Jsonb	   *input;
	TimestampTz started_at;		/* 0 when it never ran */
	char	   *mode;
	Oid			created_by;		/* the role that queued it */
	int			slot;			/* settings.concurrency slot, or -1 */
	bool		locked;			/* this process holds its session lock */
} ClaimedExecution;

/*
 * The executions claimed together, run one after the other in as few
 * transactions as their nodes allow.
 */
typedef struct Batch
{
	MemoryContext context;		/* survives aborts; reset per batch */
	ClaimedExecution *members;
	int			nmembers;
	int			current;		/* the member running now */
	bool		uncommitted;	/* the open transaction holds claims or work */
	TimestampTz began;			/* when the open transaction began */
} Batch;

/* State of the execution a worker is running, for its hooks. */
typedef struct DurableRun
{
	RrExecution execution;		/* first: the hooks get this pointer */
	Batch	   *batch;
	List	   *journaled;		/* JournaledStep * */
	List	   *unsaved;		/* RrStep * run since the last save */
	bool		started;		/* its running state is committed */
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

static void
slot_locktag(LOCKTAG *tag, int64 workflow_id, int slot)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) workflow_id,
						 (uint32) slot, RR_LOCKTAG_WORKFLOW_SLOT);
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
 * Take a settings.concurrency slot of the member's workflow: one of its
 * "concurrency" session locks.  False when all are taken.
 */
static bool
take_slot(ClaimedExecution *member, RrPlan *plan)
{
	int			i;

	member->slot = -1;
	if (plan->concurrency <= 0)
		return true;
	for (i = 0; i < plan->concurrency; i++)
	{
		LOCKTAG		tag;

		slot_locktag(&tag, member->workflow_id, i);
		if (LockAcquire(&tag, ExclusiveLock, true, true) != LOCKACQUIRE_NOT_AVAIL)
		{
			member->slot = i;
			return true;
		}
	}
	return false;
}

/* reporunner.max_workers_per_owner: see owner_cap */
static int	rr_max_workers_per_owner = -1;

/* Where this worker's next claim starts its walk over the owners */
static Oid	claim_cursor = InvalidOid;

/*
 * How many executions of one owner may run at once (leased, in workers)
 * before its others wait for another owner's turn: the setting, or, by
 * default (-1), one worker fewer than the database has, so that one
 * tenant's long executions never take every worker; 0 is no limit.
 */
static int
owner_cap(void)
{
	if (rr_max_workers_per_owner == 0)
		return PG_INT32_MAX;
	if (rr_max_workers_per_owner > 0)
		return rr_max_workers_per_owner;
	return Max(1, rr_workers_per_database - 1);
}

void
rr_queue_init(void)
{
	DefineCustomIntVariable("reporunner.max_workers_per_owner",
							"Most background executions of one owner running at once.",
							"-1: one fewer than reporunner.workers_per_database; 0: no limit.",
							&rr_max_workers_per_owner,
							-1,
							-1,
							1024,
							PGC_SIGHUP,
							0,
							NULL,
							NULL,
							NULL);
}

/* How long an execution held back by settings.concurrency steps aside */
#define RR_HOLD_BACK_MS			250

/*
 * The member's workflow runs as many executions as its settings allow:
 * move it aside (SQL_HOLD_BACK) for RR_HOLD_BACK_MS; it keeps its
 * priority, and its age among the others held back.
 */
static void
hold_back(ClaimedExecution *member)
{
	Oid			argtypes[2] = {INT8OID, TIMESTAMPTZOID};
	Datum		values[2];
	int			nestlevel;

	values[0] = Int64GetDatum(member->id);
	values[1] = TimestampTzGetDatum(TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
																RR_HOLD_BACK_MS));
	nestlevel = rr_store_begin();
	rr_store_run_kept(&hold_back_plan, SQL_HOLD_BACK, 2, argtypes, values,
					  NULL, SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

/* Give back a member's session lock and concurrency slot. */
static void
release_member(ClaimedExecution *member)
{
	LOCKTAG		tag;

	if (!member->locked)
		return;
	if (member->slot >= 0)
	{
		slot_locktag(&tag, member->workflow_id, member->slot);
		LockRelease(&tag, ExclusiveLock, true);
	}
	execution_locktag(&tag, member->id);
	LockRelease(&tag, ExclusiveLock, true);
	member->locked = false;
}

/*
 * The candidates of the next claim (SQL_CLAIM_CANDIDATES), as an int8[]
 * in their order, in the current memory context; and where the claim
 * after it starts its walk: after the last owner served, or from the
 * lowest again once a walk reached the end of the owners.
 */
static Datum
claim_candidates(void)
{
	Oid			argtypes[2] = {OIDOID, INT4OID};
	Datum		values[2];
	Datum	   *ids;
	int			heads = 0;
	Oid			last_head = InvalidOid;
	uint64		row;

	values[0] = ObjectIdGetDatum(claim_cursor);
	values[1] = Int32GetDatum(owner_cap());
	rr_store_run_kept(&candidates_plan, SQL_CLAIM_CANDIDATES, 2, argtypes,
					  values, NULL, SPI_OK_SELECT);
	ids = palloc(sizeof(Datum) * Max(SPI_processed, 1));
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		bool		isnull;

		ids[row] = SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull);
		if (DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3,
										&isnull)) < 1000)
		{
			heads++;
			last_head = DatumGetObjectId(SPI_getbinval(tuple,
													   SPI_tuptable->tupdesc,
													   2, &isnull));
		}
	}
	claim_cursor = heads == RR_CLAIM_BATCH ? last_head : InvalidOid;
	return PointerGetDatum(construct_array(ids, (int) SPI_processed, INT8OID,
										   sizeof(int64), FLOAT8PASSBYVAL,
										   TYPALIGN_DOUBLE));
}

/*
 * Claim a batch of runnable executions: lock up to RR_CLAIM_BATCH ready
 * queue rows, and keep those whose execution no other worker holds, with
 * a session lock on each that lasts until we release it or the process
 * ends.  Nothing of the executions' workflows is loaded here: a plan that
 * is slow to build or cannot be built concerns its own execution only
 * (run_member).  Returns the number claimed, with the claiming
 * transaction still open (run_batch goes on in it); when nothing is
 * runnable, commits and sets *next_wake to the earliest later ready time.
 */
static int
claim_batch(Batch *batch, TimestampTz *next_wake)
{
	uint64		row;
	uint64		ncandidates;
	int			nestlevel;
	Oid			candidates_type = INT8ARRAYOID;
	Datum		candidates;

	MemoryContextReset(batch->context);
	batch->nmembers = 0;
	batch->current = -1;
	begin_transaction();
	batch->began = GetCurrentTimestamp();
	nestlevel = rr_store_begin();
	rr_store_run_kept(&wake_due_plan, SQL_WAKE_DUE, 0, NULL, NULL, NULL,
					  SPI_OK_INSERT);
	candidates = claim_candidates();
	rr_store_run_kept(&claim_plan, SQL_CLAIM, 1, &candidates_type,
					  &candidates, NULL, SPI_OK_SELECT);

	ncandidates = SPI_processed;
	batch->members = MemoryContextAllocZero(batch->context,
											sizeof(ClaimedExecution) * Max(ncandidates, 1));
	for (row = 0; row < ncandidates; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		ClaimedExecution *member = &batch->members[row];
		MemoryContext old = MemoryContextSwitchTo(batch->context);
		char	   *status;
		bool		isnull;
		Datum		value;

		member->id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		member->workflow_id = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
		member->version = DatumGetInt32(SPI_getbinval(tuple, desc, 3, &isnull));
		member->workflow = SPI_getvalue(tuple, desc, 4);
		status = SPI_getvalue(tuple, desc, 5);
		member->runnable = strcmp(status, "queued") == 0 ||
			strcmp(status, "running") == 0;
		member->input = DatumGetJsonbPCopy(SPI_getbinval(tuple, desc, 6, &isnull));
		value = SPI_getbinval(tuple, desc, 7, &isnull);
		member->started_at = isnull ? 0 : DatumGetTimestampTz(value);
		member->mode = SPI_getvalue(tuple, desc, 8);
		member->created_by = DatumGetObjectId(SPI_getbinval(tuple, desc, 9, &isnull));
		member->slot = -1;
		MemoryContextSwitchTo(old);
	}

	for (row = 0; row < ncandidates; row++)
	{
		ClaimedExecution *member = &batch->members[row];
		LOCKTAG		tag;

		execution_locktag(&tag, member->id);
		if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
			continue;
		member->locked = true;
		batch->members[batch->nmembers++] = *member;
	}

	if (batch->nmembers == 0)
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

	if (batch->nmembers == 0)
		commit_transaction();
	else
		batch->uncommitted = true;
	return batch->nmembers;
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

/* Fill the first SAVE_STEPS_ARGS parameters with the run's unsaved steps. */
static void
unsaved_steps_args(DurableRun *run, Oid *argtypes, Datum *values)
{
	argtypes[0] = INT8OID;
	argtypes[1] = OIDOID;
	memcpy(&argtypes[2], rr_step_array_types, sizeof(rr_step_array_types));
	values[0] = Int64GetDatum(run->execution.id);
	/* no plan, no steps: the execution failed before its first node */
	values[1] = ObjectIdGetDatum(run->execution.plan ? run->execution.plan->owner : InvalidOid);
	rr_journal_step_arrays(run->unsaved, &values[2]);
}

/* Write the steps run since the last save, in one statement. */
static void
save_steps(DurableRun *run)
{
	Oid			argtypes[SAVE_STEPS_ARGS];
	Datum		values[SAVE_STEPS_ARGS];
	int			nestlevel;

	if (run->unsaved == NIL)
		return;
	unsaved_steps_args(run, argtypes, values);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&save_steps_plan, SQL_SAVE_STEPS, SAVE_STEPS_ARGS,
					  argtypes, values, NULL, SPI_OK_INSERT);
	rr_store_end(nestlevel);
	run->unsaved = NIL;
}

/*
 * Commit the batch's open transaction and begin the next one, in memory
 * context "context".  No other member then needs the transaction: the
 * ones that ran are done, the rest go back to the queue for any worker
 * (which is woken for them); only the current member stays claimed.
 */
static void
commit_batch(Batch *batch, MemoryContext context)
{
	bool		gave_back = false;
	int			i;

	commit_transaction();
	begin_transaction();
	/* the caller's context may have been the transaction's */
	MemoryContextSwitchTo(context);
	batch->uncommitted = false;
	batch->began = GetCurrentTimestamp();
	for (i = 0; i < batch->nmembers; i++)
	{
		if (i == batch->current || !batch->members[i].locked)
			continue;
		if (i > batch->current)
			gave_back = true;
		release_member(&batch->members[i]);
	}
	if (gave_back)
		rr_slots_wake(MyDatabaseId);
}

/*
 * Commit what the run has done so far, with its unsaved steps.  The first
 * commit of a run also records it running, by this process.  Once that is
 * committed, no other member of the batch needs this transaction: the
 * ones that ran are done, the rest go back to the queue for any worker.
 */
static void
commit_run(DurableRun *run)
{
	save_steps(run);
	if (!run->started)
	{
		Oid			argtypes[3] = {INT8OID, INT4OID, TIMESTAMPTZOID};
		Datum		values[3];
		int			nestlevel;

		values[0] = Int64GetDatum(run->execution.id);
		values[1] = Int32GetDatum(MyProcPid);
		values[2] = TimestampTzGetDatum(run->execution.started_at);
		nestlevel = rr_store_begin();
		rr_store_run_kept(&start_running_plan, SQL_START_RUNNING, 3, argtypes,
						  values, NULL, SPI_OK_UPDATE);
		rr_store_end(nestlevel);
	}
	commit_batch(run->batch, run->execution.context);
	run->started = true;
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

/*
 * adopt_step hook, called before every node: the journaled outcome of
 * the node, if any.  A node that is to run with side effects first gets a
 * transaction of its own (it may wait on the world outside, and its
 * effects commit with its step alone); so does any node after a long
 * stretch of pure ones.
 */
static RrStep *
adopt_journaled_step(RrExecution *execution, const RrPlanNode *node)
{
	DurableRun *run = (DurableRun *) execution;
	Batch	   *batch = run->batch;
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

	if (batch->uncommitted &&
		(node->handler->side_effects ||
		 TimestampDifferenceExceeds(batch->began, GetCurrentTimestamp(),
									RR_PURE_STRETCH_MS)))
		commit_run(run);
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
	DurableRun *run = (DurableRun *) execution;
	Oid			argtypes[7] = {INT8OID, TEXTOID, OIDOID, JSONBOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int			nestlevel;

	save_steps(run);
	values[0] = Int64GetDatum(execution->id);
	values[1] = CStringGetTextDatum(step->node->name);
	values[2] = ObjectIdGetDatum(execution->plan->owner);
	values[3] = JsonbPGetDatum(rr_step_outputs_jsonb(step));
	values[4] = TimestampTzGetDatum(step->started_at);
	values[5] = TimestampTzGetDatum(step->wake_at);
	if (TIMESTAMP_IS_NOEND(step->wake_at))
		nulls[5] = 'n';
	values[6] = TimestampTzGetDatum(execution->started_at);
	nestlevel = rr_store_begin();
	rr_store_run_kept(&suspend_plan, SQL_SUSPEND, 7, argtypes, values, nulls,
					  SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

/* An interrupted execution goes back into the queue, to resume. */
static void
requeue(RrExecution *execution)
{
	Oid			argtypes[2] = {INT8OID, TIMESTAMPTZOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	int			nestlevel;

	values[0] = Int64GetDatum(execution->id);
	values[1] = TimestampTzGetDatum(execution->started_at);
	nulls[1] = execution->started_at ? ' ' : 'n';
	nestlevel = rr_store_begin();
	rr_store_run_kept(&requeue_plan, SQL_REQUEUE, 2, argtypes, values, nulls,
					  SPI_OK_UPDATE);
	rr_store_end(nestlevel);
}

/*
 * step_done hook: note the node run for the journal.  Pure nodes' steps
 * are written with the next commit; a node with side effects commits at
 * once with its step, so a crash can never repeat or lose its effects.
 */
static void
journal_step(RrExecution *execution, RrStep *step)
{
	DurableRun *run = (DurableRun *) execution;

	MemoryContext old = MemoryContextSwitchTo(execution->context);

	step->attempt = Max(step->attempt, next_attempt(run, step->node));
	run->unsaved = lappend(run->unsaved, step);
	MemoryContextSwitchTo(old);
	run->batch->uncommitted = true;
	if (step->node->handler->side_effects)
		commit_run(run);
	check_canceled(run);
}

/*
 * Finish the execution with its unsaved steps: status, output or error,
 * queue row, notification.
 */
static void
finish_execution(DurableRun *run, const char *status, Jsonb *output,
				 Jsonb *error)
{
	Oid			argtypes[SAVE_STEPS_ARGS + 5];
	Datum		values[SAVE_STEPS_ARGS + 5];
	char		nulls[SAVE_STEPS_ARGS + 5];
	int			nestlevel;
	bool		finished;

	memset(nulls, ' ', sizeof(nulls));
	unsaved_steps_args(run, argtypes, values);
	argtypes[SAVE_STEPS_ARGS] = TEXTOID;
	argtypes[SAVE_STEPS_ARGS + 1] = JSONBOID;
	argtypes[SAVE_STEPS_ARGS + 2] = JSONBOID;
	argtypes[SAVE_STEPS_ARGS + 3] = TIMESTAMPTZOID;
	argtypes[SAVE_STEPS_ARGS + 4] = TIMESTAMPTZOID;
	values[SAVE_STEPS_ARGS] = CStringGetTextDatum(status);
	values[SAVE_STEPS_ARGS + 1] = output ? JsonbPGetDatum(output) : (Datum) 0;
	nulls[SAVE_STEPS_ARGS + 1] = output ? ' ' : 'n';
	values[SAVE_STEPS_ARGS + 2] = error ? JsonbPGetDatum(error) : (Datum) 0;
	nulls[SAVE_STEPS_ARGS + 2] = error ? ' ' : 'n';
	values[SAVE_STEPS_ARGS + 3] = TimestampTzGetDatum(run->execution.started_at);
	nulls[SAVE_STEPS_ARGS + 3] = run->execution.started_at ? ' ' : 'n';
	values[SAVE_STEPS_ARGS + 4] = TimestampTzGetDatum(GetCurrentTimestamp());

	nestlevel = rr_store_begin();
	rr_store_run_kept(&finish_plan, SQL_FINISH, SAVE_STEPS_ARGS + 5, argtypes,
					  values, nulls, SPI_OK_UPDATE);
	finished = SPI_processed == 1;
	rr_store_end(nestlevel);
	run->unsaved = NIL;
	if (!finished)
		return;					/* canceled meanwhile: cancel() notified */

	rr_notify_execution(run->execution.id);
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
	execution->input = member->input;
	if (execution->started_at == 0)
		execution->started_at = member->started_at;
	execution->mode = member->mode;
	execution->plan = rr_plan_get(member->workflow_id, member->version,
								  member->workflow);
	*input_items = rr_items_from_jsonb(execution->input);
	MemoryContextSwitchTo(old);
	rr_check_run_as(member->created_by, execution->plan->owner,
					member->workflow_id, member->workflow, true,
					RR_RUN_WORKER);

	/*
	 * Steps are journaled in the transactions that set started_at
	 * (commit_run, suspend, retry, requeue), or copied by retry().
	 */
	if (member->started_at != 0 || strcmp(member->mode, "retry") == 0)
	{
		Oid			argtypes[1] = {INT8OID};
		Datum		values[1];
		uint64		row;
		int			nestlevel;

		values[0] = Int64GetDatum(member->id);
		nestlevel = rr_store_begin();
		rr_store_run_kept(&load_steps_plan, SQL_LOAD_STEPS, 1, argtypes,
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
			step->retrying = strcmp(status, "retrying") == 0;
			step->waiting = strcmp(status, "waiting") == 0;
			value = SPI_getbinval(tuple, desc, 8, &isnull);
			step->wake_at = isnull ? DT_NOEND : DatumGetTimestampTz(value);
			step->status = parse_step_status(status);
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
		rr_store_end(nestlevel);
	}
}

/* Record a failed attempt and when the node runs again. */
static void
retry_later(RrExecution *execution, const RrPlanNode *node, int attempt,
			Jsonb *error, int64 delay_ms)
{
	Oid			argtypes[8] = {INT8OID, TEXTOID, OIDOID, INT4OID, JSONBOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[8];
	char		nulls[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	TimestampTz now = GetCurrentTimestamp();
	int			nestlevel;

	values[0] = Int64GetDatum(execution->id);
	values[1] = CStringGetTextDatum(node->name);
	values[2] = ObjectIdGetDatum(execution->plan->owner);
	values[3] = Int32GetDatum(attempt);
	values[4] = JsonbPGetDatum(error);
	values[5] = TimestampTzGetDatum(now);
	values[6] = TimestampTzGetDatum(TimestampTzPlusMilliseconds(now, delay_ms));
	values[7] = TimestampTzGetDatum(execution->started_at);
	nulls[7] = execution->started_at ? ' ' : 'n';
	nestlevel = rr_store_begin();
	rr_store_run_kept(&retry_later_plan, SQL_RETRY_LATER, 8, argtypes, values,
					  nulls, SPI_OK_UPDATE);
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
 * After the transaction that ran it aborted, record what became of an
 * execution that failed: interrupted, retried later, or failed.  A
 * cancel (the query cancel cancel() sends, or a stray one) of an
 * execution that is not canceled just interrupts it: it goes back into
 * the queue and resumes from its last committed step.  A node with tries
 * left runs again later; else the execution fails.  The steps that ran
 * before the failure are journaled in every case.
 */
static void
record_outcome(DurableRun *run, ErrorData *edata)
{
	RrExecution *execution = &run->execution;
	const RrPlanNode *node = execution->running;
	int64		delay_ms;
	bool		interrupted;
	Jsonb	   *error;

	begin_transaction();
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
		requeue(execution);
	}
	else if (node != NULL &&
			 rr_retry_delay(node, next_attempt(run, node), &delay_ms))
	{
		save_steps(run);
		retry_later(execution, node, next_attempt(run, node), error,
					delay_ms);
	}
	else
	{
		if (node != NULL)
		{
			RrStep	   *step = palloc0(sizeof(RrStep));

			step->node = node;
			step->status = RR_STEP_FAILED;
			step->attempt = next_attempt(run, node);
			step->error = error;
			step->started_at = step->finished_at = GetCurrentTimestamp();
			run->unsaved = lappend(run->unsaved, step);
		}
		finish_execution(run, "failed", NULL, error);
		start_error_workflow(execution, run->workflow, node, error);
	}
	commit_transaction();
}

/*
 * Record the outcome of a failed execution (record_outcome).  Nothing
 * raised on the way may stop the worker: if recording fails in turn, the
 * execution fails with an error that says so, holding only the SQLSTATE
 * and both messages (cut short), without its unsaved steps.  Only when
 * even that cannot be written does the error escape.
 */
static void
record_failure(DurableRun *run, ErrorData *edata)
{
	MemoryContext context = CurrentMemoryContext;

	PG_TRY();
	{
		record_outcome(run, edata);
	}
	PG_CATCH();
	{
		ErrorData  *recording;
		ErrorData	fallback;

		MemoryContextSwitchTo(context);
		recording = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
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
		begin_transaction();
		finish_execution(run, "failed", NULL,
						 rr_error_jsonb(run->execution.running, &fallback));
		commit_transaction();
	}
	PG_END_TRY();
}

/*
 * Run the batch's current member to its end (or its failure, or its
 * pause), in the open transaction, which may commit on the way (see
 * commit_run) and is left open.  Returns true when it had to be aborted:
 * then its failure is committed, and the members that ran before it in
 * the aborted transaction are back in the queue as if never claimed.
 */
static bool
run_member(Batch *batch)
{
	ClaimedExecution *member = &batch->members[batch->current];
	volatile bool aborted = false;
	MemoryContext context;
	DurableRun *run;
	RrExecution *execution;

	if (!member->runnable)
		return false;			/* ended (canceled) since it was queued */

	context = AllocSetContextCreate(TopMemoryContext, "reporunner execution",
									ALLOCSET_DEFAULT_SIZES);
	run = MemoryContextAllocZero(context, sizeof(DurableRun));
	execution = &run->execution;
	execution->context = context;
	execution->adopt_step = adopt_journaled_step;
	execution->step_done = journal_step;
	execution->waiting_until = journaled_wake;
	execution->suspend = suspend_execution;
	execution->id = member->id;
	run->batch = batch;
	run->workflow = member->workflow;

	PG_TRY();
	{
		List	   *input_items;
		List	   *result;

		pgstat_report_activity(STATE_RUNNING, "reporunner: running an execution");

		/*
		 * Building a plan may take long (a costly expression): not while
		 * the rest of the batch waits in this transaction.  Commit it, with
		 * this execution running (leased, so that it counts against its
		 * owner's share of the workers) and the rest given back.
		 */
		if (batch->uncommitted &&
			!rr_plan_is_cached(member->workflow_id, member->version))
		{
			execution->started_at = member->started_at != 0 ?
				member->started_at : GetCurrentTimestamp();
			commit_run(run);
		}
		load_execution(run, member, &input_items);
		if (take_slot(member, execution->plan))
		{
			result = rr_execution_run(execution, input_items);
			MemoryContextSwitchTo(context);
			if (!execution->suspended)
				finish_execution(run, "succeeded", rr_items_to_jsonb(result),
								 NULL);
		}
		else
			hold_back(member);
		batch->uncommitted = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		aborted = true;
		record_failure(run, edata);
		FreeErrorData(edata);
	}
	PG_END_TRY();

	MemoryContextDelete(context);
	return aborted;
}

/*
 * Run a claimed batch, member after member, in the claiming transaction
 * for as long as they run pure nodes only: one commit for the lot.
 * Returns true when a transaction had to be aborted on the way.
 */
static bool
run_batch(Batch *batch)
{
	bool		aborted = false;
	int			i;

	for (batch->current = 0; batch->current < batch->nmembers; batch->current++)
	{
		if (!batch->members[batch->current].locked)
			continue;			/* given back at a commit of an earlier member */
		CHECK_FOR_INTERRUPTS();
		if (run_member(batch))
		{
			aborted = true;
			break;
		}
	}
	if (!aborted)
		commit_transaction();
	for (i = 0; i < batch->nmembers; i++)
		release_member(&batch->members[i]);
	return aborted;
}

/*
 * Whether a periodic task is due: at the first call, then once every
 * interval_ms; *last holds when it last ran.
 */
static bool
due_now(TimestampTz *last, int interval_ms)
{
	TimestampTz now = GetCurrentTimestamp();

	if (*last != 0 && !TimestampDifferenceExceeds(*last, now, interval_ms))
		return false;
	*last = now;
	return true;
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

	if (rr_retention <= 0 || !due_now(&last_prune, 60 * 1000))
		return;
	begin_transaction();
	(void) rr_prune_executions(rr_retention, 1000);
	commit_transaction();
}

/*
 * A worker leases an execution (queue.lease_owner, and ready_at infinity)
 * at its first commit, so that claims skip it; the lease ends with the execution's queue row, or
 * when the execution goes back into the queue.  A worker that dies keeps
 * its lease but loses its session lock on the execution: an execution
 * whose lock is free is run by nobody, and its lease is given back.  At a
 * worker's start (after a crash, all leases are such), then every
 * RR_LEASE_CHECK_MS.
 */
static void
free_dead_leases(void)
{
	static TimestampTz last_check = 0;
	int64	   *ids;
	int32	   *owners;
	uint64		nleases;
	uint64		i;
	int			nestlevel;

	if (!due_now(&last_check, RR_LEASE_CHECK_MS))
		return;

	begin_transaction();
	nestlevel = rr_store_begin();
	rr_store_run_kept(&leases_plan, SQL_LEASES, 0, NULL, NULL, NULL,
					  SPI_OK_SELECT);
	nleases = SPI_processed;
	ids = palloc(sizeof(int64) * Max(nleases, 1));
	owners = palloc(sizeof(int32) * Max(nleases, 1));
	for (i = 0; i < nleases; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
											 SPI_tuptable->tupdesc, 1, &isnull));
		owners[i] = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
												SPI_tuptable->tupdesc, 2, &isnull));
	}
	for (i = 0; i < nleases; i++)
	{
		Oid			argtypes[2] = {INT8OID, INT4OID};
		Datum		values[2];
		LOCKTAG		tag;

		execution_locktag(&tag, ids[i]);
		if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
			continue;			/* a live worker runs it */
		LockRelease(&tag, ExclusiveLock, true);

		/*
		 * Nobody runs it; a worker that claims it from now on leases it
		 * again only after its first commit, so the old lease is still
		 * the one to free.
		 */
		values[0] = Int64GetDatum(ids[i]);
		values[1] = Int32GetDatum(owners[i]);
		rr_store_run_kept(&free_lease_plan, SQL_FREE_LEASE, 2, argtypes,
						  values, NULL, SPI_OK_UPDATE);
	}
	rr_store_end(nestlevel);
	commit_transaction();
}

/* Drop the kept plans once every RR_REPLAN_MS (see kept_plans). */
static void
replan_now_and_then(void)
{
	static TimestampTz last_planned = 0;
	int			i;

	/* at the first call there is nothing planned yet: nothing to drop */
	if (!due_now(&last_planned, RR_REPLAN_MS))
		return;
	for (i = 0; i < lengthof(kept_plans); i++)
	{
		if (*kept_plans[i] == NULL)
			continue;
		SPI_freeplan(*kept_plans[i]);
		*kept_plans[i] = NULL;
	}
}

bool
rr_queue_work(int max_ms, TimestampTz *next_wake)
{
	static Batch batch;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   max_ms);

	if (batch.context == NULL)
		batch.context = AllocSetContextCreate(TopMemoryContext,
											  "reporunner claimed batch",
											  ALLOCSET_DEFAULT_SIZES);
	*next_wake = 0;
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		replan_now_and_then();
		free_dead_leases();
		if (claim_batch(&batch, next_wake) == 0)
		{
			prune_now_and_then();
			return false;
		}

		/*
		 * An aborted transaction released the worker's session lock on the
		 * extension (src/worker): end the call, so the worker takes it
		 * again before going on.
		 */
		if (run_batch(&batch) || GetCurrentTimestamp() >= deadline)
			return true;
	}
}
