/*-------------------------------------------------------------------------
 *
 * batch.h
 *		The executions a worker claimed together, between the queue
 *		(src/engine/queue.c, which claims them and owns the transaction
 *		they run in) and their durable runs (src/engine/durable_run.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_BATCH_H
#define RR_BATCH_H

#include "postgres.h"

#include "access/xact.h"
#include "catalog/plan.h"
#include "datatype/timestamp.h"
#include "engine/executor.h"
#include "utils/jsonb.h"
#include "utils/snapmgr.h"

/* An execution this worker claimed, as the claim read it. */
typedef struct ClaimedExecution
{
	int64		id;
	int64		workflow_id;
	int32		version;
	char	   *workflow;		/* its name */
	bool		runnable;		/* queued or running, not already ended */
	Jsonb	   *input;
	bytea	   *input_rows;		/* a statement's rows not yet made items, or
								 * NULL (src/engine/packed_rows.c) */
	TimestampTz started_at;		/* 0 when it never ran */
	char	   *mode;
	Oid			created_by;		/* the role that queued it */
	Oid			owner;			/* the owner of its workflow */
	int			call_level;		/* execution.call_level, 1 when NULL */
	int			slot;			/* settings.concurrency slot, or -1 */
	int			owner_slot;		/* its owner's worker slot, taken before it
								 * is first marked running, or -1 */
	bool		locked;			/* this process holds its session lock */
	RrExecution *parked;		/* its run, stopped to go on in this process
								 * (src/engine/rounds.c); kept claimed
								 * across commits; else NULL */
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
	bool		in_subtransactions; /* members go on in subtransactions of
									 * it, which stop rather than commit */
	bool		parked_any;		/* a member parked: the next claim takes
								 * more (queue.c) */
	bool		committed_midway;	/* a member needed a commit before the
									 * batch's end: the next claim takes
									 * fewer (queue.c) */
	TimestampTz began;			/* when the open transaction began */
} Batch;

/*
 * An execution that has run pure nodes in the open transaction for this
 * long (since the transaction began, or since it began to run, when that
 * was later) commits at the next node, so a long execution shows as
 * running and frees the rest of its batch for other workers.
 */
#define RR_PURE_STRETCH_MS		50

/* A worker's transactions, with a snapshot for its statements. */
static inline void
rr_batch_begin_transaction(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
}

static inline void
rr_batch_commit_transaction(void)
{
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/*
 * Commit the batch's open transaction and begin the next one, in memory
 * context "context"; only the current member stays claimed, the others
 * go back to the queue (src/engine/queue.c).
 */
extern void rr_batch_commit(Batch *batch, MemoryContext context);

/* Release the members that are not parked: they are done (queue.c). */
extern void rr_batch_release_done(Batch *batch);

/*
 * Take a settings.concurrency slot of the member's workflow (plan): false
 * when all are taken; then rr_batch_hold_back moves the member aside.
 */
extern bool rr_batch_take_slot(ClaimedExecution *member, RrPlan *plan);
extern void rr_batch_hold_back(ClaimedExecution *member);

/* Give back the member's settings.concurrency slot: its run has ended. */
extern void rr_batch_free_slot(ClaimedExecution *member);

/*
 * Take a worker slot of the member's owner (reporunner.max_workers_per_owner)
 * before it is first marked running: false when other workers hold them
 * all; then rr_batch_hold_back moves the member aside.
 */
extern bool rr_batch_take_owner_slot(ClaimedExecution *member);

/*
 * Run the batch's current member to its end, failure or pause, in the open
 * transaction, which it may commit on the way; true when it had to be
 * aborted (src/engine/durable_run.c).
 */
extern bool rr_durable_run_member(Batch *batch);

/*
 * Carry the current member, parked with its deferred work done, on in a
 * subtransaction of the open transaction; its failure is recorded there
 * (src/engine/durable_run.c).
 */
extern void rr_durable_resume_member(Batch *batch);

/*
 * Forget a parked member's run; with interrupted, record in the open
 * transaction that it goes back to the queue (unless it was canceled).
 */
extern void rr_durable_drop_member(ClaimedExecution *member, bool interrupted);

/*
 * Carry the batch's parked members on until none is parked: commit, do
 * their deferred work at once with no transaction open, go on with them
 * in one transaction, then with those that stopped for a commit; true
 * when a transaction had to be aborted on the way (src/engine/rounds.c).
 */
extern bool rr_rounds_run(Batch *batch);

/* Drop durable_run.c's kept plans, to be planned afresh. */
extern void rr_durable_forget_plans(void);

#endif							/* RR_BATCH_H */
